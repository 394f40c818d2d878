package migrations

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The durable job queue of internal/jobs. Every API rule stays nil (superusers only):
// jobs are visible in the dashboard, never through the public API.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("jobs")
		c.Fields.Add(
			&core.TextField{Name: "tipo", Required: true, Max: 100},
			&core.JSONField{Name: "payload", MaxSize: 1 << 20},
			&core.TextField{Name: "clave", Max: 255},
			&core.SelectField{Name: "estado", Required: true, MaxSelect: 1,
				Values: []string{"pendiente", "ejecutando", "hecho", "fallido", "muerto"}},
			&core.NumberField{Name: "intentos", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.NumberField{Name: "max_intentos", OnlyInt: true, Min: types.Pointer(0.0)},
			&core.DateField{Name: "ejecutar_en", Required: true},
			&core.DateField{Name: "lease_hasta"},
			&core.TextField{Name: "worker", Max: 100},
			&core.TextField{Name: "ultimo_error", Max: 8000},
			&core.DateField{Name: "terminado_en"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// clave is an idempotency key: unique only when set.
		c.AddIndex("idx_jobs_clave", true, "`clave`", "`clave` != ''")
		// claim query: due pendiente/fallido jobs by ejecutar_en, expired leases by lease_hasta.
		c.AddIndex("idx_jobs_estado_ejecutar_en", false, "`estado`, `ejecutar_en`", "")
		c.AddIndex("idx_jobs_estado_lease_hasta", false, "`estado`, `lease_hasta`", "")
		// Cleanup of finished jobs.
		c.AddIndex("idx_jobs_estado_terminado_en", false, "`estado`, `terminado_en`", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("jobs")
		if errors.Is(err, sql.ErrNoRows) {
			return nil // already gone
		}
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
