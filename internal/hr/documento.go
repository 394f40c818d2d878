package hr

import (
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
	"sgul/internal/schedule"
)

// StampReview keeps the review trail of a document honest: when the review text
// (resena) changes, fecha_resena and revisado_por are set to now and the actor;
// otherwise they keep their stored values, whatever the request sent.
func StampReview(r *core.Record, actor audit.Actor, now time.Time) {
	if r.IsNew() {
		if r.GetString("resena") == "" {
			r.Set("fecha_resena", "")
			r.Set("revisado_por", "")
		} else {
			r.Set("fecha_resena", now.UTC())
			r.Set("revisado_por", actor.UserID)
		}
		return
	}
	orig := r.Original()
	if r.GetString("resena") != orig.GetString("resena") {
		r.Set("fecha_resena", now.UTC())
		r.Set("revisado_por", actor.UserID)
		return
	}
	r.Set("fecha_resena", orig.Get("fecha_resena"))
	r.Set("revisado_por", orig.GetString("revisado_por"))
}

// CheckReviewer refuses a review (a change of resena) written by the employee who
// uploaded the document: nobody reviews his own reports.
func CheckReviewer(app core.App, r *core.Record, actor audit.Actor) error {
	if r.IsNew() || actor.UserID == "" || r.GetString("resena") == r.Original().GetString("resena") {
		return nil
	}
	emp, err := app.FindRecordById(ColEmpleados, r.GetString("empleado"))
	if err == nil && emp.GetString("usuario") == actor.UserID {
		return validation.Errors{"resena": fieldErr("resena_propia", "No puede reseñar sus propios documentos.")}
	}
	return nil
}

// EmpleadoConDocumentos is an employee with documents, for the review screen's filter.
type EmpleadoConDocumentos struct {
	ID        string `db:"id" json:"id"`
	Nombres   string `db:"nombres" json:"nombres"`
	Apellidos string `db:"apellidos" json:"apellidos"`
	Total     int    `db:"total" json:"total"`
	SinResena int    `db:"sin_resena" json:"sin_resena"`
}

// MesConDocumentos is a Lima month with documents; Desde/Hasta bound `created` (UTC)
// so that clients can filter the documentos collection by that month.
type MesConDocumentos struct {
	Mes   string `db:"mes" json:"mes"` // YYYY-MM
	Total int    `db:"total" json:"total"`
	Desde string `json:"desde"`
	Hasta string `json:"hasta"`
}

// FiltrosDocumentos lists the employees and the months that have documents.
type FiltrosDocumentos struct {
	Empleados []EmpleadoConDocumentos `json:"empleados"`
	Meses     []MesConDocumentos      `json:"meses"`
}

// Filtros returns the employees of sedes that uploaded documents and the Lima months
// with documents, like the original review screen (only what has documents). empleado,
// when not empty, limits the months to that employee.
func Filtros(app core.App, sedes []string, empleado string) (*FiltrosDocumentos, error) {
	res := &FiltrosDocumentos{Empleados: []EmpleadoConDocumentos{}, Meses: []MesConDocumentos{}}
	if len(sedes) == 0 {
		return res, nil
	}
	ids := make([]any, len(sedes))
	for i, s := range sedes {
		ids[i] = s
	}
	err := app.DB().Select("e.id", "e.nombres", "e.apellidos", "COUNT(*) AS total", "SUM(d.resena = '') AS sin_resena").
		From("documentos d").InnerJoin("empleados e", dbx.NewExp("e.id = d.empleado")).
		Where(dbx.In("e.sede", ids...)).GroupBy("e.id").OrderBy("e.apellidos", "e.nombres").All(&res.Empleados)
	if err != nil {
		return nil, err
	}
	// Lima is UTC-5 all year (no daylight saving since 1994).
	q := app.DB().Select("strftime('%Y-%m', d.created, '-5 hours') AS mes", "COUNT(*) AS total").
		From("documentos d").InnerJoin("empleados e", dbx.NewExp("e.id = d.empleado")).
		Where(dbx.In("e.sede", ids...)).GroupBy("mes").OrderBy("mes DESC")
	if empleado != "" {
		q.AndWhere(dbx.HashExp{"d.empleado": empleado})
	}
	if err := q.All(&res.Meses); err != nil {
		return nil, err
	}
	for i := range res.Meses {
		res.Meses[i].Desde, res.Meses[i].Hasta = monthBounds(res.Meses[i].Mes)
	}
	return res, nil
}

// monthBounds returns the UTC instants (PocketBase date format) that start the Lima
// month mes (YYYY-MM) and the next one.
func monthBounds(mes string) (string, string) {
	t, err := time.ParseInLocation("2006-01", mes, schedule.LimaLocation())
	if err != nil {
		return "", ""
	}
	const layout = "2006-01-02 15:04:05.000Z"
	return t.UTC().Format(layout), t.AddDate(0, 1, 0).UTC().Format(layout)
}
