package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/finance"
	"sgul/internal/sgultest"
)

// saldo returns a sede's monthly totals (ingresos, gastos, movimientos) in céntimos.
func saldo(t testing.TB, app core.App, sede string, anio, mes int) [3]int64 {
	t.Helper()
	var row struct {
		Ing int64 `db:"ingresos_centimos"`
		Gas int64 `db:"gastos_centimos"`
		N   int64 `db:"movimientos"`
	}
	err := app.DB().Select("ingresos_centimos", "gastos_centimos", "movimientos").From("saldos_mensuales").
		Where(dbx.HashExp{"sede": sede, "anio": anio, "mes": mes}).One(&row)
	if err != nil {
		return [3]int64{}
	}
	return [3]int64{row.Ing, row.Gas, row.N}
}

func TestLedgerManual(t *testing.T) {
	f := emFixture(t)
	ingURL, gasURL := "/api/collections/ingresos/records", "/api/collections/gastos/records"
	ingreso := func(extra map[string]any) map[string]any {
		return emMerge(map[string]any{"sede": f.SedeA, "concepto": "Venta de uniformes", "monto": 250.5, "fecha": "2026-02-10 00:00:00.000Z",
			"origen": "Manual"}, extra)
	}
	gasto := func(extra map[string]any) map[string]any {
		return emMerge(map[string]any{"sede": f.SedeA, "concepto": "Alquiler del local", "monto": 1200, "fecha": "2026-02-01 00:00:00.000Z",
			"categoria": "Alquiler", "origen": "Manual"}, extra)
	}
	manual := func(coll string, monto int64, want [3]int64) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			id, _ := emDecode(t, res)["id"].(string)
			r := emRecord(t, app, coll, id)
			if r.GetString("origen") != finance.OrigenManual || r.GetString("registrado_por") != f.Users["finanzas"] || emCents(r, "monto") != monto {
				t.Errorf("%s origen=%s registrado_por=%s monto=%d", coll, r.GetString("origen"), r.GetString("registrado_por"), emCents(r, "monto"))
			}
			if got := saldo(t, app, f.SedeA, 2026, 2); got != want {
				t.Errorf("saldos_mensuales A 2026-02 = %v, want %v", got, want)
			}
			if aud := emAudit(t, app, coll, id); len(aud) != 1 || aud[0].GetString("usuario") != f.Users["finanzas"] {
				t.Errorf("audit rows = %d", len(aud))
			}
		}
	}
	refused := func(name, url, actor string, body any, status int, content ...string) emCase {
		return emCase{Name: name, URL: url, Actor: actor, Body: body, Status: status, Content: content, Unchanged: true}
	}
	emRun(t, f.Fixture, []emCase{
		{Name: "finanzas records a manual ingreso of its sede", URL: ingURL, Actor: "finanzas", Body: ingreso(nil), Status: 200,
			Content: []string{`"origen":"Manual"`, `"monto":250.5`}, After: manual("ingresos", 25050, [3]int64{25050, 0, 1})},
		{Name: "finanzas records a manual gasto of its sede", URL: gasURL, Actor: "finanzas", Body: gasto(nil), Status: 200,
			Content: []string{`"origen":"Manual"`}, After: manual("gastos", 120000, [3]int64{0, 120000, 1})},
		{Name: "origen may be left out: it is Manual", URL: ingURL, Actor: "finanzas", Body: ingreso(map[string]any{"origen": nil}), Status: 200,
			Content: []string{`"origen":"Manual"`}, After: manual("ingresos", 25050, [3]int64{25050, 0, 1})},
		{Name: "registrado_por is the caller", URL: ingURL, Actor: "finanzas", Body: ingreso(map[string]any{"registrado_por": f.Users["admin"]}),
			Status: 200, Content: []string{`"origen":"Manual"`}, After: manual("ingresos", 25050, [3]int64{25050, 0, 1})},
		refused("an ingreso claiming origen Pago", ingURL, "finanzas", ingreso(map[string]any{"origen": "Pago"}), 400),
		refused("an ingreso claiming origen Anulación", ingURL, "finanzas", ingreso(map[string]any{"origen": "Anulación", "monto": -10}), 400),
		refused("an ingreso pointing to a pago", ingURL, "admin", ingreso(map[string]any{"pago": "pagoinexist0001"}), 400),
		refused("a gasto claiming origen Planilla", gasURL, "finanzas", gasto(map[string]any{"origen": "Planilla"}), 400),
		refused("finanzas cannot write in sede B", ingURL, "finanzas", ingreso(map[string]any{"sede": f.SedeB}), 400),
		refused("finanzas cannot spend in sede B", gasURL, "finanzas", gasto(map[string]any{"sede": f.SedeB}), 400),
		refused("finanzasB cannot write in sede A", ingURL, "finanzasB", ingreso(nil), 400),
		refused("role without finanzas (ventas)", ingURL, "ventas", ingreso(nil), 400),
		refused("the student", gasURL, "alumno1", gasto(nil), 400),
		refused("anonymous", ingURL, "", ingreso(nil), 400),
		refused("negative manual ingreso", ingURL, "finanzas", ingreso(map[string]any{"monto": -5}), 400, `"monto"`, "El monto debe ser mayor que cero."),
		refused("zero gasto", gasURL, "finanzas", gasto(map[string]any{"monto": 0}), 400, `"monto"`),
		refused("three decimals", ingURL, "finanzas", ingreso(map[string]any{"monto": 1.005}), 400, `"monto"`, "como máximo 2 decimales"),
		{Name: "without fecha the row is dated today (Lima)", URL: gasURL, Actor: "finanzas", Body: gasto(map[string]any{"fecha": ""}),
			Status: 200, Content: []string{`"fecha":"` + finance.Today() + ` 00:00:00.000Z"`}},
		refused("missing concepto", ingURL, "finanzas", ingreso(map[string]any{"concepto": ""}), 400, `"concepto"`),
		refused("bad JSON", ingURL, "finanzas", `{"monto":`, 400),
	})
}

