package layout

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseCondition(t *testing.T) {
	tests := []struct {
		src  string
		want Condition
	}{
		{"Q1.1 == 1", Condition{Op: OpEq, Left: []string{"Q1.1"}, Values: []Literal{{Int: 1}}}},
		{`unit.level == "prefecture"`, Condition{Op: OpEq, Left: []string{UnitLevelRef}, Values: []Literal{{Str: "prefecture", IsText: true}}}},
		{"Q2.2 in [2, 3]", Condition{Op: OpIn, Left: []string{"Q2.2"}, Values: []Literal{{Int: 2}, {Int: 3}}}},
		{"Q1.3.1.b has 7", Condition{Op: OpHas, Left: []string{"Q1.3.1.b"}, Values: []Literal{{Int: 7}}}},
		{`Q3.T1.{col}.18 has "5"`, Condition{Op: OpHas, Left: []string{"Q3.T1.{col}.18"}, Values: []Literal{{Str: "5", IsText: true}}}},
		{"Q1.12.1 has any [1, 2]", Condition{Op: OpHasAny, Left: []string{"Q1.12.1"}, Values: []Literal{{Int: 1}, {Int: 2}}}},
		{"Q1.4.b2 <= Q1.4.b1", Condition{Op: OpLE, Left: []string{"Q1.4.b2"}, Right: "Q1.4.b1"}},
		{"Q1.14.3.b2 + Q1.14.3.b3 <= Q1.14.3.b1", Condition{Op: OpLE, Left: []string{"Q1.14.3.b2", "Q1.14.3.b3"}, Right: "Q1.14.3.b1"}},
		{"Q1.13.standalone subset Q1.13.used", Condition{Op: OpSubset, Left: []string{"Q1.13.standalone"}, Right: "Q1.13.used"}},
		{"  Q1.1==1 ", Condition{Op: OpEq, Left: []string{"Q1.1"}, Values: []Literal{{Int: 1}}}},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			got, err := ParseCondition(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Source = tc.src
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("ParseCondition(%q) = %+v, want %+v", tc.src, *got, tc.want)
			}
		})
	}
}

func TestParseConditionErrors(t *testing.T) {
	for _, src := range []string{
		"", "Q1.1", "Q1.1 = 1", "Q1.1 != 1", "Q1.1 == ", "Q1.1 == 1 extra", "Q1.1 in 1", "Q1.1 in [1, 2",
		"Q1.1 in [1 2]", "Q1.1 has any 1", "Q1.1 + Q1.2 == 3", "Q1.1 <= 3", "Q1.1 && Q1.2", "Q1.1 == 1 or Q1.2 == 2",
		`Q1.1 == "x`, "== 1", "unit.level == 1", "unit.level has 1", "Q1.1 > Q1.2", "Q1 == 1", "Q1.1 subset",
	} {
		t.Run(src, func(t *testing.T) {
			if _, err := ParseCondition(src); !errors.Is(err, ErrSyntax) {
				t.Errorf("ParseCondition(%q) error = %v, want ErrSyntax", src, err)
			}
		})
	}
}

