package cjkfont

import (
	"testing"

	"golang.org/x/image/font/sfnt"
)

// TestLoad parses every collection member papergate uses; the fonts come from
// scripts/setup.sh (fonts-arphic-uming, fonts-arphic-ukai, fonts-wqy-zenhei).
func TestLoad(t *testing.T) {
	tests := []struct {
		file  string
		index int
		pkg   string
	}{
		{"uming.ttc", 0, "fonts-arphic-uming"},
		{"ukai.ttc", 0, "fonts-arphic-ukai"},
		{"wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := Find(Dirs, tc.file)
			if path == "" {
				t.Fatalf("%s not found in %v: install %s (scripts/setup.sh does)", tc.file, Dirs, tc.pkg)
			}
			f, err := Load(path, tc.index)
			if err != nil {
				t.Fatal(err)
			}
			var buf sfnt.Buffer
			gi, err := f.GlyphIndex(&buf, '普')
			if err != nil || gi == 0 {
				t.Errorf("no glyph for 普 in %s: %v", path, err)
			}
		})
	}
	if _, err := Parse([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x02"), 0); err == nil {
		t.Error("a truncated collection parsed")
	}
}
