package layout

import (
	"encoding/json"
	"strings"
	"testing"
)

// normCase is one written entry and what it must normalise to. want is the JSON
// of the value ("null" for a null); issue is a substring of the issue's reason,
// "" when no issue is expected.
type normCase struct {
	name  string
	field string // a field id of the Default catalog
	raw   string
	want  string
	issue string
}

// FIELDS.md §3 and §3.1, every example written out, then edge cases.
var normCases = []normCase{
	// §3 tick
	{"tick box 2", "Q1.1", "2", `2`, ""},
	{"tick printed number", "Q1.1", "（2）", `2`, ""},
	{"tick two boxes", "Q1.1", "1、2", `null`, "more than one code"},
	// §3 code
	{"code circled 3", "Q1.2", "③", `3`, ""},
	{"code circled 10", "Q3.T1.A.3", "⑩", `[10]`, ""},
	{"code circled 10 in code", "Q1.7.1.c", "⑩", `10`, ""},
	{"code plain 3", "Q1.2", "3", `3`, ""},
	{"code parenthesised 3", "Q1.2", "(3)", `3`, ""},
	{"code full-width parenthesised", "Q1.2", "（３）", `3`, ""},
	{"code enclosed ⑶", "Q1.2", "⑶", `3`, ""},
	{"code two codes", "Q1.2", "①③", `null`, "more than one code"},
	{"code with words", "Q1.2", "④其他", `null`, "not an option code"},
	// §3 codes
	{"codes circled", "Q1.5", "①③⑤", `[1,3,5]`, ""},
	{"codes unordered", "Q1.5", "⑤、①", `[1,5]`, ""},
	{"codes plain with 、", "Q1.5", "1、3", `[1,3]`, ""},
	{"codes plain with comma", "Q1.5", "1,3", `[1,3]`, ""},
	{"codes full-width comma", "Q1.5", "1，3", `[1,3]`, ""},
	{"codes duplicates", "Q1.5", "③①③", `[1,3]`, ""},
	{"codes parenthesised", "Q1.5", "(1)(3)", `[1,3]`, ""},
	{"codes digits run, ≤9 options", "Q1.5", "135", `[1,3,5]`, ""},
	{"codes two-digit option", "Q3.T1.A.3", "1、13", `[1,13]`, ""},
	{"codes ambiguous run, 13 options", "Q3.T1.A.3", "135", `null`, "ambiguous"},
	{"codes range", "Q1.16", "①-④", `[1,2,3,4]`, ""},
	{"codes descending range", "Q1.16", "④-①", `null`, "ascending"},
	{"codes words", "Q1.5", "全部", `null`, "not an option code"},
	// §3 int
	{"int separators", "Q1.1.1.c", "1,200", `1200`, ""},
	{"int full-width 万", "Q1.6.1.a", "３.５万", `35000`, ""},
	{"int 无", "Q1.1.1.c", "无", `0`, ""},
	{"int 零", "Q1.1.1.c", "零", `0`, ""},
	{"int unit 人", "Q1.1.1.c", "25人", `25`, ""},
	{"int 万张 (codebook note)", "Q1.6.1.a", "15万张", `150000`, ""},
	{"int Chinese numerals", "Q1.1.1.c", "三十五", `35`, ""},
	{"int Chinese 万", "Q1.6.1.a", "三万五千", `35000`, ""},
	{"int colloquial 3万5", "Q1.6.1.a", "3万5", `null`, "ambiguous amount"},
	{"int 3万5千 is explicit", "Q1.6.1.a", "3万5千", `35000`, ""},
	{"decimal colloquial 1亿2", "Q1.14.2", "1亿2元", `null`, "ambiguous amount"},
	{"int bad grouping", "Q1.1.1.c", "1,20", `null`, "not a number"},
	{"int fraction", "Q1.1.1.c", "2.5", `null`, "not a whole number"},
	{"int unknown unit", "Q1.1.1.c", "25元", `null`, "not a number"},
	// §3 decimal, unit 万元 / 万人
	{"decimal 万元", "Q1.14.2", "1,250.5万元", `1250.5`, ""},
	{"decimal 亿元", "Q1.14.2", "1.2亿元", `12000`, ""},
	{"decimal 元", "Q1.14.2", "350000元", `35`, ""},
	{"decimal bare number is in the unit", "Q1.14.2", "1250.5", `1250.5`, ""},
	{"decimal 万 without 元", "Q1.14.2", "80万", `80`, ""},
	{"decimal 亿 and 万", "Q1.14.2", "1亿2000万元", `12000`, ""},
	{"decimal 千元", "Q1.14.2", "5千元", `0.5`, ""},
	{"decimal wrong unit", "Q1.14.2", "35人", `null`, "does not fit"},
	{"decimal 万人 bare", "Q3.T1.A.4", "120", `120`, ""},
	{"decimal 万人 with 万", "Q3.T1.A.4", "120万", `120`, ""},
	{"decimal 万人 in 人", "Q3.T1.A.4", "1200000人", `120`, ""},
	{"decimal 万人 written", "Q3.T1.A.4", "1.5万人", `1.5`, ""},
	{"decimal full-width", "Q1.14.3.b1", "２５０．５", `250.5`, ""},
	// §3 percent
	{"percent full-width sign", "Q1.14.3.b4", "35％", `35`, ""},
	{"percent ASCII sign", "Q1.14.3.b4", "62.5%", `62.5`, ""},
	{"percent bare", "Q1.14.3.b4", "80", `80`, ""},
	{"percent 百分之", "Q1.14.3.b4", "百分之三十", `30`, ""},
	{"percent with words", "Q1.14.3.b4", "大部分", `null`, "not a percentage"},
	// §3 date
	{"date year month", "Q1.1.1.a", "2001年3月", `"2001-03"`, ""},
	{"date dotted", "Q1.1.1.a", "2005.12.1", `"2005-12-01"`, ""},
	{"date Chinese numerals 年底", "Q1.1.1.a", "二〇〇六年底", `"2006"`, ""},
	{"date two-digit 06", "Q1.1.1.a", "06年", `"2006"`, ""},
	{"date two-digit 98", "Q1.1.1.a", "98年", `"1998"`, ""},
	{"date two-digit 49", "Q1.1.1.a", "49年", `"2049"`, ""},
	{"date two-digit 50", "Q1.1.1.a", "50年", `"1950"`, ""},
	{"date full day", "Q3.T1.A.5", "2004年6月18日", `"2004-06-18"`, ""},
	{"date day with 号", "Q3.T1.A.5", "2004年6月18号", `"2004-06-18"`, ""},
	{"date dashes", "Q3.T1.A.5", "2004-6-18", `"2004-06-18"`, ""},
	{"date slashes year month", "Q1.1.1.a", "2005/1", `"2005-01"`, ""},
	{"date compact", "Q3.T1.A.5", "20040618", `"2004-06-18"`, ""},
	{"date year only", "Q1.1.1.a", "2006", `"2006"`, ""},
	{"date 月底", "Q1.1.1.a", "2006年6月底", `"2006-06"`, ""},
	{"date 月份", "Q1.1.1.a", "2006年6月份", `"2006-06"`, ""},
	{"date 下半年", "Q1.3.2.a.when1", "2007年下半年", `"2007"`, ""},
	{"date 左右", "Q1.3.2.a.when1", "2007年左右", `"2007"`, ""},
	{"date Chinese month", "Q1.1.1.a", "二〇〇一年十二月", `"2001-12"`, ""},
	{"date full-width digits", "Q1.1.1.a", "２００１年３月", `"2001-03"`, ""},
	{"date precision kept, never padded", "Q3.T1.A.5", "2004年6月", `"2004-06"`, ""},
	{"date bad month", "Q1.1.1.a", "2001年13月", `null`, "not a month"},
	{"date bad day", "Q3.T1.A.5", "2005.2.30", `null`, "not a day"},
	{"date range", "Q1.1.1.a", "2005年-2006年", `null`, "not a date"},
	{"date words", "Q1.1.1.a", "已成立", `null`, "not a date"},
	// §3 text
	{"text trimmed", "Q1.2.detail", "  省本级和杭州、宁波 ", `"省本级和杭州、宁波"`, ""},
	{"text space runs", "Q1.4.b6", "Polycom   MGC-50", `"Polycom MGC-50"`, ""},
	{"text full-width letters and digits", "Q1.4.b6", "ＰＯＬＹＣＯＭ　ＭＧＣ－５０", `"POLYCOM MGC－50"`, ""},
	{"text Chinese punctuation kept", "Q1.17", "资金不足，人才缺乏。", `"资金不足，人才缺乏。"`, ""},
	{"text attached sheet lines", "Q1.17", "第一，资金。\n\n  第二，人才。 ", `"第一，资金。\n第二，人才。"`, ""},
	{"text 不详 kept as written", "Q1.4.b6", "不详", `"不详"`, ""},
	// §3 name
	{"name inner spaces", "Q1.1.1.e.name", "张 明", `"张明"`, ""},
	{"name ideographic space", "Q1.1.1.e.name", "欧阳　明", `"欧阳明"`, ""},
	// §3 phone
	{"phone full-width", "Q1.1.1.e.phone", "０５７１－８７６５４３２１", `"0571-87654321"`, ""},
	{"phone parenthesised area code", "Q1.1.1.e.phone", "(010)84201087", `"010-84201087"`, ""},
	{"phone 转 extension", "Q1.1.1.e.phone", "0571-87654321转801", `"0571-87654321-801"`, ""},
	{"phone full-width parentheses", "Q1.1.1.e.phone", "（0571）8765 4321", `"0571-87654321"`, ""},
	{"phone space after area code", "Q1.1.1.e.phone", "0571 87654321", `"0571-87654321"`, ""},
	{"phone no separator", "Q1.1.1.e.phone", "057187654321", `"0571-87654321"`, ""},
	{"phone Beijing no separator", "Q1.1.1.e.phone", "01084201087", `"010-84201087"`, ""},
	{"phone local only", "Q1.1.1.e.phone", "84201087", `"84201087"`, ""},
	{"phone extension with dash", "Q1.1.1.e.phone", "0571-87654321-801", `"0571-87654321-801"`, ""},
	{"phone 分机", "Q1.1.1.e.phone", "0571-87654321分机801", `"0571-87654321-801"`, ""},
	{"phone short service number", "Q1.1.1.e.phone", "12333", `"12333"`, ""},
	{"phone mobile written", "Q3.T1.A.11", "139 0571 1234", `"13905711234"`, ""},
	{"phone several numbers keep first", "Q1.1.1.e.phone", "010-84201087、84201688", `"010-84201087"`, "kept the first"},
	{"phone 同上", "Q1.1.1.e.fax", "同上", `null`, "同上"},
	{"phone words", "Q1.1.1.e.fax", "没有传真", `null`, "not a phone number"},
	// §3 mobile
	{"mobile spaces", "Q1.1.1.e.mobile", "139 0571 1234", `"13905711234"`, ""},
	{"mobile +86", "Q1.1.1.e.mobile", "+86 139-0571-1234", `"13905711234"`, ""},
	{"mobile full-width", "Q1.1.1.e.mobile", "１３９０５７１１２３４", `"13905711234"`, ""},
	{"mobile too short", "Q1.1.1.e.mobile", "1390571123", `null`, "not a mobile number"},
	{"mobile two numbers", "Q1.1.1.e.mobile", "13905711234、13800000000", `"13905711234"`, "kept the first"},
	// §3 email
	{"email lower-cased", "Q1.1.1.e.email", "ZhangM@Example.GOV.cn", `"zhangm@example.gov.cn"`, ""},
	{"email full-width", "Q1.1.1.e.email", "ｚｈａｎｇｍ＠ｅｘａｍｐｌｅ．ｇｏｖ．ｃｎ", `"zhangm@example.gov.cn"`, ""},
	{"email inner space", "Q1.1.1.e.email", "zhangm @example.gov.cn", `"zhangm@example.gov.cn"`, ""},
	{"email no at", "Q1.1.1.e.email", "zhangm.example.gov.cn", `null`, "not an e-mail address"},
	// §3 url
	{"url host lower-cased, slash dropped", "Q1.7.1.b", "WWW.Example.GOV.CN/", `"www.example.gov.cn"`, ""},
	{"url scheme kept when written", "Q1.7.1.b", "HTTP://www.zj.lss.gov.cn/", `"http://www.zj.lss.gov.cn"`, ""},
	{"url path case kept", "Q1.7.1.b", "www.zj.gov.cn/LDBZ/Index.html", `"www.zj.gov.cn/LDBZ/Index.html"`, ""},
	{"url full-width", "Q1.7.1.b", "ｗｗｗ．ｚｊ．ｇｏｖ．ｃｎ", `"www.zj.gov.cn"`, ""},
	{"url not an address", "Q1.7.1.b", "浙江劳动保障网", `null`, "not a web address"},
	// §3 region_code
	{"region code full-width", "Q3.region_code", "３３００００", `"330000"`, ""},
	{"region code spaced", "Q3.region_code", "33 01 00", `"330100"`, ""},
	{"region code short", "Q3.region_code", "3300", `null`, "6-digit"},
	// §3 and §5 links
	{"links mixed", "Q3.T1.A.18", "B、Ⅱ、①③", `["1","3","B","II"]`, ""},
	{"links ASCII roman", "Q3.T1.A.18", "II,B", `["B","II"]`, ""},
	{"links T1.I", "Q3.T2.I.9", "T1.I、A", `["A","T1.I"]`, ""},
	{"links 系统 prefix", "Q3.T1.A.18", "系统B、系统Ⅲ", `["B","III"]`, ""},
	{"links lower case", "Q3.T1.A.18", "b、ii", `["B","II"]`, ""},
	{"links de-duplicated", "Q3.T1.A.18", "B、B、②", `["2","B"]`, ""},
	{"links digits", "Q3.T1.A.18", "1、5", `["1","5"]`, ""},
	{"links code out of range", "Q3.T1.A.18", "⑥", `null`, "not a link code"},
	{"links bad roman", "Q3.T1.A.18", "IIII", `null`, "not a column id"},
	{"links words", "Q3.T1.A.18", "财务软件", `null`, "not a system or link code"},
	// §3.1 blank, unreadable, non-conforming
	{"blank", "Q1.1.1.c", "", `null`, ""},
	{"spaces only", "Q1.1.1.c", "  　 ", `null`, ""},
	{"em dash", "Q1.1.1.c", "—", `null`, ""},
	{"full-width hyphen", "Q1.4.b6", "－", `null`, ""},
	{"slash", "Q1.1.1.e.fax", "/", `null`, ""},
	{"double dash", "Q1.2.detail", "——", `null`, ""},
	{"qualifier 约", "Q1.1.1.c", "约300", `300`, ""},
	{"qualifier 左右", "Q1.1.1.c", "300左右", `300`, ""},
	{"qualifier 余", "Q1.1.1.c", "300余人", `300`, ""},
	{"qualifier 多", "Q1.6.1.a", "3万多", `30000`, ""},
	{"qualifier on decimal", "Q1.14.2", "约1,250.5万元", `1250.5`, ""},
	{"qualifier on percent", "Q1.14.3.b4", "35%左右", `35`, ""},
	{"不详", "Q1.1.1.c", "不详", `null`, "不详"},
	{"若干", "Q1.1.1.c", "若干", `null`, "若干"},
	{"range", "Q1.1.1.c", "10-20", `null`, "range"},
	{"range with 至", "Q1.1.1.c", "10至20", `null`, "range"},
	{"同上", "Q1.1.2.b.phone", "同上", `null`, "同上"},
	{"two codes in a code blank", "Q1.3.1.a", "1、3", `null`, "more than one code"},
}

