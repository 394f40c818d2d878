package finance

import (
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/money"
	"sgul/internal/schedule"
)

// PrepareNew fills the defaults of a new ledger row (fecha = today in Lima).
func PrepareNew(r *core.Record) {
	if r.GetDateTime("fecha").IsZero() {
		r.Set("fecha", Today()+" 00:00:00.000Z")
	}
	if r.GetString("origen") == "" {
		r.Set("origen", OrigenManual)
	}
}

// Today is the current Lima business date.
func Today() string { return schedule.LimaDate(time.Now()) }

// ValidateRow checks a ledger row's amount: 2 decimals, positive, negative only for
// reversals (origen Anulación).
func ValidateRow(r *core.Record) error {
	c, err := money.FromFloat(r.GetFloat("monto"))
	if err != nil {
		return validation.Errors{"monto": validation.NewError("sgul_monto_formato", "El monto debe tener como máximo 2 decimales.")}
	}
	if r.GetString("origen") == OrigenAnulacion {
		if c >= 0 {
			return validation.Errors{"monto": validation.NewError("sgul_monto_reversion", "Una anulación debe tener monto negativo.")}
		}
	} else if c <= 0 {
		return validation.Errors{"monto": validation.NewError("sgul_monto_positivo", "El monto debe ser mayor que cero.")}
	}
	return nil
}

// DerivedReadOnly refuses changes to rows derived from pagos or planillas.
func DerivedReadOnly(original *core.Record) error {
	if original.GetString("origen") != OrigenManual {
		return router.NewBadRequestError("Este movimiento se generó automáticamente y no se puede modificar; anule el pago o la planilla que lo originó.", nil)
	}
	return nil
}
