package layout

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Severity says whether a validation message must be fixed or only checked.
type Severity int

const (
	// SeverityError: the return is wrong and must be fixed before it is verified.
	SeverityError Severity = iota + 1
	// SeverityWarning: something a reviewer should check; the value may be right
	// as written (a failed soft check, an answer where none was expected).
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalJSON writes the severity as "error" or "warning".
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads "error" or "warning".
func (s *Severity) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return err
	}
	switch str {
	case "error":
		*s = SeverityError
	case "warning":
		*s = SeverityWarning
	default:
		return fmt.Errorf("layout: severity %q: %w", str, ErrValue)
	}
	return nil
}

// Code is a stable machine-readable reason of a validation message.
type Code string

// Validation codes. The severity of each is fixed.
const (
	CodeMissing        Code = "missing"         // error: a required field that applies is null
	CodeInconsistent   Code = "inconsistent"    // warning: a value where the field's when is false
	CodeType           Code = "type"            // error: a value of the wrong Go/JSON type
	CodeFormat         Code = "format"          // error: a string or list not in its type's normal form
	CodeOption         Code = "option"          // error: a code that is not an option
	CodeRange          Code = "range"           // error: a number outside min/max
	CodeExclusive      Code = "exclusive"       // error: an exclusive code together with others
	CodeCheck          Code = "check"           // warning: a soft check failed
	CodeLinkToken      Code = "link_token"      // error: a links token that is no code or column id
	CodeLinkSelf       Code = "link_self"       // error: a column that lists itself
	CodeLinkMissing    Code = "link_missing"    // warning: a linked column that is not present
	CodeUnknownField   Code = "unknown_field"   // error: an id that is no field of its form
	CodeEmptyColumn    Code = "empty_column"    // warning: a table column written with only nulls
	CodeMissingForm    Code = "missing_form"    // error: a form the unit's level fills in is absent
	CodeUnexpectedForm Code = "unexpected_form" // error: a form the unit's level does not fill in
	CodeLevel          Code = "level"           // error: unit.level is not a known level
	CodeRegionCode     Code = "region_code"     // error: bad unit.region_code; warning: Q3's differs
	CodeIssue          Code = "issue"           // warning: an entry that could not be normalised
)

// Message is one validation finding about one field, written for a reviewer.
type Message struct {
	FieldID  string   `json:"field"` // the field id; unit.level, unit.region_code or a form id for return-level findings
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Text     string   `json:"text"` // Chinese, naming the question: “第1题 成立时间：缺少必填项”
}

// String returns "severity code field: text".
func (m Message) String() string {
	return m.Severity.String() + " " + string(m.Code) + " " + m.FieldID + ": " + m.Text
}

// HasErrors reports whether any message is an error.
func HasErrors(msgs []Message) bool {
	return slices.ContainsFunc(msgs, func(m Message) bool { return m.Severity == SeverityError })
}

// Applies reports whether field f applies given the values get returns: its
// when holds and, recursively, so does the when of the field it names
// (FIELDS.md §4). A table cell's applicability does not include its column's
// presence; Validate checks that.
func (c *Catalog) Applies(f *Field, get Lookup) bool {
	for depth := 0; f != nil && f.When != nil; depth++ {
		if depth > 64 || !f.When.Holds(get) {
			return false
		}
		ref := f.When.Left[0]
		if ref == UnitLevelRef {
			return true
		}
		g, err := c.Field(ref)
		if err != nil {
			return false
		}
		f = g
	}
	return true
}

// validator collects the messages of one Validate call.
type validator struct {
	c    *Catalog
	r    *Return
	msgs []Message
}

func (v *validator) add(id string, code Code, sev Severity, text string) {
	v.msgs = append(v.msgs, Message{FieldID: id, Code: code, Severity: sev, Text: text})
}

func (v *validator) addf(f *Field, code Code, sev Severity, format string, args ...any) {
	v.add(f.ID, code, sev, f.Describe()+"："+fmt.Sprintf(format, args...))
}

var regionCodeRE = regexp.MustCompile(`^[0-9]{6}$`)

