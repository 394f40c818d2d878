package reports

import (
	"context"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
)

var leadsTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Fecha de ingreso", Width: 12}, {Title: "Nombre", Width: 30}, {Title: "Teléfono", Width: 14},
	{Title: "Email", Width: 28}, {Title: "Estado", Width: 12}, {Title: "Medio de contacto", Width: 16},
	{Title: "Asesor", Width: 22}, {Title: "Programas de interés", Width: 40},
}}

type leadRow struct {
	Fecha     string `db:"fecha"`
	Nombre    string `db:"nombre"`
	Telefono  string `db:"telefono"`
	Email     string `db:"email"`
	Estado    string `db:"estado"`
	Medio     string `db:"medio"`
	Asesor    string `db:"asesor"`
	Intereses string `db:"intereses"`
}

// genLeads lists the leads that entered in the period (optionally of one estado).
func genLeads(ctx context.Context, app core.App, p Params, w Writer) error {
	fecha := limaDate("l.fecha_ingreso")
	return perSede(app, p, w, func(s sedeRow) error {
		q := app.DB().NewQuery(`SELECT ` + fecha + ` AS fecha, l.nombre_completo AS nombre, l.telefono, l.email,
			l.estado_lead AS estado, COALESCE(mc.nombre, '') AS medio, COALESCE(u.nombre, '') AS asesor,
			COALESCE((SELECT group_concat(pr.nombre, ', ') FROM json_each(l.intereses) j JOIN programas pr ON pr.id = j.value), '') AS intereses
		FROM leads l
		LEFT JOIN medios_contacto mc ON mc.id = l.medio_contacto
		LEFT JOIN users u ON u.id = l.asesor
		WHERE l.sede = {:sede} AND ` + fecha + ` BETWEEN {:desde} AND {:hasta} AND ({:estado} = '' OR l.estado_lead = {:estado})
		ORDER BY l.fecha_ingreso, l.id`).Bind(dbx.Params{"sede": s.ID, "desde": p.Desde, "hasta": p.Hasta, "estado": p.Estado})
		return each(ctx, q, func(r *leadRow) error {
			return w.Row(r.Fecha, r.Nombre, r.Telefono, r.Email, r.Estado, r.Medio, r.Asesor, r.Intereses)
		})
	})
}

var matriculasTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Fecha de inscripción", Width: 12}, {Title: "Alumno", Width: 30}, {Title: "DNI", Width: 10},
	{Title: "Email", Width: 28}, {Title: "Programa", Width: 30}, {Title: "Modalidad", Width: 14},
	{Title: "Estado", Width: 10}, {Title: "Asesor", Width: 22},
}}

type matriculaRow struct {
	Fecha     string `db:"fecha"`
	Alumno    string `db:"alumno"`
	DNI       string `db:"dni"`
	Email     string `db:"email"`
	Programa  string `db:"programa"`
	Modalidad string `db:"modalidad"`
	Estado    string `db:"estado"`
	Asesor    string `db:"asesor"`
}

// genMatriculas lists the matrículas registered in the period (optionally of one
// programa and estado).
func genMatriculas(ctx context.Context, app core.App, p Params, w Writer) error {
	fecha := limaDate("m.fecha_inscripcion")
	return perSede(app, p, w, func(s sedeRow) error {
		q := app.DB().NewQuery(`SELECT ` + fecha + ` AS fecha, a.nombre_completo AS alumno, a.dni, a.email,
			COALESCE(pr.nombre, '') AS programa, COALESCE(mo.nombre, '') AS modalidad, m.estado, COALESCE(u.nombre, '') AS asesor
		FROM matriculas m
		JOIN alumnos a ON a.id = m.alumno
		LEFT JOIN programas pr ON pr.id = m.programa
		LEFT JOIN modalidades mo ON mo.id = m.modalidad
		LEFT JOIN users u ON u.id = m.asesor
		WHERE m.sede = {:sede} AND ` + fecha + ` BETWEEN {:desde} AND {:hasta}
			AND ({:programa} = '' OR m.programa = {:programa}) AND ({:estado} = '' OR m.estado = {:estado})
		ORDER BY m.fecha_inscripcion, m.id`).Bind(dbx.Params{"sede": s.ID, "desde": p.Desde, "hasta": p.Hasta,
			"programa": p.Programa, "estado": p.Estado})
		return each(ctx, q, func(r *matriculaRow) error {
			return w.Row(r.Fecha, r.Alumno, r.DNI, r.Email, r.Programa, r.Modalidad, r.Estado, r.Asesor)
		})
	})
}

var planillasTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Periodo", Width: 9}, {Title: "Empleado", Width: 30}, {Title: "DNI", Width: 12}, {Title: "Cargo", Width: 20},
	{Title: "Sueldo básico", Kind: Money, Width: 14}, {Title: "Remuneración bruta", Kind: Money, Width: 16},
	{Title: "Aporte pensión", Kind: Money, Width: 14}, {Title: "Neto pagado", Kind: Money, Width: 14},
	{Title: "Aporte empleador", Kind: Money, Width: 14}, {Title: "Estado", Width: 10},
}}

type planillaRow struct {
	Periodo  string `db:"periodo"`
	Empleado string `db:"empleado"`
	DNI      string `db:"dni"`
	Cargo    string `db:"cargo"`
	Basico   int64  `db:"basico"`
	Bruta    int64  `db:"bruta"`
	Pension  int64  `db:"pension"`
	Neto     int64  `db:"neto"`
	Empl     int64  `db:"empleador"`
	Estado   string `db:"estado"`
}

// genPlanillas lists the payroll lines whose month falls in the period, with totals of
// the lines not voided.
func genPlanillas(ctx context.Context, app core.App, p Params, w Writer) error {
	from, to := monthNumber(p.Desde), monthNumber(p.Hasta)
	return perSede(app, p, w, func(s sedeRow) error {
		q := app.DB().NewQuery(`SELECT printf('%04d-%02d', pl.anio, pl.mes) AS periodo, e.nombres || ' ' || e.apellidos AS empleado,
			e.dni, e.cargo, ` + cents("pl.sueldo_basico") + ` AS basico, ` + cents("pl.remuneracion_bruta") + ` AS bruta,
			` + cents("pl.aporte_pension") + ` AS pension, ` + cents("pl.neto_pagado") + ` AS neto,
			` + cents("pl.aporte_empleador") + ` AS empleador, pl.estado
		FROM planillas pl JOIN empleados e ON e.id = pl.empleado
		WHERE e.sede = {:sede} AND pl.anio * 100 + pl.mes BETWEEN {:from} AND {:to}
			AND ({:estado} = '' OR pl.estado = {:estado})
		ORDER BY pl.anio, pl.mes, e.apellidos, e.nombres, pl.id`).Bind(dbx.Params{"sede": s.ID, "from": from, "to": to, "estado": p.Estado})
		var t [5]money.Cents
		err := each(ctx, q, func(r *planillaRow) error {
			if r.Estado != "Anulada" {
				for i, v := range []int64{r.Basico, r.Bruta, r.Pension, r.Neto, r.Empl} {
					t[i] += money.Cents(v)
				}
			}
			return w.Row(r.Periodo, r.Empleado, r.DNI, r.Cargo, money.Cents(r.Basico), money.Cents(r.Bruta),
				money.Cents(r.Pension), money.Cents(r.Neto), money.Cents(r.Empl), r.Estado)
		})
		if err != nil {
			return err
		}
		return w.Total("Total", "", "", "", t[0], t[1], t[2], t[3], t[4], "")
	})
}

// monthNumber turns YYYY-MM-DD into YYYYMM.
func monthNumber(d string) int {
	if len(d) < 7 {
		return 0
	}
	n := 0
	for _, c := range d[:4] + d[5:7] {
		n = n*10 + int(c-'0')
	}
	return n
}
