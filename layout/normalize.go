package layout

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Normalize turns the text written in field f's blank (or cell) into the field's
// JSON value, following FIELDS.md §3 and §3.1:
//
//   - a blank, or only a dash or slash, gives (nil, nil): a null;
//   - a legible entry that cannot be normalised (不详, 若干, 10-20, 同上, two codes
//     in a code blank) gives (nil, issue), the issue holding the raw text;
//   - an entry of which only a part fits gives (value, issue), e.g. a second
//     phone number;
//   - otherwise (value, nil).
//
// Values are int64 (tick, code, int), float64 (decimal, percent, in the field's
// unit), []int (codes), []string (links) or string. Option codes are not checked
// against f.Options here; Validate reports codes that are not options.
func Normalize(f *Field, raw string) (any, *Issue) {
	return normalize(f.Type, f.Unit, f.Options, raw)
}

// NormalizeType normalises raw as a value of type t without a field, for the
// command line and for callers that know only a type. unit matters for decimal
// ("万元", "万人", "元" or "" for a bare number). A codes value's digit runs are
// read as whole numbers ("13" → 13) since the options are unknown.
func NormalizeType(t Type, unit string, raw string) (any, *Issue) {
	if t == TypeDecimal {
		if _, _, err := unitFactor(unit); err != nil {
			return nil, &Issue{Raw: raw, Reason: err.Error()}
		}
	}
	return normalize(t, unit, nil, raw)
}

func normalize(t Type, unit string, opts []Option, raw string) (any, *Issue) {
	if isBlankEntry(raw) {
		return nil, nil
	}
	if t != TypeText && t != TypeName {
		if reason, vague := vagueEntry(raw); vague {
			return nil, &Issue{Raw: raw, Reason: reason}
		}
	}
	var v any
	var reason string
	switch t {
	case TypeTick, TypeCode:
		v, reason = normCode(raw)
	case TypeCodes:
		v, reason = normCodes(raw, opts)
	case TypeInt:
		v, reason = normInt(raw)
	case TypeDecimal:
		v, reason = normDecimal(raw, unit)
	case TypePercent:
		v, reason = normPercent(raw)
	case TypeDate:
		v, reason = normDate(raw)
	case TypeText:
		v = normText(raw)
	case TypeName:
		v = normName(raw)
	case TypePhone:
		return normPhone(raw)
	case TypeMobile:
		return normMobile(raw)
	case TypeEmail:
		return normEmail(raw)
	case TypeURL:
		return normURL(raw)
	case TypeRegionCode:
		v, reason = normRegionCode(raw)
	case TypeLinks:
		v, reason = normLinks(raw)
	default:
		return nil, &Issue{Raw: raw, Reason: fmt.Sprintf("unknown type %q", t)}
	}
	if reason != "" {
		return nil, &Issue{Raw: raw, Reason: reason}
	}
	if s, ok := v.(string); ok && s == "" {
		return nil, nil
	}
	return v, nil
}

// ---------- characters ----------

// halfWidth maps full-width ASCII (U+FF01–FF5E) to ASCII and the ideographic
// space to a space.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// halfWidthAlnum maps only full-width letters and digits to ASCII, keeping
// Chinese punctuation (text and name values).
func halfWidthAlnum(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			return r - '！' + '!'
		}
		return r
	}, s)
}

// removeSpace drops every white-space character.
func removeSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// blankMarks are what a respondent writes to say "nothing here".
const blankMarks = "-－—–―‐─━/／\\＼_＿"

// isBlankEntry reports whether raw is blank or only dashes and slashes.
func isBlankEntry(raw string) bool {
	return strings.TrimFunc(raw, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(blankMarks, r)
	}) == ""
}

// vagueWords are legible entries that carry no value of any type but text.
var vagueWords = map[string]string{
	"不详": "unknown (不详)", "不清楚": "unknown (不清楚)", "不知道": "unknown (不知道)", "未知": "unknown (未知)",
	"若干": "not a number (若干)", "同上": "refers to another answer (同上)", "待定": "not decided (待定)",
	"见附件": "refers to an attachment", "见附页": "refers to an attachment", "详见附件": "refers to an attachment",
}

