package academic

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Conteo counts classes: porcentaje is asistidas / total × 100 with one decimal, 0
// without classes.
type Conteo struct {
	Total      int     `json:"total"`
	Asistidas  int     `json:"asistidas"`
	Faltas     int     `json:"faltas"`
	Porcentaje float64 `json:"porcentaje"`
}

// MesAsistencia is the attendance of one malla row (month and course).
type MesAsistencia struct {
	Malla     string `json:"malla"`
	NumeroMes int    `json:"numero_mes"`
	Curso     string `json:"curso"`
	Conteo
}

// AsistenciaResumen is GET /api/matriculas/{id}/asistencia-resumen.
type AsistenciaResumen struct {
	Matricula string `json:"matricula"`
	Conteo
	PorMalla []MesAsistencia `json:"por_malla"`
	SinCurso Conteo          `json:"sin_curso"` // classes recorded without a malla row (group attendance)
}

type asistenciaRow struct {
	Malla     string `db:"malla"`
	NumeroMes int    `db:"numero_mes"`
	Curso     string `db:"curso"`
	Total     int    `db:"total"`
	Asistidas int    `db:"asistidas"`
}

// ResumenAsistencia returns the attendance percentage of the matrícula overall and
// per malla row of its program (rows without classes count 0 of 0).
func ResumenAsistencia(app core.App, matr *core.Record) (*AsistenciaResumen, error) {
	var rows []asistenciaRow
	err := app.DB().NewQuery(`
		SELECT m.id AS malla, m.numero_mes, COALESCE(c.nombre, '') AS curso,
		       COALESCE(a.total, 0) AS total, COALESCE(a.asistidas, 0) AS asistidas
		FROM malla m
		LEFT JOIN cursos c ON c.id = m.curso
		LEFT JOIN (SELECT malla, COUNT(*) AS total, SUM(asistio = 1) AS asistidas
		           FROM asistencias WHERE matricula = {:mat} GROUP BY malla) a ON a.malla = m.id
		WHERE m.programa = {:prog}
		UNION ALL
		SELECT a.malla, COALESCE(m.numero_mes, 0), COALESCE(c.nombre, ''), COUNT(*), SUM(a.asistio = 1)
		FROM asistencias a
		LEFT JOIN malla m ON m.id = a.malla
		LEFT JOIN cursos c ON c.id = m.curso
		WHERE a.matricula = {:mat} AND COALESCE(m.programa, '') != {:prog}
		GROUP BY a.malla
		ORDER BY 2, 1`).
		Bind(dbx.Params{"mat": matr.Id, "prog": matr.GetString("programa")}).All(&rows)
	if err != nil {
		return nil, err
	}
	res := &AsistenciaResumen{Matricula: matr.Id, PorMalla: []MesAsistencia{}}
	for _, r := range rows {
		res.Total += r.Total
		res.Asistidas += r.Asistidas
		if r.Malla == "" {
			res.SinCurso = newConteo(r.Total, r.Asistidas)
			continue
		}
		res.PorMalla = append(res.PorMalla, MesAsistencia{Malla: r.Malla, NumeroMes: r.NumeroMes, Curso: r.Curso, Conteo: newConteo(r.Total, r.Asistidas)})
	}
	res.Conteo = newConteo(res.Total, res.Asistidas)
	return res, nil
}

func newConteo(total, asistidas int) Conteo {
	c := Conteo{Total: total, Asistidas: asistidas, Faltas: total - asistidas}
	if total > 0 {
		// tenths of a percent, rounded half-up: (2000a + t) / 2t
		c.Porcentaje = float64((2000*asistidas+total)/(2*total)) / 10
	}
	return c
}
