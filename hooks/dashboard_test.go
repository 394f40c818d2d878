package hooks_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/audit"
	"sgul/internal/dashboard"
	"sgul/internal/enrollment"
	"sgul/internal/money"
	"sgul/internal/sgultest"
)

// acSeedMoney gives sede A a known money picture: Matrícula paid (100.00), Pensión 1
// partly paid (50.25), three payments of 0.10 on Pensión 3, one voided payment, and
// Pensión 2 overdue (150.00).
func acSeedMoney(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	emPago(t, app, "", f.CuotaMat1, 100, "")
	emPago(t, app, "", f.CuotaPen1, 50.25, "")
	for range 3 {
		emPago(t, app, "", f.CuotaPen3, 0.10, "")
	}
	voided := emPago(t, app, "", f.CuotaPen3, 20, "")
	if _, err := enrollment.VoidPago(app, voided.Id, "Registrado por error", audit.System); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Update("cuotas", dbx.Params{"vencimiento": "2025-01-05 00:00:00.000Z"}, dbx.HashExp{"id": f.CuotaPen2}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func acDashboard(t testing.TB, res *http.Response) dashboard.Dashboard {
	t.Helper()
	var d dashboard.Dashboard
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDashboard(t *testing.T) {
	f := emFixture(t)
	url := "/api/dashboard"
	get := func(name, u, actor string, status int, check func(testing.TB, dashboard.Dashboard)) emCase {
		c := emCase{Name: name, Method: http.MethodGet, URL: u, Actor: actor, Before: acSeedMoney, Status: status}
		if check != nil {
			c.After = func(t testing.TB, _ *tests.TestApp, res *http.Response) { check(t, acDashboard(t, res)) }
		}
		return c
	}
	sedeA := func(t testing.TB, d dashboard.Dashboard) {
		if d.Totales != (dashboard.Totales{Leads: 2, Alumnos: 1, Matriculas: 1, MatriculasActivas: 1}) || d.LeadsMes != 2 ||
			d.TasaConversion != 50 || d.TasaRetencion != 100 {
			t.Errorf("totals = %+v, leads_mes %d, conversion %v, retention %v", d.Totales, d.LeadsMes, d.TasaConversion, d.TasaRetencion)
		}
		if d.Recaudado != 150.55 || d.RecaudadoMes != 150.55 || d.DeudaVencida != 150 {
			t.Errorf("recaudado %v, mes %v, deuda vencida %v; want 150.55, 150.55, 150", d.Recaudado, d.RecaudadoMes, d.DeudaVencida)
		}
		want := []dashboard.Concepto{{Concepto: "Matrícula", Cantidad: 1, Total: 100}, {Concepto: "Pensión", Cantidad: 4, Total: 50.55}}
		if len(d.PagosPorConcepto) != 2 || d.PagosPorConcepto[0] != want[0] || d.PagosPorConcepto[1] != want[1] {
			t.Errorf("por concepto = %+v", d.PagosPorConcepto)
		}
		if len(d.TopProgramas) != 1 || d.TopProgramas[0].ID != f.Carrera || d.TopProgramas[0].Matriculas != 1 || d.TopProgramas[0].Nombre != "Enfermería" {
			t.Errorf("top programas = %+v", d.TopProgramas)
		}
		if len(d.Asesores) != 1 || d.Asesores[0] != (dashboard.Asesor{ID: f.Users["ventas"], Nombre: "Usuario ventas", Leads: 2, Conversiones: 1, Tasa: 50}) {
			t.Errorf("asesores = %+v", d.Asesores)
		}
		if n := len(d.LeadsPorMes); n != 12 || d.LeadsPorMes[11].Leads != 2 || d.LeadsPorMes[0].Leads != 0 {
			t.Errorf("leads por mes = %+v", d.LeadsPorMes)
		}
	}
	emRun(t, f.Fixture, []emCase{
		get("anonymous", url, "", 401, nil),
		get("student", url, "alumno1", 403, nil),
		get("role without dashboard (docente)", url, "docente", 403, nil),
		get("role without dashboard (rrhh)", url, "rrhh", 403, nil),
		get("a sede that is not the caller's", url+"?sede_id="+f.SedeB, "finanzas", 403, nil),
		get("unknown sede", url+"?sede_id=noexiste0000000", "finanzas", 403, nil),
		get("finanzas: its sede, exact figures", url, "finanzas", 200, sedeA),
		get("sede_id of its own sede is the same", url+"?sede_id="+f.SedeA, "ventas", 200, sedeA),
		get("admin: both sedes", url, "admin", 200, func(t testing.TB, d dashboard.Dashboard) {
			if d.Totales.Leads != 4 || d.Totales.Alumnos != 2 || d.TasaConversion != 50 || d.Recaudado != 150.55 || len(d.Asesores) != 2 {
				t.Errorf("dashboard = %+v", d)
			}
		}),
		get("admin: sede B only", url+"?sede_id="+f.SedeB, "admin", 200, func(t testing.TB, d dashboard.Dashboard) {
			if d.Totales.Leads != 2 || d.Recaudado != 0 || d.DeudaVencida != 0 || len(d.Sedes) != 1 {
				t.Errorf("dashboard = %+v", d)
			}
		}),
	})
}

// TestDashboardSeesWritesThroughTheAPI: the dashboard is cached between reads, yet a pago
// registered and then voided through the API shows in the very next read (the cache is
// invalidated by the committed writes, not by time).
func TestDashboardSeesWritesThroughTheAPI(t *testing.T) {
	f := emFixture(t)
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	base := sgultest.Serve(t, app)
	read := func() dashboard.Dashboard {
		t.Helper()
		status, raw := bgHTTP(t, http.MethodGet, base+"/api/dashboard", f.Tokens["finanzas"], nil)
		var d dashboard.Dashboard
		if status != http.StatusOK || json.Unmarshal(raw, &d) != nil {
			t.Fatalf("dashboard: %d %s", status, raw)
		}
		return d
	}
	before := read()
	if again := read(); again.Recaudado != before.Recaudado {
		t.Fatalf("two reads without writes differ: %v, %v", before.Recaudado, again.Recaudado)
	}
	status, raw := bgHTTP(t, http.MethodPost, base+"/api/collections/pagos/records", f.Tokens["finanzas"],
		map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 12.34, "medio_pago": f.Efectivo})
	var pago struct{ ID string }
	if status != http.StatusOK || json.Unmarshal(raw, &pago) != nil {
		t.Fatalf("pago: %d %s", status, raw)
	}
	if got := read(); money.MustFromFloat(got.Recaudado)-money.MustFromFloat(before.Recaudado) != 1234 {
		t.Fatalf("recaudado after a pago of 12.34: %v, before %v", got.Recaudado, before.Recaudado)
	}
	if status, raw := bgHTTP(t, http.MethodPost, base+"/api/pagos/"+pago.ID+"/anular", f.Tokens["finanzas"],
		map[string]any{"motivo": "Registrado por error"}); status != http.StatusOK {
		t.Fatalf("anular: %d %s", status, raw)
	}
	if got := read(); got.Recaudado != before.Recaudado {
		t.Fatalf("recaudado after the void: %v, want %v", got.Recaudado, before.Recaudado)
	}
}
