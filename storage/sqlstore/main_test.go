package sqlstore

import (
	"os"
	"testing"

	"papergate/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.Shutdown()
	os.Exit(code)
}
