package academic

import (
	"fmt"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
)

// TipoDefaults gives, per program tipo, the duracion_meses and numero_pensiones used
// when they are not given (original SGUL, rule 3.1). Staff may change them later.
var TipoDefaults = map[string]struct{ Meses, Pensiones int }{
	"Curso":           {1, 1},
	"Especialización": {10, 10},
	"Carrera Técnica": {30, 30},
}

// precioFields are the program's prices, in soles.
var precioFields = []string{"precio_matricula", "precio_pension_virtual", "precio_pension_presencial", "precio_curso_unico"}

// ApplyProgramDefaults fills duracion_meses and numero_pensiones that are not given
// (zero) from the program tipo.
func ApplyProgramDefaults(r *core.Record) {
	d, ok := TipoDefaults[r.GetString("tipo")]
	if !ok {
		return
	}
	if r.GetInt("duracion_meses") <= 0 {
		r.Set("duracion_meses", d.Meses)
	}
	if r.GetInt("numero_pensiones") <= 0 {
		r.Set("numero_pensiones", d.Pensiones)
	}
}

// ValidatePrograma checks what the schema cannot: durations of at least one month,
// prices in whole céntimos, and that the duration still covers the malla's months.
func ValidatePrograma(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	for _, f := range []string{"duracion_meses", "numero_pensiones"} {
		if r.GetInt(f) < 1 {
			errs[f] = fieldErr("programa_minimo", "Debe ser al menos 1.")
		}
	}
	for _, f := range precioFields {
		c, err := money.FromFloat(r.GetFloat(f))
		if err != nil || c < 0 {
			errs[f] = fieldErr("monto_invalido", "Ingrese un monto mayor o igual a 0 con hasta 2 decimales.")
		}
	}
	if !r.IsNew() && errs["duracion_meses"] == nil {
		var last int
		err := app.DB().Select("COALESCE(MAX(numero_mes), 0)").From(ColMalla).
			Where(dbxEq("programa", r.Id)).Row(&last)
		if err == nil && last > r.GetInt("duracion_meses") {
			errs["duracion_meses"] = fieldErr("programa_malla",
				fmt.Sprintf("La malla tiene cursos hasta el mes %d; retírelos antes de acortar la duración.", last))
		}
	}
	return nonEmpty(errs)
}

// nonEmpty returns nil for an empty error set, so callers can test err != nil.
func nonEmpty(errs validation.Errors) validation.Errors {
	if len(errs) == 0 {
		return nil
	}
	return errs
}
