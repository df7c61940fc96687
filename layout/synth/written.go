package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"papergate/layout"
)

// speller decides how a person writes a value: ③ or 3, 2001年3月 or 2001.3,
// 约300, 1.2万, (0571)87654321 … Every written form normalises back to the value
// (FIELDS.md §3); spell checks that with layout.Normalize and falls back to the
// plainest form if a variant does not.
type speller struct {
	rng   *rand.Rand
	typed bool
	// habits of this writer, fixed per return
	circled  bool // writes codes as ①③ rather than 1、3
	sep      string
	fullW    bool     // a typist whose input method gives full-width digits
	fallback []string // variants that failed to normalise, for tests
}

func newSpeller(rng *rand.Rand, typed bool) *speller {
	s := &speller{rng: rng, typed: typed}
	s.circled = rng.Float64() < 0.6
	s.sep = pick(rng, []string{"、", "、", "，", ",", " ", ""})
	s.fullW = typed && rng.Float64() < 0.25
	return s
}

// spell returns the text written for value v of field f.
func (s *speller) spell(f *layout.Field, v any) string {
	w := s.variant(f, v)
	if s.ok(f, v, w) {
		return w
	}
	s.fallback = append(s.fallback, f.ID+": "+w)
	return plain(f, v)
}

// ok reports whether written normalises to v.
func (s *speller) ok(f *layout.Field, v any, written string) bool {
	got, iss := layout.Normalize(f, written)
	if iss != nil {
		return false
	}
	return sameValue(got, v)
}

func sameValue(a, b any) bool {
	fa, okA := toF(a)
	fb, okB := toF(b)
	if okA && okB {
		return math.Abs(fa-fb) < 1e-9
	}
	return reflect.DeepEqual(a, b)
}

// plain is the most ordinary way to write v.
func plain(f *layout.Field, v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []int:
		p := make([]string, len(x))
		for i, c := range x {
			p[i] = strconv.Itoa(c)
		}
		return strings.Join(p, "、")
	case []string:
		return strings.Join(x, "、")
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func circled(n int) string {
	if n >= 1 && n <= 20 {
		return string(rune('①' + n - 1))
	}
	return strconv.Itoa(n)
}

// fullWidth turns ASCII digits (and letters and dashes, if letters) into
// full-width forms, as a Chinese input method in full-width mode types them.
func fullWidth(s string, letters bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r - '0' + '０'
		case letters && (r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'):
			return r - '!' + '！'
		case r == '-' && letters:
			return '－'
		}
		return r
	}, s)
}

func (s *speller) chance(p float64) bool { return s.rng.Float64() < p }

func (s *speller) variant(f *layout.Field, v any) string {
	switch f.Type {
	case layout.TypeCode, layout.TypeTick:
		n := int(v.(int64))
		switch {
		case s.circled && n <= 20:
			return circled(n)
		case s.chance(0.15):
			return "(" + strconv.Itoa(n) + ")"
		case s.fullW:
			return fullWidth(strconv.Itoa(n), false)
		}
		return strconv.Itoa(n)
	case layout.TypeCodes:
		cs := slices.Clone(v.([]int))
		if !s.typed && s.chance(0.15) {
			s.rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		}
		p := make([]string, len(cs))
		for i, c := range cs {
			if s.circled {
				p[i] = circled(c)
			} else {
				p[i] = strconv.Itoa(c)
			}
		}
		sep := s.sep
		if !s.circled && sep == "" {
			sep = "、"
		}
		return strings.Join(p, sep)
	case layout.TypeInt:
		return s.number(f, float64(v.(int64)), true)
	case layout.TypeDecimal:
		return s.number(f, v.(float64), false)
	case layout.TypePercent:
		x := strconv.FormatFloat(v.(float64), 'f', -1, 64)
		switch {
		case s.chance(0.5):
			return x + "％"
		case s.chance(0.5):
			return x + "%"
		}
		return x
	case layout.TypeDate:
		return s.date(v.(string))
	case layout.TypeName:
		n := v.(string)
		if s.typed && len([]rune(n)) == 2 && s.chance(0.4) {
			r := []rune(n)
			return string(r[0]) + "　" + string(r[1])
		}
		return n
	case layout.TypePhone:
		return s.phone(v.(string))
	case layout.TypeMobile:
		m := v.(string)
		switch {
		case s.chance(0.15):
			return m[:3] + " " + m[3:7] + " " + m[7:]
		case s.chance(0.1):
			return m[:3] + "-" + m[3:7] + "-" + m[7:]
		case s.fullW:
			return fullWidth(m, false)
		}
		return m
	case layout.TypeEmail:
		e := v.(string)
		if s.chance(0.15) {
			return strings.ToUpper(e[:1]) + e[1:]
		}
		return e
	case layout.TypeURL:
		u := v.(string)
		switch {
		case s.chance(0.1):
			return strings.ToUpper(u) + "/"
		case s.chance(0.1):
			return u + "/"
		}
		return u
	case layout.TypeRegionCode:
		if s.fullW {
			return fullWidth(v.(string), false)
		}
		return v.(string)
	case layout.TypeLinks:
		return s.links(v.([]string))
	case layout.TypeText:
		t := v.(string)
		if s.fullW && s.chance(0.5) {
			// Text keeps punctuation as written, so only letters and digits go full-width.
			return strings.Map(func(r rune) rune {
				if r == '-' {
					return r
				}
				return []rune(fullWidth(string(r), true))[0]
			}, t)
		}
		return t
	}
	return plain(f, v)
}

