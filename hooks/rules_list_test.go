package hooks_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

// sees tells whether an actor must find record r when it lists r's collection.
type sees func(app core.App, r *core.Record) bool

func everything(core.App, *core.Record) bool { return true }

// in is true when the value reached from r through a dotted relation path
// ("sede", "matricula.sede", "empleado.usuario") is one of ids.
func in(path string, ids ...string) sees {
	return func(app core.App, r *core.Record) bool { return slices.Contains(ids, valueAt(app, r, path)) }
}

// enrolled is true when the alumno r has a matrícula whose field is one of ids.
func enrolled(field string, ids ...string) sees {
	return func(app core.App, r *core.Record) bool {
		ms, err := app.FindAllRecords("matriculas", dbx.HashExp{"alumno": r.Id})
		if err != nil {
			return false
		}
		return slices.ContainsFunc(ms, func(m *core.Record) bool { return slices.Contains(ids, m.GetString(field)) })
	}
}

func allOf(ps ...sees) sees {
	return func(app core.App, r *core.Record) bool {
		for _, p := range ps {
			if !p(app, r) {
				return false
			}
		}
		return true
	}
}

func anyOf(ps ...sees) sees {
	return func(app core.App, r *core.Record) bool {
		return slices.ContainsFunc(ps, func(p sees) bool { return p(app, r) })
	}
}

func valueAt(app core.App, r *core.Record, path string) string {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		f, ok := r.Collection().Fields.GetByName(p).(*core.RelationField)
		if !ok {
			panic("rules test: " + p + " is not a relation of " + r.Collection().Name)
		}
		next, err := app.FindRecordById(f.CollectionId, r.GetString(p))
		if err != nil {
			return ""
		}
		r = next
	}
	return r.GetString(parts[len(parts)-1])
}

// listRow says who lists what in one collection. Actors left out see nothing (default
// deny); the superuser sees everything.
type listRow struct {
	superuserOnly bool // no API rules at all: everybody else is answered 403
	sees          map[string]sees
}

func grant(p sees, actorNames ...string) map[string]sees {
	m := map[string]sees{}
	for _, a := range actorNames {
		m[a] = p
	}
	return m
}

