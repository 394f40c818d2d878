package payroll

import (
	"errors"
	"fmt"
	"time"

	"sgul/internal/money"
)

// Validate reports, in Spanish, the first field of in outside the ranges
// Compute is meant for: amounts 0..money.MaxCents, hours 0..744 (contract
// hours 0 or at least MinHorasContrato), rate 0..1, Fecha empty or YYYY-MM-DD.
func (in Input) Validate() error {
	amounts := []struct {
		label string
		v     money.Cents
	}{
		{"sueldo básico", in.SueldoBasico},
		{"sueldo por hora", in.SueldoPorHora},
		{"comisiones", in.Comisiones},
		{"bonos", in.Bonos},
		{"descuentos", in.Descuentos},
	}
	for _, a := range amounts {
		if a.v < 0 || a.v > money.MaxCents {
			return fmt.Errorf("%s fuera de rango: debe estar entre S/ 0.00 y %s", a.label, money.MaxCents.Format())
		}
	}
	hours := []struct {
		label string
		v     Hundredths
	}{
		{"horas de contrato", in.HorasContrato},
		{"horas extras", in.HorasExtras},
		{"horas de inasistencia", in.Inasistencias},
	}
	for _, h := range hours {
		if h.v < 0 || h.v > MaxHours {
			return fmt.Errorf("%s fuera de rango: deben estar entre 0 y 744", h.label)
		}
	}
	// Under one contract hour the derived hourly wage would exceed the basic
	// wage and overtime could overflow.
	if in.HorasContrato > 0 && in.HorasContrato < MinHorasContrato {
		return errors.New("horas de contrato fuera de rango: mínimo 1 hora (0 usa 240)")
	}
	if in.TasaPension < 0 || in.TasaPension > money.RateScale {
		return errors.New("tasa de pensión fuera de rango: debe estar entre 0 y 1")
	}
	if in.Fecha != "" {
		if _, err := time.Parse(time.DateOnly, in.Fecha); err != nil {
			return errors.New("fecha de planilla inválida: use AAAA-MM-DD")
		}
	}
	return nil
}