// Validate checks a whole return against the catalog: the unit, the forms its
// level fills in, every value's type, options, bounds and normal form, required
// answers under their (chained) when, answers where when is false, exclusive
// codes, soft checks, links and table columns, and the issues map. Messages come
// in a stable order: unit, then each form in print order (unknown ids first,
// then fields in export order), then issues. No messages means the return is
// valid; HasErrors tells whether it may be verified.
func (c *Catalog) Validate(r *Return) []Message {
	v := &validator{c: c, r: r}
	if !regionCodeRE.MatchString(r.Unit.RegionCode) {
		v.add("unit.region_code", CodeRegionCode, SeverityError,
			fmt.Sprintf("单位行政区划代码“%s”不是6位数字", r.Unit.RegionCode))
	}
	level, err := c.Level(r.Unit.Level)
	if err != nil {
		v.add(UnitLevelRef, CodeLevel, SeverityError, fmt.Sprintf("单位级别“%s”无效（应为 %s）", r.Unit.Level, c.levelNames()))
	} else {
		for _, id := range level.Forms {
			if _, ok := r.Forms[id]; !ok {
				f := c.byForm[id]
				v.add(id, CodeMissingForm, SeverityError, fmt.Sprintf("缺少%s（%s须填写）", f.Label, level.Label))
			}
		}
	}
	for _, f := range c.forms {
		vals, ok := r.Forms[f.ID]
		if !ok {
			continue
		}
		if err == nil && !slices.Contains(level.Forms, f.ID) {
			v.add(f.ID, CodeUnexpectedForm, SeverityError, fmt.Sprintf("%s不填写%s", level.Label, f.Label))
			continue
		}
		v.form(f, vals)
	}
	for _, id := range sortedFormKeys(r.Forms) {
		if _, ok := c.byForm[id]; !ok {
			v.add(id, CodeUnknownField, SeverityError, fmt.Sprintf("没有问卷“%s”", id))
		}
	}
	issueIDs := make([]string, 0, len(r.Issues))
	for id := range r.Issues {
		issueIDs = append(issueIDs, id)
	}
	slices.Sort(issueIDs)
	for _, id := range issueIDs {
		f, err := c.Field(id)
		if err != nil || f.IsTemplate() {
			v.add(id, CodeUnknownField, SeverityError, fmt.Sprintf("issues 中的“%s”不是字段", id))
			continue
		}
		is := r.Issues[id]
		v.addf(f, CodeIssue, SeverityWarning, "原文“%s”未能规范化（%s），请核对", is.Raw, is.Reason)
	}
	return v.msgs
}

func sortedFormKeys(m map[string]Values) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (c *Catalog) levelNames() string {
	names := make([]string, len(c.levels))
	for i, l := range c.levels {
		names[i] = string(l.ID)
	}
	return strings.Join(names, "、")
}

// form validates the values of one form.
func (v *validator) form(f *Form, vals Values) {
	get := func(id string) any {
		if id == UnitLevelRef {
			return string(v.r.Unit.Level)
		}
		return vals[id]
	}
	// Ids that are not fields of this form.
	for _, id := range vals.sortedKeys() {
		fl, err := v.c.Field(id)
		if err != nil || fl.Form != f.ID || fl.IsTemplate() {
			v.add(id, CodeUnknownField, SeverityError, fmt.Sprintf("%s中没有字段“%s”", f.Label, id))
		}
	}
	for _, fl := range append(slices.Clone(f.Fields), f.Header...) {
		v.field(fl, vals[fl.ID], get)
	}
	for _, t := range f.Tables {
		present := vals.Columns(t)
		for _, col := range vals.writtenColumns(t) {
			if !slices.Contains(present, col) {
				v.add(t.prefix()+col, CodeEmptyColumn, SeverityWarning,
					fmt.Sprintf("表%d %s：整列为空，不应写出", t.Number, t.ColumnLabel(col)))
			}
		}
		for _, col := range present {
			for _, cell := range t.Cells(col) {
				v.field(cell, vals[cell.ID], get)
				if cell.Type == TypeLinks {
					v.links(t, col, cell, vals[cell.ID], vals)
				}
			}
		}
	}
	for _, h := range f.Header {
		if h.Type == TypeRegionCode {
			if s, ok := vals[h.ID].(string); ok && regionCodeRE.MatchString(v.r.Unit.RegionCode) && s != v.r.Unit.RegionCode {
				v.addf(h, CodeRegionCode, SeverityWarning, "“%s”与单位行政区划代码 %s 不一致", s, v.r.Unit.RegionCode)
			}
		}
	}
}

