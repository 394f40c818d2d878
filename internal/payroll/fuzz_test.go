package payroll

import (
	"testing"

	"sgul/internal/money"
)

// inRange folds any int64 into [0, max].
func inRange(n, max int64) int64 {
	if n < 0 {
		n = -(n + 1) // also safe for math.MinInt64
	}
	return n % (max + 1)
}

func FuzzCompute(f *testing.F) {
	f.Add(int64(150000), int64(800), int64(0), int64(1000), int64(400), int64(0), int64(10000), int64(5000), int64(1000))
	f.Add(int64(240120), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), int64(1235))
	f.Fuzz(func(t *testing.T, basico, hora, contrato, extras, faltas, comisiones, bonos, descuentos, tasa int64) {
		maxCents := int64(money.MaxCents)
		contrato = inRange(contrato, int64(MaxHours))
		if contrato > 0 && contrato < int64(MinHorasContrato) {
			contrato += int64(MinHorasContrato)
		}
		in := Input{
			SueldoBasico:  money.Cents(inRange(basico, maxCents)),
			SueldoPorHora: money.Cents(inRange(hora, maxCents)),
			HorasContrato: Hundredths(contrato),
			HorasExtras:   Hundredths(inRange(extras, int64(MaxHours))),
			Inasistencias: Hundredths(inRange(faltas, int64(MaxHours))),
			Comisiones:    money.Cents(inRange(comisiones, maxCents)),
			Bonos:         money.Cents(inRange(bonos, maxCents)),
			Descuentos:    money.Cents(inRange(descuentos, maxCents)),
			TasaPension:   money.Rate(inRange(tasa, int64(money.RateScale))),
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("clamped input refused: %v", err)
		}
		r := Compute(in)
		if r.NetoPagado != r.RemuneracionBruta-r.AportePension-in.Descuentos {
			t.Fatalf("neto %d != bruta %d - pensión %d - descuentos %d", r.NetoPagado, r.RemuneracionBruta, r.AportePension, in.Descuentos)
		}
		if r.CostoEmpleador != r.RemuneracionBruta+r.AporteEmpleador {
			t.Fatalf("costo %d != bruta %d + EsSalud %d", r.CostoEmpleador, r.RemuneracionBruta, r.AporteEmpleador)
		}
		if r.AportePension < 0 || r.AportePension > in.SueldoBasico || r.AporteEmpleador < 0 || r.AporteEmpleador > in.SueldoBasico {
			t.Fatalf("contributions %d, %d outside 0..básico %d", r.AportePension, r.AporteEmpleador, in.SueldoBasico)
		}
		if r.SueldoPorHora < 0 {
			t.Fatalf("negative hourly wage %d", r.SueldoPorHora)
		}
	})
}

func FuzzHoursFromFloat(f *testing.F) {
	for _, v := range []float64{7.5, 744, 1.005, -1} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		h, err := HoursFromFloat(v)
		if err != nil {
			return
		}
		if h < 0 || h > MaxHours {
			t.Fatalf("HoursFromFloat(%v) = %d: out of range", v, h)
		}
		if got, err := HoursFromFloat(h.Float()); err != nil || got != h {
			t.Fatalf("HoursFromFloat(%v) = %d, %v; want %d", h.Float(), got, err, h)
		}
	})
}
