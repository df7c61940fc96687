package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

// Accounts manages user accounts.
type Accounts interface {
	// UserByName returns an account and its password hash; ErrNotFound if none.
	UserByName(ctx context.Context, name string) (review.User, string, error)
	Users(ctx context.Context) ([]review.User, error)
	// CreateUser adds an account; ErrConflict if the name is taken.
	CreateUser(ctx context.Context, name string, role review.Role, passwordHash string) (review.User, error)
	// SetUserDisabled disables or enables an account and ends its sessions.
	SetUserDisabled(ctx context.Context, id int64, disabled bool) error
	// SetPasswordHash replaces a password and ends the account's sessions.
	SetPasswordHash(ctx context.Context, id int64, hash string) error
}

type usersView struct {
	Users    []review.User
	Roles    []review.Role
	Notice   string
	Error    string
	Password string // a generated password, shown once
	For      string
}

// usersPage lists accounts with forms to add, disable and reset them (admins).
func (s *Server) usersPage(c *gin.Context) {
	s.showUsers(c, http.StatusOK, usersView{})
}

func (s *Server) showUsers(c *gin.Context, status int, v usersView) {
	users, err := s.cfg.Accounts.Users(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	v.Users, v.Roles = users, review.Roles
	sess, _ := currentSession(c)
	s.render(c, status, "users", "用户", sess.CSRF, v)
}

// validName: account names are short, printable and without spaces.
func validName(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if r <= ' ' || r == '/' || r == '\\' || r == '"' || r == '\'' || r == '<' || r == '>' {
			return false
		}
	}
	return true
}

// addUser: POST /users (name, role, optional password; without one a password is
// generated and shown once).
func (s *Server) addUser(c *gin.Context) {
	name := strings.TrimSpace(c.PostForm("name"))
	role := review.Role(c.PostForm("role"))
	pw := c.PostForm("password")
	if !validName(name) {
		s.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "用户名不能为空，且不能含空格或特殊字符。"})
		return
	}
	if !role.Valid() {
		s.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "请选择角色。"})
		return
	}
	pw, hash, generated, ok := s.hashPassword(c, pw, "add user")
	if !ok {
		return
	}
	if _, err := s.cfg.Accounts.CreateUser(c.Request.Context(), name, role, hash); errors.Is(err, review.ErrConflict) {
		s.showUsers(c, http.StatusConflict, usersView{Error: fmt.Sprintf("用户名“%s”已被使用。", name)})
		return
	} else if err != nil {
		s.pageError(c, fmt.Errorf("web: add user: %w", err))
		return
	}
	s.log.Info("user added", "name", name, "role", role, "by", currentUser(c).Name)
	v := usersView{Notice: fmt.Sprintf("已添加用户“%s”（%s）。", name, roleName(role))}
	if generated {
		v.Password, v.For = pw, name
	}
	s.showUsers(c, http.StatusOK, v)
}

func (s *Server) userParam(c *gin.Context) (review.User, bool) {
	id, err := strconv.ParseInt(c.Param("uid"), 10, 64)
	if err == nil {
		users, err := s.cfg.Accounts.Users(c.Request.Context())
		if err != nil {
			s.pageError(c, err)
			return review.User{}, false
		}
		for _, u := range users {
			if u.ID == id {
				return u, true
			}
		}
	}
	s.pageFail(c, http.StatusNotFound, "没有这个用户。")
	return review.User{}, false
}

func (s *Server) setDisabled(c *gin.Context, disabled bool) {
	u, ok := s.userParam(c)
	if !ok {
		return
	}
	if u.ID == currentUser(c).ID && disabled {
		s.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: "不能停用自己的账户。"})
		return
	}
	if err := s.cfg.Accounts.SetUserDisabled(c.Request.Context(), u.ID, disabled); err != nil {
		s.pageError(c, fmt.Errorf("web: disable user: %w", err))
		return
	}
	s.log.Info("user disabled", "name", u.Name, "disabled", disabled, "by", currentUser(c).Name)
	msg := "已启用"
	if disabled {
		msg = "已停用"
	}
	s.showUsers(c, http.StatusOK, usersView{Notice: fmt.Sprintf("%s用户“%s”。", msg, u.Name)})
}

func (s *Server) disableUser(c *gin.Context) { s.setDisabled(c, true) }
func (s *Server) enableUser(c *gin.Context)  { s.setDisabled(c, false) }

// resetPassword sets a new password (generated and shown once when none is given)
// and ends the account's sessions.
func (s *Server) resetPassword(c *gin.Context) {
	u, ok := s.userParam(c)
	if !ok {
		return
	}
	pw := c.PostForm("password")
	pw, hash, generated, ok := s.hashPassword(c, pw, "reset password")
	if !ok {
		return
	}
	if err := s.cfg.Accounts.SetPasswordHash(c.Request.Context(), u.ID, hash); err != nil {
		s.pageError(c, fmt.Errorf("web: reset password: %w", err))
		return
	}
	s.log.Info("password reset", "name", u.Name, "by", currentUser(c).Name)
	v := usersView{Notice: fmt.Sprintf("已重设“%s”的密码，其登录已失效。", u.Name)}
	if generated {
		v.Password, v.For = pw, u.Name
	}
	s.showUsers(c, http.StatusOK, v)
}

// hashPassword hashes the password an admin typed, or a generated one when none was
// typed (shown once). A weak password is answered with the users screen and an
// error; ok=false means the response has been written.
func (s *Server) hashPassword(c *gin.Context, pw, action string) (password, hash string, generated, ok bool) {
	generated = pw == ""
	if generated {
		pw = review.NewSecret("", 12)
	}
	hash, err := review.HashPassword(pw)
	if errors.Is(err, review.ErrWeakPassword) {
		s.showUsers(c, http.StatusUnprocessableEntity, usersView{Error: fmt.Sprintf("密码至少需要 %d 个字符。", review.MinPasswordLength)})
		return "", "", false, false
	}
	if err != nil {
		s.pageError(c, fmt.Errorf("web: %s: %w", action, err))
		return "", "", false, false
	}
	return pw, hash, generated, true
}
