package academic

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// tipoOrden orders the grade types inside a month.
var tipoOrden = map[string]int{"Práctica": 0, "Teórica": 1, "Final": 2, "Recuperación": 3}

// NotaItem is one grade in a summary.
type NotaItem struct {
	ID            string  `json:"id"`
	Tipo          string  `json:"tipo"`
	Nota          float64 `json:"nota"`
	Estado        string  `json:"estado"`
	Observaciones string  `json:"observaciones"`
}

// MesNotas is one malla row (month and course) with its grades.
type MesNotas struct {
	Malla     string     `json:"malla"`
	NumeroMes int        `json:"numero_mes"`
	Curso     string     `json:"curso"`
	Notas     []NotaItem `json:"notas"`
	Promedio  *float64   `json:"promedio"` // null without grades
}

// NotasResumen is GET /api/matriculas/{id}/notas-resumen.
type NotasResumen struct {
	Matricula    string     `json:"matricula"`
	Programa     string     `json:"programa"`
	Meses        []MesNotas `json:"meses"`
	Total        int        `json:"total"`
	Aprobadas    int        `json:"aprobadas"`    // nota >= 14
	Desaprobadas int        `json:"desaprobadas"` // nota < 14 (includes Muy Bajo)
	MuyBajo      int        `json:"muy_bajo"`     // nota < 10
	Promedio     *float64   `json:"promedio"`     // mean of every grade, 2 decimals; null without grades
}

type notaRow struct {
	Malla         string  `db:"malla"`
	NumeroMes     int     `db:"numero_mes"`
	Curso         string  `db:"curso"`
	ID            string  `db:"id"`
	Tipo          string  `db:"tipo"`
	Nota          float64 `db:"nota"`
	Observaciones string  `db:"observaciones"`
}

// ResumenNotas returns the matrícula's grades by malla month and type, with counts and
// averages. Every malla row of the program is listed, graded or not.
func ResumenNotas(app core.App, matr *core.Record) (*NotasResumen, error) {
	var rows []notaRow
	// Malla rows of the program (with or without grades), then grades on rows of
	// another program, which only a data fix could leave behind.
	err := app.DB().NewQuery(`
		SELECT m.id AS malla, m.numero_mes, COALESCE(c.nombre, '') AS curso,
		       COALESCE(n.id, '') AS id, COALESCE(n.tipo, '') AS tipo, COALESCE(n.nota, 0) AS nota,
		       COALESCE(n.observaciones, '') AS observaciones
		FROM malla m
		LEFT JOIN cursos c ON c.id = m.curso
		LEFT JOIN notas n ON n.malla = m.id AND n.matricula = {:mat}
		WHERE m.programa = {:prog}
		UNION ALL
		SELECT n.malla, COALESCE(m.numero_mes, 0), COALESCE(c.nombre, ''), n.id, n.tipo, n.nota, n.observaciones
		FROM notas n
		LEFT JOIN malla m ON m.id = n.malla
		LEFT JOIN cursos c ON c.id = m.curso
		WHERE n.matricula = {:mat} AND COALESCE(m.programa, '') != {:prog}
		ORDER BY 2, 1`).
		Bind(dbx.Params{"mat": matr.Id, "prog": matr.GetString("programa")}).All(&rows)
	if err != nil {
		return nil, err
	}
	res := &NotasResumen{Matricula: matr.Id, Programa: matr.GetString("programa"), Meses: []MesNotas{}}
	var all []Centesimas
	var month []Centesimas
	flush := func() {
		if n := len(res.Meses); n > 0 {
			res.Meses[n-1].Promedio = promedio(month)
			sortNotas(res.Meses[n-1].Notas)
		}
		month = nil
	}
	for _, r := range rows {
		if n := len(res.Meses); n == 0 || res.Meses[n-1].Malla != r.Malla {
			flush()
			res.Meses = append(res.Meses, MesNotas{Malla: r.Malla, NumeroMes: r.NumeroMes, Curso: r.Curso, Notas: []NotaItem{}})
		}
		if r.ID == "" {
			continue
		}
		c, err := NotaFromFloat(r.Nota)
		if err != nil {
			continue // cannot be stored through the hooks
		}
		cur := &res.Meses[len(res.Meses)-1]
		cur.Notas = append(cur.Notas, NotaItem{ID: r.ID, Tipo: r.Tipo, Nota: c.Float(), Estado: c.Estado(), Observaciones: r.Observaciones})
		month = append(month, c)
		all = append(all, c)
		res.Total++
		if c >= UmbralAprobado {
			res.Aprobadas++
		} else {
			res.Desaprobadas++
		}
		if c < UmbralBajo {
			res.MuyBajo++
		}
	}
	flush()
	res.Promedio = promedio(all)
	return res, nil
}

// promedio is the mean grade rounded half-up to two decimals, nil for no grades.
func promedio(notas []Centesimas) *float64 {
	if len(notas) == 0 {
		return nil
	}
	var sum int
	for _, n := range notas {
		sum += int(n)
	}
	// notas are >= 0, so (2*sum + n) / (2*n) is sum/n rounded half-up.
	avg := Centesimas((2*sum + len(notas)) / (2 * len(notas))).Float()
	return &avg
}

func sortNotas(ns []NotaItem) {
	for i := 1; i < len(ns); i++ { // insertion sort: at most four grades
		for j := i; j > 0 && tipoOrden[ns[j].Tipo] < tipoOrden[ns[j-1].Tipo]; j-- {
			ns[j], ns[j-1] = ns[j-1], ns[j]
		}
	}
}