func vagueEntry(raw string) (string, bool) {
	r, ok := vagueWords[removeSpace(raw)]
	return r, ok
}

// circledValue returns the number of a circled or otherwise enclosed numeral:
// ① → 1, ⑳ → 20, ⑴ → 1, ❶ → 1, ➀ → 1, ➊ → 1, ㉑ → 21.
func circledValue(r rune) (int, bool) {
	switch {
	case r >= '①' && r <= '⑳':
		return int(r-'①') + 1, true
	case r >= '⑴' && r <= '⒇':
		return int(r-'⑴') + 1, true
	case r >= '⒈' && r <= '⒛':
		return int(r-'⒈') + 1, true
	case r >= '❶' && r <= '❿':
		return int(r-'❶') + 1, true
	case r >= '➀' && r <= '➉':
		return int(r-'➀') + 1, true
	case r >= '➊' && r <= '➓':
		return int(r-'➊') + 1, true
	case r >= '㉑' && r <= '㉟':
		return int(r-'㉑') + 21, true
	case r >= '㊱' && r <= '㊿':
		return int(r-'㊱') + 36, true
	case r == '⓪':
		return 0, true
	}
	return 0, false
}

// ---------- codes ----------

// codeSeparators separate codes, links tokens and several entries.
func isListSeparator(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("、,;；，/和及与.。·", r)
}

// codeToken is one code read from text; rangeTo marks "a-b" written as a range.
type codeToken struct {
	n       int
	rangeTo bool // this token ends a range started by the previous one
	digits  string
}

// scanCodes reads codes from text: circled numerals, digit runs, (3) and
// ranges like ①-⑤. It fails on any other text.
func scanCodes(raw string) ([]codeToken, string) {
	s := halfWidth(raw)
	var toks []codeToken
	pendingRange := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isListSeparator(r) || r == '(' || r == ')' || r == '（' || r == '）' || r == '√':
			i += size
		case r == '-' || r == '~' || r == '～' || r == '—' || r == '–' || r == '至' || r == '到':
			if len(toks) == 0 || pendingRange {
				return nil, "not an option code"
			}
			pendingRange = true
			i += size
		case r >= '0' && r <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n, err := strconv.Atoi(s[i:j])
			if err != nil || j-i > 3 {
				return nil, "not an option code"
			}
			toks = append(toks, codeToken{n: n, rangeTo: pendingRange, digits: s[i:j]})
			pendingRange = false
			i = j
		default:
			n, ok := circledValue(r)
			if !ok {
				return nil, "not an option code"
			}
			toks = append(toks, codeToken{n: n, rangeTo: pendingRange})
			pendingRange = false
			i += size
		}
	}
	if pendingRange {
		return nil, "not an option code"
	}
	return toks, ""
}

func maxOption(opts []Option) int {
	m := 0
	for _, o := range opts {
		m = max(m, o.Code)
	}
	return m
}

func normCode(raw string) (any, string) {
	toks, reason := scanCodes(raw)
	if reason != "" {
		return nil, reason
	}
	switch {
	case len(toks) == 0:
		return nil, "not an option code"
	case len(toks) > 1:
		return nil, "more than one code"
	case toks[0].rangeTo:
		return nil, "more than one code"
	}
	return int64(toks[0].n), ""
}

func normCodes(raw string, opts []Option) (any, string) {
	toks, reason := scanCodes(raw)
	if reason != "" {
		return nil, reason
	}
	maxOpt := maxOption(opts)
	var codes []int
	for i, t := range toks {
		switch {
		case t.rangeTo:
			from := toks[i-1].n
			if from >= t.n {
				return nil, "not an ascending range of codes"
			}
			for n := from + 1; n <= t.n; n++ {
				codes = append(codes, n)
			}
		case len(t.digits) > 1 && maxOpt > 0 && maxOpt <= 9:
			// "135" in a list of at most nine options: codes written without separators.
			for _, d := range t.digits {
				codes = append(codes, int(d-'0'))
			}
		case len(t.digits) > 1 && maxOpt > 9 && !slices.ContainsFunc(opts, func(o Option) bool { return o.Code == t.n }):
			return nil, "ambiguous codes written without separators"
		default:
			codes = append(codes, t.n)
		}
	}
	if len(codes) == 0 {
		return nil, "not an option code"
	}
	slices.Sort(codes)
	return slices.Compact(codes), ""
}

