package hooks_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

// TestRulesDefaultDeny checks the schema itself: no collection has a public rule, every
// file field is protected, and only alumnos/users can be signed in to.
func TestRulesDefaultDeny(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if strings.HasPrefix(c.Name, "_") {
			continue
		}
		rules := map[string]*string{"list": c.ListRule, "view": c.ViewRule, "create": c.CreateRule, "update": c.UpdateRule, "delete": c.DeleteRule}
		if c.IsAuth() {
			rules["manage"] = c.ManageRule
		}
		for name, r := range rules {
			if r != nil && strings.TrimSpace(*r) == "" {
				t.Errorf("%s.%sRule is public (\"\"): every rule must name who may act", c.Name, name)
			}
		}
		if c.IsAuth() && c.Name != "users" && c.Name != "alumnos" {
			t.Errorf("unexpected auth collection %s", c.Name)
		}
		for _, f := range c.Fields {
			if ff, ok := f.(*core.FileField); ok && !ff.Protected {
				t.Errorf("%s.%s is a file field without Protected: files need a file token", c.Name, ff.Name)
			}
		}
	}
	for coll, fields := range map[string][]string{
		"alumnos": {"archivo_dni", "archivo_partida"}, "pagos": {"comprobante"}, "documentos": {"archivo"}, "vouchers": {"imagen"},
	} {
		c, err := app.FindCollectionByNameOrId(coll)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range fields {
			if ff, ok := c.Fields.GetByName(name).(*core.FileField); !ok || !ff.Protected {
				t.Errorf("%s.%s must be a protected file field", coll, name)
			}
		}
	}
	users, _ := app.FindCollectionByNameOrId("users")
	if users.AuthRule == nil || !strings.Contains(*users.AuthRule, "activo = true") {
		t.Errorf("users.AuthRule = %v: an inactive user must not sign in", users.AuthRule)
	}
}

// TestRulesAnonymousAndStrangersWrite tries a write on every collection as the actors that
// may write nothing at all: each is refused by the rule, before any hook runs.
func TestRulesAnonymousAndStrangersWrite(t *testing.T) {
	w := newWorld(t)
	app := survey(t, w)
	// the only collections a student may create in (their own issues test how)
	studentCreates := map[string]bool{"vouchers": true, "dispositivos": true}
	for _, coll := range app.names {
		id := app.anyID[coll]
		for _, s := range []struct {
			actor, method, url string
		}{
			{"anonymous", http.MethodPost, ""}, {"inactive", http.MethodPost, ""}, {"alumno1", http.MethodPost, ""},
			{"anonymous", http.MethodPatch, "/" + id}, {"anonymous", http.MethodDelete, "/" + id},
		} {
			if s.actor == "alumno1" && studentCreates[coll] {
				continue
			}
			status := refusalStatus(app.schema[coll], s.method)
			sc := tests.ApiScenario{
				Name:            coll + "/" + s.actor + " " + s.method + " is refused",
				Method:          s.method,
				URL:             "/api/collections/" + coll + "/records" + s.url,
				Body:            strings.NewReader(`{}`),
				Headers:         w.Auth(s.actor),
				ExpectedStatus:  status,
				ExpectedContent: []string{`"status":` + strconv.Itoa(status)},
				ExpectedEvents:  map[string]int{"*": 0},
				TestAppFactory:  sgultest.Factory,
				BeforeTestFunc:  w.seededFor(coll),
			}
			sc.Test(t)
		}
	}
}

// refusalStatus is what PocketBase answers a refused write: 403 when the collection has
// no rule for it, else 400 for a create and 404 for an update or delete.
func refusalStatus(c *core.Collection, method string) int {
	rule := map[string]*string{http.MethodPost: c.CreateRule, http.MethodPatch: c.UpdateRule, http.MethodDelete: c.DeleteRule}[method]
	switch {
	case rule == nil:
		return http.StatusForbidden
	case method == http.MethodPost:
		return http.StatusBadRequest
	default:
		return http.StatusNotFound
	}
}