func TestConditionHolds(t *testing.T) {
	vals := map[string]any{
		"X.tick": int64(2), "X.codes": []int{1, 3}, "X.links": []string{"5", "B"}, "X.null": nil,
		"X.nullcodes": []int(nil), UnitLevelRef: "prefecture",
	}
	get := func(id string) any { return vals[id] }
	tests := []struct {
		src  string
		want bool
	}{
		{"X.tick == 2", true},
		{"X.tick == 1", false},
		{"X.tick in [1, 2]", true},
		{"X.tick in [3, 4]", false},
		{"X.codes has 3", true},
		{"X.codes has 2", false},
		{"X.codes has any [2, 3]", true},
		{"X.codes has any [2, 4]", false},
		{`X.links has "5"`, true},
		{`X.links has "1"`, false},
		{"X.links has 5", true},
		{`unit.level == "prefecture"`, true},
		{`unit.level == "province"`, false},
		{`unit.level in ["province", "prefecture"]`, true},
		{"X.null == 1", false},
		{"X.null in [1]", false},
		{"X.nullcodes has 1", false},
		{"X.missing == 1", false},
		{"X.tick has 2", false},
		{`X.tick == "2"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			c, err := ParseCondition(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Holds(get); got != tc.want {
				t.Errorf("Holds = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConditionCheck(t *testing.T) {
	vals := map[string]any{
		"X.a": int64(3), "X.b": int64(5), "X.c": 7.5, "X.null": nil,
		"X.small": []int{1, 3}, "X.big": []int{1, 2, 3}, "X.other": []int{2},
	}
	get := func(id string) any { return vals[id] }
	tests := []struct {
		src           string
		ok, evaluated bool
	}{
		{"X.a <= X.b", true, true},
		{"X.b <= X.a", false, true},
		{"X.a <= X.a", true, true},
		{"X.a + X.b <= X.c", false, true},
		{"X.a + X.a <= X.c", true, true},
		{"X.a <= X.null", false, false},
		{"X.null + X.a <= X.b", false, false},
		{"X.small subset X.big", true, true},
		{"X.big subset X.small", false, true},
		{"X.small subset X.other", false, true},
		{"X.small subset X.null", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			c, err := ParseCondition(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			ok, evaluated := c.Check(get)
			if ok != tc.ok || evaluated != tc.evaluated {
				t.Errorf("Check = %v, %v, want %v, %v", ok, evaluated, tc.ok, tc.evaluated)
			}
		})
	}
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{"Q1.1 == 1", `unit.level == "prefecture"`, "Q2.2 in [2, 3]", "Q1.12.1 has any [1, 2]",
		"Q1.14.3.b2 + Q1.14.3.b3 <= Q1.14.3.b1", "Q1.13.standalone subset Q1.13.used", `Q3.T1.{col}.18 has "5"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseCondition(src)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		// A parsed condition evaluates without panicking on any values.
		get := func(string) any { return nil }
		c.Holds(get)
		c.Check(get)
		if len(c.Left) == 0 || c.Op == "" {
			t.Errorf("ParseCondition(%q) = %+v", src, c)
		}
	})
}

func TestApplies(t *testing.T) {
	c := Default()
	tests := []struct {
		name  string
		id    string
		vals  map[string]any
		level Level
		want  bool
	}{
		{"no when", "Q1.1", nil, LevelProvince, true},
		{"when holds", "Q1.1.1.b", map[string]any{"Q1.1": int64(1)}, LevelProvince, true},
		{"when fails", "Q1.1.1.b", map[string]any{"Q1.1": int64(2)}, LevelProvince, false},
		{"null controller", "Q1.1.1.b", nil, LevelProvince, false},
		{"chain holds", "Q1.1.1.b.other", map[string]any{"Q1.1": int64(1), "Q1.1.1.b": int64(4)}, LevelProvince, true},
		{"chain broken upstream", "Q1.1.1.b.other", map[string]any{"Q1.1": int64(2), "Q1.1.1.b": int64(4)}, LevelProvince, false},
		{"has any", "Q1.12.2", map[string]any{"Q1.12.1": []int{2}}, LevelProvince, true},
		{"has any fails", "Q1.12.2", map[string]any{"Q1.12.1": []int{3}}, LevelProvince, false},
		{"chain through has any", "Q1.12.2.other", map[string]any{"Q1.12.1": []int{3}, "Q1.12.2": []int{3}}, LevelProvince, false},
		{"unit level", "Q3.city", nil, LevelPrefecture, true},
		{"unit level fails", "Q3.city", nil, LevelMunicipality, false},
		{"table column binds", "Q3.T1.B.7", map[string]any{"Q3.T1.B.6": int64(5), "Q3.T1.A.6": int64(1)}, LevelProvince, true},
		{"table other column ignored", "Q3.T1.B.7", map[string]any{"Q3.T1.A.6": int64(5)}, LevelProvince, false},
		{"links has", "Q3.T2.II.9.other", map[string]any{"Q3.T2.II.9": []string{"5", "A"}}, LevelProvince, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := c.Field(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			r := &Return{Unit: Unit{Level: tc.level}}
			for id, v := range tc.vals {
				r.Set(id, v)
			}
			if got := c.Applies(f, r.Value); got != tc.want {
				t.Errorf("Applies(%s) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
}