// ---------- links ----------

var (
	t1RefRE = regexp.MustCompile(`^T1\.([A-Z]+)`)
	t2RefRE = regexp.MustCompile(`^T2\.([A-Z]+)`)
)

// normLinks reads a 系统对接情况 cell: codes ①–⑤ and column ids of T1 (A, B, …) and
// T2 (Ⅰ, II, …), de-duplicated and sorted by code point (FIELDS.md §5).
func normLinks(raw string) (any, string) {
	s := strings.ReplaceAll(halfWidth(raw), "系统", " ")
	var toks []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		up := strings.ToUpper(s[i:])
		switch {
		case isListSeparator(r) || r == '(' || r == ')' || r == '（' || r == '）':
			i += size
		case r >= '0' && r <= '9':
			if r < '1' || r > '5' {
				return nil, fmt.Sprintf("%c is not a link code (1–5)", r)
			}
			toks = append(toks, string(r))
			i += size
		case t1RefRE.MatchString(up):
			m := t1RefRE.FindStringSubmatch(up)
			switch {
			case m[1] == "I" || m[1] == "V" || m[1] == "X":
				toks = append(toks, "T1."+m[1])
			case onlyIVX(m[1]):
				return nil, fmt.Sprintf("T1.%s cannot be told from a T2 column", m[1])
			default:
				toks = append(toks, m[1])
			}
			i += len(m[0])
		case t2RefRE.MatchString(up):
			m := t2RefRE.FindStringSubmatch(up)
			if !onlyIVX(m[1]) {
				return nil, fmt.Sprintf("T2.%s is not a T2 column", m[1])
			}
			toks = append(toks, m[1])
			i += len(m[0])
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			j := i
			for j < len(s) && s[j] < utf8.RuneSelf && unicode.IsLetter(rune(s[j])) {
				j++
			}
			toks = append(toks, strings.ToUpper(s[i:j]))
			i = j
		case r >= 'Ⅰ' && r <= 'Ⅻ' || r >= 'ⅰ' && r <= 'ⅻ':
			id, _ := ParseRomanNumeral(string(r))
			toks = append(toks, id)
			i += size
		default:
			n, ok := circledValue(r)
			if !ok {
				return nil, "not a system or link code"
			}
			if n < 1 || n > 5 {
				return nil, fmt.Sprintf("%c is not a link code (①–⑤)", r)
			}
			toks = append(toks, strconv.Itoa(n))
			i += size
		}
	}
	for _, t := range toks {
		if onlyIVX(t) {
			if _, ok := RomanIndex(t); !ok {
				return nil, fmt.Sprintf("%s is not a column id", t)
			}
		}
	}
	if len(toks) == 0 {
		return nil, "not a system or link code"
	}
	slices.Sort(toks)
	return slices.Compact(toks), ""
}

// onlyIVX reports whether s is made only of I, V and X (a T2 column id).
func onlyIVX(s string) bool {
	return s != "" && strings.Trim(s, "IVX") == ""
}

// ---------- numbers ----------

var (
	cnDigits = map[rune]int64{'〇': 0, '零': 0, '一': 1, '壹': 1, '二': 2, '两': 2, '贰': 2, '三': 3, '叁': 3, '四': 4, '肆': 4,
		'五': 5, '伍': 5, '六': 6, '陆': 6, '七': 7, '柒': 7, '八': 8, '捌': 8, '九': 9, '玖': 9}
	cnSmall = map[rune]int64{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000}
	cnLarge = map[rune]int64{'万': 10000, '亿': 100000000}

	arabicRE  = regexp.MustCompile(`^-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?`)
	rangeRE   = regexp.MustCompile(`[0-9一二三四五六七八九十百千万]\s*(?:-|~|～|—|–|至|到)\s*[0-9一二三四五六七八九十]`)
	numQualRE = regexp.MustCompile(`([0-9十百千万亿])(?:余|多)`)
	// colloqRE is a colloquial amount like 3万5 (35000? 30005?), left to a reviewer.
	colloqRE = regexp.MustCompile(`[0-9][千万亿][0-9](?:[^0-9.十百千万亿]|$)`)
)

