package layout

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// embeddedFS returns a writable copy of the embedded form definitions.
func embeddedFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(embedded, "forms", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(embedded, path)
		if err != nil {
			return err
		}
		m[strings.TrimPrefix(path, "forms/")] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadEmbedded(t *testing.T) {
	c, err := Load(embeddedFS(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(c.Forms()), 3; got != want {
		t.Errorf("%d forms, want %d", got, want)
	}
	if got, want := c.ReferenceDate, "2006-06-30"; got != want {
		t.Errorf("ReferenceDate = %q, want %q", got, want)
	}
}

// TestLoadRejects breaks one definition at a time; Load must fail loudly.
func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 error
	}{
		{"blank removed from template", "Q1.paper", "[Q1.1.1.a:8]", "", ErrInvalidCatalog},
		{"blank printed twice", "Q1.paper", "b．单位性质[Q1.1.1.b:8]", "b．单位性质[Q1.1.1.b:8][Q1.1.1.b:8]", ErrInvalidCatalog},
		{"unknown field in template", "Q1.paper", "[Q1.1.1.a:8]", "[Q1.1.1.a:8][Q1.99:3]", ErrInvalidCatalog},
		{"field of another form", "Q1.paper", "[Q1.1.1.a:8]", "[Q1.1.1.a:8][Q2.1.1.a:8]", ErrInvalidCatalog},
		{"box for a non-tick field", "Q1.paper", "[Q1.1.1.a:8]", "（[Q1.1.1.a=1]）", ErrInvalidCatalog},
		{"blank for a tick field", "Q1.paper", "[Q1.1.other:30]", "[Q1.1.other:30][Q1.3:2]", ErrInvalidCatalog},
		{"box missing", "Q1.paper", "（2）否（[Q1.3=2]）", "（2）否", ErrInvalidCatalog},
		{"box for a text-selected option", "Q1.paper", "（3）其他（请说明）", "（3）其他（请说明）（[Q1.1=3]）", ErrInvalidCatalog},
		{"table not printed", "Q3.paper", "@table T2", "", ErrInvalidCatalog},
		{"unknown table", "Q3.paper", "@table T2", "@table T2\n@table T9", ErrInvalidCatalog},
		{"template syntax", "Q1.paper", "[Q1.1.1.a:8]", "[Q1.1.1.a:8", ErrSyntax},
		{"unknown type", "Q1.yaml", "type: date\n  when: Q1.1 == 1\n  required: true\n  precision: month\n- id: Q1.1.1.b\n", "type: datum\n  when: Q1.1 == 1\n  required: true\n  precision: month\n- id: Q1.1.1.b\n", ErrUnknownType},
		{"reserved type yesno", "Q1.yaml", "type: date\n  when: Q1.1 == 1\n  required: true\n  precision: month\n- id: Q1.1.1.b\n", "type: yesno\n  when: Q1.1 == 1\n  required: true\n- id: Q1.1.1.b\n", ErrUnknownType},
		{"unknown key", "Q1.yaml", "  required: true\n  precision: month\n", "  required: true\n  precison: month\n", ErrInvalidCatalog},
		{"required missing", "Q1.yaml", "  when: Q1.1.1.b == 4\n  required: true\n", "  when: Q1.1.1.b == 4\n", ErrInvalidCatalog},
		{"condition syntax", "Q1.yaml", "when: Q1.1.1.b == 4", "when: Q1.1.1.b = 4", ErrSyntax},
		{"condition operator unknown", "Q1.yaml", "when: Q1.1.1.b == 4", "when: Q1.1.1.b != 4", ErrSyntax},
		{"condition names unknown field", "Q1.yaml", "when: Q1.1.1.b == 4", "when: Q1.1.1.z == 4", ErrInvalidCatalog},
		{"condition names a non-option", "Q1.yaml", "when: Q1.1.1.b == 4", "when: Q1.1.1.b == 9", ErrInvalidCatalog},
		{"has on a code field", "Q1.yaml", "when: Q1.1.1.b == 4", "when: Q1.1.1.b has 4", ErrInvalidCatalog},
		{"check that is a condition", "Q1.yaml", "check: Q1.4.b2 <= Q1.4.b1", "check: Q1.1 == 1", ErrInvalidCatalog},
		{"check on text", "Q1.yaml", "check: Q1.4.b2 <= Q1.4.b1", "check: Q1.4.b2 <= Q1.4.b6", ErrInvalidCatalog},
		{"duplicate id", "Q1.yaml", "- id: Q1.1.1.b.other\n", "- id: Q1.1.1.b\n", ErrInvalidCatalog},
		{"options on int", "Q1.yaml", "  type: int\n  when: Q1.1 == 1\n", "  type: int\n  options:\n    1: x\n  when: Q1.1 == 1\n", ErrInvalidCatalog},
		{"exclusive not an option", "Q1.yaml", "exclusive: [3]", "exclusive: [4]", ErrInvalidCatalog},
		{"decimal unit unknown", "Q1.yaml", "  unit: 万元\n", "  unit: 斤\n", ErrInvalidCatalog},
		{"level fills unknown form", "catalog.yaml", "forms: [Q1, Q3]", "forms: [Q1, Q4]", ErrInvalidCatalog},
		{"respondent without level", "catalog.yaml", "forms: [Q2, Q3]\n  prefecture", "forms: [Q3]\n  prefecture", ErrInvalidCatalog},
		{"table row out of order", "Q3.yaml", "  - row: 2\n", "  - row: 3\n", ErrInvalidCatalog},
		{"table column scheme", "Q3.yaml", "scheme: roman", "scheme: greek", ErrInvalidCatalog},
		{"cell field outside its row", "Q3.yaml", "  - id: Q3.T1.{col}.2\n", "  - id: Q3.T1.{col}.9\n", ErrInvalidCatalog},
		{"{col} outside a table", "Q3.yaml", "- id: Q3.city\n", "- id: Q3.{col}\n", ErrInvalidCatalog},
		{"condition on another column's table", "Q3.yaml", "when: Q3.T2.{col}.8 has 3", "when: Q3.T1.{col}.17 has 3", ErrInvalidCatalog},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := embeddedFS(t)
			f, ok := m[tc.file]
			if !ok {
				t.Fatalf("no file %s", tc.file)
			}
			s := string(f.Data)
			if !strings.Contains(s, tc.old) {
				t.Fatalf("%s does not contain %q", tc.file, tc.old)
			}
			m[tc.file] = &fstest.MapFile{Data: []byte(strings.Replace(s, tc.old, tc.new, 1))}
			_, err := Load(m)
			if !errors.Is(err, tc.want) {
				t.Errorf("Load error = %v, want %v", err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "layout: ") {
				t.Errorf("error %q lacks the layout: prefix", err)
			}
			if err != nil && strings.Count(err.Error(), "layout:") != 1 {
				t.Errorf("error %q repeats the prefix", err)
			}
		})
	}
}