func TestLedgerManualChanges(t *testing.T) {
	f := emFixture(t)
	const manualID = "ingmanual000001"
	url := "/api/collections/ingresos/records/" + manualID
	withManual := func(t testing.TB, app *tests.TestApp) {
		emSave(t, app, "ingresos", manualID, map[string]any{"sede": f.SedeA, "concepto": "Venta de libros", "monto": 100,
			"fecha": "2026-02-10 00:00:00.000Z", "origen": "Manual"})
	}
	expect := func(month int, want [3]int64) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if got := saldo(t, app, f.SedeA, 2026, month); got != want {
				t.Errorf("saldos_mensuales A 2026-%02d = %v, want %v", month, got, want)
			}
		}
	}
	refused := func(name, method, actor string, body any, status int, content ...string) emCase {
		return emCase{Name: name, Method: method, URL: url, Actor: actor, Body: body, Status: status, Content: content,
			Unchanged: true, Before: withManual}
	}
	emRun(t, f.Fixture, []emCase{
		{Name: "a new monto moves the monthly totals", Method: http.MethodPatch, URL: url, Actor: "finanzas", Body: map[string]any{"monto": 300.25},
			Status: 200, Before: withManual, Content: []string{`"monto":300.25`}, After: expect(2, [3]int64{30025, 0, 1})},
		{Name: "a new fecha moves the row to another month", Method: http.MethodPatch, URL: url, Actor: "finanzas",
			Body: map[string]any{"fecha": "2026-03-31 00:00:00.000Z"}, Status: 200, Before: withManual, Content: []string{`"fecha":"2026-03-31`},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				expect(2, [3]int64{})(t, app, res)
				expect(3, [3]int64{10000, 0, 1})(t, app, res)
			}},
		{Name: "deleting a manual row removes it from the totals", Method: http.MethodDelete, URL: url, Actor: "finanzas", Status: 204,
			Before: withManual, After: expect(2, [3]int64{})},
		refused("moving the row to sede B", http.MethodPatch, "finanzas", map[string]any{"sede": f.SedeB}, 404),
		refused("turning it into a Pago row", http.MethodPatch, "finanzas", map[string]any{"origen": "Pago"}, 404),
		refused("a negative monto", http.MethodPatch, "finanzas", map[string]any{"monto": -1}, 400, `"monto"`),
		refused("finanzas of another sede cannot edit", http.MethodPatch, "finanzasB", map[string]any{"monto": 1}, 404),
		refused("finanzas of another sede cannot delete", http.MethodDelete, "finanzasB", nil, 404),
		refused("ventas cannot edit", http.MethodPatch, "ventas", map[string]any{"monto": 1}, 404),
		refused("the student cannot edit", http.MethodPatch, "alumno1", map[string]any{"monto": 1}, 404),
		refused("anonymous cannot delete", http.MethodDelete, "", nil, 404),
		refused("bad JSON", http.MethodPatch, "finanzas", `{"monto":`, 400),
	})
}

