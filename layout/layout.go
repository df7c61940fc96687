// Package layout says what each questionnaire looks like and what a valid answer
// is: the forms of the 2006 劳动保障信息系统普查表, their fields and tables, the
// printed paper (paper templates with the blanks and tick boxes a respondent
// fills), value types and their normalisation from written text, the `when` and
// `check` conditions, and validation of a whole return.
//
// Everything comes from the form definitions embedded in the package (forms/*.yaml
// and forms/*.paper, described in README.md). Default returns the catalog loaded
// from them; Load reads a catalog from any fs.FS, for instance next year's census.
// The package does no I/O besides reading its own embedded files.
//
// Value types follow FIELDS.md §3: tick, code and int values are int64, decimal and
// percent float64, codes []int, links []string, every other type a string; a null
// (blank) value is nil.
package layout

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrNotFound: no form, field, table or unit level has that id.
	ErrNotFound = errors.New("not found")
	// ErrSyntax: a paper template, condition or field id is not well formed.
	ErrSyntax = errors.New("syntax error")
	// ErrInvalidCatalog: the form definitions contradict themselves (an unknown
	// type, a condition naming a missing field, a template missing a field, …).
	ErrInvalidCatalog = errors.New("invalid catalog")
	// ErrUnknownType: a value type name that FIELDS.md §3 does not define.
	ErrUnknownType = errors.New("unknown value type")
	// ErrValue: a JSON value does not have the JSON type its field's type requires.
	ErrValue = errors.New("invalid value")
)

// Level is the kind of reporting unit a return comes from (FIELDS.md §1).
type Level string

// The unit levels of the 2006 census.
const (
	LevelProvince     Level = "province"     // 省、自治区、新疆生产建设兵团: Q1 + Q3
	LevelMunicipality Level = "municipality" // 直辖市: Q2 + Q3
	LevelPrefecture   Level = "prefecture"   // 地市: Q2 + Q3
)

// UnitLevel describes one unit level: who it is and which forms it fills in.
type UnitLevel struct {
	ID    Level
	Label string   // e.g. 地市级劳动保障部门
	Forms []string // form ids in print order
}

// Type is a value type of FIELDS.md §3.
type Type string

// The value types. TypeYesNo is reserved by FIELDS.md and not accepted in forms.
const (
	TypeTick       Type = "tick"        // int64: the option whose （ ） box is marked
	TypeCode       Type = "code"        // int64: the one option code written
	TypeCodes      Type = "codes"       // []int: option codes, de-duplicated, ascending
	TypeInt        Type = "int"         // int64
	TypeDecimal    Type = "decimal"     // float64, in the field's unit
	TypePercent    Type = "percent"     // float64, 0–100
	TypeDate       Type = "date"        // string YYYY, YYYY-MM or YYYY-MM-DD
	TypeText       Type = "text"        // string as written
	TypeName       Type = "name"        // string, a person's name without inner spaces
	TypePhone      Type = "phone"       // string of digits and -
	TypeMobile     Type = "mobile"      // string, 11 digits
	TypeEmail      Type = "email"       // string, lower case
	TypeURL        Type = "url"         // string, host lower case
	TypeRegionCode Type = "region_code" // string, 6 digits
	TypeLinks      Type = "links"       // []string: codes "1"…"5" and column ids
	TypeYesNo      Type = "yesno"       // reserved, unused
)

// Types returns every usable value type in the order of FIELDS.md §3.
func Types() []Type {
	return []Type{TypeTick, TypeCode, TypeCodes, TypeInt, TypeDecimal, TypePercent, TypeDate, TypeText,
		TypeName, TypePhone, TypeMobile, TypeEmail, TypeURL, TypeRegionCode, TypeLinks}
}

// ParseType returns the Type named s, or an error wrapping ErrUnknownType.
func ParseType(s string) (Type, error) {
	for _, t := range Types() {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("layout: %q: %w", s, ErrUnknownType)
}

// HasOptions reports whether values of the type are option codes.
func (t Type) HasOptions() bool {
	return t == TypeTick || t == TypeCode || t == TypeCodes || t == TypeLinks
}

// Option is one printed choice of a tick, code, codes or links field.
type Option struct {
	Code  int    // the key: （2） → 2, ⑩ → 10
	Label string // the printed label, blanks removed
}

// Issue records a legible entry that could not be normalised, or the part of an
// entry the value cannot hold (FIELDS.md §3.1). It is the `issues` map's value.
type Issue struct {
	Raw    string `json:"raw"`    // the text as written
	Reason string `json:"reason"` // short English reason, e.g. "not a phone number"
}
