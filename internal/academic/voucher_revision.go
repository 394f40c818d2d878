package academic

import (
	"errors"
	"fmt"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
	"sgul/internal/schedule"
)

// ErrVoucherCerrado reports a review that contradicts the voucher's final estado
// (approving a rejected voucher or rejecting an approved one).
var ErrVoucherCerrado = errors.New("voucher already reviewed")

// RevisionVoucher is the outcome of a review.
type RevisionVoucher struct {
	Voucher *core.Record `json:"voucher"`
	Pago    *core.Record `json:"pago"`
	// SinCambios is true when the voucher already had this outcome (a repeated or
	// concurrent request): nothing was written.
	SinCambios bool `json:"sin_cambios"`
}

// AprobarVoucher turns a Pendiente voucher into a real payment in one transaction: the
// pago (with a copy of the voucher image as comprobante) is saved with the
// transaction's app, so the payment hooks write its ingreso and update the cuota in
// the same transaction; then the voucher is linked and marked Aprobado. The voucher is
// re-read inside the transaction, so of two concurrent approvals the second finds it
// Aprobado and changes nothing.
func AprobarVoucher(app core.App, voucherID string, actor audit.Actor, now time.Time) (*RevisionVoucher, error) {
	res := &RevisionVoucher{}
	err := app.RunInTransaction(func(tx core.App) error {
		v, err := tx.FindRecordById(ColVouchers, voucherID)
		if err != nil {
			return err
		}
		switch v.GetString("estado") {
		case VoucherAprobado:
			res.Voucher, res.SinCambios = v, true
			res.Pago, _ = findOptional(tx, ColPagos, v.GetString("pago"))
			return nil
		case VoucherRechazado:
			return ErrVoucherCerrado
		}
		pago, err := newPagoFromVoucher(tx, v, actor)
		if err != nil {
			return err
		}
		before := audit.Snapshot(v)
		v.Set("estado", VoucherAprobado)
		v.Set("pago", pago.Id)
		v.Set("revisado_por", actor.UserID)
		v.Set("fecha_revision", now.UTC())
		if err := saveTransition(tx, v, actor); err != nil {
			return err
		}
		res.Voucher, res.Pago = v, pago
		return audit.Write(tx, audit.Entry{Coleccion: ColVouchers, Registro: v.Id, Accion: "aprobar", Actor: actor,
			Antes: before, Despues: audit.Snapshot(v), Sede: pago.GetString("sede")})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// newPagoFromVoucher saves the payment a voucher stands for, with tx.
func newPagoFromVoucher(tx core.App, v *core.Record, actor audit.Actor) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId(ColPagos)
	if err != nil {
		return nil, err
	}
	cuota, err := tx.FindRecordById(ColCuotas, v.GetString("cuota"))
	if err != nil {
		return nil, err
	}
	matr, err := tx.FindRecordById(ColMatriculas, v.GetString("matricula"))
	if err != nil {
		return nil, err
	}
	pago := core.NewRecord(col)
	pago.Set("matricula", matr.Id)
	pago.Set("cuota", cuota.Id)
	pago.Set("concepto", cuota.GetString("concepto"))
	pago.Set("numero_cuota", cuota.GetInt("numero"))
	pago.Set("monto", v.GetFloat("monto"))
	pago.Set("medio_pago", v.GetString("medio_pago"))
	pago.Set("fecha_pago", limaNoon(ClassDate(v.GetDateTime("fecha"))))
	pago.Set("registrado_por", actor.UserID)
	if name := v.GetString("imagen"); name != "" {
		fsys, err := tx.NewFilesystem()
		if err != nil {
			return nil, err
		}
		defer fsys.Close()
		file, err := fsys.GetReuploadableFile(v.BaseFilesPath()+"/"+name, false)
		if err != nil {
			return nil, fmt.Errorf("voucher %s image: %w", v.Id, err)
		}
		pago.Set("comprobante", file)
	}
	audit.SetActor(pago, actor)
	if err := tx.Save(pago); err != nil {
		return nil, fmt.Errorf("pago del voucher %s: %w", v.Id, err)
	}
	return pago, nil
}

// ValidateMotivo checks a rejection reason: 3 to 500 characters.
func ValidateMotivo(motivo string) error {
	if n := len([]rune(strings.TrimSpace(motivo))); n < 3 || n > 500 {
		return validation.Errors{"motivo": fieldErr("motivo_requerido", "Indique el motivo (entre 3 y 500 caracteres).")}
	}
	return nil
}

// RechazarVoucher marks a Pendiente voucher Rechazado with the reason shown to the
// student. Rejecting a rejected voucher changes nothing; an approved one cannot be
// rejected (void its payment instead).
func RechazarVoucher(app core.App, voucherID, motivo string, actor audit.Actor, now time.Time) (*RevisionVoucher, error) {
	if err := ValidateMotivo(motivo); err != nil {
		return nil, err
	}
	res := &RevisionVoucher{}
	err := app.RunInTransaction(func(tx core.App) error {
		v, err := tx.FindRecordById(ColVouchers, voucherID)
		if err != nil {
			return err
		}
		switch v.GetString("estado") {
		case VoucherRechazado:
			res.Voucher, res.SinCambios = v, true
			return nil
		case VoucherAprobado:
			return ErrVoucherCerrado
		}
		before := audit.Snapshot(v)
		v.Set("estado", VoucherRechazado)
		v.Set("motivo", strings.TrimSpace(motivo))
		v.Set("revisado_por", actor.UserID)
		v.Set("fecha_revision", now.UTC())
		if err := saveTransition(tx, v, actor); err != nil {
			return err
		}
		res.Voucher = v
		sede := ""
		if m, _ := findOptional(tx, ColMatriculas, v.GetString("matricula")); m != nil {
			sede = m.GetString("sede")
		}
		return audit.Write(tx, audit.Entry{Coleccion: ColVouchers, Registro: v.Id, Accion: "rechazar", Actor: actor,
			Antes: before, Despues: audit.Snapshot(v), Sede: sede})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func saveTransition(tx core.App, v *core.Record, actor audit.Actor) error {
	v.Set(transitionKey, true)
	defer v.Set(transitionKey, nil)
	audit.SetActor(v, actor)
	return tx.Save(v)
}

// limaNoon is noon in Lima of date (YYYY-MM-DD): pagos.fecha_pago is an instant whose
// Lima date is the business date, so the voucher's day must not slip to the day before.
func limaNoon(date string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, date, schedule.LimaLocation())
	if err != nil {
		return time.Now().UTC()
	}
	return t.Add(12 * time.Hour).UTC()
}