// TestLedgerDerivedRowsReadOnly: the ingresos a pago or a void wrote cannot be edited or
// deleted, not even by a superuser.
func TestLedgerDerivedRowsReadOnly(t *testing.T) {
	f := emFixture(t)
	const pagoID, pagoRow, reversal = "pagoderivado001", "ingderivpago001", "ingderivanul001"
	state := func(t testing.TB, app *tests.TestApp) {
		// test-only: give the derived rows known ids so the URLs can name them
		app.OnRecordCreate(finance.Ingresos).BindFunc(func(e *core.RecordEvent) error {
			switch e.Record.GetString("origen") {
			case finance.OrigenPago:
				e.Record.Id = pagoRow
			case finance.OrigenAnulacion:
				e.Record.Id = reversal
			}
			return e.Next()
		})
		emPago(t, app, pagoID, f.CuotaPen1, 100, "")
		voidPago(t, app, pagoID, "Prueba")
	}
	readOnly := "Este movimiento se generó automáticamente"
	var cases []emCase
	for _, row := range []struct{ name, id string }{{"the pago's ingreso", pagoRow}, {"the reversal", reversal}} {
		url := "/api/collections/ingresos/records/" + row.id
		cases = append(cases,
			emCase{Name: "finanzas cannot edit " + row.name, Method: http.MethodPatch, URL: url, Actor: "finanzas",
				Body: map[string]any{"monto": 1}, Status: 404, Unchanged: true, Before: state},
			emCase{Name: "finanzas cannot relabel " + row.name + " as Manual", Method: http.MethodPatch, URL: url, Actor: "finanzas",
				Body: map[string]any{"origen": "Manual"}, Status: 404, Unchanged: true, Before: state},
			emCase{Name: "finanzas cannot delete " + row.name, Method: http.MethodDelete, URL: url, Actor: "finanzas",
				Status: 404, Unchanged: true, Before: state},
			emCase{Name: "superuser cannot edit " + row.name, Method: http.MethodPatch, URL: url, Actor: "superuser",
				Body: map[string]any{"concepto": "otro"}, Status: 400, Content: []string{readOnly}, Unchanged: true, Before: state},
			emCase{Name: "superuser cannot relabel " + row.name + " as Manual", Method: http.MethodPatch, URL: url, Actor: "superuser",
				Body: map[string]any{"origen": "Manual", "pago": ""}, Status: 400, Content: []string{readOnly}, Unchanged: true, Before: state},
			emCase{Name: "superuser cannot delete " + row.name, Method: http.MethodDelete, URL: url, Actor: "superuser",
				Status: 400, Content: []string{readOnly}, Unchanged: true, Before: state},
			emCase{Name: "finanzas can read " + row.name, Method: http.MethodGet, URL: url, Actor: "finanzas",
				Status: 200, Content: []string{`"id":"` + row.id + `"`}, Before: state},
		)
	}
	emRun(t, f.Fixture, cases)

	// Go code is held to the same rule.
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	state(t, app)
	before := emFingerprint(t, app)
	for _, id := range []string{pagoRow, reversal} {
		r := emRecord(t, app, finance.Ingresos, id)
		r.Set("monto", 1)
		if err := app.Save(r); err == nil {
			t.Errorf("Go code edited derived ingreso %s", id)
		}
		if err := app.Delete(emRecord(t, app, finance.Ingresos, id)); err == nil {
			t.Errorf("Go code deleted derived ingreso %s", id)
		}
	}
	emSame(t, before, emFingerprint(t, app))
	sgultest.CheckMoneyInvariants(t, app)
}