// TestRulesView opens single records across sedes and students: what an actor may not
// list it may not view either (404), and expand/filter do not reach around the rules.
func TestRulesView(t *testing.T) {
	w := newWorld(t)
	type view struct {
		actor, coll, id, query string
		status                 int
		want, leak             []string
		setup                  func(testing.TB, *tests.TestApp)
	}
	docOnly := func(t testing.TB, app *tests.TestApp) { setPermisosExtra(t, app, w.Users["norole"], "documentacion") }
	views := []view{
		{actor: "anonymous", coll: "sedes", id: w.SedeA, status: 404},
		{actor: "inactive", coll: "sedes", id: w.SedeA, status: 404},
		{actor: "alumno1", coll: "users", id: w.Users["ventas"], status: 404},
		{actor: "alumno1", coll: "roles", id: w.Roles["Ventas"], status: 404},
		{actor: "ventas", coll: "leads", id: w.LeadB, status: 404},
		{actor: "ventasB", coll: "leads", id: w.LeadA, status: 404},
		{actor: "finanzas", coll: "leads", id: w.LeadA, status: 404},
		{actor: "ventasB", coll: "interacciones", id: w.InterA, status: 404},
		{actor: "alumno1", coll: "alumnos", id: w.Alumno2, status: 404},
		{actor: "alumno2", coll: "alumnos", id: w.Alumno1, status: 404},
		{actor: "ventasB", coll: "alumnos", id: w.Alumno1, status: 404},
		{actor: "docente", coll: "alumnos", id: w.Alumno3, status: 404},
		{actor: "rrhh", coll: "alumnos", id: w.Alumno1, status: 404},
		{actor: "alumno1", coll: "matriculas", id: w.Matricula2, status: 404},
		{actor: "alumno2", coll: "matriculas", id: w.Matricula1, status: 404},
		{actor: "ventas", coll: "matriculas", id: w.Matricula2, status: 404},
		{actor: "docente", coll: "matriculas", id: w.Matricula3, status: 404},
		{actor: "docente", coll: "matriculas", id: w.Matricula2, status: 404},
		{actor: "alumno1", coll: "cuotas", id: w.CuotaB, status: 404},
		{actor: "finanzasB", coll: "cuotas", id: w.CuotaA, status: 404},
		{actor: "alumno1", coll: "pagos", id: w.PagoB, status: 404},
		{actor: "finanzas", coll: "pagos", id: w.PagoB, status: 404},
		{actor: "docente", coll: "pagos", id: w.PagoA, status: 404},
		{actor: "alumno1", coll: "vouchers", id: w.VoucherB, status: 404},
		{actor: "finanzasB", coll: "vouchers", id: w.VoucherA, status: 404},
		{actor: "finanzas", coll: "ingresos", id: w.IngresoB, status: 404},
		{actor: "ventas", coll: "ingresos", id: w.IngresoA, status: 404},
		{actor: "finanzasB", coll: "gastos", id: w.GastoA, status: 404},
		{actor: "alumno1", coll: "notas", id: w.NotaB, status: 404},
		{actor: "docente", coll: "notas", id: w.Nota3, status: 404},
		{actor: "alumno2", coll: "asistencias", id: w.AsisA, status: 404},
		{actor: "ventas", coll: "empleados", id: w.EmpleadoA, status: 404},
		{actor: "finanzas", coll: "empleados", id: w.EmpVentas, status: 404},
		{actor: "rrhh", coll: "empleados", id: w.EmpB, status: 404},
		{actor: "norole", coll: "empleados", id: w.EmpVentas, status: 404, setup: docOnly}, // documentacion alone: no salaries
		{actor: "ventas", coll: "planillas", id: w.PlanillaA, status: 404},
		{actor: "finanzas", coll: "planillas", id: w.PlanillaA, status: 404},
		{actor: "rrhh", coll: "documentos", id: w.DocB, status: 404},
		{actor: "ventasB", coll: "documentos", id: w.DocA, status: 404},
		{actor: "finanzas", coll: "auditoria", id: w.AudPagoB, status: 404},
		{actor: "finanzas", coll: "auditoria", id: w.AudLeadA, status: 404},
		{actor: "admin", coll: "jobs", id: tid("missing"), status: 403},

		// allowed views, with the fields that must (not) travel
		{actor: "ventas", coll: "empleados", id: w.EmpVentas, status: 200, want: []string{`"sueldo_basico":1234.56`}},
		{actor: "rrhh", coll: "empleados", id: w.EmpVentas, status: 200, want: []string{`"sueldo_basico":1234.56`}},
		{actor: "norole", coll: "documentos", id: w.DocA, status: 200, setup: docOnly, want: []string{w.DocA}},
		{actor: "norole", coll: "empleados", query: "?perPage=100", status: 200, setup: docOnly,
			want: []string{`"totalItems":0`}, leak: []string{"sueldo_basico"}},
		{actor: "alumno1", coll: "matriculas", id: w.Matricula1, query: "?expand=alumno,asesor,usuario_inscripcion", status: 200,
			want: []string{`"expand":{"alumno":{`}, leak: []string{"Usuario ventas", `"asesor":{`, `"usuario_inscripcion":{`}},
		{actor: "alumno1", coll: "pagos", id: w.PagoA, query: "?expand=registrado_por,cuota.matricula.alumno", status: 200,
			want: []string{w.PagoA}, leak: []string{"Usuario "}},
		{actor: "docente", coll: "notas", query: "?perPage=100&expand=matricula.alumno", status: 200,
			want: []string{w.NotaA, w.Alumno1}, leak: []string{w.Alumno3, w.Alumno2, "70000003"}},
		{actor: "alumno1", coll: "programas", query: "?filter=" + url.QueryEscape("matriculas_via_programa.alumno.dni?='70000002'"), status: 200,
			want: []string{`"totalItems":0`}},
		{actor: "ventas", coll: "sedes", query: "?filter=" + url.QueryEscape("leads_via_sede.nombre_completo?~'Marco'"), status: 200,
			want: []string{`"totalItems":0`}},
		{actor: "ventas", coll: "sedes", query: "?filter=" + url.QueryEscape("leads_via_sede.nombre_completo?~'Lucía'"), status: 200,
			want: []string{`"totalItems":1`, w.SedeA}},
		{actor: "alumno1", coll: "cuotas", query: "?filter=" + url.QueryEscape("matricula.alumno.dni='70000002'"), status: 200,
			want: []string{`"totalItems":0`}},
	}
	for _, v := range views {
		u := "/api/collections/" + v.coll + "/records"
		if v.id != "" {
			u += "/" + v.id
		}
		before := []func(testing.TB, *tests.TestApp){}
		if v.setup != nil {
			before = append(before, v.setup)
		}
		s := tests.ApiScenario{
			Name:           v.coll + "/" + v.actor + " " + u[len("/api/collections/"):] + v.query + " -> " + strconv.Itoa(v.status),
			Method:         http.MethodGet,
			URL:            u + v.query,
			Headers:        w.Auth(v.actor),
			ExpectedStatus: v.status,
			TestAppFactory: sgultest.Factory,
			BeforeTestFunc: w.seeded(before...),
		}
		if v.status == http.StatusOK {
			s.ExpectedContent, s.NotExpectedContent = v.want, v.leak
		} else {
			s.ExpectedContent = []string{`"status":` + strconv.Itoa(v.status)}
			s.NotExpectedContent = []string{`"id":`}
			s.ExpectedEvents = map[string]int{"*": 0}
		}
		s.Test(t)
	}
}

