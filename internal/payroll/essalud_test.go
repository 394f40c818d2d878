package payroll

import (
	"testing"

	"sgul/internal/money"
)

func TestEsSaludRate(t *testing.T) {
	tests := []struct {
		date string
		want money.Rate
	}{
		{"", 900},
		{"1999-12-31", 900},
		{"2000-01-01", 900},
		{"2026-03-15", 900},
	}
	for _, tt := range tests {
		if got := EsSaludRate(tt.date); got != tt.want {
			t.Errorf("EsSaludRate(%q) = %d; want %d", tt.date, got, tt.want)
		}
	}
}

func TestEsSaludRateFollowsTheTable(t *testing.T) {
	saved := EsSaludRates
	t.Cleanup(func() { EsSaludRates = saved })
	EsSaludRates = []RateFrom{{Desde: "2000-01-01", Rate: 900}, {Desde: "2030-07-01", Rate: 1000}}

	tests := []struct {
		date string
		want money.Rate
	}{
		{"2030-06-30", 900},
		{"2030-07-01", 1000},
		{"", 1000},
	}
	for _, tt := range tests {
		if got := EsSaludRate(tt.date); got != tt.want {
			t.Errorf("EsSaludRate(%q) = %d; want %d", tt.date, got, tt.want)
		}
	}
	if got := Compute(Input{SueldoBasico: 100000, Fecha: "2030-06-30"}).AporteEmpleador; got != 9000 {
		t.Errorf("AporteEmpleador before the change = %d; want 9000", got)
	}
}

func TestEsSaludRatesAreOrdered(t *testing.T) {
	for i := 1; i < len(EsSaludRates); i++ {
		if EsSaludRates[i].Desde <= EsSaludRates[i-1].Desde {
			t.Errorf("EsSaludRates[%d].Desde %s is not after %s", i, EsSaludRates[i].Desde, EsSaludRates[i-1].Desde)
		}
	}
}
