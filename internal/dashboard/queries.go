package dashboard

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// querier runs the dashboard's aggregates for a set of sedes. Each query filters on
// the leading column of a covering index (see migration 1764100010).
type querier struct {
	app   core.App
	sedes []string
	p     period
}

// in is "col IN ({:s0}, {:s1}, ...)" with the sedes as bound parameters.
func (q *querier) in(col string) dbx.Expression {
	vals := make([]any, len(q.sedes))
	for i, s := range q.sedes {
		vals[i] = s
	}
	return dbx.In(col, vals...)
}

// leadDate is when a lead entered: fecha_ingreso, or created when it was not given.
const leadDate = "CASE WHEN l.fecha_ingreso != '' THEN l.fecha_ingreso ELSE l.created END"

func (q *querier) leads(d *Dashboard) error {
	var row struct {
		Total int `db:"total"`
		Conv  int `db:"conv"`
	}
	err := q.app.DB().Select("COUNT(*) AS total", "COALESCE(SUM(l.estado_lead = 'Convertido'), 0) AS conv").
		From("leads l").Where(q.in("l.sede")).One(&row)
	if err != nil {
		return err
	}
	d.Totales.Leads = row.Total
	d.TasaConversion = percent(row.Conv, row.Total)
	// Two index range scans (sede, fecha_ingreso) instead of one scan over every lead.
	return q.app.DB().Select("COUNT(*)").From("leads l").Where(q.in("l.sede")).
		AndWhere(dbx.Or(
			dbx.NewExp("l.fecha_ingreso >= {:ini} AND l.fecha_ingreso < {:fin}", dbx.Params{"ini": q.p.monthStartTS, "fin": q.p.nextMonthTS}),
			dbx.NewExp("l.fecha_ingreso = '' AND l.created >= {:ini} AND l.created < {:fin}", dbx.Params{"ini": q.p.monthStartTS, "fin": q.p.nextMonthTS}),
		)).Row(&d.LeadsMes)
}

func (q *querier) leadsPorMes(d *Dashboard) error {
	var rows []struct {
		Mes   string `db:"mes"`
		Leads int    `db:"leads"`
	}
	// Lima is UTC-5 all year (no daylight saving since 1994). The first branch reads only
	// the (sede, fecha_ingreso) index; the second catches leads without fecha_ingreso.
	where, params := q.inSQL("l.sede")
	params["ini"], params["fin"] = q.p.firstMonthTS, q.p.nextMonthTS
	err := q.app.DB().NewQuery(`
		SELECT mes, SUM(n) AS leads FROM (
			SELECT strftime('%Y-%m', l.fecha_ingreso, '-5 hours') AS mes, COUNT(*) AS n FROM leads l
			WHERE ` + where + ` AND l.fecha_ingreso >= {:ini} AND l.fecha_ingreso < {:fin} GROUP BY 1
			UNION ALL
			SELECT strftime('%Y-%m', l.created, '-5 hours'), COUNT(*) FROM leads l
			WHERE ` + where + ` AND l.fecha_ingreso = '' AND l.created >= {:ini} AND l.created < {:fin} GROUP BY 1
		) GROUP BY mes`).Bind(params).All(&rows)
	if err != nil {
		return err
	}
	for _, r := range rows {
		for i := range d.LeadsPorMes {
			if d.LeadsPorMes[i].Mes == r.Mes {
				d.LeadsPorMes[i].Leads = r.Leads
			}
		}
	}
	return nil
}

func (q *querier) matriculas(d *Dashboard) error {
	var row struct {
		Alumnos int `db:"alumnos"`
		Total   int `db:"total"`
		Activas int `db:"activas"`
	}
	err := q.app.DB().Select("COUNT(DISTINCT m.alumno) AS alumnos", "COUNT(*) AS total", "COALESCE(SUM(m.estado = 'Activo'), 0) AS activas").
		From("matriculas m").Where(q.in("m.sede")).One(&row)
	if err != nil {
		return err
	}
	d.Totales.Alumnos, d.Totales.Matriculas, d.Totales.MatriculasActivas = row.Alumnos, row.Total, row.Activas
	d.TasaRetencion = percent(row.Activas, row.Total)
	return nil
}

// inSQL is "col IN ({:s0}, {:s1}, ...)" and its parameters, for raw queries.
func (q *querier) inSQL(col string) (string, dbx.Params) {
	params := dbx.Params{}
	names := make([]string, len(q.sedes))
	for i, s := range q.sedes {
		k := "s" + strconv.Itoa(i)
		params[k] = s
		names[i] = "{:" + k + "}"
	}
	return col + " IN (" + strings.Join(names, ", ") + ")", params
}

func (q *querier) topProgramas(d *Dashboard) error {
	// Group first, then look up the few program names.
	where, params := q.inSQL("m.sede")
	params["lim"] = TopProgramas
	return q.app.DB().NewQuery(`
		SELECT t.programa AS id, COALESCE(p.nombre, '') AS nombre, COALESCE(p.tipo, '') AS tipo, t.n AS matriculas
		FROM (SELECT m.programa, COUNT(*) AS n FROM matriculas m WHERE ` + where + ` GROUP BY m.programa) t
		LEFT JOIN programas p ON p.id = t.programa
		ORDER BY t.n DESC, p.nombre LIMIT {:lim}`).Bind(params).All(&d.TopProgramas)
}

