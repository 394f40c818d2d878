package sgultest

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/finance"
	"sgul/internal/schedule"
)

// cents is the SQL expression of a money column in integer céntimos.
const cents = "CAST(ROUND(monto*100) AS INTEGER)"

// CheckMoneyInvariants recomputes every derived money figure of app from its source rows,
// in integer céntimos, and reports each difference with t.Errorf:
//   - per sede, the ingresos of origen Pago/Anulación add up to the registered pagos;
//   - every pago has exactly one Pago ingreso (same sede and amount, dated the Lima date of
//     fecha_pago) and, once voided, exactly one negative Anulación ingreso; no such
//     ingreso lacks its pago;
//   - every cuota's pagado is the sum of its registered pagos, never above its monto, and
//     its estado agrees with both;
//   - saldos_mensuales equals a GROUP BY of ingresos and gastos;
//   - finance.ComputeBalance equals a direct sum of the ledger, for whole and partial months.
func CheckMoneyInvariants(t testing.TB, app core.App) {
	t.Helper()
	inv := &invariants{t: t, app: app}
	inv.pagosBooked()
	inv.cuotasPaid()
	inv.monthlyTotals()
	inv.balances()
}

type invariants struct {
	t   testing.TB
	app core.App
}

func (inv *invariants) query(dst any, sql string, params dbx.Params) bool {
	inv.t.Helper()
	if err := inv.app.DB().NewQuery(sql).Bind(params).All(dst); err != nil {
		inv.t.Errorf("invariants: %s: %v", sql, err)
		return false
	}
	return true
}

type pagoRow struct {
	ID        string `db:"id"`
	Sede      string `db:"sede"`
	Cuota     string `db:"cuota"`
	Estado    string `db:"estado"`
	Monto     int64  `db:"monto"`
	FechaPago string `db:"fecha_pago"`
}

type bookedRow struct {
	ID     string `db:"id"`
	Pago   string `db:"pago"`
	Origen string `db:"origen"`
	Sede   string `db:"sede"`
	Monto  int64  `db:"monto"`
	Fecha  string `db:"fecha"`
}

func (inv *invariants) pagosBooked() {
	t := inv.t
	t.Helper()
	var pagos []pagoRow
	var booked []bookedRow
	if !inv.query(&pagos, "SELECT id, sede, cuota, estado, "+cents+" AS monto, fecha_pago FROM pagos", nil) ||
		!inv.query(&booked, "SELECT id, pago, origen, sede, "+cents+" AS monto, substr(fecha,1,10) AS fecha FROM ingresos WHERE origen IN ('Pago','Anulación') OR pago != ''", nil) {
		return
	}

	bySede := map[string][2]int64{} // sede -> {registered pagos, booked ingresos}
	rows := map[string][]bookedRow{}
	for _, b := range booked {
		rows[b.Pago] = append(rows[b.Pago], b)
		s := bySede[b.Sede]
		s[1] += b.Monto
		bySede[b.Sede] = s
	}
	known := map[string]bool{}
	for _, p := range pagos {
		known[p.ID] = true
		if p.Estado == "Registrado" {
			s := bySede[p.Sede]
			s[0] += p.Monto
			bySede[p.Sede] = s
		}
		var pago, anul []bookedRow
		for _, b := range rows[p.ID] {
			switch b.Origen {
			case finance.OrigenPago:
				pago = append(pago, b)
			case finance.OrigenAnulacion:
				anul = append(anul, b)
			default:
				t.Errorf("invariants: ingreso %s of pago %s has origen %q", b.ID, p.ID, b.Origen)
			}
		}
		if len(pago) != 1 {
			t.Errorf("invariants: pago %s has %d ingresos of origen Pago, want 1", p.ID, len(pago))
		} else {
			fecha := ""
			if dt := parseDateTime(p.FechaPago); !dt.IsZero() {
				fecha = schedule.LimaDate(dt)
			}
			if b := pago[0]; b.Monto != p.Monto || b.Sede != p.Sede || b.Fecha != fecha {
				t.Errorf("invariants: ingreso %s books %d céntimos in sede %s on %s; pago %s is %d in sede %s on %s (Lima)",
					b.ID, b.Monto, b.Sede, b.Fecha, p.ID, p.Monto, p.Sede, fecha)
			}
		}
		wantAnul := 0
		if p.Estado == "Anulado" {
			wantAnul = 1
		}
		if len(anul) != wantAnul {
			t.Errorf("invariants: pago %s (%s) has %d ingresos of origen Anulación, want %d", p.ID, p.Estado, len(anul), wantAnul)
		} else if wantAnul == 1 && (anul[0].Monto != -p.Monto || anul[0].Sede != p.Sede) {
			t.Errorf("invariants: reversal %s is %d céntimos in sede %s; pago %s is %d in sede %s", anul[0].ID, anul[0].Monto, anul[0].Sede, p.ID, p.Monto, p.Sede)
		}
	}
	for pago, bs := range rows {
		if !known[pago] {
			for _, b := range bs {
				t.Errorf("invariants: ingreso %s (origen %s) points to missing pago %q", b.ID, b.Origen, pago)
			}
		}
	}
	for sede, s := range bySede {
		if s[0] != s[1] {
			t.Errorf("invariants: sede %s: registered pagos %d céntimos, ingresos of origen Pago/Anulación %d", sede, s[0], s[1])
		}
	}
}

