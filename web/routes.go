package web

import "papergate/review"

// Who may call what. Every route is listed here with the roles allowed; a route
// without a role list is public (health checks only).
var (
	uploaders = []review.Role{review.RoleClerk, review.RoleReviewer, review.RoleSupervisor}
	readers   = []review.Role{review.RoleClerk, review.RoleReviewer, review.RoleSupervisor, review.RoleAdmin}
	retriers  = []review.Role{review.RoleClerk, review.RoleSupervisor}
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
	r.NoRoute(s.notFound)
}
