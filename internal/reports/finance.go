package reports

import (
	"context"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/finance"
	"sgul/internal/money"
)

var balanceTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Mes", Kind: Text, Width: 10}, {Title: "Ingresos", Kind: Money, Width: 16},
	{Title: "Gastos", Kind: Money, Width: 16}, {Title: "Balance", Kind: Money, Width: 16},
}}

// genBalance writes the monthly balance of each sede (finance.ComputeBalance, the same
// figures as GET /api/finanzas/balance), a Total row per sede and, for several sedes, a
// Consolidado sheet.
func genBalance(ctx context.Context, app core.App, p Params, w Writer) error {
	b, err := finance.ComputeBalance(app, p.Sedes, p.Desde, p.Hasta)
	if err != nil {
		return err
	}
	flow := func(label string, f finance.Flow, total bool) error {
		vals := []any{label, money.Cents(f.Ingresos), money.Cents(f.Gastos), money.Cents(f.Balance)}
		if total {
			return w.Total(vals...)
		}
		return w.Row(vals...)
	}
	write := func(sheet string, months []finance.MonthFlow, tot finance.Flow) error {
		if err := w.Sheet(sheet); err != nil {
			return err
		}
		for _, m := range months {
			if err := flow(m.Mes, m.Flow, false); err != nil {
				return err
			}
		}
		return flow("Total", tot, true)
	}
	for _, s := range b.Sedes {
		if err := write(s.Nombre, s.Mensual, s.Flow); err != nil {
			return err
		}
	}
	if len(b.Sedes) > 1 {
		return write("Consolidado", b.Mensual, b.Totales)
	}
	return nil
}

var ingresosTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Fecha", Width: 12}, {Title: "Concepto", Width: 40}, {Title: "Origen", Width: 12},
	{Title: "Monto", Kind: Money, Width: 14}, {Title: "Registrado por", Width: 24},
}}

var gastosTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Fecha", Width: 12}, {Title: "Concepto", Width: 40}, {Title: "Categoría", Width: 18},
	{Title: "Origen", Width: 12}, {Title: "Monto", Kind: Money, Width: 14}, {Title: "Registrado por", Width: 24},
}}

type ledgerRow struct {
	Fecha     string `db:"fecha"`
	Concepto  string `db:"concepto"`
	Categoria string `db:"categoria"`
	Origen    string `db:"origen"`
	Centimos  int64  `db:"centimos"`
	Usuario   string `db:"usuario"`
}

func ledgerQuery(app core.App, coll string, sede string, p Params) *dbx.Query {
	categoria := "''"
	if coll == finance.Gastos {
		categoria = "x.categoria"
	}
	return app.DB().NewQuery(`SELECT substr(x.fecha, 1, 10) AS fecha, x.concepto, ` + categoria + ` AS categoria, x.origen,
		` + cents("x.monto") + ` AS centimos, COALESCE(u.nombre, '') AS usuario
	FROM ` + coll + ` x LEFT JOIN users u ON u.id = x.registrado_por
	WHERE x.sede = {:sede} AND x.fecha >= {:desde} AND x.fecha < {:hasta}
	ORDER BY x.fecha, x.id`).Bind(dbx.Params{"sede": sede, "desde": p.Desde, "hasta": dayAfter(p.Hasta)})
}

// genIngresos lists every ingreso of the period, one sheet per sede with its total.
func genIngresos(ctx context.Context, app core.App, p Params, w Writer) error {
	return perSede(app, p, w, func(s sedeRow) error {
		var total money.Cents
		err := each(ctx, ledgerQuery(app, finance.Ingresos, s.ID, p), func(r *ledgerRow) error {
			total += money.Cents(r.Centimos)
			return w.Row(r.Fecha, r.Concepto, r.Origen, money.Cents(r.Centimos), r.Usuario)
		})
		if err != nil {
			return err
		}
		return w.Total("Total", "", "", total, "")
	})
}

// genGastos lists every gasto of the period, one sheet per sede with its total.
func genGastos(ctx context.Context, app core.App, p Params, w Writer) error {
	return perSede(app, p, w, func(s sedeRow) error {
		var total money.Cents
		err := each(ctx, ledgerQuery(app, finance.Gastos, s.ID, p), func(r *ledgerRow) error {
			total += money.Cents(r.Centimos)
			return w.Row(r.Fecha, r.Concepto, r.Categoria, r.Origen, money.Cents(r.Centimos), r.Usuario)
		})
		if err != nil {
			return err
		}
		return w.Total("Total", "", "", "", total, "")
	})
}

var morosidadTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Programa", Width: 36}, {Title: "Alumnos con deuda vencida", Kind: Integer, Width: 16},
	{Title: "Cuotas vencidas", Kind: Integer, Width: 14}, {Title: "Deuda vencida", Kind: Money, Width: 16},
}}

type morosidadRow struct {
	Programa string `db:"programa"`
	Alumnos  int    `db:"alumnos"`
	Cuotas   int    `db:"cuotas"`
	Deuda    int64  `db:"deuda"`
}

const morosidadSQL = `SELECT COALESCE(p.nombre, '(sin programa)') AS programa, COUNT(DISTINCT m.alumno) AS alumnos,
	COUNT(*) AS cuotas, SUM(%[1]s - %[2]s) AS deuda
FROM cuotas c JOIN matriculas m ON m.id = c.matricula LEFT JOIN programas p ON p.id = m.programa
WHERE m.sede = {:sede} AND c.estado IN ('Pendiente', 'Parcial') AND c.vencimiento < {:corte} AND %[1]s > %[2]s
GROUP BY m.programa ORDER BY programa`

// genMorosidad aggregates the overdue debt at the end of the period (never after today)
// by sede and program: counts and amounts only, no list of debtors.
func genMorosidad(ctx context.Context, app core.App, p Params, w Writer) error {
	corte := p.Hasta
	if t := finance.Today(); corte > t {
		corte = t
	}
	q := fmt.Sprintf(morosidadSQL, cents("c.monto"), cents("c.pagado"))
	return perSede(app, p, w, func(s sedeRow) error {
		var total money.Cents
		var cuotas int
		err := each(ctx, app.DB().NewQuery(q).Bind(dbx.Params{"sede": s.ID, "corte": corte}), func(r *morosidadRow) error {
			total += money.Cents(r.Deuda)
			cuotas += r.Cuotas
			return w.Row(r.Programa, r.Alumnos, r.Cuotas, money.Cents(r.Deuda))
		})
		if err != nil {
			return err
		}
		var alumnos int
		err = app.DB().NewQuery(`SELECT COUNT(DISTINCT m.alumno) FROM cuotas c JOIN matriculas m ON m.id = c.matricula
			WHERE m.sede = {:sede} AND c.estado IN ('Pendiente', 'Parcial') AND c.vencimiento < {:corte} AND ` +
			cents("c.monto") + ` > ` + cents("c.pagado")).Bind(dbx.Params{"sede": s.ID, "corte": corte}).Row(&alumnos)
		if err != nil {
			return err
		}
		return w.Total("Total al "+corte, alumnos, cuotas, total)
	})
}
