package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"papergate/review"
)

//go:embed templates
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// assets are the embedded static files, served under names that carry a hash of
// their content (app.3f2a9c01de.css), so that browsers may cache them for ever and
// still see a new version at once.
type assets struct {
	url  map[string]string // app.css → /static/app.3f2a9c01de.css
	file map[string]string // app.3f2a9c01de.css → static/app.css
}

func loadAssets() *assets {
	a := &assets{url: map[string]string{}, file: map[string]string{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic(fmt.Errorf("web: embedded static files: %w", err))
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic(fmt.Errorf("web: embedded static files: %w", err))
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(e.Name())
		hashed := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.url[e.Name()] = "/static/" + hashed
		a.file[hashed] = "static/" + e.Name()
	}
	return a
}

// static serves an embedded asset by its hashed name.
func (s *Server) static(c *gin.Context) {
	name, ok := s.assets.file[c.Param("file")]
	if !ok {
		c.AbortWithStatus(http.StatusNotFound)
		return
	}
	b, _ := staticFS.ReadFile(name)
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, mime.TypeByExtension(path.Ext(name)), b)
}

// view is what every page template gets.
type view struct {
	Title string
	Page  string
	User  review.User
	CSRF  string
	Data  any
}

// loadTemplates parses one template set per page: the layout plus the page.
func (s *Server) loadTemplates() map[string]*template.Template {
	funcs := template.FuncMap{
		"asset": func(name string) string {
			u, ok := s.assets.url[name]
			if !ok {
				panic("web: no asset " + name)
			}
			return u
		},
		"can":        func(u review.User, what string) bool { return can(u.Role, what) },
		"roleName":   roleName,
		"statusName": statusName,
		"levelName":  levelName,
		"pct": func(a, b int) int {
			if b == 0 {
				return 0
			}
			return a * 100 / b
		},
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Local().Format("2006-01-02 15:04")
		},
		"percent": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	}
	pages := map[string]*template.Template{}
	entries, err := fs.ReadDir(templatesFS, "templates")
	if err != nil {
		panic(fmt.Errorf("web: embedded templates: %w", err))
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".html")
		if name == "layout" {
			continue
		}
		pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templatesFS, "templates/layout.html", "templates/"+e.Name()))
	}
	return pages
}

// render writes a page; csrf is the token the page's forms carry.
func (s *Server) render(c *gin.Context, status int, page, title, csrf string, data any) {
	t, ok := s.pages[page]
	if !ok {
		panic("web: no page template " + page)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, view{Title: title, Page: page, User: currentUser(c), CSRF: csrf, Data: data}); err != nil {
		s.log.Error("render page", "page", page, "err", err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// show renders a page for the logged-in user.
func (s *Server) show(c *gin.Context, page, title string, data any) {
	sess, _ := currentSession(c)
	s.render(c, http.StatusOK, page, title, sess.CSRF, data)
}

// pageFail shows a message on an error page and stops the request.
func (s *Server) pageFail(c *gin.Context, status int, msg string) {
	sess, _ := currentSession(c)
	s.render(c, status, "error", "出错了", sess.CSRF, msg)
	c.Abort()
}

// pageError maps an error to a status and a clear message; the cause of an
// internal error is logged, never shown.
func (s *Server) pageError(c *gin.Context, err error) {
	var ie *review.InputError
	var ve *review.ValidationError
	switch {
	case errors.As(err, &ve):
		s.pageFail(c, http.StatusUnprocessableEntity, ve.Error())
	case errors.As(err, &ie):
		s.pageFail(c, http.StatusUnprocessableEntity, ie.Message)
	case errors.Is(err, review.ErrNotFound):
		s.pageFail(c, http.StatusNotFound, "没有找到这份文件或这个页面。")
	case errors.Is(err, review.ErrConflict):
		s.pageFail(c, http.StatusConflict, "文件已被修改或当前状态不允许此操作，请刷新后重试。")
	default:
		s.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
		s.pageFail(c, http.StatusInternalServerError, "服务器出错了，已记录日志。请稍后再试。")
	}
}

var roleNames = map[review.Role]string{review.RoleClerk: "录入员", review.RoleReviewer: "审核员",
	review.RoleSupervisor: "主管", review.RoleAdmin: "管理员"}

func roleName(r review.Role) string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return string(r)
}

var statusNames = map[review.Status]string{review.StatusUploaded: "已上传", review.StatusSplitting: "拆页中",
	review.StatusRecognizing: "识别中", review.StatusInReview: "待审核", review.StatusVerified: "已核对",
	review.StatusExported: "已导出", review.StatusFailed: "失败"}

func statusName(s review.Status) string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return string(s)
}

var levelNames = map[string]string{review.LevelProvince: "省级", review.LevelMunicipality: "直辖市",
	review.LevelPrefecture: "地市级", "": "未定"}

func levelName(l string) string {
	if n, ok := levelNames[l]; ok {
		return n
	}
	return l
}