// TestAccessSignIn: an inactive staff member cannot sign in or refresh; the active ones
// and students can, each only on their own collection.
func TestAccessSignIn(t *testing.T) {
	f := sgultest.Get(t)
	login := func(coll, who, password string, status int) tests.ApiScenario {
		s := tests.ApiScenario{
			Name:           coll + " sign-in of " + who + " -> " + strconv.Itoa(status),
			Method:         http.MethodPost,
			URL:            "/api/collections/" + coll + "/auth-with-password",
			Body:           jsonBody(obj{"identity": who + "@test.sgul.pe", "password": password}),
			ExpectedStatus: status,
			TestAppFactory: sgultest.Factory,
		}
		if status == http.StatusOK {
			s.ExpectedContent = []string{`"token":`, `"record":{`}
		} else {
			s.ExpectedContent = []string{`"status":` + strconv.Itoa(status)}
			s.NotExpectedContent = []string{`"token"`}
		}
		return s
	}
	scenarios := []tests.ApiScenario{
		login("users", "inactive", sgultest.Password, http.StatusForbidden), // users.AuthRule: activo = true
		login("users", "ventas", "wrong-password", http.StatusBadRequest),
		login("users", "alumno1", sgultest.Password, http.StatusBadRequest), // students are not staff
		login("alumnos", "ventas", sgultest.Password, http.StatusBadRequest),
		{
			Name:               "inactive cannot refresh a token it still holds",
			Method:             http.MethodPost,
			URL:                "/api/collections/users/auth-refresh",
			Headers:            f.Auth("inactive"),
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{`"status":403`},
			NotExpectedContent: []string{`"token"`},
			TestAppFactory:     sgultest.Factory,
		},
		login("users", "ventas", sgultest.Password, http.StatusOK),
		login("users", "admin", sgultest.Password, http.StatusOK),
		login("alumnos", "alumno1", sgultest.Password, http.StatusOK),
		{
			Name:            "active ventas refreshes its token",
			Method:          http.MethodPost,
			URL:             "/api/collections/users/auth-refresh",
			Headers:         f.Auth("ventas"),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"token":`},
			TestAppFactory:  sgultest.Factory,
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// TestAccessFiles downloads the protected files: never without a file token, and with a
// token only for actors whose view rule admits the record.
func TestAccessFiles(t *testing.T) {
	w := newWorld(t)
	fileTokens := mintFileTokens(t, "alumno1", "alumno2", "ventas", "ventasB", "finanzas", "finanzasB", "rrhh", "superuser")
	type dl struct {
		coll, id, name, actor string // actor "" = no token at all
		status                int
		body                  string // a fragment of the file when served
	}
	dni := func(actor string, status int) dl { return dl{"alumnos", w.Alumno1, w.FileDNI, actor, status, "%PDF"} }
	voucher := func(actor string, status int) dl {
		return dl{"pagos", w.PagoA, w.FileComprobante, actor, status, "PNG"}
	}
	doc := func(actor string, status int) dl {
		return dl{"documentos", w.DocA, w.FileDocumento, actor, status, "%PDF"}
	}
	downloads := []dl{
		dni("", 404), dni("alumno2", 404), dni("ventasB", 404), dni("rrhh", 404), dni("finanzasB", 404),
		voucher("", 404), voucher("alumno2", 404), voucher("finanzasB", 404), voucher("rrhh", 404),
		doc("", 404), doc("finanzas", 404), doc("ventasB", 404), doc("alumno1", 404),
		dni("alumno1", 200), dni("ventas", 200), dni("finanzas", 200), dni("superuser", 200),
		voucher("alumno1", 200), voucher("finanzas", 200), voucher("ventas", 200),
		doc("ventas", 200), doc("rrhh", 200),
	}
	for _, d := range downloads {
		u := "/api/files/" + d.coll + "/" + d.id + "/" + d.name
		who := "no token"
		if d.actor != "" {
			u += "?token=" + fileTokens[d.actor]
			who = d.actor + "'s file token"
		}
		s := tests.ApiScenario{
			Name:           d.coll + " file with " + who + " -> " + strconv.Itoa(d.status),
			Method:         http.MethodGet,
			URL:            u,
			ExpectedStatus: d.status,
			TestAppFactory: sgultest.Factory,
			BeforeTestFunc: w.seeded(w.filesOn),
		}
		if d.status == http.StatusOK {
			s.ExpectedContent = []string{d.body}
		} else {
			s.ExpectedContent = []string{`"status":404`}
			s.NotExpectedContent = []string{d.body}
		}
		s.Test(t)
	}
	// an auth token is not a file token, in the header or in the query
	for _, s := range []tests.ApiScenario{
		{
			Name: "alumnos file with alumno1's auth header only -> 404", Method: http.MethodGet,
			URL: "/api/files/alumnos/" + w.Alumno1 + "/" + w.FileDNI, Headers: w.Auth("alumno1"),
		},
		{
			Name: "alumnos file with alumno1's auth token as ?token -> 404", Method: http.MethodGet,
			URL: "/api/files/alumnos/" + w.Alumno1 + "/" + w.FileDNI + "?token=" + w.Tokens["alumno1"],
		},
	} {
		s.ExpectedStatus, s.ExpectedContent, s.NotExpectedContent = 404, []string{`"status":404`}, []string{"%PDF"}
		s.TestAppFactory, s.BeforeTestFunc = sgultest.Factory, w.seeded(w.filesOn)
		s.Test(t)
	}
}

func (w *world) filesOn(t testing.TB, app *tests.TestApp) { w.withFiles(t, app) }

// mintFileTokens signs file tokens for fixture actors; every clone shares the template's
// token keys, so they are valid in each scenario's app.
func mintFileTokens(t *testing.T, actorNames ...string) map[string]string {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	out := map[string]string{}
	for _, a := range actorNames {
		var rec *core.Record
		var err error
		switch {
		case a == "superuser":
			rec, err = app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "superuser@test.sgul.pe")
		case strings.HasPrefix(a, "alumno"):
			rec, err = app.FindAuthRecordByEmail("alumnos", a+"@test.sgul.pe")
		default:
			rec, err = app.FindRecordById("users", f.Users[a])
		}
		if err != nil {
			t.Fatalf("file token for %s: %v", a, err)
		}
		if out[a], err = rec.NewFileToken(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