func isCnNumeral(r rune) bool {
	_, d := cnDigits[r]
	_, s := cnSmall[r]
	_, l := cnLarge[r]
	return d || s || l
}

// parseCnNumber reads a Chinese numeral: 三十五 → 35, 三万五千 → 35000, 一百零五 →
// 105, 二〇〇六 (digits only) → 2006.
func parseCnNumber(s string) (int64, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	hasUnit := false
	for _, r := range rs {
		if !isCnNumeral(r) {
			return 0, false
		}
		if _, ok := cnDigits[r]; !ok {
			hasUnit = true
		}
	}
	if !hasUnit {
		var n int64
		for _, r := range rs {
			n = n*10 + cnDigits[r]
		}
		return n, true
	}
	var total, section, number int64
	for _, r := range rs {
		switch {
		case cnDigits[r] > 0 || r == '〇' || r == '零':
			number = cnDigits[r]
		case cnSmall[r] > 0:
			if number == 0 {
				number = 1
			}
			section += number * cnSmall[r]
			number = 0
		case r == '万':
			section = (section + number) * 10000
			total += section
			section, number = 0, 0
		case r == '亿':
			total = (total + section + number) * 100000000
			section, number = 0, 0
		}
	}
	return total + section + number, true
}

// multiplier reads a run of 十百千万亿 and returns its product.
func multiplier(s string) (*big.Rat, int) {
	m := big.NewRat(1, 1)
	n := 0
	for _, r := range s {
		f, ok := cnSmall[r]
		if !ok {
			f, ok = cnLarge[r]
		}
		if !ok {
			break
		}
		m.Mul(m, big.NewRat(f, 1))
		n += utf8.RuneLen(r)
	}
	return m, n
}

// parseQuantity reads a number written with Arabic or Chinese numerals and 万／亿
// multipliers (3.5万, 1亿2000万, 三万五千) and returns it with the text that
// follows (the written unit). ok is false if s does not start with a number.
func parseQuantity(s string) (q *big.Rat, rest string, ok bool) {
	total := new(big.Rat)
	seen := false
	for s != "" {
		if m := arabicRE.FindString(s); m != "" && m != "-" && m != "." {
			v, good := new(big.Rat).SetString(strings.ReplaceAll(m, ",", ""))
			if !good {
				return nil, s, false
			}
			s = s[len(m):]
			mult, n := multiplier(s)
			s = s[n:]
			total.Add(total, v.Mul(v, mult))
			seen = true
			continue
		}
		r, _ := utf8.DecodeRuneInString(s)
		if !isCnNumeral(r) || (!seen && cnLarge[r] > 0) {
			break
		}
		j := 0
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isCnNumeral(r) {
				break
			}
			j += size
		}
		n, good := parseCnNumber(s[:j])
		if !good {
			return nil, s, false
		}
		s = s[j:]
		total.Add(total, new(big.Rat).SetInt64(n))
		seen = true
	}
	return total, s, seen
}

// numericText prepares a number entry: half width, no spaces, qualifiers
// 约／左右／余／多 dropped.
func numericText(raw string) string {
	s := removeSpace(halfWidth(raw))
	for _, q := range []string{"大约", "大概", "约"} {
		s = strings.TrimPrefix(s, q)
	}
	s = strings.ReplaceAll(s, "左右", "")
	s = numQualRE.ReplaceAllString(s, "$1")
	return s
}

// zeroWords are written for "none" in a number blank.
var zeroWords = []string{"无", "没有", "零", "暂无", "尚无"}

// counters may follow a count (15万张, 25人).
var counters = []string{"人", "个", "名", "张", "家", "户", "台", "套", "所", "处", "项", "次", "条"}

