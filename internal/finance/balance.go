package finance

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
)

// Amount is a soles amount written to JSON as an exact decimal number (e.g. 1234.50).
type Amount money.Cents

// MarshalJSON writes the amount as a JSON number with 2 decimals.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(money.Cents(a).String()), nil }

// Flow is income, expense and their difference.
type Flow struct {
	Ingresos Amount `json:"ingresos"`
	Gastos   Amount `json:"gastos"`
	Balance  Amount `json:"balance"`
}

func (f *Flow) add(ing, gas money.Cents) {
	f.Ingresos += Amount(ing)
	f.Gastos += Amount(gas)
	f.Balance = f.Ingresos - f.Gastos
}

// MonthFlow is one month of a sede's series.
type MonthFlow struct {
	Mes string `json:"mes"` // YYYY-MM
	Flow
}

// SedeBalance is one sede's balance for the period.
type SedeBalance struct {
	SedeID  string      `json:"sede_id"`
	Nombre  string      `json:"nombre"`
	Flow                // totals of the period
	Mensual []MonthFlow `json:"mensual"`
}

// Balance answers GET /api/finanzas/balance.
type Balance struct {
	Moneda  string        `json:"moneda"`
	Desde   string        `json:"desde"`
	Hasta   string        `json:"hasta"`
	Sedes   []SedeBalance `json:"sedes"`
	Totales Flow          `json:"totales"`
	Mensual []MonthFlow   `json:"mensual"`
}

var _ json.Marshaler = Amount(0)

// ComputeBalance sums the ledger of the given sedes between desde and hasta (inclusive
// YYYY-MM-DD Lima dates). Whole months come from saldos_mensuales (kept in the same
// transaction as every ledger write); the partial months at the edges of the period
// from the ledger rows (indexed by sede, fecha), directly or as total minus the days
// left out, whichever reads fewer days.
func ComputeBalance(app core.App, sedeIDs []string, desde, hasta string) (*Balance, error) {
	from, err := time.Parse("2006-01-02", desde)
	if err != nil {
		return nil, err
	}
	to, err := time.Parse("2006-01-02", hasta)
	if err != nil {
		return nil, err
	}
	out := &Balance{Moneda: "PEN", Desde: desde, Hasta: hasta, Sedes: []SedeBalance{}, Mensual: []MonthFlow{}}
	if len(sedeIDs) == 0 || to.Before(from) {
		return out, nil
	}

	type key struct{ sede, mes string }
	cells := map[key][2]money.Cents{}
	add := func(sede, mes string, ing, gas money.Cents) {
		c := cells[key{sede, mes}]
		c[0] += ing
		c[1] += gas
		cells[key{sede, mes}] = c
	}
	ids := make([]any, len(sedeIDs))
	for i, s := range sedeIDs {
		ids[i] = s
	}

	// A partial month is summed from the ledger rows of the days asked for, or, when
	// fewer days are left out than asked for, as the month's total minus the rows of the
	// days left out: the usual "this year to today" reads no rows at all (nothing is
	// dated after today), instead of every row of the month so far.
	sumRows := func(mes string, lo, hi time.Time, sign money.Cents) error {
		for _, coll := range []string{Ingresos, Gastos} {
			var rows []struct {
				Sede  string `db:"sede"`
				Total int64  `db:"total"`
			}
			err := app.DB().Select("sede", "COALESCE(SUM(CAST(ROUND(monto*100) AS INTEGER)),0) AS total").
				From(coll).
				Where(dbx.In("sede", ids...)).
				AndWhere(dbx.NewExp("fecha >= {:lo} AND fecha < {:hi}", dbx.Params{"lo": lo.Format("2006-01-02"), "hi": hi.AddDate(0, 0, 1).Format("2006-01-02")})).
				GroupBy("sede").All(&rows)
			if err != nil {
				return fmt.Errorf("balance %s: %w", coll, err)
			}
			for _, r := range rows {
				if coll == Ingresos {
					add(r.Sede, mes, sign*money.Cents(r.Total), 0)
				} else {
					add(r.Sede, mes, 0, sign*money.Cents(r.Total))
				}
			}
		}
		return nil
	}
	var months []string
	fromTotals := map[string]bool{} // months whose total is added below
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		mes := m.Format("2006-01")
		months = append(months, mes)
		monthEnd := m.AddDate(0, 1, -1)
		if !from.After(m) && !to.Before(monthEnd) {
			fromTotals[mes] = true // a whole month
			continue
		}
		lo, hi := maxDate(from, m), minDate(to, monthEnd)
		asked := int(hi.Sub(lo).Hours()/24) + 1
		if monthEnd.Day()-asked >= asked {
			if err := sumRows(mes, lo, hi, 1); err != nil {
				return nil, err
			}
			continue
		}
		fromTotals[mes] = true
		if lo.After(m) {
			if err := sumRows(mes, m, lo.AddDate(0, 0, -1), -1); err != nil {
				return nil, err
			}
		}
		if hi.Before(monthEnd) {
			if err := sumRows(mes, hi.AddDate(0, 0, 1), monthEnd, -1); err != nil {
				return nil, err
			}
		}
	}

	// Whole months: one indexed read of the totals table.
	var totals []struct {
		Sede string `db:"sede"`
		Anio int    `db:"anio"`
		Mes  int    `db:"mes"`
		Ing  int64  `db:"ingresos_centimos"`
		Gas  int64  `db:"gastos_centimos"`
	}
	err = app.DB().Select("sede", "anio", "mes", "ingresos_centimos", "gastos_centimos").From("saldos_mensuales").
		Where(dbx.In("sede", ids...)).
		AndWhere(dbx.NewExp("(anio*100+mes) BETWEEN {:a} AND {:b}", dbx.Params{"a": from.Year()*100 + int(from.Month()), "b": to.Year()*100 + int(to.Month())})).
		All(&totals)
	if err != nil {
		return nil, fmt.Errorf("balance totals: %w", err)
	}
	for _, t := range totals {
		mes := time.Date(t.Anio, time.Month(t.Mes), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
		if !fromTotals[mes] {
			continue // partial month summed from its rows
		}
		add(t.Sede, mes, money.Cents(t.Ing), money.Cents(t.Gas))
	}

	var names []struct {
		Id     string `db:"id"`
		Nombre string `db:"nombre"`
	}
	if err := app.DB().Select("id", "nombre").From("sedes").Where(dbx.In("id", ids...)).OrderBy("nombre").All(&names); err != nil {
		return nil, err
	}
	global := map[string]*MonthFlow{}
	for _, n := range names {
		sb := SedeBalance{SedeID: n.Id, Nombre: n.Nombre, Mensual: make([]MonthFlow, 0, len(months))}
		for _, mes := range months {
			c := cells[key{n.Id, mes}]
			mf := MonthFlow{Mes: mes}
			mf.add(c[0], c[1])
			sb.Mensual = append(sb.Mensual, mf)
			sb.add(c[0], c[1])
			g := global[mes]
			if g == nil {
				g = &MonthFlow{Mes: mes}
				global[mes] = g
			}
			g.add(c[0], c[1])
		}
		out.Totales.add(money.Cents(sb.Ingresos), money.Cents(sb.Gastos))
		out.Sedes = append(out.Sedes, sb)
	}
	for _, mes := range months {
		if g := global[mes]; g != nil {
			out.Mensual = append(out.Mensual, *g)
		} else {
			out.Mensual = append(out.Mensual, MonthFlow{Mes: mes})
		}
	}
	return out, nil
}

func maxDate(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
