package enrollment

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
	"sgul/internal/finance"
	"sgul/internal/money"
	"sgul/internal/schedule"
)

// Cuota and pago states.
const (
	CuotaPendiente = "Pendiente"
	CuotaParcial   = "Parcial"
	CuotaPagada    = "Pagada"
	CuotaAnulada   = "Anulada"

	PagoRegistrado = "Registrado"
	PagoAnulado    = "Anulado"
)

// PreparePago fills a new pago's defaults before validation.
func PreparePago(app core.App, r *core.Record) {
	r.Set("estado", PagoRegistrado)
	if r.GetDateTime("fecha_pago").IsZero() {
		r.Set("fecha_pago", time.Now().UTC())
	}
	if r.GetString("matricula") == "" && r.GetString("cuota") != "" {
		if c, err := app.FindRecordById("cuotas", r.GetString("cuota")); err == nil {
			r.Set("matricula", c.GetString("matricula"))
		}
	}
	// The acting staff user registers the pago, whatever the body says.
	if uid := audit.ActorOf(r).UserID; uid != "" || r.GetString("registrado_por") == "" {
		r.Set("registrado_por", uid)
	}
}

// Saldo is what is still owed on a cuota, from its registered pagos (read with tx).
func Saldo(tx core.App, cuota *core.Record) (monto, pagado money.Cents, err error) {
	monto, err = money.FromFloat(cuota.GetFloat("monto"))
	if err != nil {
		return 0, 0, err
	}
	pagado, err = sumPagos(tx, cuota.Id)
	return monto, pagado, err
}

func sumPagos(tx core.App, cuota string) (money.Cents, error) {
	var total int64
	err := tx.DB().Select("COALESCE(SUM(CAST(ROUND(monto*100) AS INTEGER)),0)").From("pagos").
		Where(dbx.HashExp{"cuota": cuota, "estado": PagoRegistrado}).Row(&total)
	return money.Cents(total), err
}

// ValidateNewPago checks a pago against its cuota, matrícula and medio de pago, inside the
// transaction (so concurrent payments of one cuota see each other), and resolves its sede.
func ValidateNewPago(tx core.App, r *core.Record) error {
	cuota, err := tx.FindRecordById("cuotas", r.GetString("cuota"))
	if err != nil {
		return fieldErr("cuota", "cuota", "La cuota no existe.")
	}
	if cuota.GetString("matricula") != r.GetString("matricula") {
		return fieldErr("cuota", "cuota_matricula", "La cuota no pertenece a esta matrícula.")
	}
	mat, err := tx.FindRecordById("matriculas", r.GetString("matricula"))
	if err != nil {
		return fieldErr("matricula", "matricula", "La matrícula no existe.")
	}
	if mat.GetString("estado") != MatriculaActivo {
		return fieldErr("matricula", "matricula_inactiva", "Solo se registran pagos de matrículas activas.")
	}
	if cuota.GetString("estado") == CuotaAnulada {
		return fieldErr("cuota", "cuota_anulada", "La cuota está anulada.")
	}
	monto, err := money.FromFloat(r.GetFloat("monto"))
	if err != nil {
		return fieldErr("monto", "monto_formato", "El monto debe tener como máximo 2 decimales.")
	}
	if monto <= 0 {
		return fieldErr("monto", "monto_positivo", "El monto debe ser mayor que cero.")
	}
	if _, err := money.FromFloat(r.GetFloat("descuento_aplicado")); err != nil || r.GetFloat("descuento_aplicado") < 0 {
		return fieldErr("descuento_aplicado", "descuento", "El descuento debe ser un monto válido (máximo 2 decimales).")
	}
	total, pagado, err := Saldo(tx, cuota)
	if err != nil {
		return err
	}
	if monto > total-pagado {
		return fieldErr("monto", "monto_saldo", fmt.Sprintf("El monto supera el saldo de la cuota (%s).", (total-pagado).Format()))
	}
	medio, err := tx.FindRecordById("medios_pago", r.GetString("medio_pago"))
	if err != nil {
		return fieldErr("medio_pago", "medio_pago", "Seleccione un medio de pago válido.")
	}
	if medio.GetBool("requiere_comprobante") && r.GetString("comprobante") == "" && len(r.GetUnsavedFiles("comprobante")) == 0 {
		return fieldErr("comprobante", "comprobante", "Este medio de pago requiere adjuntar el comprobante.")
	}
	r.Set("concepto", cuota.GetString("concepto"))
	r.Set("numero_cuota", cuota.GetInt("numero"))
	// The income goes to the sede resolved from the matrícula; a sede in the body may only
	// repeat it (or stand in when none can be resolved).
	sede, err := resolveSede(tx, mat)
	switch given := r.GetString("sede"); {
	case err == nil && given != "" && given != sede:
		return fieldErr("sede", "sede_pago", "El pago se registra en la sede de la matrícula.")
	case err == nil:
		r.Set("sede", sede)
	case given == "":
		return err
	default:
		if _, err := tx.FindRecordById("sedes", given); err != nil {
			return fieldErr("sede", "sede", "La sede no existe.")
		}
	}
	return nil
}

// resolveSede: the modalidad's sede, else the programa's sede.
func resolveSede(tx core.App, mat *core.Record) (string, error) {
	if mod, err := tx.FindRecordById("modalidades", mat.GetString("modalidad")); err == nil && mod.GetString("sede") != "" {
		return mod.GetString("sede"), nil
	}
	if prog, err := tx.FindRecordById("programas", mat.GetString("programa")); err == nil && prog.GetString("sede") != "" {
		return prog.GetString("sede"), nil
	}
	return "", fieldErr("sede", "sede_indeterminada", "No se pudo determinar la sede del pago; indíquela.")
}

