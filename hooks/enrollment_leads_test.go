package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

func TestLeadCreate(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/leads/records"
	lead := func(extra map[string]any) map[string]any {
		return emMerge(map[string]any{"nombre_completo": "Rosa Ticona", "telefono": "987111222", "genero": "Femenino",
			"asesor": f.Users["ventas"], "medio_contacto": f.Facebook, "intereses": []string{f.Carrera}, "sede": f.SedeA}, extra)
	}
	created := func(check func(t testing.TB, app *tests.TestApp, lead *core.Record)) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			id, _ := emDecode(t, res)["id"].(string)
			check(t, app, emRecord(t, app, "leads", id))
		}
	}
	interacciones := func(t testing.TB, app core.App, lead string) []*core.Record {
		return emFind(t, app, "interacciones", "lead = {:l}", dbx.Params{"l": lead})
	}
	refused := func(name, actor string, body map[string]any, status int, content ...string) emCase {
		return emCase{Name: name, URL: url, Actor: actor, Body: body, Status: status, Content: content, Unchanged: true}
	}

	emRun(t, f.Fixture, []emCase{
		{
			Name: "ventas creates a lead: it starts Pendiente and its first observation is logged", URL: url, Actor: "ventas",
			Body:   lead(map[string]any{"observaciones": "Quiere estudiar los sábados"}),
			Status: 200, Content: []string{`"estado_lead":"Pendiente"`},
			After: created(func(t testing.TB, app *tests.TestApp, l *core.Record) {
				if l.GetDateTime("fecha_ingreso").IsZero() {
					t.Error("fecha_ingreso not set")
				}
				is := interacciones(t, app, l.Id)
				if len(is) != 1 || is[0].GetString("resultado") != "Observación inicial: Quiere estudiar los sábados" ||
					is[0].GetString("tipo") != "Observación" || is[0].GetString("usuario") != f.Users["ventas"] {
					t.Errorf("interacciones = %v", is)
				}
			}),
		},
		{
			Name: "a lead without observation logs no interaction", URL: url, Actor: "ventas", Body: lead(nil),
			Status: 200, Content: []string{`"estado_lead":"Pendiente"`},
			After: created(func(t testing.TB, app *tests.TestApp, l *core.Record) {
				if is := interacciones(t, app, l.Id); len(is) != 0 {
					t.Errorf("interacciones = %d, want 0", len(is))
				}
			}),
		},
		{
			Name: "an explicit Pendiente is accepted", URL: url, Actor: "admin", Body: lead(map[string]any{"estado_lead": "Pendiente"}),
			Status: 200, Content: []string{`"estado_lead":"Pendiente"`},
		},
		refused("a new lead cannot start Convertido", "ventas", lead(map[string]any{"estado_lead": "Convertido"}), 400,
			`"estado_lead"`, "Un lead nuevo empieza en estado Pendiente"),
		refused("a new lead cannot start Atendido", "ventas", lead(map[string]any{"estado_lead": "Atendido"}), 400, `"estado_lead"`),
		refused("a new lead cannot start No Atendido", "ventas", lead(map[string]any{"estado_lead": "No Atendido"}), 400, `"estado_lead"`),
		refused("the asesor must be an active user", "ventas", lead(map[string]any{"asesor": f.Users["inactive"]}), 400,
			`"asesor"`, "El asesor debe ser un usuario del personal activo."),
		refused("the asesor must exist", "ventas", lead(map[string]any{"asesor": "noexiste0000000"}), 400, `"asesor"`),
		refused("the asesor is required", "ventas", lead(map[string]any{"asesor": ""}), 400, `"asesor"`),
		refused("at least one program of interest", "ventas", lead(map[string]any{"intereses": []string{}}), 400, `"intereses"`),
		refused("the program of interest must exist", "ventas", lead(map[string]any{"intereses": []string{"noexiste0000000"}}), 400, `"intereses"`),
		{Name: "bad JSON", URL: url, Actor: "ventas", Body: `{"nombre_completo":`, Status: 400, Unchanged: true,
			Content: []string{`"status":400`}},
		refused("anonymous", "", lead(nil), 400),
		refused("student", "alumno1", lead(nil), 400),
		refused("role without leads (finanzas)", "finanzas", lead(nil), 400),
		refused("user without role", "norole", lead(nil), 400),
		refused("inactive user", "inactive", lead(nil), 400),
		refused("staff of another sede", "ventasB", lead(nil), 400),
	})
}

