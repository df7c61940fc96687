package layout

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Op is the operator of a Condition.
type Op string

// The operators of FIELDS.md §4. OpEq, OpIn, OpHas and OpHasAny appear in `when`;
// OpLE and OpSubset in `check`.
const (
	OpEq     Op = "=="      // X == n, unit.level == "prefecture"
	OpIn     Op = "in"      // X in [n, m]
	OpHas    Op = "has"     // X has n, X has "5"
	OpHasAny Op = "has any" // X has any [n, m]
	OpLE     Op = "<="      // A <= B, A + B <= C
	OpSubset Op = "subset"  // A subset B
)

// Literal is a constant in a condition: an integer code or a quoted string.
type Literal struct {
	Int    int64
	Str    string
	IsText bool // a quoted string ("5", "prefecture")
}

// String returns the literal as written in a condition.
func (l Literal) String() string {
	if l.IsText {
		return strconv.Quote(l.Str)
	}
	return strconv.FormatInt(l.Int, 10)
}

// Condition is a parsed `when` or `check` (FIELDS.md §4). It is parsed once, when
// the catalog loads; the zero value is not useful.
type Condition struct {
	// Source is the condition as written in the form definition.
	Source string
	// Op is the operator.
	Op Op
	// Left holds the field ids on the left; several are summed (A + B <= C).
	// unit.level is a pseudo id for the return's unit level.
	Left []string
	// Right is the field id on the right of <= and subset.
	Right string
	// Values are the literals of ==, in, has and has any.
	Values []Literal
}

// UnitLevelRef is the pseudo field id conditions use for the return's unit level.
const UnitLevelRef = "unit.level"

// String returns the condition as written.
func (c *Condition) String() string { return c.Source }

// Refs returns every field id the condition reads, left to right.
func (c *Condition) Refs() []string {
	refs := slices.Clone(c.Left)
	if c.Right != "" {
		refs = append(refs, c.Right)
	}
	return refs
}

// IsCheck reports whether the condition is a soft check (<=, subset) rather than
// a `when` condition.
func (c *Condition) IsCheck() bool { return c.Op == OpLE || c.Op == OpSubset }

// bind returns a copy with {col} replaced by col in every id and in Source.
func (c *Condition) bind(col string) *Condition {
	if c == nil {
		return nil
	}
	r := func(s string) string { return strings.ReplaceAll(s, ColumnPlaceholder, col) }
	b := *c
	b.Source = r(c.Source)
	b.Left = make([]string, len(c.Left))
	for i, id := range c.Left {
		b.Left[i] = r(id)
	}
	b.Right = r(c.Right)
	b.Values = slices.Clone(c.Values)
	return &b
}

// ParseCondition parses a `when` or `check` string. Anything outside the forms of
// FIELDS.md §4 is an error wrapping ErrSyntax.
func ParseCondition(src string) (*Condition, error) {
	c, err := parseCondition(src)
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	return c, nil
}

// parseCondition is ParseCondition without the package prefix on errors.
func parseCondition(src string) (*Condition, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, fmt.Errorf("condition %q: %v: %w", src, err, ErrSyntax)
	}
	p := &condParser{toks: toks}
	c, err := p.parse()
	if err != nil {
		return nil, fmt.Errorf("condition %q: %v: %w", src, err, ErrSyntax)
	}
	c.Source = src
	return c, nil
}

type tokKind int

const (
	tokIdent tokKind = iota
	tokInt
	tokString
	tokPunct // == <= + [ ] ,
)

type token struct {
	kind tokKind
	text string
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '{' || c == '}'
}

func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "<="):
			toks = append(toks, token{tokPunct, s[i : i+2]})
			i += 2
		case c == '+' || c == '[' || c == ']' || c == ',':
			toks = append(toks, token{tokPunct, string(c)})
			i++
		case c == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, token{tokString, s[i+1 : i+1+end]})
			i += end + 2
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			word := s[i:j]
			if _, err := strconv.ParseInt(word, 10, 64); err == nil {
				toks = append(toks, token{tokInt, word})
			} else if c == '-' {
				return nil, fmt.Errorf("unexpected %q", word)
			} else {
				toks = append(toks, token{tokIdent, word})
			}
			i = j
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			toks = append(toks, token{tokIdent, s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", s[i:i+1])
		}
	}
	return toks, nil
}

type condParser struct {
	toks []token
	pos  int
}

