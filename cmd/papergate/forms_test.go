package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update if the change is intended)", path)
	}
}

func runMain(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

func TestFormsCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"text", []string{"forms"}, "forms.txt"},
		{"json", []string{"forms", "--json"}, "forms.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMain(tc.args...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			golden(t, tc.golden, []byte(stdout))
		})
	}
}

func TestFormsJSONShape(t *testing.T) {
	code, stdout, _ := runMain("forms", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc formsJSON
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	fields := map[string]fieldJSON{}
	for _, f := range doc.Forms {
		ids = append(ids, f.ID)
		for _, fl := range f.Fields {
			fields[fl.ID] = fl
		}
	}
	if got, want := strings.Join(ids, " "), "Q1 Q2 Q3"; got != want {
		t.Errorf("forms %s, want %s", got, want)
	}
	row, ok := fields["Q3.T1.{col}.13.version"]
	if !ok {
		t.Fatal("table row field Q3.T1.{col}.13.version missing: rows keep {col}")
	}
	if row.When == nil || *row.When != "Q3.T1.{col}.13 in [1, 2]" || !row.Required || row.Type != "text" {
		t.Errorf("row field = %+v", row)
	}
	tick := fields["Q1.1"]
	if got, want := len(tick.Options), 3; got != want || tick.Options[2].Label != "其他（请说明）" || tick.When != nil {
		t.Errorf("Q1.1 = %+v", tick)
	}
}

func TestFormsUsage(t *testing.T) {
	for _, args := range [][]string{{"forms", "extra"}, {"forms", "--yaml"}} {
		code, stdout, stderr := runMain(args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, "papergate forms") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and a usage error", args, code, stdout, stderr)
		}
	}
}
