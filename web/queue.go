package web

import (
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

// queuePage lists the returns in review, most doubtful first, with who holds each.
func (s *Server) queuePage(c *gin.Context) {
	docs, err := s.cfg.Documents.Documents(c.Request.Context(), review.Filter{Status: review.StatusInReview, Limit: 10000})
	if err != nil {
		s.pageError(c, err)
		return
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if docs[i].Doubt != docs[j].Doubt {
			return docs[i].Doubt > docs[j].Doubt
		}
		return docs[i].ID < docs[j].ID
	})
	now := s.cfg.Now()
	type row struct {
		review.Document
		HeldBy string
	}
	rows := make([]row, 0, len(docs))
	for _, d := range docs {
		r := row{Document: d}
		if d.ClaimedBy != "" && d.ClaimedUntil.After(now) {
			r.HeldBy = d.ClaimedBy
		}
		rows = append(rows, r)
	}
	if len(rows) > 500 {
		rows = rows[:500]
	}
	s.show(c, "queue", "审核队列", struct {
		Rows  []row
		Total int
		Empty bool
	}{rows, len(docs), c.Query("empty") != ""})
}

// queueNext claims the most doubtful return nobody holds and opens it.
func (s *Server) queueNext(c *gin.Context) {
	id, err := s.cfg.Claims.ClaimNext(c.Request.Context(), currentUser(c).Name, s.cfg.ClaimTTL)
	if errors.Is(err, review.ErrNotFound) {
		c.Redirect(http.StatusSeeOther, "/queue?empty=1")
		return
	}
	if err != nil {
		s.pageError(c, fmt.Errorf("web: next in queue: %w", err))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/review/%d", id))
}

// apiClaim: POST /documents/:id/claim takes or extends the caller's claim (the
// open review screen calls it as a heartbeat).
func (s *Server) apiClaim(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	if err := s.cfg.Claims.Claim(c.Request.Context(), id, currentUser(c).Name, s.cfg.ClaimTTL); err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claimed_by": currentUser(c).Name, "ttl_seconds": int(s.cfg.ClaimTTL.Seconds())})
}

// apiRelease: POST /documents/:id/release drops the caller's claim.
func (s *Server) apiRelease(c *gin.Context) {
	id, ok := s.docID(c)
	if !ok {
		return
	}
	if err := s.cfg.Claims.Release(c.Request.Context(), id, currentUser(c).Name); err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"released": true})
}
