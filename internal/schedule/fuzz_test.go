package schedule

import (
	"testing"
	"time"

	"sgul/internal/money"
)

var fuzzTipos = []string{TipoCurso, TipoEspecializacion, TipoCarreraTecnica}

func FuzzGenerate(f *testing.F) {
	f.Add(uint8(2), 12, int64(15000), int64(40000), int64(45000), int64(0), "Presencial", "2026-01-20", 5)
	f.Add(uint8(0), 0, int64(0), int64(0), int64(0), int64(35000), "", "2026-12-31", 0)
	f.Add(uint8(1), 6, int64(10000), int64(25000), int64(30000), int64(0), "Semi-presencial", "2025-12-31", 28)
	f.Fuzz(func(t *testing.T, tipo uint8, n int, matricula, virtual, presencial, unico int64, modalidad, fecha string, dueDay int) {
		p := Program{NumeroPensiones: n, PrecioMatricula: money.Cents(matricula), PrecioPensionVirtual: money.Cents(virtual),
			PrecioPensionPresencial: money.Cents(presencial), PrecioCursoUnico: money.Cents(unico)}
		if int(tipo) < len(fuzzTipos) {
			p.Tipo = fuzzTipos[tipo]
		} else {
			p.Tipo = modalidad // any other string: must be refused, not panic
		}
		cuotas, err := Generate(p, modalidad, fecha, dueDay)
		if err != nil {
			if cuotas != nil {
				t.Fatalf("cuotas %v returned with error %v", cuotas, err)
			}
			return
		}

		want, wantLen := p.PrecioCursoUnico, 1
		if p.Tipo != TipoCurso {
			pension := cuotas[len(cuotas)-1].Monto
			if pension != p.PrecioPensionVirtual && pension != p.PrecioPensionPresencial {
				t.Fatalf("pensión %d is neither the virtual nor the presencial price", pension)
			}
			for _, c := range cuotas[1:] {
				if c.Monto != pension {
					t.Fatalf("pensiones differ: %d and %d", c.Monto, pension)
				}
			}
			want, wantLen = p.PrecioMatricula+money.Cents(p.NumeroPensiones)*pension, 1+p.NumeroPensiones
		}
		if len(cuotas) != wantLen {
			t.Fatalf("%d cuotas; want %d", len(cuotas), wantLen)
		}
		var sum money.Cents
		next := map[string]int{}
		prev := ""
		for i, c := range cuotas {
			next[c.Concepto]++
			if c.Numero != next[c.Concepto] {
				t.Fatalf("cuota %d: %s número %d; want %d", i, c.Concepto, c.Numero, next[c.Concepto])
			}
			if _, err := time.Parse(time.DateOnly, c.Vencimiento); err != nil {
				t.Fatalf("cuota %d: vencimiento %q: %v", i, c.Vencimiento, err)
			}
			if c.Vencimiento < prev {
				t.Fatalf("cuota %d due %s before %s", i, c.Vencimiento, prev)
			}
			prev = c.Vencimiento
			sum += c.Monto
		}
		if cuotas[0].Vencimiento != fecha {
			t.Fatalf("first cuota due %s; want the enrolment date %s", cuotas[0].Vencimiento, fecha)
		}
		if sum != want {
			t.Fatalf("sum of montos %d; want %d", sum, want)
		}
	})
}
