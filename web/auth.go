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

// apiAuth authenticates API calls by `Authorization: Bearer <token>` (scripts) or,
// without that header, by the session cookie of the UI, whose state-changing calls
// must carry the session's CSRF token in X-CSRF-Token.
func (s *Server) apiAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.GetHeader("Authorization")
		if h == "" {
			if sess, ok := s.session(c); ok {
				if !safeMethod(c.Request.Method) && !csrfOK(c, sess.CSRF) {
					s.abort(c, http.StatusForbidden, "csrf", "the page has expired (security token mismatch): reload it and try again")
					return
				}
				c.Set(userKey, sess.User)
				c.Set(sessionKey, sess)
				c.Next()
				return
			}
		}
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

// allow lets a request through only for the given roles; the API answers in JSON,
// the screens with a page.
func (s *Server) allow(roles []review.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, ok := c.Get(userKey)
		if !ok {
			if isAPI(c) {
				s.abort(c, http.StatusUnauthorized, "unauthenticated", "log in first")
			} else {
				s.pageFail(c, http.StatusUnauthorized, "请先登录。")
			}
			return
		}
		if u := v.(review.User); !slices.Contains(roles, u.Role) {
			if isAPI(c) {
				s.abort(c, http.StatusForbidden, "forbidden", "your role ("+string(u.Role)+") may not do this")
			} else {
				s.pageFail(c, http.StatusForbidden, "你的角色（"+roleName(u.Role)+"）无权使用此页面。")
			}
			return
		}
		c.Next()
	}
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }
