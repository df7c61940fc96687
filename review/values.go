package review

import (
	"context"
	"image"
	"time"

	"papergate/layout"
)

// Source says who gave a value.
type Source string

// Sources of values and audit entries.
const (
	SourceRecognition Source = "recognition"
	SourceReviewer    Source = "reviewer"
)

// Value is one field of one document: the current value, what recognition read (kept
// as it was, whatever people change later), and where it was read.
type Value struct {
	FieldID    string
	Value      any // typed as layout.Field.DecodeValue gives it; nil is null
	Recognized any // what recognition read; never overwritten by people
	Raw        string
	Issue      string  // why Raw could not be normalized (FIELDS.md §3.1); "" if it could
	Confidence float64 // recognition's calibrated confidence
	Page       int     // 1-based page it was read from; 0 if not located
	Box        image.Rectangle
	Source     Source // who set the current value
	Confirmed  bool   // a person accepted or set the current value
	UpdatedBy  string // user name of the last person to touch it; "" for recognition
	UpdatedAt  time.Time
}

// Audit actions.
const (
	ActionRecognized = "recognized" // recognition's value for a field
	ActionCorrected  = "corrected"  // a person changed a value
	ActionConfirmed  = "confirmed"  // a person accepted a value as it was
	ActionVerified   = "verified"   // a reviewer verified the return
	ActionOverride   = "override"   // verified despite validation errors, with a reason
	ActionReopened   = "reopened"   // a supervisor reopened a verified return
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID         int64
	DocumentID int64
	FieldID    string // "" for a document-level entry (verified, reopened)
	At         time.Time
	User       string // "" for recognition
	Action     string
	Old, New   any // typed values; nil for null
	Source     Source
	Reason     string
}

// RecognizedDocument is what the recognize stage stores for a document.
type RecognizedDocument struct {
	Values   []Value
	Pages    []PageRead
	Seal     map[string]bool
	UnitCode string  // from the return, if the upload did not say
	Level    string  // from the return, if the upload did not say
	Doubt    float64 // how doubtful the document is; the review queue shows the most doubtful first
}

// Change is one edit a person makes: set a field's value, or confirm it as it is.
type Change struct {
	FieldID string
	Value   any  // the new typed value (nil for null); ignored when ConfirmOnly
	Confirm bool // accept the current value without changing it
}

// ValueStore keeps values and their audit log. Implemented by storage/sqlstore.
type ValueStore interface {
	// SaveRecognition stores recognition's values of a document in status
	// recognizing, moves it to in_review and appends one audit entry per field, in
	// one transaction. A document already past recognizing is left alone.
	SaveRecognition(ctx context.Context, id int64, rec RecognizedDocument) error
	// Values returns a document's values in no particular order.
	Values(ctx context.Context, id int64) ([]Value, error)
	// ApplyChanges applies changes made by user to a document whose version is still
	// version, bumps the version and audits each change. A stale version gives an
	// error wrapping ErrConflict and changes nothing.
	ApplyChanges(ctx context.Context, id, version int64, user string, changes []Change) (newVersion int64, err error)
	// Audit returns the audit log of a document (fieldID "" for all of it), oldest first.
	Audit(ctx context.Context, id int64, fieldID string) ([]AuditEntry, error)
}

// ReturnOf builds the layout.Return of a document from its values.
func ReturnOf(d Document, values []Value, cat *layout.Catalog) layout.Return {
	r := layout.Return{Unit: layout.Unit{RegionCode: d.UnitCode, Level: layout.Level(d.Level)}, Forms: map[string]layout.Values{}}
	for _, v := range values {
		f, err := cat.Field(v.FieldID)
		if err != nil {
			continue
		}
		form := f.Form
		if r.Forms[form] == nil {
			r.Forms[form] = layout.Values{}
		}
		r.Forms[form][v.FieldID] = v.Value
		if v.Issue != "" && v.Source == SourceRecognition {
			if r.Issues == nil {
				r.Issues = map[string]layout.Issue{}
			}
			r.Issues[v.FieldID] = layout.Issue{Raw: v.Raw, Reason: v.Issue}
		}
	}
	return r
}