func (inv *invariants) cuotasPaid() {
	t := inv.t
	t.Helper()
	var cuotas []struct {
		ID     string `db:"id"`
		Estado string `db:"estado"`
		Monto  int64  `db:"monto"`
		Pagado int64  `db:"pagado"`
		Sum    int64  `db:"suma"`
	}
	if !inv.query(&cuotas, `SELECT c.id, c.estado, CAST(ROUND(c.monto*100) AS INTEGER) AS monto,
		CAST(ROUND(c.pagado*100) AS INTEGER) AS pagado,
		(SELECT COALESCE(SUM(CAST(ROUND(p.monto*100) AS INTEGER)),0) FROM pagos p WHERE p.cuota = c.id AND p.estado = 'Registrado') AS suma
		FROM cuotas c`, nil) {
		return
	}
	for _, c := range cuotas {
		if c.Pagado != c.Sum {
			t.Errorf("invariants: cuota %s pagado %d céntimos, its registered pagos add up to %d", c.ID, c.Pagado, c.Sum)
		}
		if c.Pagado > c.Monto {
			t.Errorf("invariants: cuota %s paid %d céntimos of %d", c.ID, c.Pagado, c.Monto)
		}
		want := "Pendiente"
		switch {
		case c.Estado == "Anulada" && c.Pagado == 0:
			want = "Anulada"
		case c.Pagado >= c.Monto:
			want = "Pagada"
		case c.Pagado > 0:
			want = "Parcial"
		}
		if c.Estado != want {
			t.Errorf("invariants: cuota %s is %s with %d of %d céntimos paid, want %s", c.ID, c.Estado, c.Pagado, c.Monto, want)
		}
	}
}

type monthKey struct {
	Sede      string
	Anio, Mes int
}

type monthSums struct{ Ing, Gas, N int64 }

