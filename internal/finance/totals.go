// Package finance is the per-sede ledger: ingresos and gastos, their monthly totals and
// the balance. Totals live in saldos_mensuales (integer céntimos) and change in the same
// transaction as the ledger row that moves them.
package finance

import (
	"fmt"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
)

// Ledger collection names and origins.
const (
	Ingresos = "ingresos"
	Gastos   = "gastos"

	OrigenManual    = "Manual"
	OrigenPago      = "Pago"
	OrigenPlanilla  = "Planilla"
	OrigenAnulacion = "Anulación"
)

// Movement is the part of a ledger row that counts in the totals.
type Movement struct {
	Sede  string
	Fecha string // YYYY-MM-DD (Lima business date)
	Monto money.Cents
}

// MovementOf reads a ledger record.
func MovementOf(r *core.Record) (Movement, error) {
	c, err := money.FromFloat(r.GetFloat("monto"))
	if err != nil {
		return Movement{}, err
	}
	return Movement{Sede: r.GetString("sede"), Fecha: DateOf(r, "fecha"), Monto: c}, nil
}

// DateOf returns the YYYY-MM-DD part of a date field ("" when empty).
func DateOf(r *core.Record, field string) string {
	d := r.GetDateTime(field)
	if d.IsZero() {
		return ""
	}
	return d.Time().UTC().Format("2006-01-02")
}

// ApplyMovement adds (sign +1) or removes (sign -1) a movement from the monthly totals of
// its sede, with app (the transaction of the ledger write).
func ApplyMovement(app core.App, collection string, mv Movement, sign int64) error {
	if mv.Sede == "" || len(mv.Fecha) < 7 {
		return fmt.Errorf("finance: movement without sede or fecha")
	}
	anio, err1 := strconv.Atoi(mv.Fecha[0:4])
	mes, err2 := strconv.Atoi(mv.Fecha[5:7])
	if err1 != nil || err2 != nil {
		return fmt.Errorf("finance: bad fecha %q", mv.Fecha)
	}
	var ing, gas int64
	switch collection {
	case Ingresos:
		ing = sign * int64(mv.Monto)
	case Gastos:
		gas = sign * int64(mv.Monto)
	default:
		return fmt.Errorf("finance: %s is not a ledger", collection)
	}
	_, err := app.DB().NewQuery(`
		INSERT INTO saldos_mensuales (id, sede, anio, mes, ingresos_centimos, gastos_centimos, movimientos)
		VALUES ({:id}, {:sede}, {:anio}, {:mes}, {:ing}, {:gas}, {:n})
		ON CONFLICT (sede, anio, mes) DO UPDATE SET
			ingresos_centimos = ingresos_centimos + excluded.ingresos_centimos,
			gastos_centimos = gastos_centimos + excluded.gastos_centimos,
			movimientos = movimientos + excluded.movimientos`).
		Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "sede": mv.Sede, "anio": anio, "mes": mes, "ing": ing, "gas": gas, "n": sign}).
		Execute()
	if err != nil {
		return fmt.Errorf("finance: update totals: %w", err)
	}
	return nil
}