// BookPago writes, with tx, what a registered pago causes: its ingreso, the cuota's new
// pagado/estado and the audit row.
func BookPago(tx core.App, pago *core.Record) error {
	ing, err := ingresoFor(tx, pago)
	if err != nil {
		return err
	}
	if err := tx.Save(ing); err != nil {
		return fmt.Errorf("ingreso del pago: %w", err)
	}
	if err := RecomputeCuota(tx, pago.GetString("cuota")); err != nil {
		return err
	}
	return audit.Write(tx, audit.Entry{Coleccion: "pagos", Registro: pago.Id, Accion: "crear", Actor: audit.ActorOf(pago),
		Despues: audit.Snapshot(pago), Sede: pago.GetString("sede")})
}

// Concepto is the ledger concept of a pago, e.g. "Pensión - Enfermería (Cuota 3)".
func Concepto(concepto, programa string, numero int) string {
	s := concepto + " - " + programa
	if concepto == "Pensión" {
		s += fmt.Sprintf(" (Cuota %d)", numero)
	}
	return s
}

func ingresoFor(tx core.App, pago *core.Record) (*core.Record, error) {
	mat, err := tx.FindRecordById("matriculas", pago.GetString("matricula"))
	if err != nil {
		return nil, err
	}
	prog, err := tx.FindRecordById("programas", mat.GetString("programa"))
	if err != nil {
		return nil, err
	}
	col, err := tx.FindCachedCollectionByNameOrId(finance.Ingresos)
	if err != nil {
		return nil, err
	}
	ing := core.NewRecord(col)
	ing.Set("sede", pago.GetString("sede"))
	ing.Set("concepto", Concepto(pago.GetString("concepto"), prog.GetString("nombre"), pago.GetInt("numero_cuota")))
	ing.Set("monto", pago.GetFloat("monto"))
	ing.Set("fecha", schedule.LimaDate(pago.GetDateTime("fecha_pago").Time())+" 00:00:00.000Z")
	ing.Set("pago", pago.Id)
	ing.Set("origen", finance.OrigenPago)
	ing.Set("registrado_por", pago.GetString("registrado_por"))
	audit.SetActor(ing, audit.ActorOf(pago))
	return ing, nil
}

// RecomputeCuota sets a cuota's pagado to the sum of its registered pagos and its estado
// accordingly.
func RecomputeCuota(tx core.App, cuotaID string) error {
	cuota, err := tx.FindRecordById("cuotas", cuotaID)
	if err != nil {
		return err
	}
	total, pagado, err := Saldo(tx, cuota)
	if err != nil {
		return err
	}
	estado := CuotaPendiente
	withdrawn := false
	if pagado == 0 {
		if mat, err := tx.FindRecordById("matriculas", cuota.GetString("matricula")); err == nil {
			withdrawn = mat.GetString("estado") == MatriculaRetirado
		}
	}
	switch {
	case (cuota.GetString("estado") == CuotaAnulada || withdrawn) && pagado == 0:
		estado = CuotaAnulada // a withdrawn student's untouched cuotas are not debt
	case pagado >= total:
		estado = CuotaPagada
	case pagado > 0:
		estado = CuotaParcial
	}
	cuota.Set("pagado", pagado.Float())
	cuota.Set("estado", estado)
	cuota.Set(flagRecompute, true)
	return tx.Save(cuota)
}

// cuotaFixedFields are what a cuota owes and what its pagos paid: only the schedule and
// the recomputation after a pago or a void write them.
var cuotaFixedFields = []string{"matricula", "concepto", "numero", "monto", "pagado", "estado"}

// ValidateCuotaUpdate refuses hand edits of a cuota's amounts and state (also for
// superusers), so pagado always equals its registered pagos; the due date may move.
func ValidateCuotaUpdate(r *core.Record) error {
	if flagged(r, flagRecompute) {
		return nil
	}
	for _, f := range cuotaFixedFields {
		if fmt.Sprint(r.Get(f)) != fmt.Sprint(r.Original().Get(f)) {
			return fieldErr(f, "cuota_fija", "El monto, lo pagado y el estado de una cuota se calculan con sus pagos; no se editan.")
		}
	}
	return nil
}

// MoneyFieldsChanged lists the pago fields that may never change once registered.
var pagoFixedFields = []string{"matricula", "cuota", "concepto", "numero_cuota", "monto", "descuento_aplicado",
	"fecha_pago", "sede", "estado", "motivo_anulacion", "registrado_por", "anulado_en", "anulado_por"}

// ValidatePagoUpdate refuses edits of a pago's money fields (also for superusers); voids
// go through VoidPago.
func ValidatePagoUpdate(r *core.Record) error {
	if flagged(r, flagVoid) {
		return nil
	}
	if r.Original().GetString("estado") == PagoAnulado {
		return fieldErr("estado", "pago_anulado", "El pago está anulado y no se puede modificar.")
	}
	for _, f := range pagoFixedFields {
		if fmt.Sprint(r.Get(f)) != fmt.Sprint(r.Original().Get(f)) {
			return fieldErr(f, "pago_inmutable", "Los datos económicos de un pago registrado no se modifican; anule el pago y registre uno nuevo.")
		}
	}
	return nil
}