func TestLoadMissingFiles(t *testing.T) {
	for _, name := range []string{"catalog.yaml", "Q2.yaml", "Q2.paper", "cover.paper"} {
		t.Run(name, func(t *testing.T) {
			m := embeddedFS(t)
			delete(m, name)
			if _, err := Load(m); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Load without %s: error = %v, want fs.ErrNotExist", name, err)
			}
		})
	}
}

func TestCatalogLookups(t *testing.T) {
	c := Default()
	t.Run("forms for level", func(t *testing.T) {
		tests := []struct {
			level Level
			want  string
		}{
			{LevelProvince, "Q1 Q3"}, {LevelMunicipality, "Q2 Q3"}, {LevelPrefecture, "Q2 Q3"},
		}
		for _, tc := range tests {
			forms, err := c.FormsForLevel(tc.level)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range forms {
				ids = append(ids, f.ID)
			}
			if got := strings.Join(ids, " "); got != tc.want {
				t.Errorf("FormsForLevel(%s) = %s, want %s", tc.level, got, tc.want)
			}
		}
		if _, err := c.FormsForLevel("county"); !errors.Is(err, ErrNotFound) {
			t.Errorf("FormsForLevel(county) error = %v, want ErrNotFound", err)
		}
	})
	t.Run("field", func(t *testing.T) {
		tests := []struct {
			id, wantID, wantWhen, wantQuestion string
		}{
			{"Q1.1.1.a", "Q1.1.1.a", "Q1.1 == 1", "第1题"},
			{"Q3.region_code", "Q3.region_code", "", "表头"},
			{"Q3.T1.B.13.version", "Q3.T1.B.13.version", "Q3.T1.B.13 in [1, 2]", "表1 系统B 第13栏"},
			{"Q3.T1.AA.7", "Q3.T1.AA.7", "Q3.T1.AA.6 in [3, 4, 5]", "表1 系统AA 第7栏"},
			{"Q3.T2.IV.6", "Q3.T2.IV.6", "", "表2 系统Ⅳ 第6栏"},
			{"Q3.T2.{col}.9.other", "Q3.T2.{col}.9.other", `Q3.T2.{col}.9 has "5"`, "表2 第9栏"},
		}
		for _, tc := range tests {
			f, err := c.Field(tc.id)
			if err != nil {
				t.Fatalf("Field(%s): %v", tc.id, err)
			}
			when := ""
			if f.When != nil {
				when = f.When.String()
			}
			if f.ID != tc.wantID || when != tc.wantWhen || f.Question() != tc.wantQuestion {
				t.Errorf("Field(%s) = %s when %q question %q, want %s when %q question %q", tc.id, f.ID, when, f.Question(), tc.wantID, tc.wantWhen, tc.wantQuestion)
			}
		}
		for _, id := range []string{"Q1.99", "Q3.T1.b.1", "Q3.T1.B.23", "Q3.T2.B.1", "Q3.T2.IIII.1", "Q3.T1.B", "", "Q4.1"} {
			if _, err := c.Field(id); !errors.Is(err, ErrNotFound) {
				t.Errorf("Field(%q) error = %v, want ErrNotFound", id, err)
			}
		}
	})
	t.Run("bound field keeps its row", func(t *testing.T) {
		f, _ := c.Field("Q3.T1.C.3.other")
		if got, want := f.When.Refs(), []string{"Q3.T1.C.3"}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("refs %v, want %v", got, want)
		}
		tpl, _ := c.Field("Q3.T1.{col}.3.other")
		if !tpl.IsTemplate() || f.IsTemplate() {
			t.Errorf("IsTemplate: template %v, bound %v", tpl.IsTemplate(), f.IsTemplate())
		}
		if got, want := tpl.Bind("D").ID, "Q3.T1.D.3.other"; got != want {
			t.Errorf("Bind(D) = %s, want %s", got, want)
		}
		if got, want := f.Bind("E").ID, "Q3.T1.E.3.other"; got != want {
			t.Errorf("rebinding = %s, want %s", got, want)
		}
	})
	t.Run("unknown form", func(t *testing.T) {
		if _, err := c.Form("Q9"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Form(Q9) error = %v", err)
		}
		if _, err := c.Paper("Q9"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Paper(Q9) error = %v", err)
		}
		if _, err := c.Table("T9"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Table(T9) error = %v", err)
		}
	})
	t.Run("paper is a copy", func(t *testing.T) {
		p, _ := Paper("Q1")
		p[0].Kind = LineTable
		q, _ := Paper("Q1")
		if q[0].Kind == LineTable {
			t.Error("Paper returned the catalog's own slice")
		}
	})
}

