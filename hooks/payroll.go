package hooks

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/access"
	"sgul/internal/audit"
	"sgul/internal/hr"
)

// bindPayroll wires employees, payroll and employee documents.
func bindPayroll(app core.App, cfg *Config) {
	bindEmpleados(app)
	bindPlanillas(app)
	bindDocumentos(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindPayrollRoutes(se)
		return se.Next()
	})
}

// bindEmpleados derives the hourly wage, defaults the pension rate, keeps the natural
// keys unique, and hides pay and bank data from callers without empleados/planillas.
func bindEmpleados(app core.App) {
	app.OnRecordCreateRequest(hr.ColEmpleados).BindFunc(func(e *core.RecordRequestEvent) error {
		if !bodyHas(e, "tasa_pension") {
			if rate, ok := hr.TasaPensionDefecto[e.Record.GetString("regimen_pension")]; ok {
				e.Record.Set("tasa_pension", rate.Float())
			}
		}
		return e.Next()
	})
	derive := func(e *core.RecordEvent) error {
		hr.DeriveSueldoPorHora(e.Record)
		return e.Next()
	}
	app.OnRecordCreate(hr.ColEmpleados).BindFunc(derive)
	app.OnRecordUpdate(hr.ColEmpleados).BindFunc(derive)
	checkOnValidate(app, hr.ColEmpleados, hr.ValidateEmpleado)
	app.OnRecordEnrich(hr.ColEmpleados).BindFunc(func(e *core.RecordEnrichEvent) error {
		if !hr.MaySeePay(e.App, e.RequestInfo.Auth, e.Record) {
			e.Record.Hide(hr.PayFields...)
		}
		return e.Next()
	})
	// Hidden fields must not be probed through filters or sorting either.
	app.OnRecordsListRequest(hr.ColEmpleados, hr.ColDocumentos).BindFunc(func(e *core.RecordsListRequestEvent) error {
		q := e.Request.URL.Query()
		if (hr.MentionsPayField(q.Get("filter")) || hr.MentionsPayField(q.Get("sort"))) &&
			!access.Has(e.App, e.Auth, access.Empleados, access.Planillas) {
			return router.NewForbiddenError("No tiene permiso para filtrar u ordenar por datos salariales o bancarios.", nil)
		}
		return e.Next()
	})
}

// bindPlanillas computes the amounts of every Borrador planilla, keeps paid ones
// immutable and audits each change (pagar and anular write their own audit rows).
func bindPlanillas(app core.App) {
	app.OnRecordCreate(hr.ColPlanillas).BindFunc(func(e *core.RecordEvent) error {
		hr.PrepareNewPlanilla(e.Record)
		if errs := hr.ComputePlanilla(e.Record); errs != nil {
			return router.NewBadRequestError("Revise los datos de la planilla.", errs)
		}
		return e.Next()
	})
	app.OnRecordUpdate(hr.ColPlanillas).BindFunc(func(e *core.RecordEvent) error {
		if err := hr.CheckPlanillaUpdate(e.Record); err != nil {
			return router.NewBadRequestError("La planilla no se puede modificar.", err)
		}
		if e.Record.GetString("estado") == hr.PlanillaBorrador {
			if errs := hr.ComputePlanilla(e.Record); errs != nil {
				return router.NewBadRequestError("Revise los datos de la planilla.", errs)
			}
		}
		return e.Next()
	})
	app.OnRecordDelete(hr.ColPlanillas).BindFunc(func(e *core.RecordEvent) error {
		if err := hr.CheckPlanillaDelete(e.Record); err != nil {
			return router.NewBadRequestError("La planilla no se puede eliminar.", err)
		}
		return e.Next()
	})
	checkOnValidate(app, hr.ColPlanillas, hr.ValidatePlanilla)
	auditWrites(app, hr.ColPlanillas, sedeVia(hr.ColEmpleados, "empleado"), hr.IsTransition)
}

// bindDocumentos stamps the review date and reviewer from the caller, who may not be
// the document's author.
func bindDocumentos(app core.App) {
	stamp := func(e *core.RecordEvent) error {
		actor := audit.ActorOf(e.Record)
		if err := hr.CheckReviewer(e.App, e.Record, actor); err != nil {
			return router.NewBadRequestError("No se pudo guardar la reseña.", err)
		}
		hr.StampReview(e.Record, actor, time.Now())
		return e.Next()
	}
	app.OnRecordCreate(hr.ColDocumentos).BindFunc(stamp)
	app.OnRecordUpdate(hr.ColDocumentos).BindFunc(stamp)
}
