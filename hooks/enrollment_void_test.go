package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/audit"
	"sgul/internal/enrollment"
	"sgul/internal/finance"
)

// voidPago voids a pago from Go code as finanzas, or fails the test.
func voidPago(t testing.TB, app core.App, id, motivo string) {
	t.Helper()
	f := emFixture(t)
	actor := audit.ActorFromAuth(emRecord(t, app, "users", f.Users["finanzas"]))
	if _, err := enrollment.VoidPago(app, id, motivo, actor); err != nil {
		t.Fatalf("void %s: %v", id, err)
	}
}

// checkVoided verifies a voided pago: its reversal, its re-opened cuota and its audit row.
func checkVoided(t testing.TB, app core.App, pagoID, motivo, usuario string, cuotaPagado int64, cuotaEstado string) {
	t.Helper()
	p := emRecord(t, app, "pagos", pagoID)
	if p.GetString("estado") != "Anulado" || p.GetString("motivo_anulacion") != motivo || p.GetString("anulado_por") != usuario ||
		p.GetDateTime("anulado_en").IsZero() {
		t.Errorf("pago estado=%s motivo=%q anulado_por=%s anulado_en=%v", p.GetString("estado"), p.GetString("motivo_anulacion"),
			p.GetString("anulado_por"), p.GetDateTime("anulado_en"))
	}
	orig := emFind(t, app, "ingresos", "pago = {:p} && origen = 'Pago'", dbx.Params{"p": pagoID})
	rev := emFind(t, app, "ingresos", "pago = {:p} && origen = 'Anulación'", dbx.Params{"p": pagoID})
	if len(orig) != 1 || len(rev) != 1 {
		t.Fatalf("pago %s has %d Pago and %d Anulación ingresos, want 1 and 1", pagoID, len(orig), len(rev))
	}
	r := rev[0]
	if emCents(r, "monto") != -emCents(p, "monto") || finance.DateOf(r, "fecha") != finance.Today() || r.GetString("sede") != p.GetString("sede") ||
		r.GetString("concepto") != "Anulación: "+orig[0].GetString("concepto") || r.GetString("registrado_por") != usuario {
		t.Errorf("reversal monto=%d fecha=%s sede=%s concepto=%q registrado_por=%s", emCents(r, "monto"), finance.DateOf(r, "fecha"),
			r.GetString("sede"), r.GetString("concepto"), r.GetString("registrado_por"))
	}
	if emCents(orig[0], "monto") != emCents(p, "monto") {
		t.Errorf("the original ingreso changed: %d", emCents(orig[0], "monto"))
	}
	c := emRecord(t, app, "cuotas", p.GetString("cuota"))
	if emCents(c, "pagado") != cuotaPagado || c.GetString("estado") != cuotaEstado {
		t.Errorf("cuota pagado=%d estado=%s, want %d %s", emCents(c, "pagado"), c.GetString("estado"), cuotaPagado, cuotaEstado)
	}
	var anular int
	for _, a := range emAudit(t, app, "pagos", pagoID) {
		if a.GetString("accion") == "anular" && a.GetString("usuario") == usuario && strings.Contains(a.GetString("antes"), "Registrado") {
			anular++
		}
	}
	if anular != 1 {
		t.Errorf("audit rows 'anular' by %s = %d, want 1", usuario, anular)
	}
}