func TestExportFields(t *testing.T) {
	c := Default()
	q3, _ := c.Form("Q3")
	fields := q3.ExportFields(map[string][]string{"T1": {"A", "B"}, "T2": {"I"}})
	var ids []string
	for _, f := range fields {
		ids = append(ids, f.ID)
	}
	// header, then T1 column A rows 1–22 (with parts), column B, then T2 column I.
	if got, want := ids[0]+" "+ids[1]+" "+ids[2], "Q3.province Q3.city Q3.region_code"; got != want {
		t.Errorf("first ids %s, want %s", got, want)
	}
	if got, want := ids[3], "Q3.T1.A.1"; got != want {
		t.Errorf("ids[3] = %s, want %s", got, want)
	}
	idx := func(id string) int {
		for i, x := range ids {
			if x == id {
				return i
			}
		}
		t.Fatalf("%s not exported", id)
		return -1
	}
	if !(idx("Q3.T1.A.3") < idx("Q3.T1.A.3.other") && idx("Q3.T1.A.3.other") < idx("Q3.T1.A.4") &&
		idx("Q3.T1.A.22") < idx("Q3.T1.B.1") && idx("Q3.T1.B.22") < idx("Q3.T2.I.1")) {
		t.Errorf("export order wrong: %v", ids)
	}
	perCol := 0
	for _, r := range q3.Tables[0].Rows {
		perCol += len(r.Fields)
	}
	perColT2 := 0
	for _, r := range q3.Tables[1].Rows {
		perColT2 += len(r.Fields)
	}
	if got, want := len(ids), 3+2*perCol+perColT2; got != want {
		t.Errorf("%d fields, want %d", got, want)
	}
	all := c.ExportFields(nil)
	if got, want := all[0].ID, "Q1.1"; got != want {
		t.Errorf("catalog export starts with %s, want %s", got, want)
	}
	if got, want := all[len(all)-1].ID, "Q3.region_code"; got != want {
		t.Errorf("catalog export without columns ends with %s, want %s", got, want)
	}
}
