package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/finance"
)

// balanceLedger books, through the production hooks, a small ledger in both sedes:
//
//	sede A  2026-01-20 ingreso 1000.00   2026-01-25 gasto 300.25
//	        2026-02-10 ingreso  250.50   2026-02-20 gasto  99.99
//	        2026-03-01 pago     150.00 (paid 2026-03-02T03:30Z)   2026-03-15 ingreso 0.01
//	sede B  2026-02-05 ingreso  500.00   2026-03-10 gasto  40.00
func balanceLedger(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	row := func(coll, sede, fecha string, monto float64) {
		emSave(t, app, coll, "", map[string]any{"sede": sede, "concepto": "Movimiento " + fecha, "monto": monto,
			"fecha": fecha + " 00:00:00.000Z", "origen": finance.OrigenManual})
	}
	row("ingresos", f.SedeA, "2026-01-20", 1000)
	row("gastos", f.SedeA, "2026-01-25", 300.25)
	row("ingresos", f.SedeA, "2026-02-10", 250.5)
	row("gastos", f.SedeA, "2026-02-20", 99.99)
	emPago(t, app, "pagobalance0001", f.CuotaPen1, 150, "2026-03-02 03:30:00.000Z")
	row("ingresos", f.SedeA, "2026-03-15", 0.01)
	row("ingresos", f.SedeB, "2026-02-05", 500)
	row("gastos", f.SedeB, "2026-03-10", 40)
}

