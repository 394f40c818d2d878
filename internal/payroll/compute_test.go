package payroll

import (
	"testing"

	"sgul/internal/money"
)

func soles(f float64) money.Cents { return money.MustFromFloat(f) }

func hours(f float64) Hundredths {
	h, err := HoursFromFloat(f)
	if err != nil {
		panic(err)
	}
	return h
}

// TestComputeFixture is the worked example the business signed off.
func TestComputeFixture(t *testing.T) {
	in := Input{
		SueldoBasico:  soles(1500),
		SueldoPorHora: soles(8),
		HorasExtras:   hours(10),
		Inasistencias: hours(4),
		Bonos:         soles(100),
		Descuentos:    soles(50),
		TasaPension:   1000,
	}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Result{
		SueldoPorHora:     soles(8),
		RemuneracionBruta: soles(1688),
		AportePension:     soles(150),
		NetoPagado:        soles(1488),
		AporteEmpleador:   soles(135),
		CostoEmpleador:    soles(1823),
	}
	if got := Compute(in); got != want {
		t.Errorf("Compute() = %+v\nwant        %+v", got, want)
	}
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want Result
	}{
		{"all zeros", Input{}, Result{}},
		{
			"ONP 13 %",
			Input{SueldoBasico: soles(1130), TasaPension: 1300},
			Result{SueldoPorHora: soles(4.71), RemuneracionBruta: soles(1130), AportePension: soles(146.9),
				NetoPagado: soles(983.1), AporteEmpleador: soles(101.7), CostoEmpleador: soles(1231.7)},
		},
		{
			"AFP 0 %",
			Input{SueldoBasico: soles(2000), SueldoPorHora: soles(10), Comisiones: soles(300)},
			Result{SueldoPorHora: soles(10), RemuneracionBruta: soles(2300), NetoPagado: soles(2300),
				AporteEmpleador: soles(180), CostoEmpleador: soles(2480)},
		},
		{
			"hourly derived from basic / 240 h",
			Input{SueldoBasico: soles(1500), HorasExtras: hours(2), TasaPension: 1000},
			// 1500 / 240 = 6.25; overtime 1.5 × 6.25 × 2 = 18.75
			Result{SueldoPorHora: soles(6.25), RemuneracionBruta: soles(1518.75), AportePension: soles(150),
				NetoPagado: soles(1368.75), AporteEmpleador: soles(135), CostoEmpleador: soles(1653.75)},
		},
		{
			"hourly derived from explicit contract hours",
			Input{SueldoBasico: soles(1200), HorasContrato: hours(192), Inasistencias: hours(8)},
			// 1200 / 192 = 6.25; absence 6.25 × 8 = 50
			Result{SueldoPorHora: soles(6.25), RemuneracionBruta: soles(1150), NetoPagado: soles(1150),
				AporteEmpleador: soles(108), CostoEmpleador: soles(1258)},
		},
		{
			"derived hourly at half a céntimo rounds up",
			Input{SueldoBasico: soles(2401.2)},
			// 2401.20 / 240 = 10.005 → 10.01
			Result{SueldoPorHora: soles(10.01), RemuneracionBruta: soles(2401.2), NetoPagado: soles(2401.2),
				AporteEmpleador: soles(216.11), CostoEmpleador: soles(2617.31)}, // 216.108 → 216.11
		},
		{
			"pension at half a céntimo rounds up",
			Input{SueldoBasico: soles(1010), SueldoPorHora: soles(5), TasaPension: 1235},
			// 1010.00 × 0.1235 = 124.735 → 124.74
			Result{SueldoPorHora: soles(5), RemuneracionBruta: soles(1010), AportePension: soles(124.74),
				NetoPagado: soles(885.26), AporteEmpleador: soles(90.9), CostoEmpleador: soles(1100.9)},
		},
		{
			"overtime rounded once, not per hour",
			Input{SueldoBasico: soles(1000), SueldoPorHora: soles(4.33), HorasExtras: hours(10)},
			// 1.5 × 4.33 × 10 = 64.95 (rounding 1.5 × 4.33 = 6.495 first would give 65.00)
			Result{SueldoPorHora: soles(4.33), RemuneracionBruta: soles(1064.95), NetoPagado: soles(1064.95),
				AporteEmpleador: soles(90), CostoEmpleador: soles(1154.95)},
		},
		{
			"overtime at half a céntimo rounds up",
			Input{SueldoBasico: soles(1000), SueldoPorHora: soles(8.33), HorasExtras: hours(1)},
			// 1.5 × 8.33 × 1 = 12.495 → 12.50
			Result{SueldoPorHora: soles(8.33), RemuneracionBruta: soles(1012.5), NetoPagado: soles(1012.5),
				AporteEmpleador: soles(90), CostoEmpleador: soles(1102.5)},
		},
		{
			"absence at half a céntimo",
			Input{SueldoBasico: soles(1000), SueldoPorHora: soles(0.05), Inasistencias: hours(0.1)},
			// 0.05 × 0.1 = 0.005 → 0.01 deducted
			Result{SueldoPorHora: soles(0.05), RemuneracionBruta: soles(999.99), NetoPagado: soles(999.99),
				AporteEmpleador: soles(90), CostoEmpleador: soles(1089.99)},
		},
		{
			"discounts above the pay leave a negative neto",
			Input{SueldoBasico: soles(100), SueldoPorHora: soles(1), TasaPension: 1300, Descuentos: soles(200)},
			Result{SueldoPorHora: soles(1), RemuneracionBruta: soles(100), AportePension: soles(13),
				NetoPagado: soles(-113), AporteEmpleador: soles(9), CostoEmpleador: soles(109)},
		},
		{
			"big values at the top of every range",
			Input{SueldoBasico: money.MaxCents, SueldoPorHora: money.MaxCents, HorasExtras: MaxHours,
				Comisiones: money.MaxCents, Bonos: money.MaxCents, Descuentos: money.MaxCents, TasaPension: money.RateScale},
			// overtime 1.5 × 1e12 × 744 = 1.116e15 soles
			Result{SueldoPorHora: money.MaxCents, RemuneracionBruta: 111_900_000_000_000_000,
				AportePension: money.MaxCents, NetoPagado: 111_700_000_000_000_000,
				AporteEmpleador: 9_000_000_000_000, CostoEmpleador: 111_909_000_000_000_000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.in.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := Compute(tt.in); got != tt.want {
				t.Errorf("Compute() = %+v\nwant        %+v", got, tt.want)
			}
		})
	}
}

