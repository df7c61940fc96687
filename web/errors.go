package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

type apiErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *Server) abort(c *gin.Context, status int, code, msg string) {
	var b apiErrorBody
	b.Error.Code, b.Error.Message = code, msg
	c.AbortWithStatusJSON(status, b)
}

// apiError maps an error to a status and a message for the user; the cause of an
// internal error is logged, never shown.
func (s *Server) apiError(c *gin.Context, err error) {
	var ie *review.InputError
	var ve *review.ValidationError
	switch {
	case errors.As(err, &ve):
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": gin.H{"code": "invalid", "message": ve.Error(), "messages": ve.Messages}})
	case errors.As(err, &ie):
		status := http.StatusUnprocessableEntity
		if errors.Is(err, review.ErrTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		s.abort(c, status, ie.Code, ie.Message)
	case errors.Is(err, review.ErrNotFound):
		s.abort(c, http.StatusNotFound, "not_found", "no such document or value")
	case errors.Is(err, review.ErrConflict):
		s.abort(c, http.StatusConflict, "conflict", conflictMessage(err))
	case c.Request.Context().Err() != nil:
		s.abort(c, 499, "cancelled", "the request was cancelled")
	default:
		s.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		s.abort(c, http.StatusInternalServerError, "internal", "something went wrong on the server; it has been logged")
	}
}

func conflictMessage(err error) string {
	return "the document changed or is not in a state that allows this: " + err.Error()
}

func (s *Server) notFound(c *gin.Context) {
	s.abort(c, http.StatusNotFound, "not_found", "no such page")
}
