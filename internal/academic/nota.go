package academic

import (
	"errors"
	"math"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Centesimas is a grade in hundredths of a point on the 0-20 scale: 1450 is 14.50.
type Centesimas int

// Grade bounds and thresholds, in hundredths (original SGUL, rule 3.7).
const (
	NotaMax        Centesimas = 2000
	UmbralAprobado Centesimas = 1400 // 14 and above passes
	UmbralBajo     Centesimas = 1000 // below 10 is "Muy Bajo"
)

// Estados of a grade, as stored in notas.estado.
const (
	EstadoAprobado    = "Aprobado"
	EstadoDesaprobado = "Desaprobado"
	EstadoMuyBajo     = "Muy Bajo"
)

// ErrNota reports a grade outside 0-20 or with more than two decimals.
var ErrNota = errors.New("La nota debe estar entre 0 y 20, con hasta 2 decimales.")

// NotaFromFloat converts a grade read from a number field, refusing values outside
// 0-20 and more than two decimals (14.555) while accepting float noise (14.55).
func NotaFromFloat(f float64) (Centesimas, error) {
	if math.IsNaN(f) || f < 0 || f > 20 {
		return 0, ErrNota
	}
	r := f * 100
	n := math.Round(r)
	if math.Abs(r-n) > 1e-6 {
		return 0, ErrNota
	}
	return Centesimas(n), nil
}

// Float returns the grade to store in a number field.
func (c Centesimas) Float() float64 { return float64(c) / 100 }

// Estado is Aprobado from 14, Desaprobado from 10 to below 14, Muy Bajo below 10.
func (c Centesimas) Estado() string {
	switch {
	case c >= UmbralAprobado:
		return EstadoAprobado
	case c >= UmbralBajo:
		return EstadoDesaprobado
	default:
		return EstadoMuyBajo
	}
}

// SetNotaEstado stores the estado derived from the grade (left empty when the grade
// is invalid, which ValidateNota reports).
func SetNotaEstado(r *core.Record) {
	if c, err := NotaFromFloat(r.GetFloat("nota")); err == nil {
		r.Set("estado", c.Estado())
	} else {
		r.Set("estado", "")
	}
}

// ValidateNota checks a grade: value 0-20 with two decimals, an Activo matrícula
// (when the grade is recorded; a later correction is allowed),
// a malla row of the matrícula's program and no other grade of the same (matrícula,
// malla, tipo). Debt is never checked (Ley 29947).
func ValidateNota(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	if _, err := NotaFromFloat(r.GetFloat("nota")); err != nil {
		errs["nota"] = fieldErr("nota_rango", ErrNota.Error())
	}
	matr, err := findOptional(app, ColMatriculas, r.GetString("matricula"))
	if err != nil || matr == nil {
		return nonEmpty(errs) // the required relation is reported by the schema validation
	}
	if (r.IsNew() || r.GetString("matricula") != r.Original().GetString("matricula")) && matr.GetString("estado") != EstadoActivo {
		errs["matricula"] = fieldErr("matricula_inactiva", "Solo se registran notas de matrículas en estado Activo.")
	}
	if m, ok := MallaBelongs(app, r.GetString("malla"), matr.GetString("programa")); m != nil && !ok {
		errs["malla"] = fieldErr("malla_otro_programa", "El curso no pertenece a la malla del programa de la matrícula.")
	}
	dup, _ := app.FindFirstRecordByFilter(ColNotas, "matricula = {:m} && malla = {:ma} && tipo = {:t} && id != {:id}",
		dbx.Params{"m": matr.Id, "ma": r.GetString("malla"), "t": r.GetString("tipo"), "id": r.Id})
	if dup != nil {
		errs["tipo"] = fieldErr("nota_duplicada", "Ya existe una nota de este tipo para este curso y matrícula.")
	}
	return nonEmpty(errs)
}
