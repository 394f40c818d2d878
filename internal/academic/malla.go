package academic

import (
	"fmt"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

func dbxEq(col string, v any) dbx.Expression { return dbx.HashExp{col: v} }

// ValidateMalla checks a curriculum row: its month lies within the program's duration
// and no other row of the program uses that month.
func ValidateMalla(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	prog, err := findOptional(app, ColProgramas, r.GetString("programa"))
	if err != nil || prog == nil {
		return nil // the required relation is reported by the schema validation
	}
	mes := r.GetInt("numero_mes")
	if dur := prog.GetInt("duracion_meses"); mes > dur {
		errs["numero_mes"] = fieldErr("malla_mes_fuera",
			fmt.Sprintf("El programa dura %d meses; el mes debe estar entre 1 y %d.", dur, dur))
	} else if mes >= 1 {
		dup, _ := app.FindFirstRecordByFilter(ColMalla, "programa = {:p} && numero_mes = {:m} && id != {:id}",
			dbx.Params{"p": prog.Id, "m": mes, "id": r.Id})
		if dup != nil {
			errs["numero_mes"] = fieldErr("malla_mes_duplicado", fmt.Sprintf("El mes %d ya tiene un curso en la malla de este programa.", mes))
		}
	}
	return nonEmpty(errs)
}

// ValidateDocentePrograma checks a teacher assignment: an active staff user, assigned
// once per program.
func ValidateDocentePrograma(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	if u, err := findOptional(app, "users", r.GetString("docente")); err == nil && u != nil && !u.GetBool("activo") {
		errs["docente"] = fieldErr("docente_inactivo", "El docente está inactivo.")
	}
	dup, _ := app.FindFirstRecordByFilter(ColDocentes, "docente = {:d} && programa = {:p} && id != {:id}",
		dbx.Params{"d": r.GetString("docente"), "p": r.GetString("programa"), "id": r.Id})
	if dup != nil {
		errs["docente"] = fieldErr("docente_duplicado", "El docente ya está asignado a este programa.")
	}
	return nonEmpty(errs)
}

// MallaBelongs reports whether the malla row mallaID is part of program programaID.
func MallaBelongs(app core.App, mallaID, programaID string) (*core.Record, bool) {
	m, err := findOptional(app, ColMalla, mallaID)
	if err != nil || m == nil {
		return nil, false
	}
	return m, m.GetString("programa") == programaID
}
