package hooks_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/campaigns"
	"sgul/internal/sgultest"
)

const (
	bgCampA       = "campanasedea001" // Borrador, sede A
	bgCampB       = "campanasedeb001" // Borrador, sede B
	bgCampEnviada = "campanaenviada1" // Enviada, sede A
)

// bgSeedCampaigns stores campaigns of both sedes and an envío of each; "ventas" gets the
// campanas permission (its sede is A).
func bgSeedCampaigns(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	acGrant(t, app, f.Users["ventas"], "campanas")
	for id, v := range map[string][2]string{bgCampA: {f.SedeA, "Borrador"}, bgCampB: {f.SedeB, "Borrador"}, bgCampEnviada: {f.SedeA, "Enviada"}} {
		emSave(t, app, "campanas", id, map[string]any{"asunto": "Becas", "cuerpo": "<p>Hola {{.Nombre}}</p>", "audiencia": "leads",
			"sede": v[0], "estado": v[1]})
		emSave(t, app, "envios", "", map[string]any{"campana": id, "email": "x" + id + "@example.com", "estado": "pendiente"})
	}
	if _, err := campaigns.OptOut(app, "baja@example.com", bgCampA, "prueba"); err != nil {
		t.Fatal(err)
	}
}

func bgCampaignJobs(t testing.TB, app *tests.TestApp) int {
	return len(emFind(t, app, "jobs", "tipo = {:t}", dbx.Params{"t": campaigns.JobEnviar}))
}

func bgNoCampaignJob(t testing.TB, app *tests.TestApp, _ *http.Response) {
	if n := bgCampaignJobs(t, app); n != 0 {
		t.Errorf("%d jobs de envío", n)
	}
}

func bgEstado(id, estado string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if got := emRecord(t, app, "campanas", id).GetString("estado"); got != estado {
			t.Errorf("estado de %s = %s, quería %s", id, got, estado)
		}
	}
}

func TestCampanaRules(t *testing.T) {
	f := emFixture(t)
	list := "/api/collections/campanas/records"
	rec := func(id string) string { return list + "/" + id }
	nueva := func(extra map[string]any) map[string]any {
		m := map[string]any{"asunto": "Becas {{.Nombre}}", "cuerpo": "<p>Hola {{.Nombre}}</p>", "audiencia": "alumnos", "sede": f.SedeA}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []emCase{
		// reading
		{Name: "lista: anónimo", Method: http.MethodGet, URL: list, Before: bgSeedCampaigns, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "lista: alumno", Method: http.MethodGet, URL: list, Actor: "alumno1", Before: bgSeedCampaigns, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "lista: personal sin el permiso", Method: http.MethodGet, URL: list, Actor: "finanzas", Before: bgSeedCampaigns, Status: 200,
			Content: []string{`"totalItems":0`}},
		{Name: "lista: con permiso, solo su sede", Method: http.MethodGet, URL: list, Actor: "ventas", Before: bgSeedCampaigns, Status: 200,
			Content: []string{`"totalItems":2`, bgCampA}, NotContent: []string{bgCampB}},
		{Name: "lista: admin ve ambas sedes", Method: http.MethodGet, URL: list, Actor: "admin", Before: bgSeedCampaigns, Status: 200,
			Content: []string{`"totalItems":3`}},
		{Name: "envíos: solo los de su sede", Method: http.MethodGet, URL: "/api/collections/envios/records", Actor: "ventas", Before: bgSeedCampaigns,
			Status: 200, Content: []string{`"totalItems":2`}, NotContent: []string{"x" + bgCampB}},
		{Name: "envíos: alumno", Method: http.MethodGet, URL: "/api/collections/envios/records", Actor: "alumno1", Before: bgSeedCampaigns,
			Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "bajas: alumno no las ve", Method: http.MethodGet, URL: "/api/collections/bajas_correo/records", Actor: "alumno1",
			Before: bgSeedCampaigns, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "bajas: anónimo", Method: http.MethodGet, URL: "/api/collections/bajas_correo/records", Before: bgSeedCampaigns,
			Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "bajas: personal sin el permiso", Method: http.MethodGet, URL: "/api/collections/bajas_correo/records", Actor: "finanzas",
			Before: bgSeedCampaigns, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "bajas: con el permiso", Method: http.MethodGet, URL: "/api/collections/bajas_correo/records", Actor: "ventas",
			Before: bgSeedCampaigns, Status: 200, Content: []string{`"totalItems":1`, "baja@example.com"}},
		{Name: "bajas: nadie las crea por la API", URL: "/api/collections/bajas_correo/records", Actor: "admin",
			Body: map[string]any{"email": "otra@example.com", "fecha": "2026-01-01 00:00:00.000Z"}, Status: 403},
		{Name: "secretos: nadie por la API", Method: http.MethodGet, URL: "/api/collections/secretos/records", Actor: "admin", Status: 403},

		// creating
		{Name: "crear: sin el permiso", URL: list, Actor: "finanzas", Body: nueva(nil), Status: 400, After: bgNoCampaignJob},
		{Name: "crear: alumno", URL: list, Actor: "alumno1", Body: nueva(nil), Status: 400},
		{Name: "crear: otra sede", URL: list, Actor: "ventas", Before: bgSeedCampaigns, Body: nueva(map[string]any{"sede": f.SedeB}), Status: 400},
		{Name: "crear: contadores falsos", URL: list, Actor: "ventas", Before: bgSeedCampaigns, Body: nueva(map[string]any{"enviados": 500}), Status: 400},
		{Name: "crear: ya enviada", URL: list, Actor: "ventas", Before: bgSeedCampaigns, Body: nueva(map[string]any{"estado": "Enviada"}),
			Status: 400, Content: []string{`"estado"`}},
		{Name: "crear: plantilla con un campo inexistente", URL: list, Actor: "ventas", Before: bgSeedCampaigns,
			Body: nueva(map[string]any{"cuerpo": "<p>{{.Apellidos}}</p>"}), Status: 400, Content: []string{`"cuerpo"`, "Apellidos"}},
		{Name: "crear: borrador", URL: list, Actor: "ventas", Before: bgSeedCampaigns, Body: nueva(nil), Status: 200,
			Content: []string{`"estado":"Borrador"`, f.Users["ventas"]}, After: bgNoCampaignJob},
		{Name: "crear: programada encola su envío", URL: list, Actor: "ventas", Before: bgSeedCampaigns,
			Body: nueva(map[string]any{"estado": "Programada"}), Status: 200, Content: []string{`"programacion":1`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := bgCampaignJobs(t, app); n != 1 {
					t.Errorf("%d jobs de envío, quería 1", n)
				}
			}},

		// updating
		{Name: "programar un borrador", Method: http.MethodPatch, URL: rec(bgCampA), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"estado": "Programada"}, Status: 200,
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := bgCampaignJobs(t, app); n != 1 {
					t.Errorf("%d jobs de envío, quería 1", n)
				}
			}},
		{Name: "pasar a Enviando a mano", Method: http.MethodPatch, URL: rec(bgCampA), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"estado": "Enviando"}, Status: 400, After: bgEstado(bgCampA, "Borrador")},
		{Name: "editar una campaña enviada", Method: http.MethodPatch, URL: rec(bgCampEnviada), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"asunto": "Otro"}, Status: 400},
		{Name: "reabrir una campaña enviada", Method: http.MethodPatch, URL: rec(bgCampEnviada), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"estado": "Borrador"}, Status: 400, After: bgEstado(bgCampEnviada, "Enviada")},
		{Name: "mover a otra sede", Method: http.MethodPatch, URL: rec(bgCampA), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"sede": f.SedeB}, Status: 404},
		{Name: "editar la de otra sede", Method: http.MethodPatch, URL: rec(bgCampB), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"asunto": "Otro"}, Status: 404},
		{Name: "inflar contadores", Method: http.MethodPatch, URL: rec(bgCampA), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"enviados": 10}, Status: 404},
		{Name: "cancelar", Method: http.MethodPatch, URL: rec(bgCampA), Actor: "ventas", Before: bgSeedCampaigns,
			Body: map[string]any{"estado": "Cancelada"}, Status: 200, After: bgEstado(bgCampA, "Cancelada")},

		// deleting
		{Name: "borrar un borrador", Method: http.MethodDelete, URL: rec(bgCampA), Actor: "ventas", Before: bgSeedCampaigns, Status: 204},
		{Name: "borrar una enviada", Method: http.MethodDelete, URL: rec(bgCampEnviada), Actor: "ventas", Before: bgSeedCampaigns, Status: 404},
		{Name: "borrar: alumno", Method: http.MethodDelete, URL: rec(bgCampA), Actor: "alumno1", Before: bgSeedCampaigns, Status: 404},
	}
	emRun(t, f.Fixture, cases)
}