func merge(ms ...map[string]sees) map[string]sees {
	out := map[string]sees{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// listMatrix is the specification of read access: one row per collection of the app.
// A new collection fails TestRulesListMatrix until its row is added here.
func listMatrix(w *world) map[string]listRow {
	A, B := w.SedeA, w.SedeB
	students := grant(everything, "alumno1", "alumno2")
	staff := grant(everything, activeStaff...)
	catalog := listRow{sees: merge(students, staff)}
	staffOnly := listRow{sees: staff}
	money := []string{"pagos", "ingresos", "gastos", "planillas"}
	financeReports := []string{"balance", "morosidad", "ingresos", "gastos", "estado_cuenta", "matriculas"}
	bySede := func(path string) map[string]sees { // sede-bound data of the sales/finance side
		return map[string]sees{"admin": in(path, A, B), "ventas": in(path, A), "finanzas": in(path, A), "ventasB": in(path, B), "finanzasB": in(path, B)}
	}
	ownStudent := func(path string) map[string]sees {
		return map[string]sees{"alumno1": in(path, w.Alumno1), "alumno2": in(path, w.Alumno2)}
	}
	ledger := listRow{sees: map[string]sees{"admin": in("sede", A, B), "finanzas": in("sede", A), "finanzasB": in("sede", B)}}
	academic := listRow{sees: merge(ownStudent("matricula.alumno"), map[string]sees{
		"admin":   in("matricula.sede", A, B),
		"docente": in("matricula.programa", w.Carrera), // only the programs it teaches
	})}

	return map[string]listRow{
		"sedes": catalog, "modalidades": catalog, "medios_contacto": catalog, "medios_pago": catalog,
		"departamentos": catalog, "provincias": catalog, "distritos": catalog,
		"programas": catalog, "cursos": catalog, "malla": catalog,

		"roles": staffOnly, "users": staffOnly, "docentes_programa": staffOnly,

		"leads":         {sees: map[string]sees{"admin": in("sede", A, B), "ventas": in("sede", A), "ventasB": in("sede", B)}},
		"interacciones": {sees: map[string]sees{"admin": in("lead.sede", A, B), "ventas": in("lead.sede", A), "ventasB": in("lead.sede", B)}},
		"alumnos": {sees: map[string]sees{
			"alumno1": in("id", w.Alumno1), "alumno2": in("id", w.Alumno2),
			"admin": enrolled("sede", A, B), "ventas": enrolled("sede", A), "finanzas": enrolled("sede", A),
			"ventasB": enrolled("sede", B), "finanzasB": enrolled("sede", B),
			"docente": enrolled("programa", w.Carrera),
		}},
		"matriculas": {sees: merge(ownStudent("alumno"), bySede("sede"), map[string]sees{"docente": in("programa", w.Carrera)})},
		"cuotas":     {sees: merge(ownStudent("matricula.alumno"), bySede("matricula.sede"))},
		"pagos":      {sees: merge(ownStudent("matricula.alumno"), bySede("sede"))},
		"ingresos":   ledger,
		"gastos":     ledger,
		"empleados": {sees: map[string]sees{
			"admin":   in("sede", A, B),
			"rrhh":    in("sede", A),
			"ventas":  in("usuario", w.Users["ventas"]), // its own row, salary included
			"ventasB": in("usuario", w.Users["ventasB"]),
		}},
		"planillas": {sees: map[string]sees{
			"admin":   in("empleado.sede", A, B),
			"rrhh":    in("empleado.sede", A),
			"ventas":  in("empleado.usuario", w.Users["ventas"]),
			"ventasB": in("empleado.usuario", w.Users["ventasB"]),
		}},
		"documentos": {sees: map[string]sees{
			"admin":   in("empleado.sede", A, B),
			"rrhh":    in("empleado.sede", A),
			"ventas":  in("empleado.usuario", w.Users["ventas"]),
			"ventasB": in("empleado.usuario", w.Users["ventasB"]),
		}},
		"notas":       academic,
		"asistencias": academic,
		"auditoria": {sees: map[string]sees{
			"admin":     everything,
			"finanzas":  allOf(in("coleccion", money...), in("sede", A)),
			"finanzasB": allOf(in("coleccion", money...), in("sede", B)),
			"docente":   allOf(in("coleccion", "notas"), in("sede", A)),
		}},
		"vouchers": {sees: merge(ownStudent("matricula.alumno"), map[string]sees{
			"admin": in("matricula.sede", A, B), "finanzas": in("matricula.sede", A), "finanzasB": in("matricula.sede", B),
		})},

		// a student's own notifications and push devices
		"notificaciones": {sees: ownStudent("alumno")},
		"dispositivos":   {sees: ownStudent("alumno")},

		// mass e-mail: the campanas permission, by sede (opt-outs are institute-wide)
		"campanas":     {sees: map[string]sees{"admin": in("sede", A, B)}},
		"envios":       {sees: map[string]sees{"admin": in("campana.sede", A, B)}},
		"bajas_correo": {sees: map[string]sees{"admin": everything}},

		// reports: one's own, or a sede's report of a type one's permissions cover
		"reportes": {sees: map[string]sees{
			"admin":     anyOf(in("solicitado_por", w.Users["admin"]), in("sede", A, B)),
			"ventas":    in("solicitado_por", w.Users["ventas"]), // no reportes permission: only what it asked for
			"finanzas":  allOf(in("sede", A), in("tipo", financeReports...)),
			"finanzasB": allOf(in("sede", B), in("tipo", financeReports...)),
			"analista":  allOf(in("sede", A), in("tipo", "balance", "morosidad")),
		}},

		// server-only bookkeeping
		"jobs": {superuserOnly: true}, "saldos_mensuales": {superuserOnly: true}, "idempotencia": {superuserOnly: true},
		"secretos": {superuserOnly: true}, "entregas_push": {superuserOnly: true},
	}
}

// neverSees lists ids that must not appear anywhere in a list answer for the actor:
// the other sede's and the other students' rows.
func neverSees(w *world, actor string) []string {
	sedeA := []string{w.LeadA, w.LeadConv1, w.Matricula1, w.Alumno1, w.CuotaA, w.PagoA, w.IngresoA, w.GastoA, w.InterA, w.NotaA, w.AsisA, w.DocA, w.VoucherA, w.NotifA, w.DispA, w.CampA, w.EnvioA}
	sedeB := []string{w.LeadB, w.LeadConv2, w.Matricula2, w.Alumno2, w.CuotaB, w.PagoB, w.IngresoB, w.GastoB, w.InterB, w.NotaB, w.AsisB, w.DocB, w.VoucherB, w.NotifB, w.DispB, w.CampB, w.EnvioB}
	other := []string{w.Alumno3, w.Matricula3, w.Cuota3, w.Nota3, w.Asis3}
	switch actor {
	case "admin", "superuser":
		return nil
	case "ventas", "finanzas":
		return sedeB
	case "ventasB", "finanzasB":
		return sedeA
	case "rrhh": // HR reads employee rows of sede A, documents included
		return append(slices.Clone(sedeB), other...)
	case "alumno1", "docente":
		return append(slices.Clone(sedeB), other...)
	case "alumno2":
		return append(slices.Clone(sedeA), other...)
	default: // anonymous, inactive and staff without sede-bound permissions
		return append(append(slices.Clone(sedeA), sedeB...), other...)
	}
}

// appSurvey describes the app's own collections (PocketBase's "_" ones left out), read from
// one seeded clone; seeding it also tells w.rows which collections the world fills.
type appSurvey struct {
	names  []string // sorted
	schema map[string]*core.Collection
	anyID  map[string]string // one existing record per collection, else an id that does not exist
}

func survey(t testing.TB, w *world) appSurvey {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	w.seed(t, app)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	s := appSurvey{schema: map[string]*core.Collection{}, anyID: map[string]string{}}
	for _, c := range cols {
		if strings.HasPrefix(c.Name, "_") {
			continue
		}
		s.names = append(s.names, c.Name)
		s.schema[c.Name] = c
		s.anyID[c.Name] = tid("missing")
		if rs, err := app.FindRecordsByFilter(c.Name, "", "", 1, 0); err == nil && len(rs) == 1 {
			s.anyID[c.Name] = rs[0].Id
		}
	}
	sort.Strings(s.names)
	return s
}

// TestRulesListMatrix lists every collection as every actor and compares the answer with
// the matrix, record by record: an extra id is a leak, a missing one a wrong refusal.
func TestRulesListMatrix(t *testing.T) {
	w := newWorld(t)
	matrix := listMatrix(w)
	names := survey(t, w).names
	for _, n := range names {
		if _, ok := matrix[n]; !ok {
			t.Errorf("collection %q has no row in listMatrix (rules_list_test.go): say who may list it", n)
		}
	}
	for n := range matrix {
		if !slices.Contains(names, n) {
			t.Errorf("listMatrix has a row for %q, which is not a collection", n)
		}
	}

	for _, coll := range names {
		row, ok := matrix[coll]
		if !ok {
			continue
		}
		for _, actor := range actors {
			s := tests.ApiScenario{
				Name:           coll + "/" + actor,
				Method:         http.MethodGet,
				URL:            "/api/collections/" + coll + "/records?perPage=1000",
				Headers:        w.Auth(actor),
				TestAppFactory: sgultest.Factory,
				BeforeTestFunc: w.seededFor(coll),
			}
			switch p := row.sees[actor]; {
			case row.superuserOnly && actor != "superuser":
				s.Name += " is refused"
				s.ExpectedStatus = http.StatusForbidden
				s.ExpectedContent = []string{`"status":403`}
				s.NotExpectedContent = []string{`"items"`}
				s.ExpectedEvents = map[string]int{"*": 0}
			case actor == "superuser":
				s.Name += " sees everything"
				s.ExpectedStatus = http.StatusOK
				s.ExpectedContent = []string{`"items":[`}
				s.AfterTestFunc = checkListed(coll, everything)
			case p == nil:
				s.Name += " sees nothing"
				s.ExpectedStatus = http.StatusOK
				s.ExpectedContent = []string{`"totalItems":0`, `"items":[]`}
				s.ExpectedEvents = map[string]int{"OnRecordsListRequest": 1, "OnRecordEnrich": 0}
			default:
				s.Name += " sees its share"
				s.ExpectedStatus = http.StatusOK
				s.ExpectedContent = []string{`"items":[`}
				// "totalItems":0 here means the fixture does not exercise the grant
				s.NotExpectedContent = append([]string{`"totalItems":0`}, neverSees(w, actor)...)
				s.AfterTestFunc = checkListed(coll, p)
			}
			s.Test(t)
		}
	}
}

// checkListed compares the listed ids with the rows of coll the predicate selects.
func checkListed(coll string, p sees) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		var got struct {
			TotalItems int `json:"totalItems"`
			Items      []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		raw, _ := io.ReadAll(res.Body)
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("list %s: %v: %s", coll, err, raw)
		}
		listed := map[string]bool{}
		for _, it := range got.Items {
			listed[it.ID] = true
		}
		all, err := app.FindAllRecords(coll)
		if err != nil {
			t.Fatal(err)
		}
		var leaked, missing []string
		want := 0
		for _, r := range all {
			switch expected := p(app, r); {
			case expected:
				want++
				if !listed[r.Id] {
					missing = append(missing, r.Id)
				}
			case listed[r.Id]:
				leaked = append(leaked, r.Id)
			}
		}
		if len(leaked) > 0 {
			t.Errorf("%s: LEAK, listed but not allowed: %v", coll, leaked)
		}
		if len(missing) > 0 {
			t.Errorf("%s: wrongly refused, allowed but not listed: %v", coll, missing)
		}
		if got.TotalItems != want {
			t.Errorf("%s: totalItems = %d, want %d", coll, got.TotalItems, want)
		}
	}
}
