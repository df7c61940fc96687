package layout

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// fieldsExample is the worked example of FIELDS.md §6.
const fieldsExample = `{
  "unit": {"region_code": "330000", "level": "province"},
  "forms": {
    "Q1": {
      "Q1.1": 1, "Q1.1.1.a": "2001-03", "Q1.1.1.b": 1, "Q1.1.1.b.other": null,
      "Q1.1.1.c": 25, "Q1.1.1.d.current": 22, "Q1.1.1.d.tech": 18,
      "Q1.1.1.e.name": "张明", "Q1.1.1.e.title": "主任", "Q1.1.1.e.phone": "0571-87654321",
      "Q1.1.1.e.fax": null, "Q1.1.1.e.mobile": "13905711234", "Q1.1.1.e.email": "zhangm@example.gov.cn",
      "Q1.1.2.a": null, "Q1.1.other": null,
      "Q1.2": 3, "Q1.2.detail": "省本级和杭州、宁波", "Q1.2.other": null,
      "Q1.3": 1, "Q1.3.1.a": 1, "Q1.3.1.b": [1, 2, 3, 7], "Q1.3.1.b.other": "劳动关系",
      "Q1.4.b1": 11, "Q1.4.b2": 9, "Q1.4.b6": null,
      "Q1.7": 1, "Q1.7.1.b": "www.example.gov.cn", "Q1.7.1.d": [1, 2, 4, 7],
      "Q1.12.1": [1, 2], "Q1.12.2": [1],
      "Q1.14.1": 1, "Q1.14.1.b1": 3200, "Q1.14.1.b2": 1250.5, "Q1.14.3.b4": 80
    },
    "Q3": {
      "Q3.province": "浙江", "Q3.city": null, "Q3.region_code": "330000",
      "Q3.T1.A.1": "养老保险系统", "Q3.T1.A.2": 1, "Q3.T1.A.3": [1], "Q3.T1.A.5": "2004-06-18",
      "Q3.T1.A.6": 5, "Q3.T1.A.7": "2005-01", "Q3.T1.A.13": 1, "Q3.T1.A.13.version": "9i",
      "Q3.T1.A.18": ["1", "2", "B", "I"], "Q3.T1.A.19": 2,
      "Q3.T1.B.1": "医疗保险系统", "Q3.T1.B.18": ["A"],
      "Q3.T2.I.1": "劳动力市场信息系统", "Q3.T2.I.8": [1], "Q3.T2.I.9": ["A"]
    }
  },
  "issues": {"Q1.1.1.e.fax": {"raw": "同上", "reason": "not a phone number"}},
  "confidence": {"Q1.1": 0.98}
}`

func TestDecodeReturn(t *testing.T) {
	var r Return
	if err := json.Unmarshal([]byte(fieldsExample), &r); err != nil {
		t.Fatal(err)
	}
	if got, want := r.Unit, (Unit{RegionCode: "330000", Level: LevelProvince}); got != want {
		t.Errorf("unit = %+v, want %+v", got, want)
	}
	tests := []struct {
		id   string
		want any
	}{
		{"Q1.1", int64(1)},
		{"Q1.1.1.a", "2001-03"},
		{"Q1.1.1.b.other", nil},
		{"Q1.1.1.c", int64(25)},
		{"Q1.3.1.b", []int{1, 2, 3, 7}},
		{"Q1.14.1.b1", 3200.0},
		{"Q1.14.1.b2", 1250.5},
		{"Q1.14.3.b4", 80.0},
		{"Q3.T1.A.18", []string{"1", "2", "B", "I"}},
		{"Q3.T1.A.13.version", "9i"},
		{"Q3.T2.I.8", []int{1}},
		{UnitLevelRef, "province"},
		{"Q1.99", nil},
	}
	for _, tc := range tests {
		if got := r.Value(tc.id); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Value(%s) = %#v, want %#v", tc.id, got, tc.want)
		}
	}
	if got, want := r.Issues["Q1.1.1.e.fax"], (Issue{Raw: "同上", Reason: "not a phone number"}); got != want {
		t.Errorf("issue = %+v, want %+v", got, want)
	}
	t1, _ := Default().Table("T1")
	if got, want := r.Forms["Q3"].Columns(t1), []string{"A", "B"}; !reflect.DeepEqual(got, want) {
		t.Errorf("T1 columns = %v, want %v", got, want)
	}
}

func TestReturnJSONRoundTrip(t *testing.T) {
	var r Return
	if err := json.Unmarshal([]byte(fieldsExample), &r); err != nil {
		t.Fatal(err)
	}
	a, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Return
	if err := json.Unmarshal(a, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, back) {
		t.Errorf("round trip changed the return")
	}
	b, err := back.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("encoding is not deterministic:\n%s\n%s", a, b)
	}
	if a[len(a)-1] != '\n' {
		t.Error("JSON does not end with a newline")
	}
}

func TestDecodeReturnErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      error
	}{
		{"unknown field", `{"forms": {"Q1": {"Q1.99": 1}}}`, ErrNotFound},
		{"unknown form", `{"forms": {"Q9": {}}}`, ErrNotFound},
		{"bad column", `{"forms": {"Q3": {"Q3.T2.B.1": "x"}}}`, ErrNotFound},
		{"field under another form", `{"forms": {"Q2": {"Q1.1": 1}}}`, ErrValue},
		{"string for int", `{"forms": {"Q1": {"Q1.1.1.c": "25"}}}`, ErrValue},
		{"fraction for int", `{"forms": {"Q1": {"Q1.1.1.c": 2.5}}}`, ErrValue},
		{"number for text", `{"forms": {"Q1": {"Q1.2.detail": 3}}}`, ErrValue},
		{"empty codes", `{"forms": {"Q1": {"Q1.5": []}}}`, ErrValue},
		{"strings for codes", `{"forms": {"Q1": {"Q1.5": ["1"]}}}`, ErrValue},
		{"numbers for links", `{"forms": {"Q3": {"Q3.T1.A.18": [1]}}}`, ErrValue},
		{"number for decimal list", `{"forms": {"Q1": {"Q1.14.2": [1]}}}`, ErrValue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Default().DecodeReturn([]byte(tc.doc))
			if !errors.Is(err, tc.want) {
				t.Errorf("DecodeReturn error = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := Default().DecodeReturn([]byte(`{`)); err == nil {
		t.Error("bad JSON accepted")
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, ""}, {int64(3), "3"}, {1250.5, "1250.5"}, {12000.0, "12000"}, {[]int{1, 3, 5}, "1;3;5"},
		{[]string{"1", "B", "II"}, "1;B;II"}, {"张明", "张明"},
	}
	for _, tc := range tests {
		if got := FormatValue(tc.v); got != tc.want {
			t.Errorf("FormatValue(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
