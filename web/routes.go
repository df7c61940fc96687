package web

import (
	"slices"

	"papergate/review"
)

// Who may call what. Every route is listed here with the roles allowed; a route
// without a role list is public (health checks, static files, the login page).
// routes_test.go walks every registered route as every role.
var (
	uploaders    = []review.Role{review.RoleClerk, review.RoleReviewer, review.RoleSupervisor}
	readers      = []review.Role{review.RoleClerk, review.RoleReviewer, review.RoleSupervisor, review.RoleAdmin}
	staff        = []review.Role{review.RoleClerk, review.RoleReviewer, review.RoleSupervisor}
	retriers     = []review.Role{review.RoleClerk, review.RoleSupervisor}
	editors      = []review.Role{review.RoleReviewer, review.RoleSupervisor}
	reopeners    = []review.Role{review.RoleSupervisor}
	exporters    = []review.Role{review.RoleSupervisor}
	admins       = []review.Role{review.RoleAdmin}
	everyone     = review.Roles
	capabilities = map[string][]review.Role{"upload": uploaders, "read": staff, "retry": retriers, "review": editors,
		"reopen": reopeners, "export": exporters, "users": admins}
)

// can reports whether a role may do what (for menus and buttons; the routes check).
func can(r review.Role, what string) bool { return slices.Contains(capabilities[what], r) }

func (s *Server) routes() {
	r := s.engine
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/static/:file", s.static)
	r.GET("/login", s.loginForm)
	r.POST("/login", s.login)

	ui := r.Group("/")
	ui.Use(s.pageAuth())
	ui.GET("/", s.allow(everyone), s.home)
	ui.POST("/logout", s.allow(everyone), s.logout)
	ui.GET("/dashboard", s.allow(staff), s.dashboard)
	ui.GET("/upload", s.allow(uploaders), s.uploadPage)
	ui.GET("/queue", s.allow(editors), s.queuePage)
	ui.POST("/queue/next", s.allow(editors), s.queueNext)
	ui.GET("/review/:id", s.allow(editors), s.reviewPage)
	ui.GET("/documents/:id", s.allow(staff), s.documentPage)
	ui.GET("/users", s.allow(admins), s.usersPage)
	ui.POST("/users", s.allow(admins), s.addUser)
	ui.POST("/users/:uid/disable", s.allow(admins), s.disableUser)
	ui.POST("/users/:uid/enable", s.allow(admins), s.enableUser)
	ui.POST("/users/:uid/password", s.allow(admins), s.resetPassword)

	api := r.Group("/api/v1")
	api.Use(s.apiAuth())
	api.POST("/documents", s.allow(uploaders), s.apiUpload)
	api.GET("/documents", s.allow(readers), s.apiListDocuments)
	api.GET("/documents/:id", s.allow(readers), s.apiGetDocument)
	api.POST("/documents/:id/retry", s.allow(retriers), s.apiRetry)
	api.PATCH("/documents/:id/values", s.allow(editors), s.apiEditValues)
	api.POST("/documents/:id/verify", s.allow(editors), s.apiVerify)
	api.POST("/documents/:id/reopen", s.allow(reopeners), s.apiReopen)
	api.GET("/documents/:id/audit", s.allow(readers), s.apiAudit)
	api.POST("/documents/:id/claim", s.allow(editors), s.apiClaim)
	api.POST("/documents/:id/release", s.allow(editors), s.apiRelease)
	api.GET("/documents/:id/pages/:n", s.allow(staff), s.apiPageImage)
	api.GET("/stats", s.allow(readers), s.apiStats)
	api.GET("/exports/:format", s.allow(exporters), s.apiExport)
	r.NoRoute(s.notFound)
}
