package hooks

import (
	"net/http"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/access"
	"sgul/internal/finance"
)

// bindFinance wires the ledger (ingresos, gastos), its monthly totals and the balance.
func bindFinance(app core.App, cfg *Config) {
	ledgers := []string{finance.Ingresos, finance.Gastos}

	// Through the API only manual rows are written; derived rows come from pagos/planillas.
	app.OnRecordCreateRequest(ledgers...).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Record.GetString("pago") != "" || e.Record.GetString("planilla") != "" {
			return validation.Errors{"origen": validation.NewError("sgul_origen", "Solo se registran movimientos manuales; los de pagos y planillas son automáticos.")}
		}
		e.Record.Set("origen", finance.OrigenManual)
		if e.Auth != nil && e.Auth.Collection().Name == "users" {
			e.Record.Set("registrado_por", e.Auth.Id)
		}
		return e.Next()
	})
	app.OnRecordCreate(ledgers...).BindFunc(func(e *core.RecordEvent) error {
		finance.PrepareNew(e.Record)
		return e.Next()
	})
	app.OnRecordCreateExecute(ledgers...).BindFunc(func(e *core.RecordEvent) error {
		if err := finance.ValidateRow(e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return finance.AfterCreate(tx, e.Record)
		})
	})
	app.OnRecordUpdateExecute(ledgers...).BindFunc(func(e *core.RecordEvent) error {
		if err := finance.DerivedReadOnly(e.Record.Original()); err != nil {
			return err
		}
		if err := finance.ValidateRow(e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return finance.AfterUpdate(tx, e.Record)
		})
	})
	app.OnRecordDeleteExecute(ledgers...).BindFunc(func(e *core.RecordEvent) error {
		if err := finance.DerivedReadOnly(e.Record); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return finance.AfterDelete(tx, e.Record)
		})
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		for _, p := range []string{"/api/finanzas/balance", "/api/finanzas/balance/{$}"} {
			se.Router.GET(p, handleBalance)
		}
		return se.Next()
	})
}

// handleBalance answers GET /api/finanzas/balance?sede_id=&desde=&hasta=.
func handleBalance(e *core.RequestEvent) error {
	if err := access.Require(e.App, e.Auth, access.Finanzas); err != nil {
		return err
	}
	q := e.Request.URL.Query()
	today := finance.Today()
	desde, hasta := q.Get("desde"), q.Get("hasta")
	if desde == "" {
		desde = today[:4] + "-01-01"
	}
	if hasta == "" {
		hasta = today
	}
	errs := validation.Errors{}
	d1, err1 := time.Parse("2006-01-02", desde)
	d2, err2 := time.Parse("2006-01-02", hasta)
	if err1 != nil {
		errs["desde"] = validation.NewError("sgul_fecha", "Use el formato AAAA-MM-DD.")
	}
	if err2 != nil {
		errs["hasta"] = validation.NewError("sgul_fecha", "Use el formato AAAA-MM-DD.")
	}
	if err1 == nil && err2 == nil && (d2.Before(d1) || d2.Sub(d1) > 20*366*24*time.Hour) {
		errs["hasta"] = validation.NewError("sgul_periodo", "El periodo debe terminar después de empezar y abarcar como máximo 20 años.")
	}
	if len(errs) > 0 {
		return router.NewBadRequestError("Parámetros inválidos.", errs)
	}
	sedes := access.Sedes(e.App, e.Auth)
	if id := q.Get("sede_id"); id != "" {
		if !access.InSede(e.App, e.Auth, id) {
			return router.NewForbiddenError("No tiene acceso a esta sede.", nil)
		}
		sedes = []string{id}
	}
	b, err := finance.ComputeBalance(e.App, sedes, desde, hasta)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, b)
}
