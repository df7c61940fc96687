package web

import "papergate/review"

// Who may call what. Every route is listed here with the roles allowed; a route
// without a role list is public (health checks only).
var (
	uploaders = []review.Role{review.RoleClerk, review.RoleReviewer, review.RoleSupervisor}
	readers   = []review.Role{review.RoleClerk, review.RoleReviewer, review.RoleSupervisor, review.RoleAdmin}
	retriers  = []review.Role{review.RoleClerk, review.RoleSupervisor}
	editors   = []review.Role{review.RoleReviewer, review.RoleSupervisor}
	reopeners = []review.Role{review.RoleSupervisor}
)

func (s *Server) routes() {
	r := s.engine
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)

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
	r.NoRoute(s.notFound)
}