func normInt(raw string) (any, string) {
	s := numericText(raw)
	if slices.Contains(zeroWords, s) {
		return int64(0), ""
	}
	if rangeRE.MatchString(s) {
		return nil, "a range, not a number"
	}
	if colloqRE.MatchString(s) {
		return nil, "ambiguous amount"
	}
	q, rest, ok := parseQuantity(s)
	if !ok {
		return nil, "not a number"
	}
	if rest != "" && !slices.Contains(counters, rest) {
		return nil, "not a number"
	}
	if !q.IsInt() {
		return nil, "not a whole number"
	}
	if !q.Num().IsInt64() {
		return nil, "number too large"
	}
	return q.Num().Int64(), ""
}

// unitFactor returns the base unit and size of a decimal field's unit: 万元 is
// 10000 元, 万人 is 10000 人, "" is a bare number.
func unitFactor(unit string) (base string, factor *big.Rat, err error) {
	switch unit {
	case "":
		return "", big.NewRat(1, 1), nil
	case "元", "人":
		return unit, big.NewRat(1, 1), nil
	case "千元":
		return "元", big.NewRat(1000, 1), nil
	case "万元", "万人":
		return strings.TrimPrefix(unit, "万"), big.NewRat(10000, 1), nil
	case "亿元":
		return "元", big.NewRat(100000000, 1), nil
	}
	return "", nil, fmt.Errorf("decimal unit %q is not one of 万元, 亿元, 千元, 元, 万人, 人", unit)
}

func normDecimal(raw string, unit string) (any, string) {
	base, factor, err := unitFactor(unit)
	if err != nil {
		return nil, err.Error()
	}
	s := numericText(raw)
	if slices.Contains(zeroWords, s) {
		return float64(0), ""
	}
	if rangeRE.MatchString(s) {
		return nil, "a range, not a number"
	}
	if colloqRE.MatchString(s) {
		return nil, "ambiguous amount"
	}
	q, rest, ok := parseQuantity(s)
	if !ok {
		return nil, "not a number"
	}
	switch {
	case rest == "":
		// A number with no written unit: 3.5 is in the field's unit, 3.5万 is 35000
		// of the base unit.
		// 万 and 亿 are read as part of the amount in the base unit (3.5万 on a 万元
		// field is 3.5): the unit 万元 is literally 万 元.
		if !strings.ContainsAny(s, "万亿") {
			q.Mul(q, factor)
		}
	case rest == base && base != "":
	default:
		return nil, fmt.Sprintf("unit %s does not fit %s", rest, unit)
	}
	q.Quo(q, factor)
	f, _ := q.Float64()
	return f, ""
}

func normPercent(raw string) (any, string) {
	s := numericText(raw)
	if slices.Contains(zeroWords, s) {
		return float64(0), ""
	}
	if rangeRE.MatchString(s) {
		return nil, "a range, not a number"
	}
	s = strings.TrimPrefix(s, "百分之")
	q, rest, ok := parseQuantity(s)
	if !ok || (rest != "" && rest != "%" && rest != "％") {
		return nil, "not a percentage"
	}
	f, _ := q.Float64()
	return f, ""
}

// ---------- dates ----------

