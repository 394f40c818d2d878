package hr

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
	"sgul/internal/finance"
	"sgul/internal/money"
	"sgul/internal/schedule"
)

// Errors of the payroll state machine. ErrPlanillaEstado is a conflict (409); the
// others are bad input (400).
var (
	ErrPlanillaEstado = errors.New("planilla in a state that does not allow this action")
	ErrSinSede        = validation.Errors{"empleado": fieldErr("empleado_sin_sede",
		"El empleado no tiene sede asignada; asígnele una sede antes de pagar la planilla.")}
	ErrCostoCero = validation.Errors{"remuneracion_bruta": fieldErr("planilla_costo_cero",
		"La planilla no tiene costo que registrar; revise los montos.")}
)

// Gasto origenes of payroll.
const (
	OrigenPlanilla  = finance.OrigenPlanilla
	OrigenAnulacion = finance.OrigenAnulacion
)

// ResultadoPlanilla is the planilla after pagar/anular and the gasto booked.
type ResultadoPlanilla struct {
	Planilla *core.Record `json:"planilla"`
	Gasto    *core.Record `json:"gasto"`
}

// Concepto is the gasto concept of a planilla: "Planilla Ana Quispe - 08/2025".
func Concepto(emp, p *core.Record) string {
	return fmt.Sprintf("Planilla %s %s - %02d/%04d", emp.GetString("nombres"), emp.GetString("apellidos"), p.GetInt("mes"), p.GetInt("anio"))
}

// PagarPlanilla marks a Borrador planilla Pagada and, in the same transaction, books
// one gasto in the employee's sede for the institution's cost (bruta + aporte
// empleador), dated today in Lima. The planilla is re-read inside the transaction, so
// of two concurrent payments the second finds it Pagada and fails with
// ErrPlanillaEstado; the unique (planilla, origen) index is the last guard.
func PagarPlanilla(app core.App, planillaID string, actor audit.Actor, now time.Time) (*ResultadoPlanilla, error) {
	res := &ResultadoPlanilla{}
	err := app.RunInTransaction(func(tx core.App) error {
		p, err := tx.FindRecordById(ColPlanillas, planillaID)
		if err != nil {
			return err
		}
		if p.GetString("estado") != PlanillaBorrador {
			return fmt.Errorf("%w: %s", ErrPlanillaEstado, p.GetString("estado"))
		}
		emp, err := tx.FindRecordById(ColEmpleados, p.GetString("empleado"))
		if err != nil {
			return err
		}
		if emp.GetString("sede") == "" {
			return ErrSinSede
		}
		if errs := ComputePlanilla(p); errs != nil {
			return errs
		}
		costo, err := Costo(p)
		if err != nil {
			return err
		}
		if costo <= 0 {
			return ErrCostoCero
		}
		before := audit.Snapshot(p.Original())
		fecha := schedule.LimaDate(now)
		p.Set("estado", PlanillaPagada)
		p.Set("fecha_pago", fecha)
		p.Set("pagado_por", actor.UserID)
		if err := saveTransition(tx, p, actor); err != nil {
			return err
		}
		g, err := saveGasto(tx, emp.GetString("sede"), Concepto(emp, p), costo, fecha, p.Id, OrigenPlanilla, actor)
		if err != nil {
			return err
		}
		res.Planilla, res.Gasto = p, g
		return audit.Write(tx, audit.Entry{Coleccion: ColPlanillas, Registro: p.Id, Accion: "pagar", Actor: actor,
			Antes: before, Despues: audit.Snapshot(p), Sede: emp.GetString("sede")})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// AnularPlanilla voids a Pagada planilla: in one transaction it is marked Anulada and a
// reversal gasto (origen Anulación, the negative of the booked cost, same sede) is
// posted, so the sede's expenses return to what they were.
func AnularPlanilla(app core.App, planillaID, motivo string, actor audit.Actor, now time.Time) (*ResultadoPlanilla, error) {
	motivo = strings.TrimSpace(motivo)
	if err := validateMotivo(motivo); err != nil {
		return nil, err
	}
	res := &ResultadoPlanilla{}
	err := app.RunInTransaction(func(tx core.App) error {
		p, err := tx.FindRecordById(ColPlanillas, planillaID)
		if err != nil {
			return err
		}
		if p.GetString("estado") != PlanillaPagada {
			return fmt.Errorf("%w: %s", ErrPlanillaEstado, p.GetString("estado"))
		}
		orig, err := tx.FindFirstRecordByFilter(ColGastos, "planilla = {:p} && origen = {:o}",
			dbx.Params{"p": p.Id, "o": OrigenPlanilla})
		if err != nil {
			return fmt.Errorf("gasto de la planilla %s: %w", p.Id, err)
		}
		monto, err := money.FromFloat(orig.GetFloat("monto"))
		if err != nil {
			return err
		}
		before := audit.Snapshot(p)
		fecha := schedule.LimaDate(now)
		p.Set("estado", PlanillaAnulada)
		p.Set("motivo_anulacion", motivo)
		p.Set("anulado_por", actor.UserID)
		p.Set("anulado_en", now.UTC())
		if err := saveTransition(tx, p, actor); err != nil {
			return err
		}
		g, err := saveGasto(tx, orig.GetString("sede"), "Anulación "+orig.GetString("concepto"), -monto, fecha, p.Id, OrigenAnulacion, actor)
		if err != nil {
			return err
		}
		res.Planilla, res.Gasto = p, g
		return audit.Write(tx, audit.Entry{Coleccion: ColPlanillas, Registro: p.Id, Accion: "anular", Actor: actor,
			Antes: before, Despues: audit.Snapshot(p), Sede: orig.GetString("sede")})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func saveGasto(tx core.App, sede, concepto string, monto money.Cents, fecha, planilla, origen string, actor audit.Actor) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId(ColGastos)
	if err != nil {
		return nil, err
	}
	g := core.NewRecord(col)
	g.Set("sede", sede)
	g.Set("concepto", truncate(concepto, 255))
	g.Set("monto", monto.Float())
	g.Set("fecha", fecha)
	g.Set("planilla", planilla)
	g.Set("categoria", "Planilla")
	g.Set("origen", origen)
	g.Set("registrado_por", actor.UserID)
	audit.SetActor(g, actor)
	if err := tx.Save(g); err != nil {
		return nil, fmt.Errorf("gasto %s de la planilla %s: %w", origen, planilla, err)
	}
	return g, nil
}

func saveTransition(tx core.App, p *core.Record, actor audit.Actor) error {
	p.Set(transitionKey, true)
	defer p.Set(transitionKey, nil)
	audit.SetActor(p, actor)
	return tx.Save(p)
}

func validateMotivo(motivo string) error {
	if n := len([]rune(motivo)); n < 3 || n > 500 {
		return validation.Errors{"motivo": fieldErr("motivo_requerido", "Indique el motivo de la anulación (entre 3 y 500 caracteres).")}
	}
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