// The unsubscribe link records the opt-out; forged or truncated links are refused.
func TestCampanaBaja(t *testing.T) {
	f := emFixture(t)
	// The token depends only on the template's secret: one made on a clone is valid on
	// every clone.
	app, _ := sgultest.NewApp(t)
	token, err := campaigns.UnsubscribeToken(app, "Ana.Quispe@Example.com", bgCampA)
	app.Cleanup()
	if err != nil {
		t.Fatal(err)
	}
	bajas := func(n int) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			rs := emFind(t, app, "bajas_correo", "email = 'ana.quispe@example.com'", nil)
			if len(rs) != n {
				t.Fatalf("%d bajas, quería %d", len(rs), n)
			}
			if n == 1 && (rs[0].GetString("email") != "ana.quispe@example.com" || rs[0].GetString("campana") != bgCampA) {
				t.Errorf("baja: %v", rs[0].PublicExport())
			}
		}
	}
	u := "/api/campanas/baja?token="
	cases := []emCase{
		{Name: "sin token", Method: http.MethodGet, URL: "/api/campanas/baja", Status: 400, Content: []string{"no es válido"}, After: bajas(0)},
		{Name: "token alterado", Method: http.MethodGet, URL: u + url.QueryEscape(token[:len(token)-2]+"xx"), Status: 400, After: bajas(0)},
		{Name: "enlace del correo", Method: http.MethodGet, URL: u + url.QueryEscape(token), Before: bgSeedCampaigns, Status: 200,
			Content: []string{"an***@example.com", "ya no recibirá"}, NotContent: []string{"ana.quispe"}, After: bajas(1)},
		{Name: "un clic (List-Unsubscribe-Post)", Method: http.MethodPost, URL: u + url.QueryEscape(token), Before: bgSeedCampaigns,
			Body: "List-Unsubscribe=One-Click", Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			Status: 200, After: bajas(1)},
		{Name: "dos clics, una baja", Method: http.MethodGet, URL: u + url.QueryEscape(token),
			Before: func(t testing.TB, app *tests.TestApp) {
				bgSeedCampaigns(t, app)
				if _, err := campaigns.OptOut(app, "ana.quispe@example.com", bgCampA, "antes"); err != nil {
					t.Fatal(err)
				}
			}, Status: 200, After: bajas(1)},
	}
	emRun(t, f.Fixture, cases)
}
