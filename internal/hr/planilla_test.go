package hr

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
)

// planillaRecord builds an unsaved planillas record with the number fields the payroll
// path reads and writes.
func planillaRecord(values map[string]float64) *core.Record {
	c := core.NewBaseCollection(ColPlanillas)
	for _, f := range []string{"mes", "anio", "sueldo_basico", "sueldo_por_hora", "horas_contrato", "horas_extras", "inasistencias",
		"comisiones", "bonos", "descuentos", "tasa_pension", "remuneracion_bruta", "aporte_pension", "neto_pagado", "aporte_empleador"} {
		c.Fields.Add(&core.NumberField{Name: f})
	}
	r := core.NewRecord(c)
	r.Set("mes", 8)
	r.Set("anio", 2025)
	for k, v := range values {
		r.Set(k, v)
	}
	return r
}

func cents(t testing.TB, r *core.Record, f string) money.Cents {
	t.Helper()
	c, err := money.FromFloat(r.GetFloat(f))
	if err != nil {
		t.Fatalf("%s = %v is not a whole céntimo: %v", f, r.GetFloat(f), err)
	}
	return c
}

// TestComputePlanillaStoredRecord runs the payroll edge cases through the stored-record
// path (floats in PocketBase number fields -> céntimos -> floats).
func TestComputePlanillaStoredRecord(t *testing.T) {
	cases := []struct {
		name                                         string
		in                                           map[string]float64
		hourly, bruta, pension, neto, essalud, costo money.Cents
		badField                                     string
	}{
		{name: "the issue's fixture", in: map[string]float64{"sueldo_basico": 1500, "sueldo_por_hora": 8, "horas_extras": 10,
			"inasistencias": 4, "bonos": 100, "descuentos": 50, "tasa_pension": 0.10},
			hourly: 800, bruta: 168800, pension: 15000, neto: 148800, essalud: 13500, costo: 182300},
		{name: "all zeros", in: map[string]float64{}},
		{name: "ONP worker with a 0 % AFP rate", in: map[string]float64{"sueldo_basico": 1200, "tasa_pension": 0, "descuentos": 20},
			hourly: 500, bruta: 120000, pension: 0, neto: 118000, essalud: 10800, costo: 130800},
		{name: "no hourly wage: basic / 240 h, overtime rounded once", in: map[string]float64{"sueldo_basico": 1500, "horas_extras": 1, "tasa_pension": 0.13},
			hourly: 625, bruta: 150938, pension: 19500, neto: 131438, essalud: 13500, costo: 164438},
		{name: "no hourly wage: contract hours", in: map[string]float64{"sueldo_basico": 1500, "horas_contrato": 160, "inasistencias": 2},
			hourly: 938, bruta: 148124, essalud: 13500, neto: 148124, costo: 161624}, // 2 h x 9.38
		{name: "half a céntimo rounds up", in: map[string]float64{"sueldo_basico": 1000.5, "tasa_pension": 0.1235},
			hourly: 417, bruta: 100050, pension: 12356, neto: 87694, essalud: 9005, costo: 109055},
		{name: "discounts above the pay leave a negative neto", in: map[string]float64{"sueldo_basico": 1000, "descuentos": 1200, "tasa_pension": 0.1},
			hourly: 417, bruta: 100000, pension: 10000, neto: -30000, essalud: 9000, costo: 109000},
		{name: "three decimals", in: map[string]float64{"sueldo_basico": 1000.005}, badField: "sueldo_basico"},
		{name: "hours with three decimals", in: map[string]float64{"horas_extras": 1.001}, badField: "horas_extras"},
		{name: "half a contract hour", in: map[string]float64{"horas_contrato": 0.5}, badField: "horas_contrato"},
		{name: "rate above 1", in: map[string]float64{"tasa_pension": 1.5}, badField: "tasa_pension"},
		{name: "rate with five decimals", in: map[string]float64{"tasa_pension": 0.12345}, badField: "tasa_pension"},
		{name: "negative amount", in: map[string]float64{"bonos": -1}, badField: "bonos"},
		{name: "amount above the schema's maximum", in: map[string]float64{"bonos": 1e9}, badField: "bonos"},
		{name: "results above the schema's maximum", in: map[string]float64{"sueldo_basico": 999999999, "bonos": 999999999}, badField: "remuneracion_bruta"},
	}
	for _, c := range cases {
		r := planillaRecord(c.in)
		errs := ComputePlanilla(r)
		if c.badField != "" {
			if errs[c.badField] == nil {
				t.Errorf("%s: errors = %v, want one on %s", c.name, errs, c.badField)
			}
			continue
		}
		if errs != nil {
			t.Errorf("%s: %v", c.name, errs)
			continue
		}
		got := []money.Cents{cents(t, r, "sueldo_por_hora"), cents(t, r, "remuneracion_bruta"), cents(t, r, "aporte_pension"),
			cents(t, r, "neto_pagado"), cents(t, r, "aporte_empleador")}
		want := []money.Cents{c.hourly, c.bruta, c.pension, c.neto, c.essalud}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: hourly/bruta/pension/neto/essalud = %v, want %v", c.name, got, want)
				break
			}
		}
		if costo, err := Costo(r); err != nil || costo != c.costo {
			t.Errorf("%s: costo = %v, %v; want %v", c.name, costo, err, c.costo)
		}
	}
}

// FuzzComputePlanillaStoredRecord: whatever floats a client stores, the record path
// never panics, and an accepted planilla keeps neto = bruta - pension - descuentos in
// whole céntimos.
func FuzzComputePlanillaStoredRecord(f *testing.F) {
	f.Add(1500.0, 8.0, 0.0, 10.0, 4.0, 0.0, 100.0, 50.0, 0.10)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(1000.5, 0.0, 160.0, 744.0, 0.0, 0.01, 0.0, 999999.99, 0.1235)
	f.Add(1e12, 1e12, 1.0, 744.0, 744.0, 1e12, 1e12, 1e12, 1.0)
	f.Fuzz(func(t *testing.T, basico, hora, contrato, extras, inasist, comis, bonos, desc, tasa float64) {
		r := planillaRecord(map[string]float64{"sueldo_basico": basico, "sueldo_por_hora": hora, "horas_contrato": contrato,
			"horas_extras": extras, "inasistencias": inasist, "comisiones": comis, "bonos": bonos, "descuentos": desc, "tasa_pension": tasa})
		if errs := ComputePlanilla(r); errs != nil {
			return
		}
		bruta, pension, neto := cents(t, r, "remuneracion_bruta"), cents(t, r, "aporte_pension"), cents(t, r, "neto_pagado")
		if d := cents(t, r, "descuentos"); neto != bruta-pension-d {
			t.Fatalf("neto %v != bruta %v - pension %v - descuentos %v", neto, bruta, pension, d)
		}
		if _, err := Costo(r); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMentionsPayField(t *testing.T) {
	cases := map[string]bool{
		"sueldo_basico > 1000":          true,
		"empleado.sueldo_basico>1":      true,
		"(banco ~ 'BCP')":               true,
		"-sueldo_por_hora":              true,
		"cci != ''":                     true,
		"nombres ~ 'ana' && sede = 'x'": false,
		"sueldo_basicox = 1":            false,
		"mi_banco = 1":                  false,
		"":                              false,
	}
	for expr, want := range cases {
		if got := MentionsPayField(expr); got != want {
			t.Errorf("MentionsPayField(%q) = %v, want %v", expr, got, want)
		}
	}
}