func (inv *invariants) monthlyTotals() {
	t := inv.t
	t.Helper()
	want := map[monthKey]monthSums{}
	for _, coll := range []string{finance.Ingresos, finance.Gastos} {
		var rows []struct {
			Sede  string `db:"sede"`
			Anio  int    `db:"anio"`
			Mes   int    `db:"mes"`
			Total int64  `db:"total"`
			N     int64  `db:"n"`
		}
		if !inv.query(&rows, `SELECT sede, CAST(substr(fecha,1,4) AS INTEGER) AS anio, CAST(substr(fecha,6,2) AS INTEGER) AS mes,
			SUM(`+cents+`) AS total, COUNT(*) AS n FROM `+coll+` GROUP BY sede, anio, mes`, nil) {
			return
		}
		for _, r := range rows {
			k := monthKey{r.Sede, r.Anio, r.Mes}
			s := want[k]
			if coll == finance.Ingresos {
				s.Ing += r.Total
			} else {
				s.Gas += r.Total
			}
			s.N += r.N
			want[k] = s
		}
	}
	var saldos []struct {
		Sede string `db:"sede"`
		Anio int    `db:"anio"`
		Mes  int    `db:"mes"`
		Ing  int64  `db:"ingresos_centimos"`
		Gas  int64  `db:"gastos_centimos"`
		N    int64  `db:"movimientos"`
	}
	if !inv.query(&saldos, "SELECT sede, anio, mes, ingresos_centimos, gastos_centimos, movimientos FROM saldos_mensuales", nil) {
		return
	}
	got := map[monthKey]monthSums{}
	for _, s := range saldos {
		k := monthKey{s.Sede, s.Anio, s.Mes}
		if _, dup := got[k]; dup {
			t.Errorf("invariants: saldos_mensuales has two rows for %+v", k)
		}
		if s.Ing != 0 || s.Gas != 0 || s.N != 0 { // emptied months may keep a zero row
			got[k] = monthSums{s.Ing, s.Gas, s.N}
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("invariants: saldos_mensuales %+v = %+v, ledger GROUP BY gives %+v", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("invariants: saldos_mensuales %+v = %+v, but the ledger has no rows there", k, g)
		}
	}
}

// balances compares finance.ComputeBalance with a direct sum of the ledger over periods of
// whole months (read from the totals table) and of partial months (summed from the rows).
func (inv *invariants) balances() {
	t := inv.t
	t.Helper()
	var sedes []string
	if err := inv.app.DB().Select("id").From("sedes").Column(&sedes); err != nil {
		t.Errorf("invariants: sedes: %v", err)
		return
	}
	var span struct {
		Min string `db:"lo"`
		Max string `db:"hi"`
	}
	if err := inv.app.DB().NewQuery(`SELECT COALESCE(MIN(d),'') AS lo, COALESCE(MAX(d),'') AS hi FROM
		(SELECT substr(fecha,1,10) AS d FROM ingresos UNION ALL SELECT substr(fecha,1,10) FROM gastos)`).One(&span); err != nil {
		t.Errorf("invariants: ledger span: %v", err)
		return
	}
	lo, err1 := time.Parse(time.DateOnly, span.Min)
	hi, err2 := time.Parse(time.DateOnly, span.Max)
	if err1 != nil || err2 != nil {
		lo, _ = time.Parse(time.DateOnly, finance.Today())
		hi = lo
	}
	first := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(hi.Year(), hi.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	periods := [][2]time.Time{
		{first, last}, // whole months only
		{lo, hi},      // exactly the ledger's span
		{first.AddDate(0, 0, 14), last.AddDate(0, 0, -9)}, // partial months at both ends
		{lo.AddDate(0, 0, 1), lo.AddDate(0, 0, 1)},        // a single day
	}
	for _, p := range periods {
		if p[1].Before(p[0]) {
			continue
		}
		inv.balance(sedes, p[0].Format(time.DateOnly), p[1].Format(time.DateOnly))
	}
}

func (inv *invariants) balance(sedes []string, desde, hasta string) {
	t := inv.t
	t.Helper()
	b, err := finance.ComputeBalance(inv.app, sedes, desde, hasta)
	if err != nil {
		t.Errorf("invariants: ComputeBalance %s..%s: %v", desde, hasta, err)
		return
	}
	to, _ := time.Parse(time.DateOnly, hasta)
	params := dbx.Params{"lo": desde, "hi": to.AddDate(0, 0, 1).Format(time.DateOnly)}
	type cell struct{ sede, mes string }
	want := map[cell][2]int64{}
	for i, coll := range []string{finance.Ingresos, finance.Gastos} {
		var rows []struct {
			Sede  string `db:"sede"`
			Mes   string `db:"mes"`
			Total int64  `db:"total"`
		}
		if !inv.query(&rows, "SELECT sede, substr(fecha,1,7) AS mes, SUM("+cents+") AS total FROM "+coll+
			" WHERE fecha >= {:lo} AND fecha < {:hi} GROUP BY sede, mes", params) {
			return
		}
		for _, r := range rows {
			c := want[cell{r.Sede, r.Mes}]
			c[i] += r.Total
			want[cell{r.Sede, r.Mes}] = c
		}
	}
	where := fmt.Sprintf("ComputeBalance %s..%s", desde, hasta)
	check := func(what string, f finance.Flow, ing, gas int64) {
		t.Helper()
		if int64(f.Ingresos) != ing || int64(f.Gastos) != gas || int64(f.Balance) != ing-gas {
			t.Errorf("invariants: %s %s = %d/%d/%d céntimos, direct sum gives %d/%d/%d", where, what,
				f.Ingresos, f.Gastos, f.Balance, ing, gas, ing-gas)
		}
	}
	if len(b.Sedes) != len(sedes) {
		t.Errorf("invariants: %s answers %d sedes, want %d", where, len(b.Sedes), len(sedes))
	}
	var totIng, totGas int64
	global := map[string][2]int64{}
	seen := map[cell]bool{}
	for _, sb := range b.Sedes {
		var ing, gas int64
		for _, mf := range sb.Mensual {
			c := want[cell{sb.SedeID, mf.Mes}]
			seen[cell{sb.SedeID, mf.Mes}] = true
			check("sede "+sb.SedeID+" mes "+mf.Mes, mf.Flow, c[0], c[1])
			ing, gas = ing+c[0], gas+c[1]
			g := global[mf.Mes]
			g[0], g[1] = g[0]+c[0], g[1]+c[1]
			global[mf.Mes] = g
		}
		check("sede "+sb.SedeID, sb.Flow, ing, gas)
		totIng, totGas = totIng+ing, totGas+gas
	}
	for c, v := range want {
		if !seen[c] && (v[0] != 0 || v[1] != 0) {
			t.Errorf("invariants: %s misses sede %s mes %s (%d/%d céntimos)", where, c.sede, c.mes, v[0], v[1])
		}
	}
	check("totales", b.Totales, totIng, totGas)
	for _, mf := range b.Mensual {
		g := global[mf.Mes]
		check("mensual "+mf.Mes, mf.Flow, g[0], g[1])
	}
}

// parseDateTime reads a stored PocketBase datetime ("2006-01-02 15:04:05.000Z").
func parseDateTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.000Z", "2006-01-02 15:04:05Z", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