func (q *querier) asesores(d *Dashboard) error {
	where, params := q.inSQL("l.sede")
	params["lim"] = TopAsesores
	err := q.app.DB().NewQuery(`
		SELECT t.asesor AS id, COALESCE(u.nombre, '') AS nombre, t.leads, t.conv AS conversiones
		FROM (SELECT l.asesor, COUNT(*) AS leads, SUM(l.estado_lead = 'Convertido') AS conv
		      FROM leads l WHERE ` + where + ` GROUP BY l.asesor) t
		LEFT JOIN users u ON u.id = t.asesor
		ORDER BY t.conv DESC, t.leads DESC, u.nombre LIMIT {:lim}`).Bind(params).All(&d.Asesores)
	for i := range d.Asesores {
		d.Asesores[i].Tasa = percent(d.Asesores[i].Conversiones, d.Asesores[i].Leads)
	}
	return err
}

// conceptTotal accumulates the payments of one concepto in céntimos.
type conceptTotal struct {
	n     int64
	cents int64
}

func (t conceptTotal) add(n, cents int64) conceptTotal {
	return conceptTotal{n: t.n + n, cents: t.cents + cents}
}

// pagoGroup is one (sede, concepto) group of payments.
type pagoGroup struct {
	Concepto string `db:"concepto"`
	N        int64  `db:"n"`
	Cents    int64  `db:"cents"`
	Mes      int64  `db:"mes"`
}

// pagos reads the non-voided payments once, in the order of the covering (sede,
// concepto, estado, fecha_pago, monto) index, so that grouping by (sede, concepto)
// streams without sorting: per concepto the count, the total and this month's total,
// in integer céntimos. fecha_pago is an instant, so "this month" is bounded by the Lima
// month's UTC instants.
func (q *querier) pagos(d *Dashboard) error {
	const cents = "CAST(ROUND(p.monto * 100) AS INTEGER)"
	where, params := q.inSQL("p.sede")
	params["ini"], params["fin"] = q.p.monthStartTS, q.p.nextMonthTS
	var rows []pagoGroup
	err := q.app.DB().NewQuery(`
		SELECT p.concepto, COUNT(*) AS n, SUM(` + cents + `) AS cents,
		       COALESCE(SUM(CASE WHEN p.fecha_pago >= {:ini} AND p.fecha_pago < {:fin} THEN ` + cents + ` END), 0) AS mes
		FROM pagos p WHERE ` + where + ` AND p.estado != 'Anulado'
		GROUP BY p.sede, p.concepto`).Bind(params).All(&rows)
	if err != nil {
		return err
	}
	var total, mes int64
	sinConcepto := false
	byConcepto := map[string]conceptTotal{}
	for _, r := range rows {
		total += r.Cents
		mes += r.Mes
		if r.Concepto == "" {
			sinConcepto = true
			continue
		}
		byConcepto[r.Concepto] = byConcepto[r.Concepto].add(r.N, r.Cents)
	}
	if sinConcepto {
		// Payments stored without concepto (the payment hooks always set one) take their cuota's.
		if err := q.sinConcepto(where, params, byConcepto); err != nil {
			return err
		}
	}
	d.Recaudado, d.RecaudadoMes = soles(total), soles(mes)
	for c, t := range byConcepto {
		d.PagosPorConcepto = append(d.PagosPorConcepto, Concepto{Concepto: c, Cantidad: int(t.n), Total: soles(t.cents)})
	}
	slices.SortFunc(d.PagosPorConcepto, func(a, b Concepto) int { // highest total first
		return cmp.Or(cmp.Compare(b.Total, a.Total), cmp.Compare(a.Concepto, b.Concepto))
	})
	return nil
}

func (q *querier) sinConcepto(where string, params dbx.Params, into map[string]conceptTotal) error {
	var rows []pagoGroup
	err := q.app.DB().NewQuery(`
		SELECT COALESCE(c.concepto, '') AS concepto, COUNT(*) AS n, SUM(CAST(ROUND(p.monto * 100) AS INTEGER)) AS cents
		FROM pagos p LEFT JOIN cuotas c ON c.id = p.cuota
		WHERE ` + where + ` AND p.estado != 'Anulado' AND p.concepto = '' GROUP BY 1`).Bind(params).All(&rows)
	for _, r := range rows {
		into[r.Concepto] = into[r.Concepto].add(r.N, r.Cents)
	}
	return err
}

func (q *querier) deuda(d *Dashboard) error {
	var total int64
	err := q.app.DB().Select("COALESCE(SUM(MAX(CAST(ROUND(c.monto * 100) AS INTEGER) - CAST(ROUND(c.pagado * 100) AS INTEGER), 0)), 0)").
		// matrículas of the sedes first, then their overdue cuotas from the covering
		// (matricula, estado, vencimiento, monto, pagado) index.
		From("matriculas m").InnerJoin("cuotas c", dbx.NewExp("c.matricula = m.id")).
		Where(dbx.In("c.estado", "Pendiente", "Parcial")).
		AndWhere(dbx.NewExp("c.vencimiento < {:hoy}", dbx.Params{"hoy": q.p.today})).
		AndWhere(q.in("m.sede")).Row(&total)
	d.DeudaVencida = soles(total)
	return err
}
