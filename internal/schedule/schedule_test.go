package schedule

import (
	"fmt"
	"testing"

	"sgul/internal/money"
)

var (
	curso = Program{Tipo: TipoCurso, PrecioCursoUnico: 35000}
	espec = Program{Tipo: TipoEspecializacion, NumeroPensiones: 6, PrecioMatricula: 10000,
		PrecioPensionVirtual: 25000, PrecioPensionPresencial: 30000}
	carrera = Program{Tipo: TipoCarreraTecnica, NumeroPensiones: 12, PrecioMatricula: 15000,
		PrecioPensionVirtual: 40000, PrecioPensionPresencial: 45000}
)

func pensiones(monto money.Cents, dates ...string) []Cuota {
	out := make([]Cuota, len(dates))
	for i, d := range dates {
		out[i] = Cuota{Concepto: ConceptoPension, Numero: i + 1, Monto: monto, Vencimiento: d}
	}
	return out
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name      string
		p         Program
		modalidad string
		fecha     string
		dueDay    int
		want      []Cuota
	}{
		{
			"curso: one pago único on the enrolment date, no due day needed",
			curso, "", "2026-01-20", 0,
			[]Cuota{{ConceptoPagoUnico, 1, 35000, "2026-01-20"}},
		},
		{
			"carrera presencial: 12 pensiones from the next month",
			carrera, "Presencial", "2026-01-20", 5,
			append([]Cuota{{ConceptoMatricula, 1, 15000, "2026-01-20"}}, pensiones(45000,
				"2026-02-05", "2026-03-05", "2026-04-05", "2026-05-05", "2026-06-05", "2026-07-05",
				"2026-08-05", "2026-09-05", "2026-10-05", "2026-11-05", "2026-12-05", "2027-01-05")...),
		},
		{
			"especialización virtual enrolled before the due day still starts next month",
			espec, "Virtual", "2026-03-02", 28,
			append([]Cuota{{ConceptoMatricula, 1, 10000, "2026-03-02"}}, pensiones(25000,
				"2026-04-28", "2026-05-28", "2026-06-28", "2026-07-28", "2026-08-28", "2026-09-28")...),
		},
		{
			"enrolled on 31 December rolls into the next year",
			Program{Tipo: TipoEspecializacion, NumeroPensiones: 2, PrecioMatricula: 0, PrecioPensionPresencial: 100},
			"semipresencial", "2025-12-31", 1,
			append([]Cuota{{ConceptoMatricula, 1, 0, "2025-12-31"}}, pensiones(100, "2026-01-01", "2026-02-01")...),
		},
		{
			"leap day enrolment",
			Program{Tipo: TipoCarreraTecnica, NumeroPensiones: 1, PrecioMatricula: 1, PrecioPensionVirtual: 2},
			"VIRTUAL", "2028-02-29", 28,
			append([]Cuota{{ConceptoMatricula, 1, 1, "2028-02-29"}}, pensiones(2, "2028-03-28")...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Generate(tt.p, tt.modalidad, tt.fecha, tt.dueDay)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Generate() =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestGenerateModalidad(t *testing.T) {
	tests := []struct {
		modalidad string
		want      money.Cents
	}{
		{"Virtual", 25000},
		{"virtual", 25000},
		{" VIRTUÁL ", 25000},
		{"Presencial", 30000},
		{"PRESENCIAL", 30000},
		{"Semipresencial", 30000},
		{"Semi-presencial", 30000},
		{"Semi presencial", 30000},
		{"semi_presencial", 30000},
	}
	for _, tt := range tests {
		got, err := Generate(espec, tt.modalidad, "2026-01-20", 5)
		if err != nil {
			t.Errorf("Generate(%q): %v", tt.modalidad, err)
			continue
		}
		if got[1].Monto != tt.want {
			t.Errorf("Generate(%q) pensión = %d; want %d", tt.modalidad, got[1].Monto, tt.want)
		}
	}
}

func TestGenerateRefusals(t *testing.T) {
	negative := espec
	negative.PrecioPensionPresencial = -1
	huge := curso
	huge.PrecioCursoUnico = money.MaxCents + 1
	noPensiones := carrera
	noPensiones.NumeroPensiones = 0
	tooMany := carrera
	tooMany.NumeroPensiones = MaxPensiones + 1

	tests := []struct {
		name      string
		p         Program
		modalidad string
		fecha     string
		dueDay    int
		want      string
	}{
		{"unknown tipo", Program{Tipo: "Diplomado"}, "Virtual", "2026-01-20", 5,
			`tipo de programa desconocido: "Diplomado" (use Curso, Especialización o Carrera Técnica)`},
		{"tipo compared exactly", Program{Tipo: "curso"}, "", "2026-01-20", 5,
			`tipo de programa desconocido: "curso" (use Curso, Especialización o Carrera Técnica)`},
		{"empty tipo", Program{}, "", "2026-01-20", 5,
			`tipo de programa desconocido: "" (use Curso, Especialización o Carrera Técnica)`},
		{"due day 0", espec, "Virtual", "2026-01-20", 0, "día de vencimiento inválido: 0 (debe estar entre 1 y 28)"},
		{"due day 29", espec, "Virtual", "2026-01-20", 29, "día de vencimiento inválido: 29 (debe estar entre 1 y 28)"},
		{"no pensiones", noPensiones, "Virtual", "2026-01-20", 5, "número de pensiones inválido: 0 (debe estar entre 1 y 120)"},
		{"too many pensiones", tooMany, "Virtual", "2026-01-20", 5, "número de pensiones inválido: 121 (debe estar entre 1 y 120)"},
		{"negative price, even if unused", negative, "Virtual", "2026-01-20", 5, "precio de pensión presencial inválido: no puede ser negativo"},
		{"price out of range", huge, "", "2026-01-20", 5, "precio de curso único inválido: máximo S/ 1,000,000,000,000.00"},
		{"unknown modalidad", espec, "Híbrida", "2026-01-20", 5, `modalidad desconocida: "Híbrida" (use Virtual, Presencial o Semipresencial)`},
		{"empty modalidad", carrera, "", "2026-01-20", 5, `modalidad desconocida: "" (use Virtual, Presencial o Semipresencial)`},
		{"impossible date", curso, "", "2026-02-30", 5, `fecha de inscripción inválida: "2026-02-30" (use AAAA-MM-DD)`},
		{"day-first date", curso, "", "20-01-2026", 5, `fecha de inscripción inválida: "20-01-2026" (use AAAA-MM-DD)`},
		{"datetime instead of date", curso, "", "2026-01-20 05:00:00.000Z", 5, `fecha de inscripción inválida: "2026-01-20 05:00:00.000Z" (use AAAA-MM-DD)`},
		{"empty date", curso, "", "", 5, `fecha de inscripción inválida: "" (use AAAA-MM-DD)`},
		{"year out of range", curso, "", "9999-12-31", 5, "fecha de inscripción fuera de rango: el año debe estar entre 1900 y 2999"},
	}
	for _, tt := range tests {
		got, err := Generate(tt.p, tt.modalidad, tt.fecha, tt.dueDay)
		if err == nil || err.Error() != tt.want || got != nil {
			t.Errorf("%s: Generate() = %v, %v; want error %q", tt.name, got, err, tt.want)
		}
	}
}