func TestNormalize(t *testing.T) {
	c := Default()
	for _, tc := range normCases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := c.Field(tc.field)
			if err != nil {
				t.Fatal(err)
			}
			v, issue := Normalize(f, tc.raw)
			got, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("Normalize(%s, %q) = %s, want %s", tc.field, tc.raw, got, tc.want)
			}
			switch {
			case tc.issue == "" && issue != nil:
				t.Errorf("Normalize(%s, %q): unexpected issue %+v", tc.field, tc.raw, *issue)
			case tc.issue != "" && issue == nil:
				t.Errorf("Normalize(%s, %q): no issue, want one mentioning %q", tc.field, tc.raw, tc.issue)
			case issue != nil:
				if !strings.Contains(issue.Reason, tc.issue) {
					t.Errorf("issue reason %q does not mention %q", issue.Reason, tc.issue)
				}
				if got, want := issue.Raw, tc.raw; got != want {
					t.Errorf("issue raw = %q, want the text as written %q", got, want)
				}
			}
		})
	}
}

// TestNormalizedValuesValidate checks that every value Normalize returns passes
// Validate's type and format checks for its field: the two agree on normal form.
func TestNormalizedValuesValidate(t *testing.T) {
	c := Default()
	for _, tc := range normCases {
		f, err := c.Field(tc.field)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := Normalize(f, tc.raw)
		if v == nil {
			continue
		}
		val := &validator{c: c}
		val.value(f, v)
		for _, m := range val.msgs {
			if m.Code == CodeType || m.Code == CodeFormat {
				t.Errorf("%s: Normalize(%s, %q) = %#v, which Validate rejects: %s", tc.name, tc.field, tc.raw, v, m.Text)
			}
		}
	}
}

