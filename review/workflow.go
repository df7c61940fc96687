package review

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"papergate/layout"
)

// ReviewStore is what the review workflow needs of the record store.
type ReviewStore interface {
	Document(ctx context.Context, id int64) (Document, error)
	Values(ctx context.Context, id int64) ([]Value, error)
	ApplyChanges(ctx context.Context, id, version int64, user string, changes []Change) (int64, error)
	Verify(ctx context.Context, id, version int64, user, override string) (int64, error)
	Reopen(ctx context.Context, id int64, user, reason string) (int64, error)
}

// ValidationError is an edit or verification refused by the layout rules; Messages
// say why, per field, in Chinese.
type ValidationError struct {
	Messages []layout.Message
}

func (e *ValidationError) Error() string {
	var parts []string
	for _, m := range e.Messages {
		parts = append(parts, m.Text)
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Workflow is the review workflow: edits, verification, reopening, with the layout
// rules applied on every save.
type Workflow struct {
	Store   ReviewStore
	Catalog *layout.Catalog
}

// invalidCodes are the findings that make a value itself wrong (as opposed to a
// return that is incomplete, which may be saved and fixed later).
var invalidCodes = map[layout.Code]bool{layout.CodeType: true, layout.CodeFormat: true, layout.CodeOption: true,
	layout.CodeRange: true, layout.CodeExclusive: true, layout.CodeLinkToken: true, layout.CodeLinkSelf: true,
	layout.CodeUnknownField: true}

// DecodeEdit turns what a person sent for a field into its typed value: a JSON value
// of the field's type, or a JSON string of written text that is normalized as
// recognition would ("2001年3月" for a date, "①③" for codes). null or "" clears it.
func (w *Workflow) DecodeEdit(fieldID string, raw json.RawMessage) (any, error) {
	f, err := w.Catalog.Field(fieldID)
	if err != nil {
		return nil, &ValidationError{Messages: []layout.Message{{FieldID: fieldID, Code: layout.CodeUnknownField,
			Severity: layout.SeverityError, Text: fmt.Sprintf("%s：没有这个字段", fieldID)}}}
	}
	var s string
	if json.Unmarshal(raw, &s) != nil { // not a string: a typed JSON value
		v, err := f.DecodeValue(raw)
		if err != nil {
			return nil, &ValidationError{Messages: []layout.Message{{FieldID: fieldID, Code: layout.CodeType,
				Severity: layout.SeverityError, Text: fmt.Sprintf("%s %s：值的类型不对", f.Question(), f.Label)}}}
		}
		return v, nil
	}
	v, issue := layout.Normalize(f, s)
	if issue != nil {
		return nil, &ValidationError{Messages: []layout.Message{{FieldID: fieldID, Code: layout.CodeFormat,
			Severity: layout.SeverityError, Text: fmt.Sprintf("%s %s：无法识别“%s”（%s）", f.Question(), f.Label, issue.Raw, issue.Reason)}}}
	}
	return v, nil
}

// Edit applies changes made by user on the version they saw. Values that break
// the layout rules (wrong type, no such option, out of range, ...) are refused with a
// *ValidationError and nothing is saved; a stale version gives ErrConflict. It returns
// the new version and the return's validation messages after the edit.
func (w *Workflow) Edit(ctx context.Context, id, version int64, user string, changes []Change) (int64, []layout.Message, error) {
	doc, err := w.Store.Document(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	values, err := w.Store.Values(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	byID := map[string]int{}
	for i, v := range values {
		byID[v.FieldID] = i
	}
	changed := map[string]bool{}
	for _, c := range changes {
		if c.Confirm {
			continue
		}
		changed[c.FieldID] = true
		if i, ok := byID[c.FieldID]; ok {
			values[i].Value = c.Value
		} else {
			values = append(values, Value{FieldID: c.FieldID, Value: c.Value, Source: SourceReviewer})
		}
	}
	ret := ReturnOf(doc, values, w.Catalog)
	var bad []layout.Message
	for _, m := range w.Catalog.Validate(&ret) {
		if changed[m.FieldID] && invalidCodes[m.Code] {
			bad = append(bad, m)
		}
	}
	if len(bad) > 0 {
		return 0, nil, &ValidationError{Messages: bad}
	}
	nv, err := w.Store.ApplyChanges(ctx, id, version, user, changes)
	if err != nil {
		return 0, nil, err
	}
	return nv, w.Catalog.Validate(&ret), nil
}

// Messages validates a document's current values.
func (w *Workflow) Messages(ctx context.Context, id int64) ([]layout.Message, error) {
	doc, err := w.Store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	values, err := w.Store.Values(ctx, id)
	if err != nil {
		return nil, err
	}
	ret := ReturnOf(doc, values, w.Catalog)
	return w.Catalog.Validate(&ret), nil
}

// Verify marks the return verified. A return with validation errors is refused with
// a *ValidationError unless override gives a reason, which is audited.
func (w *Workflow) Verify(ctx context.Context, id, version int64, user, override string) (int64, error) {
	msgs, err := w.Messages(ctx, id)
	if err != nil {
		return 0, err
	}
	var errs []layout.Message
	for _, m := range msgs {
		if m.Severity == layout.SeverityError {
			errs = append(errs, m)
		}
	}
	override = strings.TrimSpace(override)
	if len(errs) > 0 && override == "" {
		return 0, &ValidationError{Messages: errs}
	}
	if len(errs) == 0 {
		override = ""
	}
	return w.Store.Verify(ctx, id, version, user, override)
}

// Reopen puts a verified return back into review; a reason is required.
func (w *Workflow) Reopen(ctx context.Context, id int64, user, reason string) (int64, error) {
	if strings.TrimSpace(reason) == "" {
		return 0, BadInput("reason_required", "say why the return is reopened", nil)
	}
	return w.Store.Reopen(ctx, id, user, strings.TrimSpace(reason))
}
