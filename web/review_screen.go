package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"papergate/layout"
	"papergate/review"
)

// The review screen: the page image with every field's box, and beside it each
// field's crop, value, confidence and validation messages, in the order of the
// questionnaire, Q3's tables as grids. review.js does the keyboard work and saves
// through the JSON API with the version the page was rendered at.

type reviewView struct {
	Doc           review.Document
	Pages         []pageView
	Groups        []fieldGroup
	Editable      bool
	HeldBy        string
	Threshold     float64
	ClaimTTL      int // seconds
	Total         int
	Doubtful      int
	Confirmed     int
	DocMessages   []layout.Message
	History       []historyRow
	Confirmations int // confirmations left out of History
	CanReopen     bool
	CanReview     bool
}

type pageView struct {
	N        int
	Label    string
	URL      string
	W, H     int
	Rotation int
	Note     string
	Boxes    []boxView
}

type boxView struct {
	Field                    string
	Left, Top, Width, Height float64 // percent of the page
	Doubt                    bool
}

type fieldView struct {
	ID, Question, Label, Section string
	Type                         string
	Text                         string // the current value as people write it
	Recognized                   string
	Changed                      bool // differs from what recognition read
	Conf                         float64
	ConfPct                      int
	Page                         int
	Box                          string // x0,y0,x1,y1 in page pixels; "" if not located
	Msgs                         []layout.Message
	Invalid, Low, Confirmed      bool
	Doubt                        bool
	Options                      string // "1:是|2:否" for the keyboard
	OptionList                   []layout.Option
	UpdatedBy                    string
	Issue, Raw                   string
}

type fieldGroup struct {
	Title  string
	Fields []*fieldView
	Grid   *gridView
}

type gridView struct {
	Columns []string // printed column headings
	Rows    []gridRow
}

type gridRow struct {
	Number int
	Label  string
	Cells  [][]*fieldView // per column: the row's main value, then its parts
}

type historyRow struct {
	At                          string
	User, Action, Field, Reason string
	Old, New                    string
}

var actionNames = map[string]string{review.ActionRecognized: "识别", review.ActionCorrected: "修改",
	review.ActionConfirmed: "确认", review.ActionVerified: "核对通过", review.ActionOverride: "带理由核对",
	review.ActionReopened: "重新打开"}

// reviewPage shows a return for review. Opening it claims the document for the
// reviewer (the screen keeps the claim alive); someone else's claim makes it
// read-only with their name.
func (s *Server) reviewPage(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		s.pageFail(c, http.StatusNotFound, "没有这份文件。")
		return
	}
	ctx := c.Request.Context()
	u := currentUser(c)
	doc, err := s.cfg.Documents.Document(ctx, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	v := reviewView{Doc: doc, Threshold: s.cfg.ConfidenceThreshold, ClaimTTL: int(s.cfg.ClaimTTL.Seconds()),
		CanReopen: can(u.Role, "reopen"), CanReview: can(u.Role, "review")}
	if doc.Status == review.StatusInReview {
		switch err := s.cfg.Claims.Claim(ctx, id, u.Name, s.cfg.ClaimTTL); {
		case err == nil:
			v.Editable = true
		case errors.Is(err, review.ErrConflict):
			if d, err := s.cfg.Documents.Document(ctx, id); err == nil {
				doc, v.Doc = d, d
			}
			v.HeldBy = doc.ClaimedBy
		default:
			s.pageError(c, fmt.Errorf("web: claim document %d: %w", id, err))
			return
		}
	}
	if err := s.buildReview(c, &v); err != nil {
		s.pageError(c, err)
		return
	}
	s.show(c, "review", fmt.Sprintf("审核 #%d %s", doc.ID, doc.FileName), v)
}

