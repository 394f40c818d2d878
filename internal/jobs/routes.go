package jobs

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// BindAdminRoutes registers the superuser-only queue endpoints:
//
//	GET  /api/sgul/jobs/stats       jobs per state and the queue lag
//	POST /api/sgul/jobs/{id}/retry  revive a muerto or fallido job (204)
//
// Call it from an OnServe handler; q (may be nil) is woken after a retry.
func BindAdminRoutes(se *core.ServeEvent, q *Queue) {
	g := se.Router.Group("/api/sgul/jobs")
	g.Bind(apis.RequireSuperuserAuth())
	g.GET("/stats", func(e *core.RequestEvent) error {
		s, err := Stats(e.App)
		if err != nil {
			return e.InternalServerError("No se pudieron leer las estadísticas de trabajos.", err)
		}
		return e.JSON(http.StatusOK, statsResponse{Snapshot: s, OldestPendingAgeSeconds: s.OldestPendingAge.Seconds()})
	})
	g.POST("/{id}/retry", func(e *core.RequestEvent) error {
		err := Retry(e.App, e.Request.PathValue("id"))
		switch {
		case errors.Is(err, ErrNotFound):
			return e.NotFoundError("Trabajo no encontrado.", nil)
		case errors.Is(err, ErrNotRetryable):
			return e.BadRequestError("Solo se pueden reintentar trabajos muertos o fallidos.", nil)
		case err != nil:
			return e.InternalServerError("No se pudo reintentar el trabajo.", err)
		}
		if q != nil {
			q.Wake()
		}
		return e.NoContent(http.StatusNoContent)
	})
}

type statsResponse struct {
	Snapshot
	OldestPendingAgeSeconds float64 `json:"oldestPendingAgeSeconds"`
}
