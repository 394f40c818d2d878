package enrollment

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/audit"
	"sgul/internal/finance"
	"sgul/internal/money"
)

// VoidPago marks a registered pago Anulado and, in the same transaction, posts the
// reversal ingreso (negative, dated today in Lima, origen Anulación), re-opens the cuota
// and writes the audit row. Voiding an already voided pago is a 409.
func VoidPago(app core.App, pagoID, motivo string, actor audit.Actor) (*core.Record, error) {
	motivo = strings.TrimSpace(motivo)
	if motivo == "" || len(motivo) > 500 {
		return nil, router.NewBadRequestError("Datos inválidos.", fieldErr("motivo", "motivo", "Indique el motivo de la anulación (máximo 500 caracteres)."))
	}
	var out *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		pago, err := tx.FindRecordById("pagos", pagoID) // re-read inside the tx: concurrent voids serialise here
		if err != nil {
			return router.NewNotFoundError("El pago no existe.", nil)
		}
		if pago.GetString("estado") == PagoAnulado {
			return router.NewApiError(409, "El pago ya está anulado.", nil)
		}
		before := audit.Snapshot(pago)
		pago.Set("estado", PagoAnulado)
		pago.Set("motivo_anulacion", motivo)
		pago.Set("anulado_en", time.Now().UTC())
		pago.Set("anulado_por", actor.UserID)
		pago.Set(flagVoid, true)
		audit.SetActor(pago, actor)
		if err := tx.Save(pago); err != nil {
			return err
		}
		monto, err := money.FromFloat(pago.GetFloat("monto"))
		if err != nil {
			return err
		}
		orig, err := tx.FindFirstRecordByFilter(finance.Ingresos, "pago = {:p} && origen = {:o}", map[string]any{"p": pago.Id, "o": finance.OrigenPago})
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId(finance.Ingresos)
		if err != nil {
			return err
		}
		rev := core.NewRecord(col)
		rev.Set("sede", orig.GetString("sede"))
		rev.Set("concepto", "Anulación: "+orig.GetString("concepto"))
		rev.Set("monto", (-monto).Float())
		rev.Set("fecha", finance.Today()+" 00:00:00.000Z")
		rev.Set("pago", pago.Id)
		rev.Set("origen", finance.OrigenAnulacion)
		rev.Set("registrado_por", actor.UserID)
		audit.SetActor(rev, actor)
		if err := tx.Save(rev); err != nil {
			return err
		}
		if err := RecomputeCuota(tx, pago.GetString("cuota")); err != nil {
			return err
		}
		out = pago
		return audit.Write(tx, audit.Entry{Coleccion: "pagos", Registro: pago.Id, Accion: "anular", Actor: actor,
			Antes: before, Despues: audit.Snapshot(pago), Sede: pago.GetString("sede")})
	})
	return out, err
}
