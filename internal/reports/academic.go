package reports

import (
	"context"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/enrollment"
	"sgul/internal/money"
)

var notasTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Alumno", Width: 30}, {Title: "DNI", Width: 10}, {Title: "Programa", Width: 30},
	{Title: "Mes", Kind: Integer, Width: 6}, {Title: "Curso", Width: 30}, {Title: "Tipo", Width: 14},
	{Title: "Nota", Kind: Decimal, Width: 8}, {Title: "Estado", Width: 12},
}}

type notaRow struct {
	Alumno   string  `db:"alumno"`
	DNI      string  `db:"dni"`
	Programa string  `db:"programa"`
	Mes      int     `db:"mes"`
	Curso    string  `db:"curso"`
	Tipo     string  `db:"tipo"`
	Nota     float64 `db:"nota"`
	Estado   string  `db:"estado"`
}

// genNotas lists the grades of the sedes' matrículas (optionally of one programa).
func genNotas(ctx context.Context, app core.App, p Params, w Writer) error {
	return perSede(app, p, w, func(s sedeRow) error {
		q := app.DB().NewQuery(`SELECT a.nombre_completo AS alumno, a.dni, COALESCE(pr.nombre, '') AS programa,
			COALESCE(ma.numero_mes, 0) AS mes, COALESCE(cu.nombre, '') AS curso, n.tipo, n.nota, COALESCE(n.estado, '') AS estado
		FROM notas n
		JOIN matriculas m ON m.id = n.matricula
		JOIN alumnos a ON a.id = m.alumno
		LEFT JOIN programas pr ON pr.id = m.programa
		LEFT JOIN malla ma ON ma.id = n.malla
		LEFT JOIN cursos cu ON cu.id = ma.curso
		WHERE m.sede = {:sede} AND ({:programa} = '' OR m.programa = {:programa})
		ORDER BY programa, a.nombre_completo, mes, n.tipo, n.id`).Bind(dbx.Params{"sede": s.ID, "programa": p.Programa})
		return each(ctx, q, func(r *notaRow) error {
			return w.Row(r.Alumno, r.DNI, r.Programa, r.Mes, r.Curso, r.Tipo, r.Nota, r.Estado)
		})
	})
}

var asistenciasTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Fecha", Width: 12}, {Title: "Alumno", Width: 30}, {Title: "DNI", Width: 10},
	{Title: "Programa", Width: 30}, {Title: "Curso", Width: 30}, {Title: "Asistió", Width: 8},
	{Title: "Justificación", Width: 40},
}}

type asistenciaRow struct {
	Fecha         string `db:"fecha"`
	Alumno        string `db:"alumno"`
	DNI           string `db:"dni"`
	Programa      string `db:"programa"`
	Curso         string `db:"curso"`
	Asistio       bool   `db:"asistio"`
	Justificacion string `db:"justificacion"`
}

// genAsistencias lists the attendance of the period (optionally of one programa).
func genAsistencias(ctx context.Context, app core.App, p Params, w Writer) error {
	return perSede(app, p, w, func(s sedeRow) error {
		q := app.DB().NewQuery(`SELECT substr(x.fecha_clase, 1, 10) AS fecha, a.nombre_completo AS alumno, a.dni,
			COALESCE(pr.nombre, '') AS programa, COALESCE(cu.nombre, '') AS curso, x.asistio, x.justificacion
		FROM asistencias x
		JOIN matriculas m ON m.id = x.matricula
		JOIN alumnos a ON a.id = m.alumno
		LEFT JOIN programas pr ON pr.id = m.programa
		LEFT JOIN malla ma ON ma.id = x.malla
		LEFT JOIN cursos cu ON cu.id = ma.curso
		WHERE m.sede = {:sede} AND x.fecha_clase >= {:desde} AND x.fecha_clase < {:hasta}
			AND ({:programa} = '' OR m.programa = {:programa})
		ORDER BY x.fecha_clase, a.nombre_completo, x.id`).Bind(dbx.Params{"sede": s.ID, "desde": p.Desde,
			"hasta": dayAfter(p.Hasta), "programa": p.Programa})
		return each(ctx, q, func(r *asistenciaRow) error {
			return w.Row(r.Fecha, r.Alumno, r.DNI, r.Programa, r.Curso, r.Asistio, r.Justificacion)
		})
	})
}

var estadoCuentaTable = Table{Columns: []Column{
	{Title: "Concepto", Width: 14}, {Title: "N°", Kind: Integer, Width: 5}, {Title: "Vencimiento", Width: 12},
	{Title: "Monto", Kind: Money, Width: 14}, {Title: "Pagado", Kind: Money, Width: 14}, {Title: "Saldo", Kind: Money, Width: 14},
	{Title: "Estado", Width: 10}, {Title: "Vencida", Width: 8},
}}

// genEstadoCuenta writes a matrícula's estado de cuenta (the same figures as GET
// /api/matriculas/{id}/estado-cuenta), on a sheet named after the student.
func genEstadoCuenta(ctx context.Context, app core.App, p Params, w Writer) error {
	mat, err := app.FindRecordById("matriculas", p.Matricula)
	if err != nil {
		return err
	}
	st, err := enrollment.EstadoCuenta(app, mat)
	if err != nil {
		return err
	}
	if err := w.Sheet(st.Alumno + " - " + st.Programa); err != nil {
		return err
	}
	for _, l := range st.Cuotas {
		err := w.Row(l.Concepto, l.Numero, l.Vencimiento, money.Cents(l.Monto), money.Cents(l.Pagado), money.Cents(l.Saldo), l.Estado, l.Vencida)
		if err != nil {
			return err
		}
	}
	if err := w.Total("Total", nil, "", money.Cents(st.TotalMonto), money.Cents(st.TotalPagado), money.Cents(st.DeudaTotal), "", ""); err != nil {
		return err
	}
	return w.Total("Deuda vencida", nil, "al "+st.FechaCorte, nil, nil, money.Cents(st.DeudaVencida), "", "")
}
