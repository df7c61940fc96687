package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

const userKey = "papergate.user"

// apiAuth authenticates API calls by `Authorization: Bearer <token>`.
func (s *Server) apiAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			c.Header("WWW-Authenticate", `Bearer realm="papergate"`)
			s.abort(c, http.StatusUnauthorized, "unauthenticated", "send an API token: Authorization: Bearer <token> (papergate token create)")
			return
		}
		u, err := s.cfg.Tokens.UserByToken(c.Request.Context(), strings.TrimSpace(token))
		if errors.Is(err, review.ErrNotFound) {
			c.Header("WWW-Authenticate", `Bearer realm="papergate", error="invalid_token"`)
			s.abort(c, http.StatusUnauthorized, "unauthenticated", "the API token is not valid")
			return
		}
		if err != nil {
			s.apiError(c, err)
			c.Abort()
			return
		}
		c.Set(userKey, u)
		c.Next()
	}
}

// allow lets a request through only for the given roles.
func (s *Server) allow(roles []review.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, ok := c.Get(userKey)
		if !ok {
			s.abort(c, http.StatusUnauthorized, "unauthenticated", "log in first")
			return
		}
		if u := v.(review.User); !slices.Contains(roles, u.Role) {
			s.abort(c, http.StatusForbidden, "forbidden", "your role ("+string(u.Role)+") may not do this")
			return
		}
		c.Next()
	}
}