func TestNormalizeType(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		unit string
		raw  string
		want string
		bad  bool
	}{
		{"decimal without unit", TypeDecimal, "", "3.5万", `35000`, false},
		{"decimal 万元", TypeDecimal, "万元", "350000元", `35`, false},
		{"decimal unknown unit", TypeDecimal, "斤", "3", `null`, true},
		{"codes without options reads whole numbers", TypeCodes, "", "13、2", `[2,13]`, false},
		{"codes without options keeps runs", TypeCodes, "", "135", `[135]`, false},
		{"percent", TypePercent, "", "35％", `35`, false},
		{"links", TypeLinks, "", "B、Ⅱ、①③", `["1","3","B","II"]`, false},
		{"text blank", TypeText, "", " — ", `null`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, issue := NormalizeType(tc.typ, tc.unit, tc.raw)
			got, _ := json.Marshal(v)
			if string(got) != tc.want {
				t.Errorf("NormalizeType(%s, %q, %q) = %s, want %s", tc.typ, tc.unit, tc.raw, got, tc.want)
			}
			if got, want := issue != nil, tc.bad; got != want {
				t.Errorf("issue = %v, want issue: %v", issue, want)
			}
		})
	}
}

func TestNormalizeGoTypes(t *testing.T) {
	c := Default()
	tests := []struct {
		field, raw string
		check      func(any) bool
	}{
		{"Q1.1", "1", func(v any) bool { _, ok := v.(int64); return ok }},
		{"Q1.2", "③", func(v any) bool { _, ok := v.(int64); return ok }},
		{"Q1.1.1.c", "25", func(v any) bool { _, ok := v.(int64); return ok }},
		{"Q1.14.2", "25", func(v any) bool { _, ok := v.(float64); return ok }},
		{"Q1.14.3.b4", "25", func(v any) bool { _, ok := v.(float64); return ok }},
		{"Q1.5", "①", func(v any) bool { _, ok := v.([]int); return ok }},
		{"Q3.T1.A.18", "B", func(v any) bool { _, ok := v.([]string); return ok }},
		{"Q1.1.1.a", "2001年", func(v any) bool { _, ok := v.(string); return ok }},
	}
	for _, tc := range tests {
		t.Run(tc.field, func(t *testing.T) {
			f, err := c.Field(tc.field)
			if err != nil {
				t.Fatal(err)
			}
			v, issue := Normalize(f, tc.raw)
			if issue != nil || !tc.check(v) {
				t.Errorf("Normalize(%s, %q) = %#v (%T), %v", tc.field, tc.raw, v, v, issue)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, tc := range normCases {
		fl, err := Default().Field(tc.field)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(fl.Type), tc.raw)
	}
	f.Fuzz(func(t *testing.T, typ, raw string) {
		tp, err := ParseType(typ)
		if err != nil {
			return
		}
		v, issue := NormalizeType(tp, "万元", raw)
		if v != nil && issue != nil && issue.Raw != raw {
			t.Errorf("issue raw %q, want %q", issue.Raw, raw)
		}
		if v == nil || tp == TypeText || tp == TypeName {
			return
		}
		// A normalised value is a fixed point: normalising its own text gives it back.
		again, issue2 := NormalizeType(tp, "万元", FormatValue(v))
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(again)
		if issue2 != nil || string(a) != string(b) {
			t.Errorf("%s %q → %s, but its text %q → %s (%v)", tp, raw, a, FormatValue(v), b, issue2)
		}
	})
}