func TestVoidPago(t *testing.T) {
	f := emFixture(t)
	const pagoID, pagoB = "pagoanular00001", "pagoanularb0001"
	url := "/api/pagos/" + pagoID + "/anular"
	withPago := func(t testing.TB, app *tests.TestApp) {
		emPago(t, app, pagoID, f.CuotaPen1, 100, "2026-01-10 15:00:00.000Z")
	}
	refused := func(name, actor string, body any, status int, content ...string) emCase {
		return emCase{Name: name, URL: url, Actor: actor, Body: body, Status: status, Content: content, Unchanged: true, Before: withPago,
			Events: map[string]int{"*": 0}}
	}
	motivo := map[string]any{"motivo": "Voucher duplicado"}
	emRun(t, f.Fixture, []emCase{
		{
			Name: "finanzas voids: Anulado, negative reversal dated today, cuota re-opened, audit", URL: url, Actor: "finanzas",
			Body: motivo, Status: 200, Before: withPago,
			Events:  map[string]int{"OnRecordAfterCreateError": 0, "OnRecordAfterUpdateError": 0, "OnRecordDelete": 0},
			Content: []string{`"estado":"Anulado"`, `"motivo_anulacion":"Voucher duplicado"`, `"id":"` + pagoID + `"`},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				checkVoided(t, app, pagoID, "Voucher duplicado", f.Users["finanzas"], 0, "Pendiente")
			},
		},
		{
			Name: "voiding one of two pagos leaves the cuota Parcial", URL: url, Actor: "finanzas", Body: motivo, Status: 200,
			Content: []string{`"estado":"Anulado"`},
			Before: func(t testing.TB, app *tests.TestApp) {
				withPago(t, app)
				emPago(t, app, "", f.CuotaPen1, 50, "") // the cuota is Pagada now
			},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				checkVoided(t, app, pagoID, "Voucher duplicado", f.Users["finanzas"], 5000, "Parcial")
			},
		},
		{
			Name: "admin voids a pago of sede B", URL: "/api/pagos/" + pagoB + "/anular", Actor: "admin", Body: motivo, Status: 200,
			Content: []string{`"estado":"Anulado"`},
			Before:  func(t testing.TB, app *tests.TestApp) { emPago(t, app, pagoB, f.CuotaCursoB, 150, "") },
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				checkVoided(t, app, pagoB, "Voucher duplicado", f.Users["admin"], 0, "Pendiente")
			},
		},
		{
			Name: "a voided cuota can be paid again", URL: pagosURL, Actor: "finanzas", Body: pagoBody(f, map[string]any{"monto": 150}),
			Status: 200, Content: []string{`"estado":"Registrado"`},
			Before: func(t testing.TB, app *tests.TestApp) {
				withPago(t, app)
				voidPago(t, app, pagoID, "Monto equivocado")
			},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				c := emRecord(t, app, "cuotas", f.CuotaPen1)
				if emCents(c, "pagado") != 15000 || c.GetString("estado") != "Pagada" {
					t.Errorf("cuota pagado=%d %s", emCents(c, "pagado"), c.GetString("estado"))
				}
			},
		},
		{
			Name: "a second void is a conflict", URL: url, Actor: "finanzas", Body: motivo, Status: 409, Unchanged: true,
			Content: []string{"El pago ya está anulado."},
			Before: func(t testing.TB, app *tests.TestApp) {
				withPago(t, app)
				voidPago(t, app, pagoID, "Primera anulación")
			},
		},
		refused("missing motivo", "finanzas", map[string]any{}, 400, `"motivo"`, "Indique el motivo de la anulación"),
		refused("blank motivo", "finanzas", map[string]any{"motivo": "   "}, 400, `"motivo"`),
		refused("motivo too long", "finanzas", map[string]any{"motivo": strings.Repeat("x", 501)}, 400, `"motivo"`),
		refused("bad JSON", "finanzas", `{"motivo":`, 400, "Los datos enviados no tienen un formato válido."),
		refused("finanzas of another sede", "finanzasB", motivo, 404, "El pago no existe."),
		refused("the student", "alumno1", motivo, 403),
		refused("anonymous", "", motivo, 401),
		refused("role without pagos (ventas)", "ventas", motivo, 403),
		refused("inactive user", "inactive", motivo, 403),
		{Name: "unknown pago", URL: "/api/pagos/noexiste0000000/anular", Actor: "finanzas", Body: motivo, Status: 404,
			Content: []string{"El pago no existe."}, Unchanged: true},
	})
}
