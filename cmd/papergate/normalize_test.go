package main

import (
	"strings"
	"testing"
)

func TestNormalizeCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderrPart string
	}{
		{"code", []string{"normalize", "code", "③"}, 0, "3\n", ""},
		{"codes", []string{"normalize", "codes", "⑤、①"}, 0, "[1,5]\n", ""},
		{"int", []string{"normalize", "int", "３.５万"}, 0, "35000\n", ""},
		{"decimal with unit", []string{"normalize", "--unit", "万元", "decimal", "1.2亿元"}, 0, "12000\n", ""},
		{"decimal bare", []string{"normalize", "decimal", "1,250.5"}, 0, "1250.5\n", ""},
		{"field id brings its unit", []string{"normalize", "Q1.14.2", "350000元"}, 0, "35\n", ""},
		{"table cell id", []string{"normalize", "Q3.T1.B.4", "120万"}, 0, "120\n", ""},
		{"date", []string{"normalize", "date", "二〇〇六年底"}, 0, "\"2006\"\n", ""},
		{"url keeps &", []string{"normalize", "url", "WWW.A.CN/x?a=1&b=2"}, 0, "\"www.a.cn/x?a=1&b=2\"\n", ""},
		{"links", []string{"normalize", "links", "B、Ⅱ、①③"}, 0, "[\"1\",\"3\",\"B\",\"II\"]\n", ""},
		{"blank is null", []string{"normalize", "phone", "—"}, 0, "null\n", ""},
		{"second number noted", []string{"normalize", "phone", "010-84201087、84201688"}, 0, "\"010-84201087\"\n", "kept the first"},
		{"dash-leading text after --", []string{"normalize", "--", "int", "-5"}, 0, "-5\n", ""},
		{"not normalizable", []string{"normalize", "int", "若干"}, 1, "", "cannot normalize"},
		{"unknown type", []string{"normalize", "float", "1"}, 2, "", "neither a value type nor a field id"},
		{"row template is not a field", []string{"normalize", "Q3.T1.{col}.4", "1"}, 2, "", "neither"},
		{"unit with field id", []string{"normalize", "--unit", "元", "Q1.14.2", "1"}, 2, "", "--unit"},
		{"bad unit", []string{"normalize", "--unit", "斤", "decimal", "1"}, 1, "", "cannot normalize"},
		{"missing text", []string{"normalize", "int"}, 2, "", "want TYPE and TEXT"},
		{"too many", []string{"normalize", "int", "1", "2"}, 2, "", "want TYPE and TEXT"},
		{"bad flag", []string{"normalize", "--precise", "int", "1"}, 2, "", "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMain(tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if stdout != tc.stdout {
				t.Errorf("stdout %q, want %q", stdout, tc.stdout)
			}
			if tc.stderrPart == "" && stderr != "" {
				t.Errorf("unexpected stderr %q", stderr)
			}
			if !strings.Contains(stderr, tc.stderrPart) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.stderrPart)
			}
			if tc.code != 0 && strings.Count(strings.TrimSpace(stderr), "\n") > 0 && tc.code == 1 {
				t.Errorf("error is not one line: %q", stderr)
			}
		})
	}
}