// number writes an int or decimal: separators, 万 or 亿, 约, a unit, full-width digits.
func (s *speller) number(f *layout.Field, x float64, isInt bool) string {
	unit := f.Unit
	base := strconv.FormatFloat(x, 'f', -1, 64)
	out := base
	switch {
	case isInt && x >= 10000 && math.Mod(x, 1000) == 0 && s.chance(0.6):
		out = strconv.FormatFloat(x/10000, 'f', -1, 64) + "万"
	case !isInt && unit == "万元" && x >= 10000 && math.Mod(x, 100) == 0 && s.chance(0.4):
		out = strconv.FormatFloat(x/10000, 'f', -1, 64) + "亿元"
	case !isInt && unit == "万元" && x < 100 && x == math.Trunc(x) && s.chance(0.15):
		out = strconv.FormatFloat(x*10000, 'f', -1, 64) + "元"
	case x >= 1000 && s.chance(0.3):
		out = thousands(base)
	}
	// The unit is written now and then, rarely when it is printed after the blank.
	pUnit := 0.35
	if unit != "" && strings.HasPrefix(strings.TrimSpace(f.Anchor.After), unit) {
		pUnit = 0.08
	}
	if !strings.HasSuffix(out, "万") && !strings.HasSuffix(out, "元") && s.chance(pUnit) {
		switch unit {
		case "万元":
			out += pick(s.rng, []string{"万元", "万"})
		case "万人":
			out += pick(s.rng, []string{"万", "万人"})
		}
	}
	if !s.typed && s.chance(0.08) {
		out = "约" + out
	}
	if s.fullW {
		out = fullWidth(out, false)
	}
	return out
}

// thousands inserts comma separators into the integer part of a decimal string.
func thousands(s string) string {
	ip, fp, hasF := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasF {
		return b.String() + "." + fp
	}
	return b.String()
}

func (s *speller) date(v string) string {
	parts := strings.Split(v, "-")
	y, _ := strconv.Atoi(parts[0])
	var out string
	switch len(parts) {
	case 1:
		out = pick(s.rng, []string{v + "年", v + "年", v})
		if !s.typed && s.chance(0.1) {
			out = cnYear(y) + "年"
		}
	case 2:
		m, _ := strconv.Atoi(parts[1])
		switch x := s.rng.IntN(7); x {
		case 0, 1:
			out = fmt.Sprintf("%d年%d月", y, m)
		case 2:
			out = fmt.Sprintf("%d.%d", y, m)
		case 3:
			out = fmt.Sprintf("%d.%02d", y, m)
		case 4:
			out = fmt.Sprintf("%d-%02d", y, m)
		case 5:
			out = fmt.Sprintf("%d年%02d月", y, m)
		default:
			out = fmt.Sprintf("%02d年%d月", y%100, m)
		}
	default:
		m, _ := strconv.Atoi(parts[1])
		d, _ := strconv.Atoi(parts[2])
		switch x := s.rng.IntN(5); x {
		case 0:
			out = v
		case 1:
			out = fmt.Sprintf("%d.%d.%d", y, m, d)
		case 2:
			out = fmt.Sprintf("%d年%d月%d日", y, m, d)
		case 3:
			out = fmt.Sprintf("%d/%02d/%02d", y, m, d)
		default:
			out = fmt.Sprintf("%d.%02d.%02d", y, m, d)
		}
	}
	if s.fullW {
		out = fullWidth(out, false)
	}
	return out
}

// cnYear writes a year in Chinese numerals: 2006 → 二〇〇六.
func cnYear(y int) string {
	digits := []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	var b strings.Builder
	for _, c := range strconv.Itoa(y) {
		b.WriteString(digits[c-'0'])
	}
	return b.String()
}

func (s *speller) phone(v string) string {
	parts := strings.Split(v, "-")
	if len(parts) == 1 {
		return v // a mobile number given as a phone
	}
	area, num := parts[0], parts[1]
	ext := ""
	if len(parts) > 2 {
		ext = parts[2]
	}
	var out string
	switch x := s.rng.IntN(6); x {
	case 0, 1, 2:
		out = area + "-" + num
	case 3:
		out = "(" + area + ")" + num
	case 4:
		out = "（" + area + "）" + num
	default:
		out = area + " " + num
	}
	if ext != "" {
		if s.chance(0.6) {
			out += "转" + ext
		} else {
			out += "-" + ext
		}
	}
	if s.fullW {
		out = fullWidth(out, true)
	}
	return out
}

func (s *speller) links(toks []string) string {
	p := make([]string, 0, len(toks))
	for _, t := range toks {
		switch {
		case len(t) == 1 && t[0] >= '1' && t[0] <= '5':
			if s.circled {
				p = append(p, circled(int(t[0]-'0')))
			} else {
				p = append(p, t)
			}
		case t != "" && strings.Trim(t, "IVX") == "":
			if s.chance(0.7) {
				p = append(p, layout.RomanNumeral(t))
			} else {
				p = append(p, t)
			}
		default:
			p = append(p, t)
		}
	}
	if !s.typed && s.chance(0.3) {
		s.rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	}
	sep := s.sep
	if sep == "" || sep == " " {
		sep = "、"
	}
	return strings.Join(p, sep)
}