// field validates one field's value: missing, inconsistent, type and content,
// and its soft check.
func (v *validator) field(f *Field, val any, get Lookup) {
	applies := v.c.Applies(f, get)
	if isNull(val) {
		if applies && f.Required {
			v.addf(f, CodeMissing, SeverityError, "缺少必填项")
		}
		return
	}
	if !applies {
		ctl := ""
		if f.When != nil && f.When.Left[0] != UnitLevelRef {
			if g, err := v.c.Field(f.When.Left[0]); err == nil {
				ctl = "按“" + g.Describe() + "”的回答，"
			}
		}
		v.addf(f, CodeInconsistent, SeverityWarning, "%s本项不应填写，但填写了“%s”，请核对", ctl, FormatValue(val))
	}
	v.value(f, val)
	if f.Check != nil {
		if ok, evaluated := f.Check.Check(get); evaluated && !ok {
			v.addf(f, CodeCheck, SeverityWarning, "%s，请核对", v.checkText(f.Check, get))
		}
	}
}

// checkText explains a failed check in Chinese.
func (v *validator) checkText(c *Condition, get Lookup) string {
	name := func(id string) string {
		if f, err := v.c.Field(id); err == nil {
			return "“" + f.Label + "”"
		}
		return id
	}
	var left []string
	for _, id := range c.Left {
		left = append(left, name(id)+"（"+FormatValue(get(id))+"）")
	}
	switch c.Op {
	case OpLE:
		return strings.Join(left, "＋") + "不应大于" + name(c.Right) + "（" + FormatValue(get(c.Right)) + "）"
	case OpSubset:
		a, _ := get(c.Left[0]).([]int)
		b, _ := get(c.Right).([]int)
		var extra []string
		for _, x := range a {
			if !slices.Contains(b, x) {
				extra = append(extra, circled(x))
			}
		}
		return name(c.Left[0]) + "中的" + strings.Join(extra, "") + "不在" + name(c.Right) + "中"
	}
	return c.Source
}

// circled writes an option code as printed: 3 → ③ (plain digits beyond ⑳).
func circled(n int) string {
	if n >= 1 && n <= 20 {
		return string(rune('①' + n - 1))
	}
	return strconv.Itoa(n)
}

