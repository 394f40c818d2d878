package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A voided planilla no longer blocks its month: the unique (empleado, mes, anio) index
// counts only live planillas, so after a void RRHH can generate and pay a corrected one.
// The voided planilla and its reversal gasto stay as history.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("planillas")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_planillas_periodo")
		c.AddIndex("idx_planillas_periodo_vigente", true, "empleado, mes, anio", "estado != 'Anulada'")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("planillas")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_planillas_periodo_vigente")
		c.AddIndex("idx_planillas_periodo", true, "empleado, mes, anio", "")
		return app.Save(c)
	})
}
