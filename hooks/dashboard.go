package hooks

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/access"
	"sgul/internal/dashboard"
)

// bindDashboardRoutes registers GET /api/dashboard?sede_id= (permission dashboard): the
// KPIs of one of the caller's sedes, or of all of them without sede_id.
func bindDashboardRoutes(se *core.ServeEvent) {
	se.Router.GET("/api/dashboard", func(e *core.RequestEvent) error {
		if err := access.Require(e.App, e.Auth, access.Dashboard); err != nil {
			return err
		}
		sedes := access.Sedes(e.App, e.Auth)
		if id := e.Request.URL.Query().Get("sede_id"); id != "" {
			if err := access.RequireSede(e.App, e.Auth, id); err != nil {
				return err
			}
			sedes = []string{id}
		}
		d, err := dashboard.Compute(e.App, sedes, time.Now())
		if err != nil {
			return e.InternalServerError("No se pudo calcular el tablero.", err)
		}
		return e.JSON(http.StatusOK, d)
	}).Bind(apis.RequireAuth())
}
