package academic

import (
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"sgul/internal/schedule"
)

// ClassDate is the Lima calendar date (YYYY-MM-DD) of a class date field. A value at
// exactly midnight UTC is a plain date ("2026-03-10") and is kept as is; any other
// instant is converted to its date in Lima.
func ClassDate(dt types.DateTime) string {
	if dt.IsZero() {
		return ""
	}
	t := dt.Time().UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return schedule.LimaDate(t)
}

// NormalizeFechaClase stores fecha_clase as a plain date, so that the natural key
// (matrícula, malla, fecha_clase) holds one row per class day.
func NormalizeFechaClase(r *core.Record) {
	if d := ClassDate(r.GetDateTime("fecha_clase")); d != "" {
		r.Set("fecha_clase", d)
	}
}

// ValidateAsistencia checks an attendance row: a new one needs an Activo matrícula;
// the malla row, when given, belongs to the matrícula's program; and there is no
// other row for the same (matrícula, malla, fecha_clase).
func ValidateAsistencia(app core.App, r *core.Record) validation.Errors {
	errs := validation.Errors{}
	matr, err := findOptional(app, ColMatriculas, r.GetString("matricula"))
	if err != nil || matr == nil {
		return nil
	}
	if r.IsNew() && matr.GetString("estado") != EstadoActivo {
		errs["matricula"] = fieldErr("matricula_inactiva", "Solo se registra asistencia de matrículas en estado Activo.")
	}
	if m, ok := MallaBelongs(app, r.GetString("malla"), matr.GetString("programa")); m != nil && !ok {
		errs["malla"] = fieldErr("malla_otro_programa", "El curso no pertenece a la malla del programa de la matrícula.")
	}
	if fecha := ClassDate(r.GetDateTime("fecha_clase")); fecha != "" {
		dup, _ := app.FindFirstRecordByFilter(ColAsistencias,
			"matricula = {:m} && malla = {:ma} && fecha_clase = {:f} && id != {:id}",
			dbx.Params{"m": matr.Id, "ma": r.GetString("malla"), "f": fecha + " 00:00:00.000Z", "id": r.Id})
		if dup != nil {
			errs["fecha_clase"] = fieldErr("asistencia_duplicada", "Ya se registró la asistencia de esta matrícula para esa clase.")
		}
	}
	return nonEmpty(errs)
}