func (s *Server) buildReview(c *gin.Context, v *reviewView) error {
	ctx := c.Request.Context()
	id := v.Doc.ID
	pages, err := s.cfg.Documents.Pages(ctx, id)
	if err != nil {
		return err
	}
	vals, err := s.cfg.Values.Values(ctx, id)
	if err != nil {
		return err
	}
	var msgs []layout.Message
	if len(vals) > 0 {
		if msgs, err = s.cfg.Workflow.Messages(ctx, id); err != nil {
			return err
		}
	}
	audit, err := s.cfg.Values.Audit(ctx, id, "")
	if err != nil {
		return err
	}
	cat := s.cfg.Catalog
	byPage := map[int]*pageView{}
	for _, p := range pages {
		label := fmt.Sprintf("第%d页", p.N)
		if p.Form != "" {
			if f, err := cat.Form(p.Form); err == nil {
				label += " " + f.Label
			}
		}
		v.Pages = append(v.Pages, pageView{N: p.N, Label: label, URL: fmt.Sprintf("/api/v1/documents/%d/pages/%d", id, p.N),
			W: p.Width, H: p.Height, Rotation: p.Rotation, Note: p.Note})
	}
	for i := range v.Pages {
		byPage[v.Pages[i].N] = &v.Pages[i]
	}

	fieldMsgs := map[string][]layout.Message{}
	for _, m := range msgs {
		fieldMsgs[m.FieldID] = append(fieldMsgs[m.FieldID], m)
	}
	views := map[string]*fieldView{}
	for _, val := range vals {
		fv := &fieldView{ID: val.FieldID, Question: val.FieldID, Text: layout.FormatValue(val.Value),
			Recognized: layout.FormatValue(val.Recognized), Conf: val.Confidence, ConfPct: int(val.Confidence*100 + 0.5),
			Page: val.Page, Msgs: fieldMsgs[val.FieldID], Confirmed: val.Confirmed, UpdatedBy: val.UpdatedBy,
			Issue: val.Issue, Raw: val.Raw}
		fv.Changed = fv.Text != fv.Recognized
		if f, err := cat.Field(val.FieldID); err == nil {
			fv.Question, fv.Label, fv.Type, fv.Section = f.Question(), f.Label, string(f.Type), f.Section
			fv.OptionList = f.Options
			opts := make([]string, len(f.Options))
			for i, o := range f.Options {
				opts[i] = fmt.Sprintf("%d:%s", o.Code, o.Label)
			}
			fv.Options = strings.Join(opts, "|")
		}
		for _, m := range fv.Msgs {
			if m.Severity == layout.SeverityError {
				fv.Invalid = true
			}
		}
		fv.Low = val.Confidence < s.cfg.ConfidenceThreshold
		fv.Doubt = !fv.Confirmed && (fv.Low || fv.Invalid || fv.Issue != "")
		if !val.Box.Empty() {
			fv.Box = fmt.Sprintf("%d,%d,%d,%d", val.Box.Min.X, val.Box.Min.Y, val.Box.Max.X, val.Box.Max.Y)
			if p, ok := byPage[val.Page]; ok && p.W > 0 && p.H > 0 {
				p.Boxes = append(p.Boxes, boxView{Field: val.FieldID, Doubt: fv.Doubt,
					Left: pct(val.Box.Min.X, p.W), Top: pct(val.Box.Min.Y, p.H),
					Width: pct(val.Box.Dx(), p.W), Height: pct(val.Box.Dy(), p.H)})
			}
		}
		views[val.FieldID] = fv
		v.Total++
		if fv.Doubt {
			v.Doubtful++
		}
		if fv.Confirmed {
			v.Confirmed++
		}
	}
	for _, m := range msgs {
		if _, ok := views[m.FieldID]; !ok {
			v.DocMessages = append(v.DocMessages, m)
		}
	}
	v.Groups = groupFields(cat, views)

	// The trail shows what people changed and decided; confirmations (often a page at
	// a time) are counted, each field's own history (Ctrl+H) lists them.
	for i := len(audit) - 1; i >= 0; i-- {
		e := audit[i]
		if e.Action == review.ActionRecognized {
			continue
		}
		if e.Action == review.ActionConfirmed {
			v.Confirmations++
			continue
		}
		h := historyRow{At: e.At.Local().Format("01-02 15:04:05"), User: e.User, Action: actionNames[e.Action], Reason: e.Reason,
			Old: layout.FormatValue(e.Old), New: layout.FormatValue(e.New)}
		if h.Action == "" {
			h.Action = e.Action
		}
		if e.FieldID != "" {
			h.Field = e.FieldID
			if f, err := cat.Field(e.FieldID); err == nil {
				h.Field = f.Describe()
			}
		}
		if len(v.History) < 200 {
			v.History = append(v.History, h)
		}
	}
	return nil
}

func pct(a, b int) float64 { return float64(int(float64(a)*10000/float64(b))) / 100 }

