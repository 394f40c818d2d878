package hooks

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/access"
	"sgul/internal/dashboard"
)

// bindDashboard registers GET /api/dashboard?sede_id= (permission dashboard): the
// KPIs of one of the caller's sedes, or of all of them without sede_id. Computed
// dashboards are cached until a write to the data they summarise (dashboard.Cache).
func bindDashboard(app core.App) {
	cache := dashboard.NewCache(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindDashboardRoutes(se, cache)
		return se.Next()
	})
}

func bindDashboardRoutes(se *core.ServeEvent, cache *dashboard.Cache) {
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
		d, err := cache.Get(sedes)
		if err != nil {
			return e.InternalServerError("No se pudo calcular el tablero.", err)
		}
		return e.JSON(http.StatusOK, d)
	}).Bind(apis.RequireAuth())
}
