package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/audit"
	"sgul/internal/hr"
	"sgul/internal/schedule"
	"sgul/internal/sgultest"
)

// Ids of rows the payroll tests add.
const (
	acPlanilla   = "acplanilla00001" // EmpleadoA (Rosa Huamán, sede A), 08/2025, the fixture inputs
	acEmpleadoB  = "acempleadob0001" // an employee of sede B
	acPlanillaB  = "acplanillab0001"
	acEmpSinSede = "acempsinsede001"
	acPlanSinSed = "acplansinsede01"
)

// acSeedPlanilla creates the Borrador planilla of the issue: basic 1500, hourly 8, 10 h
// extra, 4 h absent, bonus 100, discounts 50, AFP 10 %.
func acSeedPlanilla(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	emSave(t, app, "planillas", acPlanilla, map[string]any{"empleado": f.EmpleadoA, "mes": 8, "anio": 2025,
		"sueldo_basico": 1500, "sueldo_por_hora": 8, "horas_extras": 10, "inasistencias": 4, "bonos": 100, "descuentos": 50,
		"tasa_pension": 0.10})
}

func acSeedOtherEmployees(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	emSave(t, app, "empleados", acEmpleadoB, map[string]any{"nombres": "Luis", "apellidos": "Ccama", "cargo": "Docente",
		"sueldo_basico": 1200, "regimen_pension": "ONP", "tasa_pension": 0.13, "sede": f.SedeB, "activo": true})
	emSave(t, app, "planillas", acPlanillaB, map[string]any{"empleado": acEmpleadoB, "mes": 8, "anio": 2025, "sueldo_basico": 1200, "tasa_pension": 0.13})
	emSave(t, app, "empleados", acEmpSinSede, map[string]any{"nombres": "Eva", "apellidos": "Soto", "cargo": "Docente por horas",
		"sueldo_por_hora": 30, "regimen_pension": "AFP", "activo": true})
	emSave(t, app, "planillas", acPlanSinSed, map[string]any{"empleado": acEmpSinSede, "mes": 8, "anio": 2025, "sueldo_por_hora": 30, "horas_extras": 10})
}

// acGastos returns the gastos of a planilla by origen.
func acGastos(t testing.TB, app *tests.TestApp, planilla string) map[string]int64 {
	out := map[string]int64{}
	for _, g := range emFind(t, app, "gastos", "planilla = {:p}", dbx.Params{"p": planilla}) {
		out[g.GetString("origen")] += emCents(g, "monto")
	}
	return out
}

func TestPlanillasGenerar(t *testing.T) {
	f := emFixture(t)
	url := "/api/planillas/generar"
	body := map[string]any{"mes": 8, "anio": 2025}
	refused := func(name, actor string, b any, status int, content ...string) emCase {
		return acRefused(emCase{Name: name, URL: url, Actor: actor, Body: b, Status: status, Content: content})
	}
	emRun(t, f.Fixture, []emCase{
		refused("anonymous", "", body, 401),
		refused("student", "alumno1", body, 403),
		refused("role without planillas (finanzas)", "finanzas", body, 403),
		refused("another sede", "rrhh", emMerge(body, map[string]any{"sede": f.SedeB}), 403),
		refused("month 13", "rrhh", map[string]any{"mes": 13, "anio": 2025}, 400, `"mes"`, "sgul_mes_invalido"),
		refused("year 1999", "rrhh", map[string]any{"mes": 1, "anio": 1999}, 400, `"anio"`),
		refused("bad JSON", "rrhh", `{"mes":`, 400),
		{
			Name: "rrhh generates the Borrador planillas of its sede", URL: url, Actor: "rrhh", Body: body, Status: 200,
			Before: acSeedOtherEmployees, Content: []string{`"creadas":1`, `"existentes":0`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				ps := emFind(t, app, "planillas", "empleado = {:e} && mes = 8 && anio = 2025", dbx.Params{"e": f.EmpleadoA})
				if len(ps) != 1 {
					t.Fatalf("planillas of EmpleadoA = %d", len(ps))
				}
				p := ps[0]
				if p.GetString("estado") != "Borrador" || emCents(p, "sueldo_basico") != 150000 || emCents(p, "sueldo_por_hora") != 800 ||
					emCents(p, "remuneracion_bruta") != 150000 || emCents(p, "aporte_pension") != 15000 ||
					emCents(p, "neto_pagado") != 135000 || emCents(p, "aporte_empleador") != 13500 {
					t.Errorf("generated planilla = %v", p.FieldsData())
				}
				if n := acCount(t, app, "planillas", "empleado = {:e}", dbx.Params{"e": acEmpleadoB}); n != 1 {
					t.Errorf("sede B planillas = %d, want the seeded one only", n)
				}
			},
		},
		{
			Name: "generating again leaves the existing planilla alone", URL: url, Actor: "rrhh", Body: body, Status: 200,
			Before: acSeedPlanilla, Content: []string{`"creadas":0`, `"existentes":1`, `"planillas":[]`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if p := emRecord(t, app, "planillas", acPlanilla); emCents(p, "remuneracion_bruta") != 168800 {
					t.Errorf("existing planilla changed: %v", p.FieldsData())
				}
			},
		},
		{Name: "admin generates both sedes", URL: url, Actor: "admin", Body: body, Status: 200, Before: acSeedOtherEmployees,
			Content: []string{`"creadas":1`, `"existentes":1`}},
	})
}