// groupFields orders the fields as the questionnaire does: each form's fields
// (under their sections), Q3's header, then each table as a grid of rows by
// systems. Values the catalog does not know come last.
func groupFields(cat *layout.Catalog, views map[string]*fieldView) []fieldGroup {
	var groups []fieldGroup
	used := map[string]bool{}
	take := func(id string) *fieldView {
		fv, ok := views[id]
		if !ok || used[id] {
			return nil
		}
		used[id] = true
		return fv
	}
	for _, form := range cat.Forms() {
		g := fieldGroup{Title: form.Label}
		for _, f := range form.Fields {
			if fv := take(f.ID); fv != nil {
				g.Fields = append(g.Fields, fv)
			}
		}
		if len(g.Fields) > 0 {
			groups = append(groups, g)
		}
		h := fieldGroup{Title: form.Label + " 表头"}
		for _, f := range form.Header {
			if fv := take(f.ID); fv != nil {
				h.Fields = append(h.Fields, fv)
			}
		}
		if len(h.Fields) > 0 {
			groups = append(groups, h)
		}
		for _, t := range form.Tables {
			var cols []string
			seen := map[string]bool{}
			for id := range views {
				if col, _, ok := t.ParseCellID(id); ok && !seen[col] {
					seen[col] = true
					cols = append(cols, col)
				}
			}
			if len(cols) == 0 {
				continue
			}
			t.SortColumns(cols)
			grid := &gridView{}
			for _, col := range cols {
				grid.Columns = append(grid.Columns, t.ColumnLabel(col))
			}
			for _, row := range t.Rows {
				gr := gridRow{Number: row.Number, Label: row.PrintedLabel()}
				filled := false
				for _, col := range cols {
					var cell []*fieldView
					for _, f := range row.Fields {
						if fv := take(f.Bind(col).ID); fv != nil {
							cell = append(cell, fv)
							filled = true
						}
					}
					gr.Cells = append(gr.Cells, cell)
				}
				if filled {
					grid.Rows = append(grid.Rows, gr)
				}
			}
			groups = append(groups, fieldGroup{Title: fmt.Sprintf("表%d %s", t.Number, t.Label), Grid: grid})
		}
	}
	var rest []string
	for id := range views {
		if !used[id] {
			rest = append(rest, id)
		}
	}
	if len(rest) > 0 {
		sort.Strings(rest)
		g := fieldGroup{Title: "其他"}
		for _, id := range rest {
			g.Fields = append(g.Fields, views[id])
		}
		groups = append(groups, g)
	}
	return groups
}

// apiPageImage: GET /documents/:id/pages/:n streams a page image from the object
// store. Page images are content-addressed, so browsers may keep them.
func (s *Server) apiPageImage(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		s.abort(c, http.StatusNotFound, "not_found", "no such page")
		return
	}
	pages, err := s.cfg.Documents.Pages(c.Request.Context(), id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	var page *review.Page
	for i := range pages {
		if pages[i].N == n {
			page = &pages[i]
		}
	}
	if page == nil {
		s.abort(c, http.StatusNotFound, "not_found", "no such page")
		return
	}
	rc, err := s.cfg.Objects.Get(c.Request.Context(), page.Key)
	if err != nil {
		s.apiError(c, fmt.Errorf("web: page %d of document %d: %w", n, id, err))
		return
	}
	defer rc.Close()
	ct := "image/jpeg"
	if page.Format == "png" {
		ct = "image/png"
	}
	h := c.Writer.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "private, max-age=86400")
	if page.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(page.Size, 10))
	}
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, rc); err != nil {
		s.log.Warn("send page image", "id", id, "page", n, "err", err)
	}
}

// documentPage shows a document's record, history and audit log, with a link to
// review it and, for supervisors, reopening a verified return.
func (s *Server) documentPage(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		s.pageFail(c, http.StatusNotFound, "没有这份文件。")
		return
	}
	ctx := c.Request.Context()
	doc, err := s.cfg.Documents.Document(ctx, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	events, err := s.cfg.Documents.Events(ctx, id)
	if err != nil {
		s.pageError(c, err)
		return
	}
	u := currentUser(c)
	v := reviewView{Doc: doc, CanReopen: can(u.Role, "reopen"), CanReview: can(u.Role, "review")}
	if err := s.buildReview(c, &v); err != nil {
		s.pageError(c, err)
		return
	}
	s.show(c, "document", fmt.Sprintf("文件 #%d %s", doc.ID, doc.FileName), struct {
		reviewView
		Events []review.Event
	}{v, events})
}
