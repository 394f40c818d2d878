package hr

import (
	"fmt"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
	"sgul/internal/payroll"
)

// Planilla estados.
const (
	PlanillaBorrador = "Borrador"
	PlanillaPagada   = "Pagada"
	PlanillaAnulada  = "Anulada"
)

// PrepareNewPlanilla forces a new planilla to Borrador with no payment data: it is
// paid only through PagarPlanilla, which books its expense.
func PrepareNewPlanilla(r *core.Record) {
	r.Set("estado", PlanillaBorrador)
	for _, f := range []string{"fecha_pago", "pagado_por", "motivo_anulacion", "anulado_por", "anulado_en"} {
		r.Set(f, "")
	}
}

// CheckPlanillaUpdate keeps a Pagada or Anulada planilla immutable and lets only
// PagarPlanilla and AnularPlanilla change the estado.
func CheckPlanillaUpdate(r *core.Record) error {
	if isTransition(r) {
		return nil
	}
	if orig := r.Original().GetString("estado"); orig != PlanillaBorrador {
		return validation.Errors{"estado": fieldErr("planilla_cerrada",
			fmt.Sprintf("La planilla está %s y no se puede modificar.", orig))}
	}
	if r.GetString("estado") != PlanillaBorrador {
		return validation.Errors{"estado": fieldErr("planilla_estado",
			"El estado de la planilla cambia solo al pagarla o anularla.")}
	}
	return nil
}

// CheckPlanillaDelete allows deleting only a Borrador (a paid one is voided instead).
func CheckPlanillaDelete(r *core.Record) error {
	if r.GetString("estado") != PlanillaBorrador {
		return validation.Errors{"estado": fieldErr("planilla_cerrada",
			"Solo se elimina una planilla en Borrador; una pagada se anula.")}
	}
	return nil
}

// maxMonto is the largest amount a money field of the schema holds: S/ 999,999,999.99
// (migrations' moneyMax).
const maxMonto money.Cents = 99_999_999_999

// InputFromPlanilla reads a planilla's payroll inputs, with a field error for each
// value that is not a whole céntimo, hundredth of an hour or ten-thousandth.
func InputFromPlanilla(r *core.Record) (payroll.Input, validation.Errors) {
	errs := validation.Errors{}
	cents := func(f string) money.Cents {
		c, err := money.FromFloat(r.GetFloat(f))
		if err != nil || c < 0 || c > maxMonto {
			errs[f] = fieldErr("monto_invalido", "Ingrese un monto mayor o igual a 0 con hasta 2 decimales.")
		}
		return c
	}
	hours := func(f string) payroll.Hundredths {
		h, err := payroll.HoursFromFloat(r.GetFloat(f))
		if err != nil {
			errs[f] = fieldErr("horas_invalidas", "Ingrese entre 0 y 744 horas, con hasta 2 decimales.")
		}
		return h
	}
	in := payroll.Input{
		SueldoBasico: cents("sueldo_basico"), SueldoPorHora: cents("sueldo_por_hora"),
		HorasContrato: hours("horas_contrato"), HorasExtras: hours("horas_extras"), Inasistencias: hours("inasistencias"),
		Comisiones: cents("comisiones"), Bonos: cents("bonos"), Descuentos: cents("descuentos"),
	}
	if in.HorasContrato > 0 && in.HorasContrato < payroll.MinHorasContrato {
		errs["horas_contrato"] = fieldErr("horas_contrato", "Ingrese 0 (se usan 240 h) o entre 1 y 744 horas.")
	}
	rate, err := money.RateFromFloat(r.GetFloat("tasa_pension"))
	if err != nil {
		errs["tasa_pension"] = fieldErr("tasa_invalida", "La tasa debe estar entre 0 y 1, con hasta 4 decimales.")
	}
	in.TasaPension = rate
	if mes, anio := r.GetInt("mes"), r.GetInt("anio"); mes >= 1 && mes <= 12 && anio >= 2000 && anio <= 2100 {
		in.Fecha = fmt.Sprintf("%04d-%02d-01", anio, mes) // the EsSalud rate of the period
	}
	if len(errs) > 0 {
		return in, errs
	}
	if err := in.Validate(); err != nil {
		return in, validation.Errors{"planilla": fieldErr("planilla_invalida", err.Error())}
	}
	return in, nil
}

// ComputePlanilla stores the amounts of a planilla computed from its inputs in integer
// céntimos (see payroll.Compute), including the derived hourly wage when none is given.
func ComputePlanilla(r *core.Record) validation.Errors {
	in, errs := InputFromPlanilla(r)
	if errs != nil {
		return errs
	}
	res := payroll.Compute(in)
	for _, c := range []money.Cents{res.SueldoPorHora, res.RemuneracionBruta, res.AportePension, res.NetoPagado, res.AporteEmpleador, res.CostoEmpleador} {
		if c > maxMonto || c < -maxMonto {
			return validation.Errors{"remuneracion_bruta": fieldErr("planilla_exceso", "Los montos calculados superan el máximo permitido; revise horas y montos.")}
		}
	}
	r.Set("sueldo_por_hora", res.SueldoPorHora.Float())
	r.Set("remuneracion_bruta", res.RemuneracionBruta.Float())
	r.Set("aporte_pension", res.AportePension.Float())
	r.Set("neto_pagado", res.NetoPagado.Float())
	r.Set("aporte_empleador", res.AporteEmpleador.Float())
	return nil
}

// Costo is what the planilla costs the institution: remuneración bruta plus the
// employer's contribution.
func Costo(r *core.Record) (money.Cents, error) {
	bruta, err := money.FromFloat(r.GetFloat("remuneracion_bruta"))
	if err != nil {
		return 0, err
	}
	emp, err := money.FromFloat(r.GetFloat("aporte_empleador"))
	if err != nil {
		return 0, err
	}
	return bruta + emp, nil
}

// ValidatePlanilla checks that no other live planilla exists for the employee and
// period. A voided (Anulada) planilla stays as history and does not count: the month can
// be generated and paid again after a void (unique index idx_planillas_periodo_vigente).
func ValidatePlanilla(app core.App, r *core.Record) validation.Errors {
	if r.GetString("estado") == PlanillaAnulada {
		return nil
	}
	dup, _ := app.FindFirstRecordByFilter(ColPlanillas, "empleado = {:e} && mes = {:m} && anio = {:a} && id != {:id} && estado != {:anulada}",
		dbx.Params{"e": r.GetString("empleado"), "m": r.GetInt("mes"), "a": r.GetInt("anio"), "id": r.Id, "anulada": PlanillaAnulada})
	if dup != nil {
		return validation.Errors{"mes": fieldErr("planilla_duplicada", "El empleado ya tiene una planilla para ese mes y año.")}
	}
	return nil
}