func TestPlanillaAmountsAndEdits(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/planillas/records/" + acPlanilla
	emRun(t, f.Fixture, []emCase{
		{Name: "the issue's fixture: bruta 1688, pension 150, neto 1488, EsSalud 135", Method: http.MethodGet, URL: url, Actor: "rrhh",
			Before: acSeedPlanilla, Status: 200,
			Content: []string{`"remuneracion_bruta":1688`, `"aporte_pension":150`, `"neto_pagado":1488`, `"aporte_empleador":135`, `"estado":"Borrador"`}},
		{Name: "editing a Borrador's inputs recomputes the amounts", Method: http.MethodPatch, URL: url, Actor: "rrhh",
			Before: acSeedPlanilla, Body: map[string]any{"horas_extras": 0, "comisiones": 12.5}, Status: 200,
			Content: []string{`"remuneracion_bruta":1580.5`, `"neto_pagado":1380.5`, `"aporte_empleador":135`}},
		{Name: "no hourly wage: derived from 240 contract hours", Method: http.MethodPatch, URL: url, Actor: "rrhh",
			Before: acSeedPlanilla, Body: map[string]any{"sueldo_por_hora": 0, "horas_extras": 1, "inasistencias": 0}, Status: 200,
			Content: []string{`"sueldo_por_hora":6.25`, `"remuneracion_bruta":1609.38`}},
		acRefused(emCase{Name: "computed amounts cannot be sent", Method: http.MethodPatch, URL: url, Actor: "rrhh",
			Before: acSeedPlanilla, Body: map[string]any{"neto_pagado": 99999}, Status: 404}),
		acRefused(emCase{Name: "hours with three decimals", Method: http.MethodPatch, URL: url, Actor: "rrhh",
			Before: acSeedPlanilla, Body: map[string]any{"horas_extras": 1.005}, Status: 400, Content: []string{`"horas_extras"`, "sgul_horas_invalidas"}}),
		acRefused(emCase{Name: "a second planilla for the same period", URL: "/api/collections/planillas/records", Actor: "rrhh",
			Before: acSeedPlanilla, Body: map[string]any{"empleado": f.EmpleadoA, "mes": 8, "anio": 2025}, Status: 400,
			Content: []string{`"mes"`, "sgul_planilla_duplicada"}}),
		acRefused(emCase{Name: "ventas cannot read payroll", Method: http.MethodGet, URL: url, Actor: "ventas", Before: acSeedPlanilla, Status: 404}),
		{Name: "a planilla created as Pagada through the API starts Borrador", URL: "/api/collections/planillas/records", Actor: "superuser",
			Body: map[string]any{"empleado": f.EmpleadoA, "mes": 9, "anio": 2025, "sueldo_basico": 1500, "estado": "Pagada"}, Status: 200,
			Content: []string{`"estado":"Borrador"`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := acCount(t, app, "gastos", "origen = 'Planilla'", nil); n != 0 {
					t.Errorf("gastos = %d", n)
				}
			}},
	})
}

