// Package schedule generates the payment schedule (cuotas) of a matrícula
// from its program, modalidad and enrolment date.
package schedule

import (
	"errors"
	"fmt"
	"time"

	"sgul/internal/money"
)

// Program tipos and cuota conceptos, exactly as stored in PocketBase.
const (
	// TipoCurso is a short course paid in one Pago Único.
	TipoCurso = "Curso"
	// TipoEspecializacion is paid as a Matrícula plus monthly Pensiones.
	TipoEspecializacion = "Especialización"
	// TipoCarreraTecnica is paid as a Matrícula plus monthly Pensiones.
	TipoCarreraTecnica = "Carrera Técnica"

	// ConceptoMatricula is the enrolment fee, due on the enrolment date.
	ConceptoMatricula = "Matrícula"
	// ConceptoPension is a monthly fee.
	ConceptoPension = "Pensión"
	// ConceptoPagoUnico is the single payment of a Curso.
	ConceptoPagoUnico = "Pago Único"
)

// MaxPensiones bounds NumeroPensiones: ten years of monthly pensiones.
const MaxPensiones = 120

// Program is the part of a program record that prices a matrícula.
type Program struct {
	Tipo                    string
	NumeroPensiones         int
	PrecioMatricula         money.Cents
	PrecioPensionVirtual    money.Cents
	PrecioPensionPresencial money.Cents
	PrecioCursoUnico        money.Cents
}

// Cuota is one payment due.
type Cuota struct {
	Concepto    string
	Numero      int // 1-based within its Concepto
	Monto       money.Cents
	Vencimiento string // YYYY-MM-DD, a Lima date
}

// Generate returns the cuotas of a matrícula in due-date order.
//
// A Curso has one Pago Único of PrecioCursoUnico due on fechaInscripcion
// (YYYY-MM-DD, a Lima date; see LimaDate). Especialización and Carrera
// Técnica have a Matrícula due on fechaInscripcion and then NumeroPensiones
// Pensiones; pensión k falls due on day dueDay (1..28, so it exists in every
// month) of the k-th month after the enrolment month. The pensión price
// follows modalidad (see pensionPrice). modalidad and dueDay are only
// checked where they are used, so a Curso needs neither.
func Generate(p Program, modalidad, fechaInscripcion string, dueDay int) ([]Cuota, error) {
	if p.Tipo != TipoCurso && p.Tipo != TipoEspecializacion && p.Tipo != TipoCarreraTecnica {
		return nil, fmt.Errorf("tipo de programa desconocido: %q (use Curso, Especialización o Carrera Técnica)", p.Tipo)
	}
	if err := p.checkPrices(); err != nil {
		return nil, err
	}
	inscripcion, err := parseFecha(fechaInscripcion)
	if err != nil {
		return nil, err
	}
	fecha := inscripcion.Format(time.DateOnly)
	if p.Tipo == TipoCurso {
		return []Cuota{{Concepto: ConceptoPagoUnico, Numero: 1, Monto: p.PrecioCursoUnico, Vencimiento: fecha}}, nil
	}

	if dueDay < 1 || dueDay > 28 {
		return nil, fmt.Errorf("día de vencimiento inválido: %d (debe estar entre 1 y 28)", dueDay)
	}
	if p.NumeroPensiones < 1 || p.NumeroPensiones > MaxPensiones {
		return nil, fmt.Errorf("número de pensiones inválido: %d (debe estar entre 1 y %d)", p.NumeroPensiones, MaxPensiones)
	}
	pension, err := p.pensionPrice(modalidad)
	if err != nil {
		return nil, err
	}
	cuotas := make([]Cuota, 0, 1+p.NumeroPensiones)
	cuotas = append(cuotas, Cuota{Concepto: ConceptoMatricula, Numero: 1, Monto: p.PrecioMatricula, Vencimiento: fecha})
	y, m, _ := inscripcion.Date()
	for k := 1; k <= p.NumeroPensiones; k++ {
		// time.Date carries month overflow into the year; dueDay <= 28 never spills.
		due := time.Date(y, m+time.Month(k), dueDay, 0, 0, 0, 0, time.UTC)
		cuotas = append(cuotas, Cuota{Concepto: ConceptoPension, Numero: k, Monto: pension, Vencimiento: due.Format(time.DateOnly)})
	}
	return cuotas, nil
}

// parseFecha reads a YYYY-MM-DD calendar date. Years are bounded so that
// every due date keeps four digits and sorts as a string.
func parseFecha(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("fecha de inscripción inválida: %q (use AAAA-MM-DD)", s)
	}
	if t.Year() < 1900 || t.Year() > 2999 {
		return time.Time{}, errors.New("fecha de inscripción fuera de rango: el año debe estar entre 1900 y 2999")
	}
	return t, nil
}

func (p Program) checkPrices() error {
	prices := []struct {
		label string
		v     money.Cents
	}{
		{"precio de matrícula", p.PrecioMatricula},
		{"precio de pensión virtual", p.PrecioPensionVirtual},
		{"precio de pensión presencial", p.PrecioPensionPresencial},
		{"precio de curso único", p.PrecioCursoUnico},
	}
	for _, pr := range prices {
		if pr.v < 0 {
			return fmt.Errorf("%s inválido: no puede ser negativo", pr.label)
		}
		if pr.v > money.MaxCents {
			return fmt.Errorf("%s inválido: máximo %s", pr.label, money.MaxCents.Format())
		}
	}
	return nil
}
