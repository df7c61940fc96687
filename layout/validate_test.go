package layout

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readReturn(t *testing.T, name string) *Return {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var r Return
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &r
}

func TestValidateValid(t *testing.T) {
	for _, name := range []string{"province.json", "prefecture.json"} {
		t.Run(name, func(t *testing.T) {
			msgs := Default().Validate(readReturn(t, name))
			for _, m := range msgs {
				t.Errorf("unexpected: %s", m)
			}
		})
	}
}

// want is one expected message: field, code and severity; text, if set, must be
// the message text exactly.
type want struct {
	field string
	code  Code
	sev   Severity
	text  string
}

func TestValidate(t *testing.T) {
	const E, W = SeverityError, SeverityWarning
	tests := []struct {
		name   string
		file   string
		change func(r *Return)
		want   []want
	}{
		{"missing required", "province.json", func(r *Return) { r.Set("Q1.1.2.a", nil) }, []want{
			{"Q1.1.2.a", CodeMissing, E, "第1题 本厅（局）负责劳动保障信息系统综合管理部门：缺少必填项"}}},
		{"branch switched: required under when, inconsistent values", "province.json", func(r *Return) { r.Set("Q1.1", int64(1)) }, []want{
			{"Q1.1.1.a", CodeMissing, E, "第1题 成立时间：缺少必填项"},
			{"Q1.1.1.b", CodeMissing, E, ""}, {"Q1.1.1.c", CodeMissing, E, ""},
			{"Q1.1.1.d.current", CodeMissing, E, ""}, {"Q1.1.1.d.tech", CodeMissing, E, ""},
			{"Q1.1.1.e.name", CodeMissing, E, ""}, {"Q1.1.1.e.title", CodeMissing, E, ""}, {"Q1.1.1.e.phone", CodeMissing, E, ""},
			{"Q1.1.2.a", CodeInconsistent, W, "第1题 本厅（局）负责劳动保障信息系统综合管理部门：按“第1题 本厅（局）是否成立信息中心”的回答，本项不应填写，但填写了“信息处”，请核对"},
			{"Q1.1.2.b.name", CodeInconsistent, W, ""}, {"Q1.1.2.b.title", CodeInconsistent, W, ""},
			{"Q1.1.2.b.phone", CodeInconsistent, W, ""}, {"Q1.1.2.b.mobile", CodeInconsistent, W, ""},
			{"Q1.1.2.b.email", CodeInconsistent, W, ""}}},
		{"chained when: dependent of an inapplicable field", "province.json", func(r *Return) {
			r.Set("Q1.1.1.b", int64(4))
			r.Set("Q1.1.1.b.other", "参公")
		}, []want{{"Q1.1.1.b", CodeInconsistent, W, ""}, {"Q1.1.1.b.other", CodeInconsistent, W, ""}}},
		{"null controlling answer", "province.json", func(r *Return) { r.Set("Q1.3", nil) }, []want{
			{"Q1.3", CodeMissing, E, ""}, {"Q1.3.2.a", CodeInconsistent, W, ""}}},
		{"tick option selected by text", "province.json", func(r *Return) {
			r.Set("Q1.1", int64(3))
			for _, id := range []string{"Q1.1.2.a", "Q1.1.2.b.name", "Q1.1.2.b.title", "Q1.1.2.b.phone", "Q1.1.2.b.mobile", "Q1.1.2.b.email"} {
				r.Set(id, nil)
			}
		}, []want{{"Q1.1.other", CodeMissing, E, "第1题 〔是否成立信息中心〕（3）其他（请说明）：缺少必填项"}}},
		{"type", "province.json", func(r *Return) { r.Set("Q1.4.b1", "11") }, []want{
			{"Q1.4.b1", CodeType, E, "第4题 本省辖区内地市个数：值“11”的类型不对（应为整数）"}}},
		{"option", "province.json", func(r *Return) { r.Set("Q1.2", int64(7)) }, []want{
			{"Q1.2", CodeOption, E, "第2题 全省规划的数据分布策略是：代码 7 不是本题的选项"}}},
		{"codes option", "province.json", func(r *Return) { r.Set("Q1.5", []int{1, 9}) }, []want{{"Q1.5", CodeOption, E, ""}}},
		{"range max", "province.json", func(r *Return) { r.Set("Q1.14.3.b4", 120.0) }, []want{
			{"Q1.14.3.b4", CodeRange, E, "第14题 全部资金投入中财政投入占：120 大于上限 100"}}},
		{"range min", "province.json", func(r *Return) { r.Set("Q1.4.b6", nil); r.Set("Q1.4.b5", int64(-1)) }, []want{
			{"Q1.4.b5", CodeRange, E, ""}}},
		{"exclusive", "province.json", func(r *Return) { r.Set("Q1.12.1", []int{1, 3}) }, []want{
			{"Q1.12.1", CodeExclusive, E, "第12题 已安装应用软件情况：选了③未安装就不能再选其他项"}}},
		{"check <=", "province.json", func(r *Return) { r.Set("Q1.4.b2", int64(12)) }, []want{
			{"Q1.4.b2", CodeCheck, W, "第4题 其中已实现市数据中心与省级数据中心广域网连接的〔地市〕个数：“其中已实现市数据中心与省级数据中心广域网连接的〔地市〕个数”（12）不应大于“本省辖区内地市个数”（11），请核对"}}},
		{"check sum", "province.json", func(r *Return) { r.Set("Q1.14.3.b3", 2500.0) }, []want{{"Q1.14.3.b3", CodeCheck, W, ""}}},
		{"check subset", "province.json", func(r *Return) { r.Set("Q1.13.standalone", []int{1, 2}) }, []want{
			{"Q1.13.standalone", CodeCheck, W, "第13题 其中单独建立系统的有：“其中单独建立系统的有”中的②不在“本地区是否利用信息化手段开展以下业务”中，请核对"}}},
		{"check skipped when an operand is null", "province.json", func(r *Return) {
			r.Set("Q1.4.b1", nil)
			r.Set("Q1.4.b2", int64(99))
		}, []want{{"Q1.4.b1", CodeMissing, E, ""}}},
		{"codes not normalised", "province.json", func(r *Return) { r.Set("Q1.5", []int{2, 1, 1}) }, []want{{"Q1.5", CodeFormat, E, ""}}},
		{"date format", "province.json", func(r *Return) { r.Set("Q3.T1.A.5", "2004-6-18") }, []want{{"Q3.T1.A.5", CodeFormat, E, ""}}},
		{"phone format", "province.json", func(r *Return) { r.Set("Q1.1.2.b.phone", "0571 8765") }, []want{{"Q1.1.2.b.phone", CodeFormat, E, ""}}},
		{"text with padding", "province.json", func(r *Return) { r.Set("Q1.4.b6", " x ") }, []want{{"Q1.4.b6", CodeFormat, E, ""}}},
		{"links self", "province.json", func(r *Return) { r.Set("Q3.T1.A.18", []string{"A"}) }, []want{
			{"Q3.T1.A.18", CodeLinkSelf, E, "表1 系统A 第18栏 系统对接情况：不能填写本系统自身的序号“A”"}}},
		{"links T2 self", "province.json", func(r *Return) { r.Set("Q3.T2.I.9", []string{"I"}) }, []want{{"Q3.T2.I.9", CodeLinkSelf, E, ""}}},
		{"links missing column", "province.json", func(r *Return) { r.Set("Q3.T1.A.18", []string{"C"}) }, []want{
			{"Q3.T1.A.18", CodeLinkMissing, W, "表1 系统A 第18栏 系统对接情况：对接的系统C在表1中没有填写，请核对"}}},
		{"links T1.I to a missing column", "province.json", func(r *Return) { r.Set("Q3.T2.I.9", []string{"T1.I"}) }, []want{{"Q3.T2.I.9", CodeLinkMissing, W, ""}}},
		{"links bad token", "province.json", func(r *Return) { r.Set("Q3.T1.A.18", []string{"7", "T2.II", "a"}) }, []want{
			{"Q3.T1.A.18", CodeLinkToken, E, ""}, {"Q3.T1.A.18", CodeLinkToken, E, ""}, {"Q3.T1.A.18", CodeLinkToken, E, ""}}},
		{"links 5 needs other", "province.json", func(r *Return) { r.Set("Q3.T1.A.18", []string{"5", "I"}) }, []want{{"Q3.T1.A.18.other", CodeMissing, E, ""}}},
		{"table column written but empty", "province.json", func(r *Return) { r.Set("Q3.T1.C.1", nil) }, []want{
			{"Q3.T1.C", CodeEmptyColumn, W, "表1 系统C：整列为空，不应写出"}}},
		{"table column present: required cells", "province.json", func(r *Return) { r.Set("Q3.T2.II.1", "社保卡系统") }, []want{
			{"Q3.T2.II.2", CodeMissing, E, "表2 系统Ⅱ 第2栏 地域范围：缺少必填项"}, {"Q3.T2.II.3", CodeMissing, E, ""},
			{"Q3.T2.II.4", CodeMissing, E, ""}, {"Q3.T2.II.5", CodeMissing, E, ""}, {"Q3.T2.II.6", CodeMissing, E, ""},
			{"Q3.T2.II.7", CodeMissing, E, ""}, {"Q3.T2.II.8", CodeMissing, E, ""}}},
		{"table when binds the column", "province.json", func(r *Return) { r.Set("Q3.T1.A.6", int64(2)) }, []want{
			{"Q3.T1.A.7", CodeInconsistent, W, ""}}},
		{"bad column id", "province.json", func(r *Return) { r.Set("Q3.T1.a.1", "x") }, []want{{"Q3.T1.a.1", CodeUnknownField, E, ""}}},
		{"unknown field", "province.json", func(r *Return) { r.Set("Q1.99", int64(1)) }, []want{{"Q1.99", CodeUnknownField, E, ""}}},
		{"missing form", "province.json", func(r *Return) { delete(r.Forms, "Q3") }, []want{
			{"Q3", CodeMissingForm, E, "缺少问卷（三）（省、自治区及新疆生产建设兵团劳动保障部门须填写）"}}},
		{"unexpected form", "province.json", func(r *Return) { r.Forms["Q2"] = Values{} }, []want{{"Q2", CodeUnexpectedForm, E, ""}}},
		{"unknown form", "province.json", func(r *Return) { r.Forms["Q9"] = Values{} }, []want{{"Q9", CodeUnknownField, E, ""}}},
		{"bad level", "province.json", func(r *Return) { r.Unit.Level = "county" }, []want{{"unit.level", CodeLevel, E, ""}}},
		{"bad region code", "province.json", func(r *Return) { r.Unit.RegionCode = "33" }, []want{{"unit.region_code", CodeRegionCode, E, ""}}},
		{"Q3 region code differs", "province.json", func(r *Return) { r.Set("Q3.region_code", "330100") }, []want{{"Q3.region_code", CodeRegionCode, W, ""}}},
		{"city for a province", "province.json", func(r *Return) { r.Set("Q3.city", "杭州") }, []want{{"Q3.city", CodeInconsistent, W, ""}}},
		{"city missing for a prefecture", "prefecture.json", func(r *Return) { r.Set("Q3.city", nil) }, []want{
			{"Q3.city", CodeMissing, E, "表头 市：缺少必填项"}}},
		{"when in [2, 3]", "prefecture.json", func(r *Return) { r.Set("Q2.4.1.b8", nil) }, []want{{"Q2.4.1.b8", CodeMissing, E, ""}}},
		{"issue recorded", "province.json", func(r *Return) {
			r.Issues = map[string]Issue{"Q1.1.2.b.fax": {Raw: "同上", Reason: "not a phone number"}}
		}, []want{{"Q1.1.2.b.fax", CodeIssue, W, "第1题 〔主要负责人〕传真：原文“同上”未能规范化（not a phone number），请核对"}}},
		{"issue for an unknown id", "province.json", func(r *Return) {
			r.Issues = map[string]Issue{"Q1.0": {Raw: "x", Reason: "y"}}
		}, []want{{"Q1.0", CodeUnknownField, E, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := readReturn(t, tc.file)
			tc.change(r)
			msgs := Default().Validate(r)
			var got, wantKeys []string
			for _, m := range msgs {
				got = append(got, m.FieldID+" "+string(m.Code)+" "+m.Severity.String())
			}
			for _, w := range tc.want {
				wantKeys = append(wantKeys, w.field+" "+string(w.code)+" "+w.sev.String())
			}
			slices.Sort(got)
			slices.Sort(wantKeys)
			if !slices.Equal(got, wantKeys) {
				t.Errorf("messages:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(wantKeys, "\n     "))
				for _, m := range msgs {
					t.Log(m)
				}
			}
			for _, w := range tc.want {
				if w.text == "" {
					continue
				}
				i := slices.IndexFunc(msgs, func(m Message) bool { return m.FieldID == w.field && m.Code == w.code })
				if i < 0 {
					continue
				}
				if got := msgs[i].Text; got != w.text {
					t.Errorf("text of %s %s:\n got %s\nwant %s", w.field, w.code, got, w.text)
				}
			}
			if got, want := HasErrors(msgs), slices.ContainsFunc(tc.want, func(w want) bool { return w.sev == SeverityError }); got != want {
				t.Errorf("HasErrors = %v, want %v", got, want)
			}
		})
	}
}

func TestValidateOrderIsStable(t *testing.T) {
	r := readReturn(t, "province.json")
	r.Set("Q1.1", int64(1))
	r.Set("Q1.99", int64(1))
	r.Set("Q3.T2.III.1", "x")
	first := Default().Validate(r)
	for range 5 {
		again := Default().Validate(r)
		if !slices.Equal(first, again) {
			t.Fatal("Validate returned messages in a different order")
		}
	}
}

func TestSeverityJSON(t *testing.T) {
	m := Message{FieldID: "Q1.1", Code: CodeMissing, Severity: SeverityError, Text: "第1题 x：缺少必填项"}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"field":"Q1.1","code":"missing","severity":"error","text":"第1题 x：缺少必填项"}`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
	var back Message
	if err := json.Unmarshal(b, &back); err != nil || back != m {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"severity":"fatal"}`), &back); err == nil {
		t.Error("unknown severity accepted")
	}
}