func TestPlanillaPagarAnular(t *testing.T) {
	f := emFixture(t)
	pagar := "/api/planillas/" + acPlanilla + "/pagar"
	anular := "/api/planillas/" + acPlanilla + "/anular"
	paid := func(t testing.TB, app *tests.TestApp) {
		acSeedPlanilla(t, app)
		rrhh := emRecord(t, app, "users", f.Users["rrhh"])
		if _, err := hr.PagarPlanilla(app, acPlanilla, audit.ActorFromAuth(rrhh), time.Now()); err != nil {
			t.Fatalf("pagar: %v", err)
		}
	}
	today := schedule.LimaDate(time.Now())
	refused := func(name, url, actor string, before func(testing.TB, *tests.TestApp), body any, status int, content ...string) emCase {
		return acRefused(emCase{Name: name, URL: url, Actor: actor, Before: before, Body: body, Status: status, Content: content})
	}
	emRun(t, f.Fixture, []emCase{
		refused("anonymous", pagar, "", acSeedPlanilla, nil, 401),
		refused("student", pagar, "alumno1", acSeedPlanilla, nil, 403),
		refused("finanzas (no planillas)", pagar, "finanzas", acSeedPlanilla, nil, 403),
		refused("rrhh cannot pay a sede B employee", "/api/planillas/"+acPlanillaB+"/pagar", "rrhh", acSeedOtherEmployees, nil, 403),
		refused("unknown planilla", "/api/planillas/noexiste0000000/pagar", "rrhh", nil, nil, 404),
		refused("an employee without sede cannot be paid", "/api/planillas/"+acPlanSinSed+"/pagar", "admin", acSeedOtherEmployees, nil, 400,
			`"empleado"`, "sgul_empleado_sin_sede", "no tiene sede"),
		{
			Name: "rrhh pays: Pagada and one gasto of bruta + EsSalud in the employee's sede", URL: pagar, Actor: "rrhh",
			Before: acSeedPlanilla, Status: 200,
			Content: []string{`"estado":"Pagada"`, `"monto":1823`, `"concepto":"Planilla Rosa Huamán - 08/2025"`, `"origen":"Planilla"`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				p := emRecord(t, app, "planillas", acPlanilla)
				if p.GetString("pagado_por") != f.Users["rrhh"] || p.GetDateTime("fecha_pago").Time().Format(time.DateOnly) != today {
					t.Errorf("planilla = %v", p.FieldsData())
				}
				gs := emFind(t, app, "gastos", "planilla = {:p}", dbx.Params{"p": acPlanilla})
				if len(gs) != 1 || gs[0].GetString("sede") != f.SedeA || emCents(gs[0], "monto") != 182300 ||
					gs[0].GetString("registrado_por") != f.Users["rrhh"] || gs[0].GetDateTime("fecha").Time().Format(time.DateOnly) != today {
					t.Errorf("gastos = %v", gs)
				}
				aud := emAudit(t, app, "planillas", acPlanilla)
				if last := aud[len(aud)-1]; last.GetString("accion") != "pagar" || last.GetString("usuario") != f.Users["rrhh"] {
					t.Errorf("audit = %v", last)
				}
			},
		},
		refused("paying twice is a 409 and books nothing", pagar, "rrhh", paid, nil, 409),
		refused("a Pagada planilla is immutable (rule)", "/api/collections/planillas/records/"+acPlanilla, "rrhh", paid,
			map[string]any{"bonos": 1}, 404),
		acRefused(emCase{Name: "a Pagada planilla is immutable (even for superusers)", Method: http.MethodPatch,
			URL: "/api/collections/planillas/records/" + acPlanilla, Actor: "superuser", Before: paid, Body: map[string]any{"bonos": 1},
			Status: 400, Content: []string{"sgul_planilla_cerrada"}}),
		acRefused(emCase{Name: "a Pagada planilla cannot be deleted", Method: http.MethodDelete,
			URL: "/api/collections/planillas/records/" + acPlanilla, Actor: "superuser", Before: paid, Status: 400}),
		refused("voiding needs a reason", anular, "rrhh", paid, map[string]any{"motivo": ""}, 400, `"motivo"`),
		refused("a Borrador cannot be voided", anular, "rrhh", acSeedPlanilla, map[string]any{"motivo": "Error de cálculo"}, 409),
		{
			Name: "void: Anulada and the reversal gasto restores the balance", URL: anular, Actor: "rrhh", Before: paid,
			Body: map[string]any{"motivo": "Error de cálculo"}, Status: 200,
			Content: []string{`"estado":"Anulada"`, `"monto":-1823`, `"origen":"Anulación"`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if g := acGastos(t, app, acPlanilla); g["Planilla"] != 182300 || g["Anulación"] != -182300 {
					t.Errorf("gastos = %v", g)
				}
				var total int64
				err := app.DB().NewQuery("SELECT COALESCE(SUM(gastos_centimos), 0) FROM saldos_mensuales WHERE sede = {:s}").
					Bind(dbx.Params{"s": f.SedeA}).Row(&total)
				if err != nil || total != 0 {
					t.Errorf("sede A monthly gastos = %d, %v; want 0 after the void", total, err)
				}
				if p := emRecord(t, app, "planillas", acPlanilla); p.GetString("anulado_por") != f.Users["rrhh"] || p.GetString("motivo_anulacion") != "Error de cálculo" {
					t.Errorf("planilla = %v", p.FieldsData())
				}
			},
		},
	})
}

