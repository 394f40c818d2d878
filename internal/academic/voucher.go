package academic

import (
	"fmt"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
	"sgul/internal/schedule"
)

// Voucher estados.
const (
	VoucherPendiente = "Pendiente"
	VoucherAprobado  = "Aprobado"
	VoucherRechazado = "Rechazado"
)

// transitionKey is a custom (never stored) record key set by the approval and
// rejection code, the only writers allowed to change a voucher's estado.
const transitionKey = "@sgul_voucher_transition"

// PrepareNewVoucher forces a new voucher to Pendiente with no review data, whoever
// creates it: a voucher only becomes a payment through AprobarVoucher.
func PrepareNewVoucher(r *core.Record) {
	r.Set("estado", VoucherPendiente)
	for _, f := range []string{"pago", "revisado_por", "motivo", "fecha_revision"} {
		r.Set(f, "")
	}
}

// ValidateVoucher checks a new voucher against its cuota (same matrícula, still owed,
// amount up to the balance) and its date (not in the future, Lima).
func ValidateVoucher(app core.App, r *core.Record, now time.Time) validation.Errors {
	errs := validation.Errors{}
	monto, err := money.FromFloat(r.GetFloat("monto"))
	if err != nil || monto <= 0 {
		errs["monto"] = fieldErr("monto_invalido", "Ingrese un monto mayor que 0 con hasta 2 decimales.")
	}
	if d := r.GetDateTime("fecha"); !d.IsZero() && ClassDate(d) > schedule.LimaDate(now) {
		errs["fecha"] = fieldErr("fecha_futura", "La fecha del pago no puede ser futura.")
	}
	cuota, err := findOptional(app, ColCuotas, r.GetString("cuota"))
	if err != nil || cuota == nil {
		return nonEmpty(errs)
	}
	switch {
	case cuota.GetString("matricula") != r.GetString("matricula"):
		errs["cuota"] = fieldErr("cuota_otra_matricula", "La cuota no pertenece a la matrícula.")
	case !owes(cuota.GetString("estado")):
		errs["cuota"] = fieldErr("cuota_sin_saldo", fmt.Sprintf("La cuota está %s; no tiene saldo pendiente.", cuota.GetString("estado")))
	case errs["monto"] == nil:
		total, err1 := money.FromFloat(cuota.GetFloat("monto"))
		pagado, err2 := money.FromFloat(cuota.GetFloat("pagado"))
		if saldo := total - pagado; err1 == nil && err2 == nil && monto > saldo {
			errs["monto"] = fieldErr("monto_excede_saldo", "El monto supera el saldo pendiente de la cuota ("+saldo.Format()+").")
		}
	}
	return nonEmpty(errs)
}

// owes reports whether a cuota estado still owes money.
func owes(estado string) bool { return estado == "Pendiente" || estado == "Parcial" }

// CheckVoucherUpdate refuses changes to a voucher made outside AprobarVoucher and
// RechazarVoucher (a voucher is a student's statement: staff only review it).
func CheckVoucherUpdate(r *core.Record) error {
	if r.Get(transitionKey) == true {
		return nil
	}
	return validation.Errors{"estado": fieldErr("voucher_inmutable",
		"El voucher no se modifica; apruébelo o recházelo desde la revisión de vouchers.")}
}
