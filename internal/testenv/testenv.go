// Package testenv gives integration tests the real services papergate runs against:
// a MinIO server started for the test binary and a fresh PostgreSQL database per test.
// When a service is missing, the helpers fail the test with a message saying how to
// provide it; they never skip.
//
// A package whose tests use MinIO should stop the shared server when its tests end:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		testenv.Shutdown()
//		os.Exit(code)
//	}
//
// On Linux the server also dies with the test binary, even if Shutdown is never
// reached (a panic, a timeout, a kill).
package testenv

import (
	"crypto/rand"
	"encoding/hex"
)

// randHex returns 2n random hex digits.
func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
