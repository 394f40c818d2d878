package hooks

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/access"
	"sgul/internal/audit"
	"sgul/internal/hr"
)

// bindPayrollRoutes registers the payroll and document endpoints:
//
//	POST /api/planillas/generar {mes, anio, sede?}  -> {mes, anio, creadas, existentes, planillas}
//	POST /api/planillas/{id}/pagar                  -> {planilla, gasto}
//	POST /api/planillas/{id}/anular {motivo}        -> {planilla, gasto} (the reversal)
//	GET  /api/documentos/filtros?empleado=          -> {empleados, meses}
func bindPayrollRoutes(se *core.ServeEvent) {
	g := se.Router.Group("/api")
	g.Bind(apis.RequireAuth())
	g.POST("/planillas/generar", func(e *core.RequestEvent) error {
		if err := access.Require(e.App, e.Auth, access.Planillas); err != nil {
			return err
		}
		var form hr.GenerarPlanillas
		if err := e.BindBody(&form); err != nil {
			return e.BadRequestError("Los datos enviados no tienen un formato válido.", err)
		}
		sedes := access.Sedes(e.App, e.Auth)
		if form.Sede != "" {
			if err := access.RequireSede(e.App, e.Auth, form.Sede); err != nil {
				return err
			}
			sedes = []string{form.Sede}
		}
		if err := form.Validate(e.App); err != nil {
			return apiError(err, "Revise el periodo de la planilla.")
		}
		res, err := form.Submit(e.App, sedes, audit.ActorFromAuth(e.Auth))
		if err != nil {
			return apiError(err, "No se pudieron generar las planillas.")
		}
		return e.JSON(http.StatusOK, res)
	})
	g.POST("/planillas/{id}/pagar", func(e *core.RequestEvent) error {
		p, err := planillaForAction(e, true)
		if err != nil {
			return err
		}
		res, err := hr.PagarPlanilla(e.App, p.Id, audit.ActorFromAuth(e.Auth), time.Now())
		if err != nil {
			return planillaError(err, "No se pudo pagar la planilla.")
		}
		return e.JSON(http.StatusOK, res)
	})
	g.POST("/planillas/{id}/anular", func(e *core.RequestEvent) error {
		p, err := planillaForAction(e, false)
		if err != nil {
			return err
		}
		var body struct {
			Motivo string `json:"motivo"`
		}
		if err := e.BindBody(&body); err != nil {
			return e.BadRequestError("Los datos enviados no tienen un formato válido.", err)
		}
		res, err := hr.AnularPlanilla(e.App, p.Id, body.Motivo, audit.ActorFromAuth(e.Auth), time.Now())
		if err != nil {
			return planillaError(err, "No se pudo anular la planilla.")
		}
		return e.JSON(http.StatusOK, res)
	})
	g.GET("/documentos/filtros", func(e *core.RequestEvent) error {
		if err := access.Require(e.App, e.Auth, access.Documentacion); err != nil {
			return err
		}
		res, err := hr.Filtros(e.App, access.Sedes(e.App, e.Auth), e.Request.URL.Query().Get("empleado"))
		if err != nil {
			return e.InternalServerError("No se pudieron leer los documentos.", err)
		}
		return e.JSON(http.StatusOK, res)
	})
}

// planillaForAction loads the path's planilla for a caller with planillas in the
// employee's sede. An employee without sede cannot be paid: that is a clear 400 for
// pagar (there is no sede to check the caller against).
func planillaForAction(e *core.RequestEvent, pagar bool) (*core.Record, error) {
	if err := access.Require(e.App, e.Auth, access.Planillas); err != nil {
		return nil, err
	}
	p, err := e.App.FindRecordById(hr.ColPlanillas, e.Request.PathValue("id"))
	if err != nil {
		return nil, e.NotFoundError("No se encontró la planilla.", nil)
	}
	emp, err := e.App.FindRecordById(hr.ColEmpleados, p.GetString("empleado"))
	if err != nil {
		return nil, e.NotFoundError("No se encontró la planilla.", nil)
	}
	if emp.GetString("sede") == "" && pagar {
		return nil, e.BadRequestError("El empleado no tiene sede asignada; asígnele una sede antes de pagar la planilla.", hr.ErrSinSede)
	}
	if err := access.RequireSede(e.App, e.Auth, emp.GetString("sede")); err != nil {
		return nil, err
	}
	return p, nil
}

func planillaError(err error, badRequest string) error {
	if errors.Is(err, hr.ErrPlanillaEstado) {
		return apis.NewApiError(http.StatusConflict, "La planilla ya no está en un estado que permita esta acción.", nil)
	}
	return apiError(err, badRequest)
}
