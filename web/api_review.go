package web

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"papergate/layout"
	"papergate/review"
)

// Workflow is the review workflow (review.Workflow).
type Workflow interface {
	DecodeEdit(fieldID string, raw json.RawMessage) (any, error)
	Edit(ctx context.Context, id, version int64, user string, changes []review.Change) (int64, []layout.Message, error)
	Messages(ctx context.Context, id int64) ([]layout.Message, error)
	Verify(ctx context.Context, id, version int64, user, override string) (int64, error)
	Reopen(ctx context.Context, id int64, user, reason string) (int64, error)
}

// Values reads values and their history.
type Values interface {
	Values(ctx context.Context, id int64) ([]review.Value, error)
	Audit(ctx context.Context, id int64, fieldID string) ([]review.AuditEntry, error)
}

type valueJSON struct {
	Value      any     `json:"value"`
	Recognized any     `json:"recognized"`
	Raw        string  `json:"raw,omitempty"`
	Issue      string  `json:"issue,omitempty"`
	Confidence float64 `json:"confidence"`
	Source     string  `json:"source"`
	Confirmed  bool    `json:"confirmed"`
	UpdatedBy  string  `json:"updated_by,omitempty"`
	Page       int     `json:"page,omitempty"`
	Box        []int   `json:"box,omitempty"` // x0, y0, x1, y1 in the stored page image's pixels
}

func valuesJSON(vals []review.Value) map[string]valueJSON {
	out := make(map[string]valueJSON, len(vals))
	for _, v := range vals {
		vj := valueJSON{Value: v.Value, Recognized: v.Recognized, Raw: v.Raw, Issue: v.Issue, Confidence: v.Confidence,
			Source: string(v.Source), Confirmed: v.Confirmed, UpdatedBy: v.UpdatedBy, Page: v.Page}
		if !v.Box.Empty() {
			vj.Box = []int{v.Box.Min.X, v.Box.Min.Y, v.Box.Max.X, v.Box.Max.Y}
		}
		out[v.FieldID] = vj
	}
	return out
}

type auditJSON struct {
	At     time.Time `json:"at"`
	Field  string    `json:"field,omitempty"`
	User   string    `json:"user,omitempty"`
	Action string    `json:"action"`
	Old    any       `json:"old"`
	New    any       `json:"new"`
	Source string    `json:"source"`
	Reason string    `json:"reason,omitempty"`
}

// apiEditValues: PATCH /documents/:id/values {"version": V, "values": {id: value}}. A
// value is JSON of the field's type, or a string of written text that is normalized
// ("2001年3月"); {"confirm": [ids]} accepts values as they are.
func (s *Server) apiEditValues(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	var req struct {
		Version *int64                     `json:"version"`
		Values  map[string]json.RawMessage `json:"values"`
		Confirm []string                   `json:"confirm"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20)).Decode(&req); err != nil || req.Version == nil {
		s.abort(c, http.StatusBadRequest, "bad_request", `send {"version": V, "values": {"field id": value}}`)
		return
	}
	ids := make([]string, 0, len(req.Values))
	for fid := range req.Values {
		ids = append(ids, fid)
	}
	sort.Strings(ids)
	var changes []review.Change
	saved := map[string]any{}
	for _, fid := range ids {
		v, err := s.cfg.Workflow.DecodeEdit(fid, req.Values[fid])
		if err != nil {
			s.apiError(c, err)
			return
		}
		changes = append(changes, review.Change{FieldID: fid, Value: v})
		saved[fid] = v
	}
	for _, fid := range req.Confirm {
		changes = append(changes, review.Change{FieldID: fid, Confirm: true})
	}
	nv, msgs, err := s.cfg.Workflow.Edit(c.Request.Context(), id, *req.Version, currentUser(c).Name, changes)
	if err != nil {
		s.apiError(c, err)
		return
	}
	// values: each edited field as normalized ("2001年3月" → "2001-03"), for the screen.
	c.JSON(http.StatusOK, gin.H{"version": nv, "messages": messagesJSON(msgs), "values": saved})
}

func messagesJSON(msgs []layout.Message) []layout.Message {
	if msgs == nil {
		return []layout.Message{}
	}
	return msgs
}

// apiVerify: POST /documents/:id/verify {"version": V, "override": "reason"}.
func (s *Server) apiVerify(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	var req struct {
		Version  *int64 `json:"version"`
		Override string `json:"override"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)).Decode(&req); err != nil || req.Version == nil {
		s.abort(c, http.StatusBadRequest, "bad_request", `send {"version": V} (and "override": "reason" to verify despite errors)`)
		return
	}
	if _, err := s.cfg.Workflow.Verify(c.Request.Context(), id, *req.Version, currentUser(c).Name, req.Override); err != nil {
		s.apiError(c, err)
		return
	}
	s.respondDocument(c, id)
}

// apiReopen: POST /documents/:id/reopen {"reason": "..."} (supervisors).
func (s *Server) apiReopen(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)).Decode(&req); err != nil {
		s.abort(c, http.StatusBadRequest, "bad_request", `send {"reason": "why"}`)
		return
	}
	if _, err := s.cfg.Workflow.Reopen(c.Request.Context(), id, currentUser(c).Name, req.Reason); err != nil {
		s.apiError(c, err)
		return
	}
	s.respondDocument(c, id)
}

// apiAudit: GET /documents/:id/audit[?field=ID].
func (s *Server) apiAudit(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	if _, err := s.cfg.Documents.Document(c.Request.Context(), id); err != nil {
		s.apiError(c, err)
		return
	}
	entries, err := s.cfg.Values.Audit(c.Request.Context(), id, c.Query("field"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := make([]auditJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, auditJSON{At: e.At, Field: e.FieldID, User: e.User, Action: e.Action, Old: e.Old, New: e.New,
			Source: string(e.Source), Reason: e.Reason})
	}
	c.JSON(http.StatusOK, gin.H{"audit": out})
}

func currentUser(c *gin.Context) review.User {
	v, _ := c.Get(userKey)
	u, _ := v.(review.User)
	return u
}
