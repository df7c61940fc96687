package synth

import (
	"fmt"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"papergate/internal/cjkfont"
)

// fontRole is what a font is used for on the page.
type fontRole int

const (
	roleSong fontRole = iota // printed text (a Song/Ming face)
	roleHei                  // headings, seals, some typed values (a bold sans face)
	roleKai                  // hand-like writing (a Kai face)
	numRoles
)

// fontCandidate is one place a font may be installed and the Debian package that installs it.
type fontCandidate struct {
	file  string // file name, searched in Options.FontDir, then cjkfont.Dirs
	index int    // font index inside a .ttc collection
	pkg   string // Debian package
}

// roleFonts lists, per role, the fonts tried in order.
var roleFonts = [numRoles][]fontCandidate{
	roleSong: {{"uming.ttc", 0, "fonts-arphic-uming"}, {"wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"}},
	roleHei:  {{"wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"}, {"uming.ttc", 0, "fonts-arphic-uming"}},
	roleKai:  {{"ukai.ttc", 0, "fonts-arphic-ukai"}},
}

// fontSet holds the parsed faces a Generator draws with. It is read-only after
// loadFonts and safe for concurrent use (each renderer keeps its own sfnt.Buffer).
type fontSet struct {
	faces [numRoles]*sfnt.Font
	upem  [numRoles]float64
}

// loadFonts finds and parses one font per role. extraDir, if not empty, is searched first.
func loadFonts(extraDir string) (*fontSet, error) {
	dirs := cjkfont.Dirs
	if extraDir != "" {
		dirs = append([]string{extraDir}, dirs...)
	}
	return loadFontsFrom(dirs)
}

// loadFontsFrom finds the fonts in dirs only.
func loadFontsFrom(dirs []string) (*fontSet, error) {
	fs := &fontSet{}
	parsed := map[string]*sfnt.Font{} // one parse per file+index, shared between roles
	for role := range numRoles {
		var tried []string
		for _, c := range roleFonts[role] {
			key := fmt.Sprintf("%s#%d", c.file, c.index)
			if f, ok := parsed[key]; ok {
				fs.faces[role] = f
				break
			}
			path := cjkfont.Find(dirs, c.file)
			if path == "" {
				tried = append(tried, fmt.Sprintf("%s (Debian package %s)", c.file, c.pkg))
				continue
			}
			f, err := cjkfont.Load(path, c.index)
			if err != nil {
				return nil, fmt.Errorf("synth: font %s: %w", path, err)
			}
			parsed[key] = f
			fs.faces[role] = f
			break
		}
		if fs.faces[role] == nil {
			return nil, fmt.Errorf("synth: no font found for %s: looked for %v in %v; install it with `apt-get install -y %s`",
				roleName(role), tried, dirs, roleFonts[role][0].pkg)
		}
		fs.upem[role] = float64(fs.faces[role].UnitsPerEm())
	}
	return fs, nil
}

func roleName(r fontRole) string {
	switch r {
	case roleSong:
		return "printed text (Song/Ming)"
	case roleHei:
		return "headings (Hei)"
	default:
		return "hand-like writing (Kai)"
	}
}

// seg is one outline segment in em units (1 = the em square), +y down.
type seg struct {
	op  sfnt.SegmentOp
	pts [3][2]float32
}

// glyph is a rune's outline in one role's face, in em units.
type glyph struct {
	segs    []seg
	advance float64 // em units; a rune no face has is drawn as nothing
}

// glyphSource loads and caches outlines. One per renderer; not safe for concurrent use.
type glyphSource struct {
	fs    *fontSet
	buf   sfnt.Buffer
	cache map[glyphKey]*glyph
}

type glyphKey struct {
	role fontRole
	r    rune
}

func newGlyphSource(fs *fontSet) *glyphSource {
	return &glyphSource{fs: fs, cache: make(map[glyphKey]*glyph, 1024)}
}

// get returns the outline of r in role's face, falling back to the other faces.
func (g *glyphSource) get(role fontRole, r rune) *glyph {
	k := glyphKey{role, r}
	if gl, ok := g.cache[k]; ok {
		return gl
	}
	gl := g.load(role, r)
	if gl == nil {
		for alt := range numRoles {
			if alt != role {
				if gl = g.load(alt, r); gl != nil {
					break
				}
			}
		}
	}
	if gl == nil {
		gl = &glyph{advance: 0.5}
		if r >= 0x2E80 {
			gl.advance = 1
		}
	}
	g.cache[k] = gl
	return gl
}

func (g *glyphSource) load(role fontRole, r rune) *glyph {
	f := g.fs.faces[role]
	upem := g.fs.upem[role]
	gi, err := f.GlyphIndex(&g.buf, r)
	if err != nil || gi == 0 {
		return nil
	}
	ppem := fixed.Int26_6(upem * 64)
	adv, err := f.GlyphAdvance(&g.buf, gi, ppem, font.HintingNone)
	if err != nil {
		return nil
	}
	segs, err := f.LoadGlyph(&g.buf, gi, ppem, nil)
	if err != nil {
		return nil
	}
	gl := &glyph{advance: float64(adv) / 64 / upem, segs: make([]seg, len(segs))}
	for i, s := range segs {
		gl.segs[i].op = s.Op
		for j := range 3 {
			gl.segs[i].pts[j] = [2]float32{float32(float64(s.Args[j].X) / 64 / upem), float32(float64(s.Args[j].Y) / 64 / upem)}
		}
	}
	return gl
}

// advance returns the advance width of r in role's face, in em units.
func (g *glyphSource) advance(role fontRole, r rune) float64 {
	return g.get(role, r).advance
}