func TestLeadStateChanges(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/leads/records/" + f.LeadA
	changes := func(t testing.TB, app core.App, lead, usuario string) []string {
		var out []string
		for _, i := range emFind(t, app, "interacciones", "lead = {:l} && usuario = {:u}", dbx.Params{"l": lead, "u": usuario}) {
			out = append(out, i.GetString("resultado"))
		}
		return out
	}
	logged := func(want ...string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			got := changes(t, app, f.LeadA, f.Users["ventas"])
			if len(got) != len(want) {
				t.Fatalf("interacciones by ventas = %q, want %q", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("interacción %d = %q, want %q", i, got[i], want[i])
				}
			}
		}
	}
	setState := func(state string) func(testing.TB, *tests.TestApp) {
		return func(t testing.TB, app *tests.TestApp) {
			emPatch(t, app, "leads", f.LeadA, map[string]any{"estado_lead": state})
		}
	}
	patch := func(name, actor string, body map[string]any, status int, content ...string) emCase {
		return emCase{Name: name, Method: http.MethodPatch, URL: url, Actor: actor, Body: body, Status: status, Content: content}
	}
	refused := func(c emCase) emCase { c.Unchanged = true; return c }

	withBefore := func(c emCase, before func(testing.TB, *tests.TestApp)) emCase { c.Before = before; return c }
	withAfter := func(c emCase, after func(testing.TB, *tests.TestApp, *http.Response)) emCase {
		c.After = after
		return c
	}

	emRun(t, f.Fixture, []emCase{
		withAfter(patch("Pendiente → Atendido is logged", "ventas", map[string]any{"estado_lead": "Atendido"}, 200, `"estado_lead":"Atendido"`),
			logged("Cambio de estado: Pendiente → Atendido")),
		withAfter(patch("Pendiente → No Atendido is logged", "ventas", map[string]any{"estado_lead": "No Atendido"}, 200, `"estado_lead":"No Atendido"`),
			logged("Cambio de estado: Pendiente → No Atendido")),
		withBefore(withAfter(patch("Atendido → Pendiente is logged", "ventas", map[string]any{"estado_lead": "Pendiente"}, 200, `"estado_lead":"Pendiente"`),
			logged("Cambio de estado: Atendido → Pendiente")), setState("Atendido")),
		withBefore(withAfter(patch("No Atendido → Atendido is logged", "ventas", map[string]any{"estado_lead": "Atendido"}, 200, `"estado_lead":"Atendido"`),
			logged("Cambio de estado: No Atendido → Atendido")), setState("No Atendido")),
		withAfter(patch("other fields change without an interaction", "ventas", map[string]any{"telefono": "987000111"}, 200, `"telefono":"987000111"`),
			logged()),
		withAfter(patch("the asesor may change to another active user", "ventas", map[string]any{"asesor": f.Users["admin"]}, 200, f.Users["admin"]),
			logged()),
		refused(patch("staff cannot set Convertido by hand", "ventas", map[string]any{"estado_lead": "Convertido"}, 400,
			`"estado_lead"`, "Para convertir un lead registre su matrícula")),
		refused(withBefore(patch("admin cannot set Convertido by hand either", "admin", map[string]any{"estado_lead": "Convertido"}, 400, `"estado_lead"`),
			setState("Atendido"))),
		refused(emCase{Name: "a converted lead keeps its state", Method: http.MethodPatch, URL: "/api/collections/leads/records/" + f.LeadConv1,
			Actor: "ventas", Body: map[string]any{"estado_lead": "Pendiente"}, Status: 400, Content: []string{"El lead ya fue convertido en matrícula"}}),
		refused(patch("the asesor cannot become an inactive user", "ventas", map[string]any{"asesor": f.Users["inactive"]}, 400, `"asesor"`)),
		refused(patch("staff of another sede", "ventasB", map[string]any{"estado_lead": "Atendido"}, 404)),
		refused(patch("moving the lead to a sede the user lacks", "ventas", map[string]any{"sede": f.SedeB}, 404)),
		refused(patch("role without leads (finanzas)", "finanzas", map[string]any{"estado_lead": "Atendido"}, 404)),
		refused(patch("student", "alumno1", map[string]any{"estado_lead": "Atendido"}, 404)),
		refused(patch("anonymous", "", map[string]any{"estado_lead": "Atendido"}, 404)),
		{Name: "bad JSON", Method: http.MethodPatch, URL: url, Actor: "ventas", Body: `{"estado_lead":`, Status: 400, Unchanged: true,
			Content: []string{`"status":400`}},
	})
}

// TestLeadConvertidoOnlyByConversion: Go code obeys the same lifecycle as the API.
func TestLeadConvertidoOnlyByConversion(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()

	lead := emRecord(t, app, "leads", f.LeadA)
	lead.Set("estado_lead", "Convertido")
	if err := app.Save(lead); err == nil {
		t.Fatal("Go code set a lead Convertido without a conversion")
	}
	conv := emRecord(t, app, "leads", f.LeadConv1)
	conv.Set("estado_lead", "Atendido")
	if err := app.Save(conv); err == nil {
		t.Fatal("Go code moved a converted lead back")
	}
	c, _ := app.FindCollectionByNameOrId("leads")
	nuevo := core.NewRecord(c)
	nuevo.Load(map[string]any{"nombre_completo": "Eva Cruz", "genero": "Femenino", "estado_lead": "Convertido", "asesor": f.Users["ventas"],
		"medio_contacto": f.Facebook, "intereses": []string{f.Carrera}, "sede": f.SedeA})
	if err := app.Save(nuevo); err == nil {
		t.Fatal("Go code created a lead as Convertido")
	}
	if got := emRecord(t, app, "leads", f.LeadA).GetString("estado_lead"); got != "Pendiente" {
		t.Fatalf("LeadA = %s", got)
	}
	if n, _ := app.CountRecords("interacciones", dbx.HashExp{"lead": f.LeadA}); n != 0 {
		t.Fatalf("%d interacciones logged for refused changes", n)
	}
	sgultest.CheckMoneyInvariants(t, app)
}
