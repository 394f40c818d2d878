package hr

import (
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
)

// GenerarPlanillas is the body of POST /api/planillas/generar: one Borrador planilla
// per active employee of the sede (or of every sede of the caller) for the period.
type GenerarPlanillas struct {
	Mes  int    `json:"mes"`
	Anio int    `json:"anio"`
	Sede string `json:"sede"`
}

// ResultadoGenerar says what a generation did. It is idempotent: an employee that
// already has a planilla for the period keeps it untouched (a voided one does not count).
type ResultadoGenerar struct {
	Mes        int      `json:"mes"`
	Anio       int      `json:"anio"`
	Creadas    int      `json:"creadas"`
	Existentes int      `json:"existentes"`
	Planillas  []string `json:"planillas"` // ids of the planillas created now
}

// Validate checks the period and the sede.
func (f *GenerarPlanillas) Validate(app core.App) error {
	errs := validation.Errors{}
	if f.Mes < 1 || f.Mes > 12 {
		errs["mes"] = fieldErr("mes_invalido", "El mes debe estar entre 1 y 12.")
	}
	if f.Anio < 2000 || f.Anio > 2100 {
		errs["anio"] = fieldErr("anio_invalido", "El año debe estar entre 2000 y 2100.")
	}
	if f.Sede != "" {
		if _, err := app.FindRecordById("sedes", f.Sede); err != nil {
			errs["sede"] = fieldErr("sede_inexistente", "La sede no existe.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Submit creates, in one transaction, the missing planillas of the active employees of
// sedes, copying each employee's pay (basic, hourly wage, contract hours, rate); the
// planilla hooks compute the amounts.
func (f *GenerarPlanillas) Submit(app core.App, sedes []string, actor audit.Actor) (*ResultadoGenerar, error) {
	res := &ResultadoGenerar{Mes: f.Mes, Anio: f.Anio, Planillas: []string{}}
	if len(sedes) == 0 {
		return res, nil
	}
	col, err := app.FindCachedCollectionByNameOrId(ColPlanillas)
	if err != nil {
		return nil, err
	}
	ids := make([]any, len(sedes))
	for i, s := range sedes {
		ids[i] = s
	}
	err = app.RunInTransaction(func(tx core.App) error {
		res.Creadas, res.Existentes, res.Planillas = 0, 0, []string{}
		emps, err := tx.FindAllRecords(ColEmpleados, dbx.HashExp{"activo": true}, dbx.In("sede", ids...))
		if err != nil {
			return err
		}
		// employees that already have a live planilla for the period (a voided one does not
		// count: the month can be generated again), read once instead of per employee
		var having []string
		err = tx.DB().Select("empleado").From(ColPlanillas).
			Where(dbx.HashExp{"mes": f.Mes, "anio": f.Anio}).AndWhere(dbx.Not(dbx.HashExp{"estado": PlanillaAnulada})).
			Column(&having)
		if err != nil {
			return err
		}
		existing := make(map[string]bool, len(having))
		for _, id := range having {
			existing[id] = true
		}
		for _, emp := range emps {
			if existing[emp.Id] {
				res.Existentes++
				continue
			}
			p := core.NewRecord(col)
			p.Set("empleado", emp.Id)
			p.Set("mes", f.Mes)
			p.Set("anio", f.Anio)
			for _, fld := range []string{"sueldo_basico", "sueldo_por_hora", "horas_contrato", "tasa_pension"} {
				p.Set(fld, emp.GetFloat(fld))
			}
			audit.SetActor(p, actor)
			if err := tx.Save(p); err != nil {
				return err
			}
			res.Creadas++
			res.Planillas = append(res.Planillas, p.Id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