// TestPlanillaReissueAfterVoid: a voided planilla does not block its month: RRHH
// generates the month again, the new planilla is paid and books its own gasto, and a
// second live planilla for the month is still refused.
func TestPlanillaReissueAfterVoid(t *testing.T) {
	f := emFixture(t)
	voided := func(t testing.TB, app *tests.TestApp) {
		acSeedPlanilla(t, app)
		actor := audit.ActorFromAuth(emRecord(t, app, "users", f.Users["rrhh"]))
		if _, err := hr.PagarPlanilla(app, acPlanilla, actor, time.Now()); err != nil {
			t.Fatalf("pagar: %v", err)
		}
		if _, err := hr.AnularPlanilla(app, acPlanilla, "Sueldo básico mal digitado", actor, time.Now()); err != nil {
			t.Fatalf("anular: %v", err)
		}
	}
	emRun(t, f.Fixture, []emCase{
		{
			Name: "generate again after a void, then pay the new planilla", URL: "/api/planillas/generar", Actor: "rrhh",
			Before: voided, Body: map[string]any{"mes": 8, "anio": 2025}, Status: 200, Content: []string{`"creadas":1`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				ps := emFind(t, app, "planillas", "empleado = {:e} && mes = 8 && anio = 2025", dbx.Params{"e": f.EmpleadoA})
				var nueva string
				estados := map[string]int{}
				for _, p := range ps {
					estados[p.GetString("estado")]++
					if p.GetString("estado") == hr.PlanillaBorrador {
						nueva = p.Id
					}
				}
				if len(ps) != 2 || estados[hr.PlanillaAnulada] != 1 || nueva == "" {
					t.Fatalf("planillas of the month = %v", estados)
				}
				actor := audit.ActorFromAuth(emRecord(t, app, "users", f.Users["rrhh"]))
				if _, err := hr.PagarPlanilla(app, nueva, actor, time.Now()); err != nil {
					t.Fatalf("pagar the reissued planilla: %v", err)
				}
				if g := acGastos(t, app, acPlanilla); g["Planilla"] != 182300 || g["Anulación"] != -182300 {
					t.Errorf("gastos of the voided planilla = %v", g)
				}
				if g := acGastos(t, app, nueva); len(g) != 1 || g["Planilla"] <= 0 {
					t.Errorf("gastos of the reissued planilla = %v", g)
				}
				// a second live planilla for the month is refused, by the hook and by the index
				dup := emRecord(t, app, "planillas", nueva)
				clone := core.NewRecord(dup.Collection())
				clone.Load(map[string]any{"empleado": f.EmpleadoA, "mes": 8, "anio": 2025, "sueldo_basico": 1500})
				if err := app.Save(clone); err == nil || !strings.Contains(err.Error(), "planilla") {
					t.Errorf("a second live planilla for 08/2025 was saved (%v)", err)
				}
				sgultest.CheckMoneyInvariants(t, app)
			},
		},
		acRefused(emCase{Name: "generating again without a void creates nothing", URL: "/api/planillas/generar", Actor: "rrhh",
			Before: acSeedPlanilla, Body: map[string]any{"mes": 8, "anio": 2025}, Status: 200, Content: []string{`"creadas":0`, `"existentes":1`}}),
	})
}

// TestPlanillaPaidTwiceConcurrently: two staff pay the same planilla at the same time;
// exactly one gasto is booked.
func TestPlanillaPaidTwiceConcurrently(t *testing.T) {
	f := emFixture(t)
	for round := range 3 {
		app, _ := sgultest.NewApp(t)
		acSeedPlanilla(t, app)
		url := "/api/planillas/" + acPlanilla + "/pagar"
		codes := acConcurrently(t, sgultest.Serve(t, app), f.Fixture,
			acRequest{Method: "POST", URL: url, Actor: "rrhh"}, acRequest{Method: "POST", URL: url, Actor: "admin"})
		ok, conflict := 0, 0
		for _, c := range codes {
			switch c {
			case 200:
				ok++
			case 409:
				conflict++
			}
		}
		if ok != 1 || conflict != 1 {
			t.Errorf("round %d: codes = %v, want one 200 and one 409", round, codes)
		}
		if g := acGastos(t, app, acPlanilla); len(g) != 1 || g["Planilla"] != 182300 {
			t.Errorf("round %d: gastos = %v", round, g)
		}
		sgultest.CheckMoneyInvariants(t, app)
		app.Cleanup()
	}
}