func (p *condParser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

func (p *condParser) next() (token, bool) {
	t, ok := p.peek()
	if ok {
		p.pos++
	}
	return t, ok
}

func (p *condParser) expectPunct(s string) error {
	t, ok := p.next()
	if !ok || t.kind != tokPunct || t.text != s {
		return fmt.Errorf("expected %q", s)
	}
	return nil
}

func (p *condParser) ident() (string, error) {
	t, ok := p.next()
	if !ok || t.kind != tokIdent || isKeyword(t.text) {
		return "", fmt.Errorf("expected a field id")
	}
	if !fieldRefOK(t.text) {
		return "", fmt.Errorf("bad field id %q", t.text)
	}
	return t.text, nil
}

func isKeyword(s string) bool {
	return s == "in" || s == "has" || s == "any" || s == "subset"
}

// fieldRefOK reports whether s looks like a field id or unit.level.
func fieldRefOK(s string) bool {
	if s == UnitLevelRef {
		return true
	}
	return idRE.MatchString(s)
}

func (p *condParser) literal() (Literal, error) {
	t, ok := p.next()
	switch {
	case !ok:
		return Literal{}, fmt.Errorf("expected a value")
	case t.kind == tokInt:
		n, _ := strconv.ParseInt(t.text, 10, 64)
		return Literal{Int: n}, nil
	case t.kind == tokString:
		return Literal{Str: t.text, IsText: true}, nil
	}
	return Literal{}, fmt.Errorf("expected a number or a quoted string, got %q", t.text)
}

func (p *condParser) list() ([]Literal, error) {
	if err := p.expectPunct("["); err != nil {
		return nil, err
	}
	var out []Literal
	for {
		l, err := p.literal()
		if err != nil {
			return nil, err
		}
		out = append(out, l)
		t, ok := p.next()
		if !ok {
			return nil, fmt.Errorf("unterminated list")
		}
		if t.kind == tokPunct && t.text == "]" {
			return out, nil
		}
		if t.kind != tokPunct || t.text != "," {
			return nil, fmt.Errorf("expected , or ] in list")
		}
	}
}

func (p *condParser) parse() (*Condition, error) {
	first, err := p.ident()
	if err != nil {
		return nil, err
	}
	c := &Condition{Left: []string{first}}
	for {
		t, ok := p.peek()
		if !ok || t.kind != tokPunct || t.text != "+" {
			break
		}
		p.pos++
		id, err := p.ident()
		if err != nil {
			return nil, err
		}
		c.Left = append(c.Left, id)
	}
	t, ok := p.next()
	if !ok {
		return nil, fmt.Errorf("missing operator")
	}
	if len(c.Left) > 1 && !(t.kind == tokPunct && t.text == "<=") {
		return nil, fmt.Errorf("a sum is only allowed before <=")
	}
	switch {
	case t.kind == tokPunct && t.text == "==":
		c.Op = OpEq
		l, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.Values = []Literal{l}
	case t.kind == tokIdent && t.text == "in":
		c.Op = OpIn
		if c.Values, err = p.list(); err != nil {
			return nil, err
		}
	case t.kind == tokIdent && t.text == "has":
		if nt, ok := p.peek(); ok && nt.kind == tokIdent && nt.text == "any" {
			p.pos++
			c.Op = OpHasAny
			if c.Values, err = p.list(); err != nil {
				return nil, err
			}
			break
		}
		c.Op = OpHas
		l, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.Values = []Literal{l}
	case t.kind == tokPunct && t.text == "<=":
		c.Op = OpLE
		if c.Right, err = p.ident(); err != nil {
			return nil, err
		}
	case t.kind == tokIdent && t.text == "subset":
		c.Op = OpSubset
		if c.Right, err = p.ident(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown operator %q", t.text)
	}
	if t, ok := p.peek(); ok {
		return nil, fmt.Errorf("unexpected %q after the condition", t.text)
	}
	if c.Left[0] == UnitLevelRef {
		if c.Op != OpEq && c.Op != OpIn {
			return nil, fmt.Errorf("unit.level takes == or in")
		}
		for _, l := range c.Values {
			if !l.IsText {
				return nil, fmt.Errorf("unit.level compares with quoted levels")
			}
		}
	}
	return c, nil
}

// Lookup returns the current value of a field id (nil for null) during
// evaluation; for UnitLevelRef it returns the unit level as a string.
type Lookup func(id string) any

// Holds evaluates a `when` condition. A comparison with a null value is false.
// Chaining (the controlling field's own `when`) is not evaluated here; see
// Catalog.Applies.
func (c *Condition) Holds(get Lookup) bool {
	v := get(c.Left[0])
	if isNull(v) {
		return false
	}
	switch c.Op {
	case OpEq:
		return literalEquals(v, c.Values[0])
	case OpIn:
		return slices.ContainsFunc(c.Values, func(l Literal) bool { return literalEquals(v, l) })
	case OpHas:
		return listHas(v, c.Values[0])
	case OpHasAny:
		return slices.ContainsFunc(c.Values, func(l Literal) bool { return listHas(v, l) })
	}
	return false
}

// Check evaluates a soft `check`. evaluated is false when some operand is null
// (the check is then skipped) or has a type the operator cannot use; ok is the
// result when evaluated.
func (c *Condition) Check(get Lookup) (ok, evaluated bool) {
	switch c.Op {
	case OpLE:
		var sum float64
		for _, id := range c.Left {
			f, isNum := toFloat(get(id))
			if !isNum {
				return false, false
			}
			sum += f
		}
		r, isNum := toFloat(get(c.Right))
		if !isNum {
			return false, false
		}
		return sum <= r+1e-9, true
	case OpSubset:
		a, okA := get(c.Left[0]).([]int)
		b, okB := get(c.Right).([]int)
		if !okA || !okB {
			return false, false
		}
		for _, x := range a {
			if !slices.Contains(b, x) {
				return false, true
			}
		}
		return true, true
	}
	return false, false
}

func literalEquals(v any, l Literal) bool {
	if l.IsText {
		s, ok := v.(string)
		return ok && s == l.Str
	}
	n, ok := toInt(v)
	return ok && n == l.Int
}

func listHas(v any, l Literal) bool {
	switch x := v.(type) {
	case []int:
		return !l.IsText && slices.Contains(x, int(l.Int))
	case []string:
		s := l.Str
		if !l.IsText {
			s = strconv.FormatInt(l.Int, 10)
		}
		return slices.Contains(x, s)
	}
	return false
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x == float64(int64(x)) {
			return int64(x), true
		}
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// isNull reports whether v is a JSON null (nil, or a nil slice).
func isNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []int:
		return x == nil
	case []string:
		return x == nil
	}
	return false
}