func TestValidateRefusals(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"negative basic", Input{SueldoBasico: -1}, "sueldo básico fuera de rango: debe estar entre S/ 0.00 y S/ 1,000,000,000,000.00"},
		{"huge bonus", Input{Bonos: money.MaxCents + 1}, "bonos fuera de rango: debe estar entre S/ 0.00 y S/ 1,000,000,000,000.00"},
		{"negative discounts", Input{Descuentos: -5}, "descuentos fuera de rango: debe estar entre S/ 0.00 y S/ 1,000,000,000,000.00"},
		{"contract under one hour", Input{HorasContrato: 99}, "horas de contrato fuera de rango: mínimo 1 hora (0 usa 240)"},
		{"too many overtime hours", Input{HorasExtras: MaxHours + 1}, "horas extras fuera de rango: deben estar entre 0 y 744"},
		{"negative absences", Input{Inasistencias: -100}, "horas de inasistencia fuera de rango: deben estar entre 0 y 744"},
		{"rate above 1", Input{TasaPension: money.RateScale + 1}, "tasa de pensión fuera de rango: debe estar entre 0 y 1"},
		{"bad date", Input{Fecha: "2026-13-01"}, "fecha de planilla inválida: use AAAA-MM-DD"},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Validate() = %v; want %q", tt.name, err, tt.want)
		}
	}
}