var patterns = map[Type]*regexp.Regexp{
	TypeDate:       regexp.MustCompile(`^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`),
	TypePhone:      regexp.MustCompile(`^[0-9]+(-[0-9]+)*$`),
	TypeMobile:     regexp.MustCompile(`^1[0-9]{10}$`),
	TypeEmail:      regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`),
	TypeRegionCode: regexp.MustCompile(`^[0-9]{6}$`),
}

var linkTokenRE = regexp.MustCompile(`^([1-9]|[A-Z]+|[A-Z][0-9]+\.[IVX])$`)

// typeName is the Chinese name of a type's JSON value, for messages.
var typeName = map[Type]string{
	TypeTick: "选项代码（整数）", TypeCode: "选项代码（整数）", TypeInt: "整数", TypeDecimal: "数值", TypePercent: "百分数",
	TypeCodes: "代码列表", TypeLinks: "系统序号列表",
}

// value checks the type and content of a non-null value.
func (v *validator) value(f *Field, val any) {
	badType := func() {
		want := typeName[f.Type]
		if want == "" {
			want = "文字"
		}
		v.addf(f, CodeType, SeverityError, "值“%s”的类型不对（应为%s）", FormatValue(val), want)
	}
	switch f.Type {
	case TypeTick, TypeCode:
		n, ok := intValue(val)
		if !ok {
			badType()
			return
		}
		if _, ok := f.Option(int(n)); !ok {
			v.addf(f, CodeOption, SeverityError, "代码 %d 不是本题的选项", n)
		}
	case TypeInt:
		n, ok := intValue(val)
		if !ok {
			badType()
			return
		}
		v.bounds(f, float64(n))
	case TypeDecimal, TypePercent:
		x, ok := toFloat(val)
		if !ok {
			badType()
			return
		}
		v.bounds(f, x)
	case TypeCodes:
		list, ok := val.([]int)
		if !ok || len(list) == 0 {
			badType()
			return
		}
		if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
			v.addf(f, CodeFormat, SeverityError, "代码应去重并按升序排列")
		}
		for _, n := range list {
			if _, ok := f.Option(n); !ok {
				v.addf(f, CodeOption, SeverityError, "代码 %d 不是本题的选项", n)
			}
		}
		for _, x := range f.Exclusive {
			if slices.Contains(list, x) && len(list) > 1 {
				o, _ := f.Option(x)
				v.addf(f, CodeExclusive, SeverityError, "选了%s%s就不能再选其他项", circled(x), o.Label)
			}
		}
	case TypeLinks:
		list, ok := val.([]string)
		if !ok || len(list) == 0 {
			badType()
			return
		}
		if !slices.IsSorted(list) || len(slices.Compact(slices.Clone(list))) != len(list) {
			v.addf(f, CodeFormat, SeverityError, "系统序号应去重并按码点排列")
		}
	default:
		s, ok := val.(string)
		if !ok {
			badType()
			return
		}
		if re := patterns[f.Type]; re != nil && !re.MatchString(s) {
			v.addf(f, CodeFormat, SeverityError, "“%s”的格式不对", s)
		}
		if s == "" || strings.TrimSpace(s) != s {
			v.addf(f, CodeFormat, SeverityError, "文字前后不应有空白")
		}
	}
}

func intValue(val any) (int64, bool) {
	switch x := val.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}

func (v *validator) bounds(f *Field, x float64) {
	if f.Min != nil && x < *f.Min {
		v.addf(f, CodeRange, SeverityError, "%s 小于下限 %s", FormatValue(x), FormatValue(*f.Min))
	}
	if f.Max != nil && x > *f.Max {
		v.addf(f, CodeRange, SeverityError, "%s 大于上限 %s", FormatValue(x), FormatValue(*f.Max))
	}
}

// links checks a links cell of column col of table t: each token is an option
// code or a column id, no column lists itself, linked columns are present.
func (v *validator) links(t *Table, col string, f *Field, val any, vals Values) {
	list, ok := val.([]string)
	if !ok {
		return
	}
	form := v.c.byForm[t.Form]
	for _, tok := range list {
		if n, err := strconv.Atoi(tok); err == nil {
			if _, ok := f.Option(n); !ok {
				v.addf(f, CodeLinkToken, SeverityError, "“%s”不是有效的代码", tok)
			}
			continue
		}
		target, tcol, ok := v.linkTarget(form, tok)
		if !ok || !linkTokenRE.MatchString(tok) {
			v.addf(f, CodeLinkToken, SeverityError, "“%s”不是有效的系统序号或代码", tok)
			continue
		}
		if target == t && tcol == col {
			v.addf(f, CodeLinkSelf, SeverityError, "不能填写本系统自身的序号“%s”", tok)
			continue
		}
		if !slices.Contains(vals.Columns(target), tcol) {
			v.addf(f, CodeLinkMissing, SeverityWarning, "对接的%s在表%d中没有填写，请核对", target.ColumnLabel(tcol), target.Number)
		}
	}
}

// linkTarget resolves a links token to a table column of the form: "B" → the
// letters table, "II" (only I, V, X) → the Roman table, "T1.I" → table T1.
func (v *validator) linkTarget(form *Form, tok string) (*Table, string, bool) {
	if tid, col, ok := strings.Cut(tok, "."); ok {
		t, err := form.Table(tid)
		if err != nil {
			return nil, "", false
		}
		if _, valid := t.ColumnIndex(col); !valid {
			return nil, "", false
		}
		return t, col, true
	}
	want := Letters
	if onlyIVX(tok) {
		want = Roman
	}
	for _, t := range form.Tables {
		if t.Scheme == want {
			if _, valid := t.ColumnIndex(tok); valid {
				return t, tok, true
			}
		}
	}
	return nil, "", false
}
