package hooks_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/sgultest"
)

// rlAuditRows returns the audit rows of one record, oldest first.
func rlAuditRows(t testing.TB, app core.App, coll, id string) []*core.Record {
	t.Helper()
	var rows []*core.Record
	err := app.RecordQuery("auditoria").AndWhere(dbx.HashExp{"coleccion": coll, "registro": id}).OrderBy("rowid ASC").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAuditTrail makes every audited kind of change through the API, as the staff member
// who may make it, and checks its auditoria row: who (usuario and actor), when (created),
// what (accion) and the state before and after.
func TestAuditTrail(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	c := rlServe(t, app, f)
	em := emFixture(t)
	otherMedio, err := app.FindFirstRecordByFilter("medios_pago", "requiere_comprobante = false && id != {:e}", dbx.Params{"e": f.Efectivo})
	if err != nil {
		t.Fatal(err)
	}

	// expect runs one API call that must succeed and leave exactly one new audit row of
	// (coll, id-from-answer, accion) by actor, with the before/after it names.
	type step struct {
		name, actor, method, path string
		body                      any
		coll, accion              string
		id                        func(map[string]any) string // record id from the answer (default: "id")
		antes, despues            bool                        // whether before/after must be present
		check                     func(t *testing.T, antes, despues map[string]any)
	}
	idOf := func(m map[string]any) string { s, _ := m["id"].(string); return s }
	var created = map[string]string{}
	keep := func(key string) func(map[string]any) string {
		return func(m map[string]any) string {
			if m != nil {
				created[key] = idOf(m)
				return created[key]
			}
			return ""
		}
	}
	ref := func(key string) func(map[string]any) string {
		return func(map[string]any) string { return created[key] }
	}
	p := func(key, prefix, suffix string) func() string {
		return func() string { return prefix + created[key] + suffix }
	}
	static := func(s string) func() string { return func() string { return s } }

	steps := []struct {
		step
		path func() string
	}{
		{step{name: "pago registered", actor: "finanzas", method: "POST", coll: "pagos", accion: "crear", despues: true, id: keep("pago"),
			body: obj{"matricula": f.Matricula1, "cuota": em.CuotaMat1, "monto": 40, "medio_pago": f.Efectivo}}, static("/api/collections/pagos/records")},
		{step{name: "pago medio edited", actor: "finanzas", method: "PATCH", coll: "pagos", accion: "actualizar", antes: true, despues: true, id: ref("pago"),
			body: obj{"medio_pago": otherMedio.Id},
			check: func(t *testing.T, a, d map[string]any) {
				if a["medio_pago"] != f.Efectivo || d["medio_pago"] != otherMedio.Id {
					t.Errorf("before/after medio_pago = %v / %v", a["medio_pago"], d["medio_pago"])
				}
			}}, p("pago", "/api/collections/pagos/records/", "")},
		{step{name: "pago voided", actor: "finanzas", method: "POST", coll: "pagos", accion: "anular", antes: true, despues: true, id: ref("pago"),
			body: obj{"motivo": "Registrado por error"},
			check: func(t *testing.T, a, d map[string]any) {
				if a["estado"] != "Registrado" || d["estado"] != "Anulado" {
					t.Errorf("before/after estado = %v / %v", a["estado"], d["estado"])
				}
			}}, p("pago", "/api/pagos/", "/anular")},
		{step{name: "ingreso created", actor: "finanzas", method: "POST", coll: "ingresos", accion: "crear", despues: true, id: keep("ingreso"),
			body: obj{"sede": f.SedeA, "concepto": "Venta de libros", "monto": 80.5, "fecha": "2026-03-04 12:00:00.000Z"}}, static("/api/collections/ingresos/records")},
		{step{name: "ingreso edited", actor: "finanzas", method: "PATCH", coll: "ingresos", accion: "actualizar", antes: true, despues: true, id: ref("ingreso"),
			body: obj{"monto": 81},
			check: func(t *testing.T, a, d map[string]any) {
				if a["monto"] != 80.5 || d["monto"] != 81.0 {
					t.Errorf("before/after monto = %v / %v", a["monto"], d["monto"])
				}
			}}, p("ingreso", "/api/collections/ingresos/records/", "")},
		{step{name: "ingreso deleted", actor: "finanzas", method: "DELETE", coll: "ingresos", accion: "eliminar", antes: true, id: ref("ingreso")},
			p("ingreso", "/api/collections/ingresos/records/", "")},
		{step{name: "gasto created", actor: "finanzas", method: "POST", coll: "gastos", accion: "crear", despues: true, id: keep("gasto"),
			body: obj{"sede": f.SedeA, "concepto": "Útiles", "monto": 12.3, "fecha": "2026-03-04 12:00:00.000Z"}}, static("/api/collections/gastos/records")},
		{step{name: "gasto edited", actor: "finanzas", method: "PATCH", coll: "gastos", accion: "actualizar", antes: true, despues: true, id: ref("gasto"),
			body: obj{"concepto": "Útiles de oficina"}}, p("gasto", "/api/collections/gastos/records/", "")},
		{step{name: "gasto deleted", actor: "finanzas", method: "DELETE", coll: "gastos", accion: "eliminar", antes: true, id: ref("gasto")},
			p("gasto", "/api/collections/gastos/records/", "")},
		{step{name: "planilla created", actor: "rrhh", method: "POST", coll: "planillas", accion: "crear", despues: true, id: keep("planilla"),
			body: obj{"empleado": f.EmpleadoA, "mes": 1, "anio": 2026, "sueldo_basico": 1500, "tasa_pension": 0.1}}, static("/api/collections/planillas/records")},
		{step{name: "planilla edited", actor: "rrhh", method: "PATCH", coll: "planillas", accion: "actualizar", antes: true, despues: true, id: ref("planilla"),
			body: obj{"bonos": 100}}, p("planilla", "/api/collections/planillas/records/", "")},
		{step{name: "planilla paid", actor: "rrhh", method: "POST", coll: "planillas", accion: "pagar", antes: true, despues: true, id: ref("planilla")},
			p("planilla", "/api/planillas/", "/pagar")},
		{step{name: "planilla voided", actor: "rrhh", method: "POST", coll: "planillas", accion: "anular", antes: true, despues: true, id: ref("planilla"),
			body: obj{"motivo": "Monto equivocado"}}, p("planilla", "/api/planillas/", "/anular")},
		{step{name: "nota created", actor: "docente", method: "POST", coll: "notas", accion: "crear", despues: true, id: keep("nota"),
			body: obj{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Práctica", "nota": 14}}, static("/api/collections/notas/records")},
		{step{name: "nota corrected", actor: "docente", method: "PATCH", coll: "notas", accion: "actualizar", antes: true, despues: true, id: ref("nota"),
			body: obj{"nota": 15.5}}, p("nota", "/api/collections/notas/records/", "")},
		{step{name: "nota deleted", actor: "docente", method: "DELETE", coll: "notas", accion: "eliminar", antes: true, id: ref("nota")},
			p("nota", "/api/collections/notas/records/", "")},
		{step{name: "role created", actor: "admin", method: "POST", coll: "roles", accion: "crear", despues: true, id: keep("rol"),
			body: obj{"nombre": "Caja", "permisos": []string{"pagos"}}}, static("/api/collections/roles/records")},
		{step{name: "role permissions changed", actor: "admin", method: "PATCH", coll: "roles", accion: "actualizar", antes: true, despues: true, id: ref("rol"),
			body: obj{"permisos": []string{"pagos", "finanzas"}},
			check: func(t *testing.T, a, d map[string]any) {
				if !strings.Contains(jsonText(a["permisos"]), "pagos") || !strings.Contains(jsonText(d["permisos"]), "finanzas") {
					t.Errorf("before/after permisos = %v / %v", a["permisos"], d["permisos"])
				}
			}}, p("rol", "/api/collections/roles/records/", "")},
		{step{name: "staff user created", actor: "admin", method: "POST", coll: "users", accion: "crear", despues: true, id: keep("user"),
			body: obj{"email": "caja@test.sgul.pe", "password": "clave-segura-1", "passwordConfirm": "clave-segura-1", "nombre": "Cajera",
				"sedes": []string{f.SedeA}, "activo": true}}, static("/api/collections/users/records")},
		{step{name: "user given a role", actor: "admin", method: "PATCH", coll: "users", accion: "actualizar", antes: true, despues: true, id: ref("user"),
			body: func() any { return obj{"rol": created["rol"]} }}, p("user", "/api/collections/users/records/", "")},
		{step{name: "user given extra permissions", actor: "admin", method: "PATCH", coll: "users", accion: "actualizar", antes: true, despues: true, id: ref("user"),
			body: obj{"permisos_extra": []string{"reportes"}}}, p("user", "/api/collections/users/records/", "")},
		{step{name: "user moved to sede B", actor: "admin", method: "PATCH", coll: "users", accion: "actualizar", antes: true, despues: true, id: ref("user"),
			body: obj{"sedes": []string{f.SedeB}}}, p("user", "/api/collections/users/records/", "")},
		{step{name: "user deactivated", actor: "admin", method: "PATCH", coll: "users", accion: "actualizar", antes: true, despues: true, id: ref("user"),
			body: obj{"activo": false},
			check: func(t *testing.T, a, d map[string]any) {
				if a["activo"] != true || d["activo"] != false {
					t.Errorf("before/after activo = %v / %v", a["activo"], d["activo"])
				}
				if _, leaked := d["password"]; leaked {
					t.Error("the audit row carries the password hash")
				}
			}}, p("user", "/api/collections/users/records/", "")},
		{step{name: "user deleted", actor: "admin", method: "DELETE", coll: "users", accion: "eliminar", antes: true, id: ref("user")},
			p("user", "/api/collections/users/records/", "")},
		{step{name: "role deleted", actor: "admin", method: "DELETE", coll: "roles", accion: "eliminar", antes: true, id: ref("rol")},
			p("rol", "/api/collections/roles/records/", "")},
	}
	for i := range steps {
		s := steps[i]
		body := s.body
		if fn, ok := body.(func() any); ok {
			body = fn()
		}
		path := s.path()
		before := len(rlAuditRows(t, app, s.coll, s.id(nil))) // 0 for a create: its id is not known yet
		res := c.do(s.actor, s.method, path, body, nil)
		if res.Status >= 300 {
			t.Fatalf("%s: %s %s -> %d %s", s.name, s.method, path, res.Status, res.Raw)
		}
		id := s.id(res.JSON())
		rows := rlAuditRows(t, app, s.coll, id)
		if len(rows) != before+1 {
			t.Errorf("%s: %d audit rows written for %s/%s, want 1", s.name, len(rows)-before, s.coll, id)
		}
		if len(rows) == 0 {
			t.Errorf("%s: no audit row for %s/%s", s.name, s.coll, id)
			continue
		}
		last := rows[len(rows)-1]
		if last.GetString("accion") != s.accion {
			t.Errorf("%s: last audit row of %s/%s is %q, want %q", s.name, s.coll, id, last.GetString("accion"), s.accion)
		}
		if last.GetString("usuario") != f.Users[s.actor] || !strings.HasSuffix(last.GetString("actor"), s.actor+"@test.sgul.pe") {
			t.Errorf("%s: audit row by %q (%q), want %s", s.name, last.GetString("usuario"), last.GetString("actor"), s.actor)
		}
		if last.GetDateTime("created").IsZero() {
			t.Errorf("%s: audit row without date", s.name)
		}
		antes, despues := jsonMap(last.Get("antes")), jsonMap(last.Get("despues"))
		if (len(antes) > 0) != s.antes || (len(despues) > 0) != s.despues {
			t.Errorf("%s: antes=%v despues=%v, want antes %v, despues %v", s.name, len(antes) > 0, len(despues) > 0, s.antes, s.despues)
		}
		if s.check != nil {
			s.check(t, antes, despues)
		}
		steps[i] = s
	}

	// A plain rename of a user is not an access change: no audit row.
	before, _ := app.CountRecords("auditoria")
	if r := c.do("ventas", "PATCH", "/api/collections/users/records/"+f.Users["ventas"], obj{"nombre": "Vanessa"}, nil); r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Raw)
	}
	if after, _ := app.CountRecords("auditoria"); after != before {
		t.Errorf("a rename wrote %d audit rows", after-before)
	}
}

// TestAuditSameTransaction: when the audit row cannot be written the change it describes
// is not written either (they share one transaction), for every audited path.
func TestAuditSameTransaction(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	c := rlServe(t, app, f)
	em := emFixture(t)
	paid := c.do("finanzas", "POST", "/api/collections/pagos/records",
		obj{"matricula": f.Matricula1, "cuota": em.CuotaPen1, "monto": 20, "medio_pago": f.Efectivo}, nil)
	pagoID, _ := paid.JSON()["id"].(string)
	if paid.Status != 200 || pagoID == "" {
		t.Fatalf("pago: %d %s", paid.Status, paid.Raw)
	}
	trigger := func(on bool) {
		sql := "DROP TRIGGER rl_audit_down"
		if on {
			sql = `CREATE TRIGGER rl_audit_down BEFORE INSERT ON auditoria BEGIN SELECT RAISE(ABORT, 'auditoría no disponible'); END`
		}
		if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	calls := []struct{ name, actor, method, path string }{
		{"pago", "finanzas", "POST", "/api/collections/pagos/records"},
		{"ingreso", "finanzas", "POST", "/api/collections/ingresos/records"},
		{"gasto", "finanzas", "POST", "/api/collections/gastos/records"},
		{"planilla", "rrhh", "POST", "/api/collections/planillas/records"},
		{"nota", "docente", "POST", "/api/collections/notas/records"},
		{"rol", "admin", "POST", "/api/collections/roles/records"},
		{"rol de un usuario", "admin", "PATCH", "/api/collections/users/records/" + f.Users["ventas"]},
		{"anulación", "finanzas", "POST", "/api/pagos/" + pagoID + "/anular"},
	}
	bodies := map[string]any{
		"pago":              obj{"matricula": f.Matricula1, "cuota": em.CuotaMat1, "monto": 40, "medio_pago": f.Efectivo},
		"ingreso":           obj{"sede": f.SedeA, "concepto": "Venta", "monto": 10, "fecha": "2026-03-04 12:00:00.000Z"},
		"gasto":             obj{"sede": f.SedeA, "concepto": "Útiles", "monto": 10, "fecha": "2026-03-04 12:00:00.000Z"},
		"planilla":          obj{"empleado": f.EmpleadoA, "mes": 1, "anio": 2026, "sueldo_basico": 1500, "tasa_pension": 0.1},
		"nota":              obj{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Práctica", "nota": 14},
		"rol":               obj{"nombre": "Caja", "permisos": []string{"pagos"}},
		"rol de un usuario": obj{"rol": f.Roles["Admin"]},
		"anulación":         obj{"motivo": "Prueba"},
	}
	trigger(true)
	for _, k := range calls {
		snap := rlSnapshot(t, app)
		res := c.do(k.actor, k.method, k.path, bodies[k.name], nil)
		if res.Status < 400 {
			t.Errorf("%s: answered %d although its audit row could not be written", k.name, res.Status)
		}
		if d := snap.diff(rlSnapshot(t, app)); len(d) > 0 {
			t.Errorf("%s: written without its audit row: %v", k.name, d)
		}
	}
	if u, _ := app.FindRecordById("users", f.Users["ventas"]); u.GetString("rol") == f.Roles["Admin"] {
		t.Error("ventas became Admin without an audit row")
	}
	sgultest.CheckMoneyInvariants(t, app)

	// The same calls succeed once the trail is back: they failed because of it.
	trigger(false)
	for _, k := range calls {
		if res := c.do(k.actor, k.method, k.path, bodies[k.name], nil); res.Status >= 300 {
			t.Errorf("%s with the trail back: %d %s", k.name, res.Status, res.Raw)
		}
	}
	sgultest.CheckMoneyInvariants(t, app)
}

// TestAuditReadAndAppendOnly: the trail is read by finanzas (money rows of its sedes),
// by notas holders (grade rows) and by roles holders (all, role changes included); nobody,
// not even a superuser, creates, edits or deletes a row through the API.
func TestAuditReadAndAppendOnly(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	c := rlServe(t, app, f)
	em := emFixture(t)
	mk := func(actor, path string, body any) string {
		r := c.do(actor, "POST", path, body, nil)
		if r.Status != 200 {
			t.Fatalf("%s %s: %d %s", actor, path, r.Status, r.Raw)
		}
		id, _ := r.JSON()["id"].(string)
		return id
	}
	pago := mk("finanzas", "/api/collections/pagos/records", obj{"matricula": f.Matricula1, "cuota": em.CuotaMat1, "monto": 40, "medio_pago": f.Efectivo})
	nota := mk("docente", "/api/collections/notas/records", obj{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Práctica", "nota": 14})
	rol := mk("admin", "/api/collections/roles/records", obj{"nombre": "Caja", "permisos": []string{"pagos"}})
	pagoB := mk("finanzasB", "/api/collections/pagos/records", obj{"matricula": f.Matricula2, "cuota": em.CuotaCursoB, "monto": 40, "medio_pago": f.Efectivo})

	sees := func(actor string) []string {
		r := c.do(actor, "GET", "/api/collections/auditoria/records?perPage=500&fields=registro", nil, nil)
		if r.Status != 200 {
			t.Fatalf("%s lists auditoria: %d %s", actor, r.Status, r.Raw)
		}
		var body struct{ Items []struct{ Registro string } }
		_ = json.Unmarshal(r.Raw, &body)
		var out []string
		for _, it := range body.Items {
			out = append(out, it.Registro)
		}
		return out
	}
	for _, tc := range []struct {
		actor     string
		see, miss []string
	}{
		{"finanzas", []string{pago}, []string{nota, rol, pagoB}},
		{"finanzasB", []string{pagoB}, []string{pago, nota, rol}},
		{"docente", []string{nota}, []string{pago, rol, pagoB}},
		{"admin", []string{pago, nota, rol, pagoB}, nil},
		{"ventas", nil, []string{pago, nota, rol, pagoB}},
		{"rrhh", nil, []string{pago, nota, rol, pagoB}},
		{"alumno1", nil, []string{pago, nota, rol, pagoB}},
		{"anonymous", nil, []string{pago, nota, rol, pagoB}},
	} {
		got := sees(tc.actor)
		for _, id := range tc.see {
			if !slices.Contains(got, id) {
				t.Errorf("%s does not see the audit of %s", tc.actor, id)
			}
		}
		for _, id := range tc.miss {
			if slices.Contains(got, id) {
				t.Errorf("%s sees the audit of %s", tc.actor, id)
			}
		}
	}

	rows := rlAuditRows(t, app, "pagos", pago)
	if len(rows) == 0 {
		t.Fatal("no audit row of the pago")
	}
	row := rows[0].Id
	for _, actor := range []string{"superuser", "admin", "finanzas"} {
		for _, w := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/api/collections/auditoria/records", obj{"coleccion": "pagos", "registro": pago, "accion": "crear"}},
			{"PATCH", "/api/collections/auditoria/records/" + row, obj{"accion": "eliminar"}},
			{"DELETE", "/api/collections/auditoria/records/" + row, nil},
		} {
			snap := rlSnapshot(t, app)
			r := c.do(actor, w.method, w.path, w.body, nil)
			if r.Status != http.StatusForbidden {
				t.Errorf("%s %s auditoria: %d, want 403 (%s)", actor, w.method, r.Status, r.Raw)
			}
			rlSpanishError(t, actor+" "+w.method+" auditoria", r)
			if d := snap.diff(rlSnapshot(t, app)); len(d) > 0 {
				t.Errorf("%s %s auditoria changed %v", actor, w.method, d)
			}
		}
	}
}

func jsonMap(v any) map[string]any {
	m := map[string]any{}
	switch x := v.(type) {
	case map[string]any:
		return x
	default:
		raw, _ := json.Marshal(x)
		var s string
		if json.Unmarshal(raw, &s) == nil {
			raw = []byte(s)
		}
		_ = json.Unmarshal(raw, &m)
	}
	return m
}

func jsonText(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
