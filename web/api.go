package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"papergate/layout"
	"papergate/review"
)

// documentJSON is a document as the API shows it.
type documentJSON struct {
	ID          int64     `json:"id"`
	SHA256      string    `json:"sha256"`
	FileName    string    `json:"file_name"`
	Kind        string    `json:"kind"`
	Size        int64     `json:"size"`
	Status      string    `json:"status"`
	FailReason  string    `json:"fail_reason,omitempty"`
	Pages       int       `json:"pages"`
	Unit        string    `json:"unit,omitempty"`
	Level       string    `json:"level,omitempty"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Duplicate   bool      `json:"duplicate,omitempty"`
	DuplicateOf int64     `json:"duplicate_of,omitempty"`
}

func toJSON(d review.Document) documentJSON {
	return documentJSON{ID: d.ID, SHA256: d.SHA256, FileName: d.FileName, Kind: string(d.Kind), Size: d.Size,
		Status: string(d.Status), FailReason: d.FailReason, Pages: d.Pages, Unit: d.UnitCode, Level: d.Level,
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

type pageJSON struct {
	N        int    `json:"n"`
	Format   string `json:"format"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	DPI      int    `json:"dpi"`
	Size     int64  `json:"size"`
	Source   string `json:"source"`
	Form     string `json:"form,omitempty"`
	Part     int    `json:"part,omitempty"`
	Rotation int    `json:"rotation,omitempty"`
	Blank    bool   `json:"blank,omitempty"`
	Note     string `json:"note,omitempty"`
}

type eventJSON struct {
	At      time.Time `json:"at"`
	Status  string    `json:"status"`
	Message string    `json:"message,omitempty"`
}

// apiUpload takes a multipart upload (`file`, optional `unit` and `level`, in any
// order) and streams the file to the spool, never holding it in memory.
func (s *Server) apiUpload(c *gin.Context) {
	limit := s.cfg.MaxUploadBytes
	// The form fields and multipart framing need a little room above the file limit;
	// the spool enforces the exact limit on the file itself.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		s.abort(c, http.StatusBadRequest, "bad_request", "send the file as multipart/form-data with the field name \"file\"")
		return
	}
	opt := review.IngestOptions{UnitCode: c.Query("unit"), Level: c.Query("level")}
	var sp *review.Spooled
	defer func() {
		if sp != nil {
			sp.Close()
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.uploadReadError(c, err)
			return
		}
		switch part.FormName() {
		case "file":
			if sp != nil {
				s.abort(c, http.StatusBadRequest, "bad_request", "send one file per request")
				return
			}
			if sp, err = s.cfg.Ingester.Spool(c.Request.Context(), part.FileName(), part); err != nil {
				s.uploadReadError(c, err)
				return
			}
		case "unit":
			opt.UnitCode = formValue(part)
		case "level":
			opt.Level = formValue(part)
		}
		part.Close()
	}
	if sp == nil {
		s.abort(c, http.StatusBadRequest, "bad_request", "no file: send it in the multipart field \"file\"")
		return
	}
	res, err := s.cfg.Ingester.Commit(c.Request.Context(), sp, opt)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := toJSON(res.Document)
	if res.Duplicate {
		out.Duplicate, out.DuplicateOf = true, res.Document.ID
		c.JSON(http.StatusOK, out)
		return
	}
	c.JSON(http.StatusCreated, out)
}

func formValue(p *multipart.Part) string {
	b, _ := io.ReadAll(io.LimitReader(p, 256))
	return strings.TrimSpace(string(b))
}

// uploadReadError reports a failure while reading the request body: too large, cut
// off, or bad input found while spooling.
func (s *Server) uploadReadError(c *gin.Context, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.abort(c, http.StatusRequestEntityTooLarge, "too_large",
			fmt.Sprintf("the upload is larger than the limit of %d MB", s.cfg.MaxUploadBytes>>20))
		return
	}
	var ie *review.InputError
	if errors.As(err, &ie) {
		s.apiError(c, err)
		return
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "multipart") {
		s.abort(c, http.StatusBadRequest, "bad_request", "the upload was cut off or is not valid multipart/form-data")
		return
	}
	s.apiError(c, err)
}

func (s *Server) apiListDocuments(c *gin.Context) {
	f := review.Filter{Status: review.Status(c.Query("status")), Query: c.Query("q")}
	if f.Status != "" && !f.Status.Valid() {
		s.abort(c, http.StatusBadRequest, "bad_request", fmt.Sprintf("unknown status %q", f.Status))
		return
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			s.abort(c, http.StatusBadRequest, "bad_request", "limit must be a positive number")
			return
		}
		f.Limit = n
	}
	docs, err := s.cfg.Documents.Documents(c.Request.Context(), f)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := make([]documentJSON, 0, len(docs))
	for _, d := range docs {
		out = append(out, toJSON(d))
	}
	c.JSON(http.StatusOK, gin.H{"documents": out})
}

func (s *Server) docID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		s.abort(c, http.StatusNotFound, "not_found", "no such document")
		return 0, false
	}
	return id, true
}

func (s *Server) apiGetDocument(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	s.respondDocument(c, id)
}

// respondDocument answers with a document in full: record, page images, history,
// values with confidence and provenance, and validation messages.
func (s *Server) respondDocument(c *gin.Context, id int64) {
	ctx := c.Request.Context()
	d, err := s.cfg.Documents.Document(ctx, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	pages, err := s.cfg.Documents.Pages(ctx, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	events, err := s.cfg.Documents.Events(ctx, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	vals, err := s.cfg.Values.Values(ctx, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	var msgs []layout.Message
	if len(vals) > 0 {
		if msgs, err = s.cfg.Workflow.Messages(ctx, id); err != nil {
			s.apiError(c, err)
			return
		}
	}
	out := struct {
		documentJSON
		Seal       map[string]bool      `json:"seal,omitempty"`
		VerifiedBy string               `json:"verified_by,omitempty"`
		PageImages []pageJSON           `json:"page_images"`
		History    []eventJSON          `json:"history"`
		Values     map[string]valueJSON `json:"values"`
		Messages   []layout.Message     `json:"messages"`
	}{documentJSON: toJSON(d), Seal: d.Seal, VerifiedBy: d.VerifiedBy, PageImages: []pageJSON{}, History: []eventJSON{},
		Values: valuesJSON(vals), Messages: messagesJSON(msgs)}
	for _, p := range pages {
		out.PageImages = append(out.PageImages, pageJSON{N: p.N, Format: p.Format, Width: p.Width, Height: p.Height, DPI: p.DPI,
			Size: p.Size, Source: p.Source, Form: p.Form, Part: p.Part, Rotation: p.Rotation, Blank: p.Blank, Note: p.Note})
	}
	for _, e := range events {
		out.History = append(out.History, eventJSON{At: e.At, Status: string(e.Status), Message: e.Message})
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) apiRetry(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	if err := s.cfg.Documents.Retry(c.Request.Context(), id); err != nil {
		s.apiError(c, err)
		return
	}
	d, err := s.cfg.Documents.Document(c.Request.Context(), id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, toJSON(d))
}
