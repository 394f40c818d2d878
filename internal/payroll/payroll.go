// Package payroll computes a Peruvian monthly payroll line with integer
// céntimos and half-up (half away from zero) rounding.
package payroll

import "sgul/internal/money"

// Input is one worker's month. Amounts are in céntimos, hours in hundredths.
type Input struct {
	SueldoBasico  money.Cents
	SueldoPorHora money.Cents // when zero, derived from SueldoBasico / HorasContrato
	HorasContrato Hundredths  // monthly contract hours; zero means DefaultHorasContrato
	HorasExtras   Hundredths
	Inasistencias Hundredths // hours of absence, deducted at the hourly wage
	Comisiones    money.Cents
	Bonos         money.Cents
	Descuentos    money.Cents
	TasaPension   money.Rate // ONP 13 %, or the worker's AFP rate
	// Fecha (YYYY-MM-DD) picks the EsSalud rate in force; empty means the
	// latest entry of EsSaludRates.
	Fecha string
}

// Result is the payroll line computed from an Input.
type Result struct {
	SueldoPorHora     money.Cents // given or derived hourly wage
	RemuneracionBruta money.Cents
	AportePension     money.Cents // withheld from the worker
	NetoPagado        money.Cents // may be negative when Descuentos exceed the pay
	AporteEmpleador   money.Cents // EsSalud, paid by the employer
	CostoEmpleador    money.Cents
}

// Compute returns the payroll line for in, which should pass Validate:
//
//	bruta   = básico + 1.5 × hora × extras − hora × inasistencias + comisiones + bonos
//	pensión = TasaPension × básico
//	neto    = bruta − pensión − descuentos
//	EsSalud = EsSaludRate(Fecha) × básico
//	costo   = bruta + EsSalud
//
// The overtime and absence terms are each computed exactly from the hourly
// wage and rounded once, half-up to the céntimo, so 10 h of overtime is
// never ten roundings. A negative neto is kept, not clamped to zero, so the
// caller sees that Descuentos exceed the pay and decides what to do.
func Compute(in Input) Result {
	hourly := hourlyWage(in)
	overtime := hourly.MulDiv(3*int64(in.HorasExtras), 2*hundredthsPerHour)
	absence := hourly.MulDiv(int64(in.Inasistencias), hundredthsPerHour)
	bruta := money.Sum(in.SueldoBasico, overtime, -absence, in.Comisiones, in.Bonos)
	pension := in.SueldoBasico.MulRate(in.TasaPension)
	essalud := in.SueldoBasico.MulRate(EsSaludRate(in.Fecha))
	return Result{
		SueldoPorHora:     hourly,
		RemuneracionBruta: bruta,
		AportePension:     pension,
		NetoPagado:        bruta - pension - in.Descuentos,
		AporteEmpleador:   essalud,
		CostoEmpleador:    bruta + essalud,
	}
}

// hourlyWage is the given hourly wage, or basic / contract hours half-up.
func hourlyWage(in Input) money.Cents {
	if in.SueldoPorHora > 0 {
		return in.SueldoPorHora
	}
	hours := in.HorasContrato
	if hours <= 0 {
		hours = DefaultHorasContrato
	}
	return in.SueldoBasico.MulDiv(hundredthsPerHour, int64(hours))
}
