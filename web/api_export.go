package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

// Exports writes verified returns as files (review.Exporter).
type Exports interface {
	// WriteFile writes every verified and exported return to w as csv or xlsx. A
	// download passes no commit func, so that it changes nothing.
	WriteFile(ctx context.Context, w io.Writer, format, target, user string, commit func() error) (review.ExportRun, error)
}

// exportTypes are the formats GET /exports/{format} serves.
var exportTypes = map[string]string{
	"csv":  "text/csv; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// apiExport: GET /exports/{csv|xlsx} (supervisors): the verified returns as a file
// download. It is built in memory first (a few MB for the whole census), so that a
// failure is a JSON error rather than a truncated file. Downloading changes nothing.
func (s *Server) apiExport(c *gin.Context) {
	format := c.Param("format")
	ct, ok := exportTypes[format]
	if !ok {
		s.abort(c, http.StatusNotFound, "not_found", fmt.Sprintf("no export format %q: use csv or xlsx", format))
		return
	}
	if s.cfg.Exports == nil {
		s.abort(c, http.StatusServiceUnavailable, "unavailable", "exports are not configured on this server")
		return
	}
	var buf bytes.Buffer
	run, err := s.cfg.Exports.WriteFile(c.Request.Context(), &buf, format, "download", currentUser(c).Name, nil)
	if err != nil {
		s.apiError(c, err)
		return
	}
	name := fmt.Sprintf("papergate-%s.%s", time.Now().UTC().Format("20060102-150405"), format)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("X-Papergate-Returns", fmt.Sprint(run.Returns))
	c.Data(http.StatusOK, ct, buf.Bytes())
}