var (
	cnDateRE  = regexp.MustCompile(`^([0-9]{4}|[0-9]{2}|[〇零一二三四五六七八九]{4}|[〇零一二三四五六七八九]{2})年(?:([0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?:([0-9]{1,2}|[一二三四五六七八九十]{1,4})[日号]?)?)?$`)
	numDateRE = regexp.MustCompile(`^([0-9]{4}|[0-9]{2})(?:[./\-]([0-9]{1,2})(?:[./\-]([0-9]{1,2}))?)?$`)
	compactRE = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})?$`)
	// dateQualifiers are dropped from the end of a date (年底, 年初, 月份, 左右, …).
	dateQualifiers = []string{"左右", "前后", "以前", "之前", "以后", "之后", "上半年", "下半年", "上旬", "中旬", "下旬", "份", "底", "末", "初", "中", "内", "前", "后", "起"}
)

func normDate(raw string) (any, string) {
	s := removeSpace(halfWidth(raw))
	for _, q := range []string{"大约", "约", "预计", "计划"} {
		s = strings.TrimPrefix(s, q)
	}
	for again := true; again; {
		again = false
		for _, q := range dateQualifiers {
			if t, ok := strings.CutSuffix(s, q); ok && t != "" {
				s, again = t, true
			}
		}
	}
	var y, m, d string
	switch {
	case cnDateRE.MatchString(s):
		g := cnDateRE.FindStringSubmatch(s)
		y, m, d = g[1], g[2], g[3]
	case numDateRE.MatchString(s):
		g := numDateRE.FindStringSubmatch(s)
		y, m, d = g[1], g[2], g[3]
	case compactRE.MatchString(s):
		g := compactRE.FindStringSubmatch(s)
		y, m, d = g[1], g[2], g[3]
	case strings.HasSuffix(s, "月") && numDateRE.MatchString(strings.TrimSuffix(s, "月")):
		g := numDateRE.FindStringSubmatch(strings.TrimSuffix(s, "月"))
		y, m, d = g[1], g[2], g[3]
		if d != "" || m == "" {
			return nil, "not a date"
		}
	default:
		if rangeRE.MatchString(s) {
			return nil, "a range, not a date"
		}
		return nil, "not a date"
	}
	year, ok := dateNumber(y)
	if !ok {
		return nil, "not a date"
	}
	if len([]rune(y)) == 2 {
		if year < 50 {
			year += 2000
		} else {
			year += 1900
		}
	}
	if year < 1900 || year > 2099 {
		return nil, "implausible year"
	}
	out := fmt.Sprintf("%04d", year)
	if m == "" {
		return out, ""
	}
	month, ok := dateNumber(m)
	if !ok || month < 1 || month > 12 {
		return nil, "not a month"
	}
	out += fmt.Sprintf("-%02d", month)
	if d == "" {
		return out, ""
	}
	day, ok := dateNumber(d)
	if !ok || day < 1 || time.Date(int(year), time.Month(month), int(day), 0, 0, 0, 0, time.UTC).Day() != int(day) {
		return nil, "not a day of that month"
	}
	return out + fmt.Sprintf("-%02d", day), ""
}

func dateNumber(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	return parseCnNumber(s)
}

// ---------- strings ----------

var spaceRunRE = regexp.MustCompile(`[\s\x{3000}]+`)

// normText: trimmed, white-space runs → one space, full-width letters and digits
// → ASCII, Chinese punctuation kept; lines joined with \n.
func normText(raw string) string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(spaceRunRE.ReplaceAllString(halfWidthAlnum(l), " "))
		if l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// normName: a person's name without inner spaces.
func normName(raw string) string { return removeSpace(halfWidthAlnum(raw)) }

// splitEntries splits a blank holding several entries (two phone numbers, two
// e-mail addresses): the first is kept, the rest reported.
func splitEntries(s string, seps string) (first string, rest []string) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	parts = slices.DeleteFunc(parts, func(p string) bool { return p == "" })
	if len(parts) == 0 {
		return "", nil
	}
	return parts[0], parts[1:]
}

func moreIssue(raw string, rest []string, what string) *Issue {
	if len(rest) == 0 {
		return nil
	}
	return &Issue{Raw: raw, Reason: fmt.Sprintf("several %s; kept the first, not %s", what, strings.Join(rest, "、"))}
}

var (
	extRE       = regexp.MustCompile(`(?i)(?:转|分机|ext\.?|x)\s*([0-9]+)$`)
	phoneLabel  = regexp.MustCompile(`^(?:电话|手机|传真|tel|fax|phone)[:：]?`)
	phoneSeps   = "、,;，；/或\n"
	areaParenRE = regexp.MustCompile(`^\(\s*([0-9]{3,4})\s*\)`)
)

// normPhone: area code, number and extension joined by -; several numbers →
// the first, the rest as an issue.
func normPhone(raw string) (any, *Issue) {
	s := halfWidth(strings.TrimSpace(raw))
	s = strings.NewReplacer("—", "-", "－", "-", "–", "-", "（", "(", "）", ")").Replace(s)
	first, rest := splitEntries(s, phoneSeps)
	v, ok := phoneNumber(first)
	if !ok {
		return nil, &Issue{Raw: raw, Reason: "not a phone number"}
	}
	return v, moreIssue(raw, rest, "numbers")
}

func phoneNumber(s string) (string, bool) {
	s = phoneLabel.ReplaceAllString(strings.ToLower(strings.TrimSpace(s)), "")
	ext := ""
	if m := extRE.FindStringSubmatchIndex(s); m != nil {
		ext = s[m[2]:m[3]]
		s = strings.TrimSpace(s[:m[0]])
	}
	for _, p := range []string{"+86", "0086", "(86)", "(+86)"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSpace(s)
	area := ""
	if m := areaParenRE.FindStringSubmatch(s); m != nil {
		area = m[1]
		s = s[len(m[0]):]
	}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == ' ' || r == '.' || r == '(' || r == ')' })
	for _, g := range groups {
		if strings.Trim(g, "0123456789") != "" {
			return "", false
		}
	}
	all := strings.Join(groups, "")
	if all == "" {
		return "", false
	}
	if area == "" && ext == "" && len(all) == 11 && all[0] == '1' {
		return all, true // a mobile number in a phone blank
	}
	if area == "" && len(groups) > 1 && groups[0][0] == '0' && len(groups[0]) >= 3 && len(groups[0]) <= 4 {
		area, groups = groups[0], groups[1:]
	}
	local := ""
	for len(groups) > 0 && len(local) < 7 {
		local += groups[0]
		groups = groups[1:]
	}
	if len(groups) > 0 {
		if ext != "" || len(groups) > 1 {
			return "", false
		}
		ext = groups[0]
	}
	if area == "" && len(groups) == 0 && local[0] == '0' && len(local) >= 10 && len(local) <= 12 {
		n := 4
		if local[1] == '1' || local[1] == '2' {
			n = 3
		}
		if rest := len(local) - n; rest == 7 || rest == 8 {
			area, local = local[:n], local[n:]
		}
	}
	if len(local) < 5 {
		return "", false
	}
	parts := slices.DeleteFunc([]string{area, local, ext}, func(p string) bool { return p == "" })
	return strings.Join(parts, "-"), true
}

var mobileRE = regexp.MustCompile(`^1[0-9]{10}$`)

// normMobile: 11 digits; spaces, - and +86 dropped.
func normMobile(raw string) (any, *Issue) {
	s := halfWidth(strings.TrimSpace(raw))
	first, rest := splitEntries(s, phoneSeps)
	d := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '—' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, first)
	d = strings.TrimPrefix(d, "+86")
	d = strings.TrimPrefix(d, "0086")
	if len(d) == 13 && strings.HasPrefix(d, "86") {
		d = d[2:]
	}
	if !mobileRE.MatchString(d) {
		return nil, &Issue{Raw: raw, Reason: "not a mobile number"}
	}
	return d, moreIssue(raw, rest, "numbers")
}

var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// normEmail: ASCII, lower case.
func normEmail(raw string) (any, *Issue) {
	s := strings.ToLower(halfWidth(raw))
	first, rest := splitEntries(s, "、,;，；/\n")
	first = removeSpace(first)
	if !emailRE.MatchString(first) {
		return nil, &Issue{Raw: raw, Reason: "not an e-mail address"}
	}
	return first, moreIssue(raw, rest, "addresses")
}

var (
	schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)
	hostRE   = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?$`)
)

// normURL: host lower-cased, scheme kept only if written, trailing / dropped.
func normURL(raw string) (any, *Issue) {
	s := halfWidth(raw)
	first, rest := splitEntries(s, "、,;，；\n")
	first = removeSpace(first)
	scheme := ""
	if m := schemeRE.FindStringSubmatch(first); m != nil {
		scheme = strings.ToLower(m[1]) + "://"
		first = first[len(m[0]):]
	}
	host, path := first, ""
	if i := strings.IndexAny(first, "/?#"); i >= 0 {
		host, path = first[:i], first[i:]
	}
	host = strings.ToLower(host)
	if !hostRE.MatchString(host) {
		return nil, &Issue{Raw: raw, Reason: "not a web address"}
	}
	v := strings.TrimRight(scheme+host+path, "/")
	return v, moreIssue(raw, rest, "addresses")
}

func normRegionCode(raw string) (any, string) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, halfWidth(raw))
	if len(s) != 6 || strings.Trim(s, "0123456789") != "" {
		return nil, "not a 6-digit region code"
	}
	return s, ""
}
