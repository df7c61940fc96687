// Package archtest checks that the dependency direction stated in the README's
// "Project structure" section holds: layout <- review <- {ocr, storage/*, web} <- cmd,
// adapters never import each other, and each outside dependency stays in its package.
package archtest

import (
	"encoding/json"
	"io"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing"
)

// rule says what a package (or a tree, with a trailing "/...") may import besides the
// standard library: papergate packages and outside modules, as path prefixes.
type rule struct {
	pkg   string
	allow []string
}

// rules, most specific first. Outside modules are named by module path.
var rules = []rule{
	{"papergate/layout/synth", []string{"papergate/layout", "papergate/internal/cjkfont", "golang.org/x/image"}},
	{"papergate/layout", []string{"gopkg.in/yaml.v3"}},
	{"papergate/review", []string{"papergate/layout", "golang.org/x/crypto/bcrypt"}},
	{"papergate/ocr/split", []string{"papergate/review", "github.com/pdfcpu/pdfcpu", "golang.org/x/image"}},
	{"papergate/ocr", []string{"papergate/review", "papergate/layout", "papergate/ocr/split", "papergate/internal/cjkfont", "github.com/otiai10/gosseract", "golang.org/x/image"}},
	{"papergate/storage/localstore", []string{"papergate/review"}},
	{"papergate/storage/s3store", []string{"papergate/review", "github.com/minio/minio-go"}},
	{"papergate/storage/sqlstore", []string{"papergate/review", "papergate/layout", "github.com/jackc/pgx", "github.com/riverqueue/river", "modernc.org/sqlite"}},
	{"papergate/storage/exportdb", []string{"papergate/review", "papergate/layout", "github.com/jackc/pgx"}},
	{"papergate/storage/exportfile", []string{"papergate/review", "papergate/layout", "github.com/xuri/excelize"}},
	{"papergate/storage/objtest", []string{"papergate/review"}},
	{"papergate/web", []string{"papergate/review", "papergate/layout", "github.com/gin-gonic/gin", "golang.org/x/time"}},
	{"papergate/internal/testenv", []string{"github.com/jackc/pgx"}},
	{"papergate/internal/testpdf", []string{"github.com/pdfcpu/pdfcpu"}},
	{"papergate/internal/testcorpus", []string{"papergate/layout"}},
	{"papergate/internal/archtest", nil},
	{"papergate/internal/cjkfont", []string{"golang.org/x/image"}},
	{"papergate/cmd/papergate", []string{"papergate/", "github.com/", "golang.org/x/"}},
}

type goPackage struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

// packages lists papergate's packages with their non-test imports.
func packages(t *testing.T) []goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "papergate/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []goPackage
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func isStandard(imp string) bool {
	first := strings.SplitN(imp, "/", 2)[0]
	return !strings.Contains(first, ".") && first != "papergate"
}

func ruleFor(pkg string) (rule, bool) {
	for _, r := range rules {
		if pkg == r.pkg {
			return r, true
		}
	}
	return rule{}, false
}

func TestDependencyDirection(t *testing.T) {
	pkgs := packages(t)
	if len(pkgs) < 8 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		r, ok := ruleFor(p.ImportPath)
		if !ok {
			t.Errorf("%s has no dependency rule: add it to the rules here and to the README's Project structure", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if isStandard(imp) || imp == p.ImportPath {
				continue
			}
			allowed := false
			for _, a := range r.allow {
				if imp == a || strings.HasPrefix(imp, strings.TrimSuffix(a, "/")+"/") || (strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a)) {
					allowed = true
				}
			}
			if !allowed {
				t.Errorf("%s imports %s, which the dependency direction forbids", p.ImportPath, imp)
			}
		}
	}
}

// TestTestHelpersStayInTests: internal/testenv and internal/testpdf are for tests;
// no program code may import them.
func TestTestHelpersStayInTests(t *testing.T) {
	for _, p := range packages(t) {
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "papergate/internal/test") && !strings.HasPrefix(p.ImportPath, "papergate/internal/test") {
				t.Errorf("%s imports the test helper %s outside its tests", p.ImportPath, imp)
			}
		}
	}
}

// TestAdaptersIndependent: no adapter imports another (storage/*, ocr, web).
func TestAdaptersIndependent(t *testing.T) {
	adapter := func(p string) string {
		switch {
		case strings.HasPrefix(p, "papergate/storage/"):
			return p
		case p == "papergate/web", p == "papergate/ocr":
			return p
		}
		return ""
	}
	var bad []string
	for _, p := range packages(t) {
		if adapter(p.ImportPath) == "" {
			continue
		}
		for _, imp := range p.Imports {
			if a := adapter(imp); a != "" && a != p.ImportPath && path.Dir(imp) != p.ImportPath {
				bad = append(bad, p.ImportPath+" -> "+imp)
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("adapter imports adapter: %s", b)
	}
}