func TestBalance(t *testing.T) {
	f := emFixture(t)
	q1 := "?desde=2026-01-01&hasta=2026-03-31"
	sedeA := `"sede_id":"` + f.SedeA + `","nombre":"Arequipa Virtual","ingresos":1400.51,"gastos":400.24,"balance":1000.27`
	sedeB := `"sede_id":"` + f.SedeB + `","nombre":"Sede Principal Pedregal","ingresos":500.00,"gastos":40.00,"balance":460.00`
	monthsA := []string{
		`"mensual":[{"mes":"2026-01","ingresos":1000.00,"gastos":300.25,"balance":699.75},{"mes":"2026-02","ingresos":250.50,"gastos":99.99,"balance":150.51},{"mes":"2026-03","ingresos":150.01,"gastos":0.00,"balance":150.01}]`,
	}
	monthsB := `"mensual":[{"mes":"2026-01","ingresos":0.00,"gastos":0.00,"balance":0.00},{"mes":"2026-02","ingresos":500.00,"gastos":0.00,"balance":500.00},{"mes":"2026-03","ingresos":0.00,"gastos":40.00,"balance":-40.00}]`
	get := func(name, url, actor string, status int, content, notContent []string) emCase {
		return emCase{Name: name, Method: http.MethodGet, URL: url, Actor: actor, Status: status, Content: content,
			NotContent: notContent, Before: balanceLedger, Unchanged: true, Events: map[string]int{"*": 0}}
	}
	onlyA := append([]string{`"moneda":"PEN"`, `"desde":"2026-01-01","hasta":"2026-03-31"`, sedeA,
		`"totales":{"ingresos":1400.51,"gastos":400.24,"balance":1000.27}`}, monthsA...)
	notB := []string{f.SedeB, "Pedregal", "500.00"}
	emRun(t, f.Fixture, []emCase{
		get("finanzas, own sede", "/api/finanzas/balance/"+q1+"&sede_id="+f.SedeA, "finanzas", 200, onlyA, notB),
		get("finanzas without sede_id sees only its sede", "/api/finanzas/balance/"+q1, "finanzas", 200, onlyA, notB),
		get("without the trailing slash", "/api/finanzas/balance"+q1, "finanzas", 200, onlyA, notB),
		get("finanzasB sees only sede B", "/api/finanzas/balance"+q1, "finanzasB", 200,
			[]string{sedeB, monthsB, `"totales":{"ingresos":500.00,"gastos":40.00,"balance":460.00}`}, []string{f.SedeA, "Arequipa", "1400.51"}),
		get("admin sees both sedes and their sum", "/api/finanzas/balance/"+q1, "admin", 200,
			[]string{sedeA, sedeB, `"totales":{"ingresos":1900.51,"gastos":440.24,"balance":1460.27}`,
				`"mensual":[{"mes":"2026-01","ingresos":1000.00,"gastos":300.25,"balance":699.75},{"mes":"2026-02","ingresos":750.50,"gastos":99.99,"balance":650.51},{"mes":"2026-03","ingresos":150.01,"gastos":40.00,"balance":110.01}]}`}, nil),
		get("partial months at both ends are exact", "/api/finanzas/balance/?desde=2026-01-21&hasta=2026-03-01", "finanzas", 200,
			[]string{`"ingresos":400.50,"gastos":400.24,"balance":0.26`,
				`{"mes":"2026-01","ingresos":0.00,"gastos":300.25,"balance":-300.25}`,
				`{"mes":"2026-02","ingresos":250.50,"gastos":99.99,"balance":150.51}`,
				`{"mes":"2026-03","ingresos":150.00,"gastos":0.00,"balance":150.00}`}, notB),
		// most of a month asked for: month total minus the days left out
		get("month total minus a later gasto left out", "/api/finanzas/balance/?desde=2026-01-01&hasta=2026-01-24", "finanzas", 200,
			[]string{`"totales":{"ingresos":1000.00,"gastos":0.00,"balance":1000.00}`}, nil),
		get("month total minus an earlier ingreso left out (sede B)", "/api/finanzas/balance/?desde=2026-02-08&hasta=2026-02-28", "admin", 200,
			[]string{`"sede_id":"` + f.SedeB + `","nombre":"Sede Principal Pedregal","ingresos":0.00,"gastos":0.00,"balance":0.00`,
				`"totales":{"ingresos":250.50,"gastos":99.99,"balance":150.51}`}, nil),
		get("both edges by complement", "/api/finanzas/balance/?desde=2026-01-05&hasta=2026-03-20", "admin", 200,
			[]string{`"totales":{"ingresos":1900.51,"gastos":440.24,"balance":1460.27}`}, nil),
		get("a single day", "/api/finanzas/balance/?desde=2026-03-01&hasta=2026-03-01", "finanzas", 200,
			[]string{`"totales":{"ingresos":150.00,"gastos":0.00,"balance":150.00}`}, nil),
		get("a period without movements", "/api/finanzas/balance/?desde=2025-01-01&hasta=2025-12-31", "finanzas", 200,
			[]string{`"totales":{"ingresos":0.00,"gastos":0.00,"balance":0.00}`}, nil),
		get("without dates: the year so far", "/api/finanzas/balance/", "finanzas", 200,
			[]string{`"hasta":"` + finance.Today() + `"`, `"desde":"` + finance.Today()[:4] + `-01-01"`}, notB),
		{Name: "a voided pago counts back on the void date", Method: http.MethodGet, URL: "/api/finanzas/balance/?desde=2026-03-01&hasta=" + finance.Today(),
			Actor: "finanzas", Status: 200,
			Before: func(t testing.TB, app *tests.TestApp) {
				balanceLedger(t, app)
				voidPago(t, app, "pagobalance0001", "Pago duplicado")
			},
			Content: []string{`"totales":{"ingresos":0.01,"gastos":0.00,"balance":0.01}`}},
		get("finanzas asking for sede B", "/api/finanzas/balance/"+q1+"&sede_id="+f.SedeB, "finanzas", 403,
			[]string{"No tiene acceso a esta sede."}, notB),
		get("an unknown sede", "/api/finanzas/balance/"+q1+"&sede_id=noexiste0000000", "finanzas", 403, []string{`"status":403`}, nil),
		get("bad desde", "/api/finanzas/balance/?desde=2026-13-01&hasta=2026-03-31", "finanzas", 400,
			[]string{`"desde":{"code":"sgul_fecha","message":"Use el formato AAAA-MM-DD."}`}, nil),
		get("bad hasta", "/api/finanzas/balance/?desde=2026-01-01&hasta=ayer", "finanzas", 400,
			[]string{`"hasta":{"code":"sgul_fecha"`}, nil),
		get("both bad", "/api/finanzas/balance/?desde=01/01/2026&hasta=31/03/2026", "finanzas", 400,
			[]string{`"desde":`, `"hasta":`, "Parámetros inválidos."}, nil),
		get("hasta before desde", "/api/finanzas/balance/?desde=2026-03-31&hasta=2026-01-01", "finanzas", 400,
			[]string{"El periodo debe terminar después de empezar"}, nil),
		get("anonymous", "/api/finanzas/balance/"+q1, "", 401, []string{"Debe iniciar sesión"}, []string{"1400.51"}),
		get("a student", "/api/finanzas/balance/"+q1, "alumno1", 403, []string{"No tiene permiso"}, []string{"1400.51"}),
		get("role without finanzas (ventas)", "/api/finanzas/balance/"+q1, "ventas", 403, []string{"No tiene permiso"}, []string{"1400.51"}),
		get("role without finanzas (analista)", "/api/finanzas/balance/"+q1, "analista", 403, []string{`"status":403`}, nil),
		get("inactive user", "/api/finanzas/balance/"+q1, "inactive", 403, []string{`"status":403`}, nil),
	})
}
