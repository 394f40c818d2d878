package hooks_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/sgultest"
)

// The authorization matrix: every collection x operation (list, view, create, update,
// delete, file download; realtime in reliability_realtime_test.go) and every business
// endpoint x every actor, with the outcome each cell must have. A new collection or
// route fails TestMatrix* until its rows are added here.
//
// Each collection cell acts on one target record of sede A (alumno1's where it belongs
// to a student), so alumno2, ventasB and finanzasB are "the other student" and "staff of
// the other sede". Who may read is listMatrix (rules_list_test.go); who may write is
// rlWriteMatrix below. Writes are probed, not made: a hook that runs right after
// PocketBase checked the API rule (and after SGUL's request guards) answers 418, so an
// allowed write is seen without changing the data the other cells read.

// rlProbeHeader marks a request whose write must stop after authorization.
const rlProbeHeader = "X-Sgul-Matrix-Probe"

const rlProbeStatus = http.StatusTeapot

// rlWho lists the actors (besides the superuser) a write is allowed to.
type rlWho []string

// rlNobody: not even the superuser (server-only data behind a guard).
var rlNobody = rlWho{"-"}

func who(actors ...string) rlWho { return actors }

// rlWrites says who may create, update and delete in one collection. The bodies are
// what the probes send: rules read @request.body, so they name the sede-A parent.
type rlWrites struct {
	create, update, delete rlWho
	createBody, updateBody obj
}

// rlWriteMatrix is the specification of write access (nil = superuser only).
func rlWriteMatrix(w *world) map[string]rlWrites {
	A := w.SedeA
	catalog := rlWrites{}
	curriculum := rlWrites{create: who("admin"), update: who("admin"), delete: who("admin")}
	superuserOnly := rlWrites{}
	return map[string]rlWrites{
		"sedes": catalog, "modalidades": catalog, "medios_contacto": catalog, "medios_pago": catalog,
		"departamentos": catalog, "provincias": catalog, "distritos": catalog,
		"programas": curriculum, "cursos": curriculum, "malla": curriculum, "docentes_programa": curriculum,

		"roles": {create: who("admin"), update: who("admin"), delete: who("admin")},
		"users": {create: who("admin"), update: who("admin", "ventas"), delete: who("admin"), updateBody: obj{"nombre": "Otro Nombre"}},

		"leads": {create: who("admin", "ventas"), update: who("admin", "ventas"), delete: who("admin", "ventas"),
			createBody: obj{"sede": A}, updateBody: obj{"observaciones": "Llamar"}},
		"interacciones": {create: who("admin", "ventas"), createBody: obj{"lead": w.LeadA}},
		"alumnos":       {update: who("alumno1", "admin", "ventas"), updateBody: obj{"telefono": "987111222"}},
		"matriculas":    {update: who("admin", "ventas"), updateBody: obj{"observacion": "Pide constancia"}},
		"cuotas":        superuserOnly,
		"pagos": {create: who("admin", "finanzas"), update: who("admin", "finanzas"),
			createBody: obj{"matricula": w.Matricula1}, updateBody: obj{"medio_pago": w.Efectivo}},
		"ingresos": {create: who("admin", "finanzas"), update: who("admin", "finanzas"), delete: who("admin", "finanzas"),
			createBody: obj{"sede": A}, updateBody: obj{"concepto": "Otro"}},
		"gastos": {create: who("admin", "finanzas"), update: who("admin", "finanzas"), delete: who("admin", "finanzas"),
			createBody: obj{"sede": A}, updateBody: obj{"concepto": "Otro"}},
		"empleados": {create: who("admin", "rrhh"), update: who("admin", "rrhh"), delete: who("admin", "rrhh"),
			createBody: obj{"sede": A}, updateBody: obj{"cargo": "Asesora"}},
		"planillas": {create: who("admin", "rrhh"), update: who("admin", "rrhh"), delete: who("admin", "rrhh"),
			createBody: obj{"empleado": w.EmpleadoA}, updateBody: obj{"bonos": 10}},
		"documentos": {create: who("ventas"), update: who("admin", "rrhh"), delete: who("ventas"), // the employee uploads, HR reviews
			createBody: obj{"empleado": w.EmpVentas}, updateBody: obj{"resena": "Conforme"}},
		"notas": {create: who("admin", "docente"), update: who("admin", "docente"), delete: who("admin", "docente"),
			createBody: obj{"matricula": w.Matricula1}, updateBody: obj{"observaciones": "Mejoró"}},
		"asistencias": {create: who("admin", "docente"), update: who("admin", "docente"), delete: who("admin", "docente"),
			createBody: obj{"matricula": w.Matricula1}, updateBody: obj{"justificacion": "Cita médica"}},
		"auditoria":      {create: rlNobody, update: rlNobody, delete: rlNobody},
		"vouchers":       {create: who("alumno1"), createBody: obj{"matricula": w.Matricula1}},
		"notificaciones": {update: who("alumno1"), updateBody: obj{"leida": true}},
		"dispositivos":   {create: who("alumno1", "alumno2"), update: who("alumno1"), delete: who("alumno1"), updateBody: obj{"activo": false}},
		"campanas": {create: who("admin"), update: who("admin"), delete: who("admin"),
			createBody: obj{"sede": A}, updateBody: obj{"asunto": "Becas"}},
		"envios": superuserOnly, "bajas_correo": superuserOnly,
		"reportes": {create: who("admin", "finanzas", "finanzasB", "analista"), delete: who("admin")},

		"jobs": superuserOnly, "saldos_mensuales": superuserOnly, "idempotencia": superuserOnly,
		"secretos": superuserOnly, "entregas_push": superuserOnly,
	}
}

// rlTargets is the record each collection's cells act on.
func rlTargets(w *world, s appSurvey) map[string]string {
	t := map[string]string{
		"sedes": w.SedeA, "modalidades": w.Virtual, "medios_contacto": w.Facebook, "medios_pago": w.Efectivo, "distritos": w.Distrito,
		"programas": w.Carrera, "cursos": w.CursoA, "malla": w.MallaCarrera1, "roles": w.Roles["Ventas"], "users": w.Users["ventas"],
		"leads": w.LeadA, "interacciones": w.InterA, "alumnos": w.Alumno1, "matriculas": w.Matricula1, "cuotas": w.CuotaA,
		"pagos": w.PagoA, "ingresos": w.IngresoA, "gastos": w.GastoA, "empleados": w.EmpVentas, "planillas": w.PlanillaA,
		"documentos": w.DocA, "notas": w.NotaA, "asistencias": w.AsisA, "auditoria": w.AudPagoA, "vouchers": w.VoucherA,
		"notificaciones": w.NotifA, "dispositivos": w.DispA, "entregas_push": w.EntregaA, "campanas": w.CampA, "envios": w.EnvioA,
		"bajas_correo": w.BajaA, "reportes": w.RepBalanceA,
	}
	for _, n := range s.names {
		if _, ok := t[n]; !ok {
			t[n] = s.anyID[n] // departamentos, provincias, docentes_programa and the server-only tables
		}
	}
	return t
}

// rlFileTargets are the stored files the download cells ask for, per collection.
var rlFileTargets = map[string]struct{ field, name string }{
	"users": {"avatar", "avatar_ventas.png"}, "alumnos": {"archivo_dni", "dni_alumno1.pdf"}, "pagos": {"comprobante", "voucher_pagoa.png"},
	"documentos": {"archivo", "contrato_ventas.pdf"}, "vouchers": {"imagen", "voucher_alumno1.png"}, "reportes": {"archivo", "balance_a.pdf"},
}

// rlMatrixApp is a served clone with the world, its files and the write probe.
type rlMatrixApp struct {
	*rlClient
	app     *tests.TestApp
	w       *world
	survey  appSurvey
	targets map[string]string
	reads   map[string]listRow
	writes  map[string]rlWrites
	tokens  map[string]string // file tokens

	mu    sync.Mutex
	cells int
}

func newMatrixApp(t *testing.T) *rlMatrixApp {
	w := newWorld(t)
	s := survey(t, w)
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	w.seed(t, app)
	w.withFiles(t, app)
	insertRow(t, app, "vouchers", rlVoucherRechazado, obj{"matricula": w.Matricula1, "cuota": w.CuotaA, "monto": 100, "medio_pago": w.Yape,
		"fecha": "2026-03-04 15:00:00.000Z", "imagen": "v.png", "estado": "Rechazado"})
	insertRow(t, app, "vouchers", rlVoucherAprobado, obj{"matricula": w.Matricula1, "cuota": w.CuotaA, "monto": 100, "medio_pago": w.Yape,
		"fecha": "2026-03-04 15:00:00.000Z", "imagen": "v.png", "estado": "Aprobado"})
	// rows in the server-only tables the world leaves empty, so their cells have a target
	insertRow(t, app, "saldos_mensuales", rlSaldo, obj{"sede": w.SedeA, "anio": 2026, "mes": 3, "ingresos_centimos": 10000, "movimientos": 1})
	insertRow(t, app, "idempotencia", rlIdem, obj{"clave": "k1", "actor": "users:finanzas@test.sgul.pe", "ruta": "POST /x", "estado_http": 200})
	insertRow(t, app, "jobs", rlJob, obj{"tipo": "prueba", "estado": "hecho", "ejecutar_en": "2026-03-04 15:00:00.000Z"})
	m := &rlMatrixApp{app: app, w: w, survey: s, targets: rlTargets(w, s), reads: listMatrix(w), writes: rlWriteMatrix(w)}
	m.targets["saldos_mensuales"], m.targets["idempotencia"], m.targets["jobs"] = rlSaldo, rlIdem, rlJob
	for coll, ft := range rlFileTargets {
		if coll == "alumnos" || coll == "pagos" || coll == "documentos" {
			continue // withFiles stored them
		}
		rlPutFile(t, app, coll, m.targets[coll], ft.field, ft.name)
	}
	probe := func(e *core.RecordRequestEvent) error {
		if e.Request.Header.Get(rlProbeHeader) != "" {
			return router.NewApiError(rlProbeStatus, "Sonda de autorización: la escritura fue admitida.", nil)
		}
		return e.Next()
	}
	app.OnRecordCreateRequest().Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "rlProbe", Priority: -500, Func: probe})
	app.OnRecordUpdateRequest().Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "rlProbe", Priority: -500, Func: probe})
	app.OnRecordDeleteRequest().Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "rlProbe", Priority: -500, Func: probe})
	m.rlClient = rlServe(t, app, f)
	m.tokens = mintFileTokens(t, "alumno1", "alumno2", "admin", "ventas", "finanzas", "docente", "rrhh", "analista",
		"ventasB", "finanzasB", "norole", "inactive", "superuser")
	return m
}

// Ids of the rows the matrix adds to the world.
const (
	rlVoucherRechazado = "rlvoucherrech01"
	rlVoucherAprobado  = "rlvoucheraprob1"
	rlSaldo            = "rlsaldomensual1"
	rlIdem             = "rlidempotencia1"
	rlJob              = "rljob0000000001"
)

// rlPutFile stores a small file of the right type as field of coll/id.
func rlPutFile(t testing.TB, app core.App, coll, id, field, name string) {
	t.Helper()
	content := []byte("%PDF-1.4\n%%EOF\n")
	if strings.HasSuffix(name, ".png") {
		content = emPNG()
	}
	r, err := app.FindRecordById(coll, id)
	if err != nil {
		t.Fatalf("file for %s/%s: %v", coll, id, err)
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	if err := fsys.Upload(content, r.BaseFilesPath()+"/"+name); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("UPDATE {{" + coll + "}} SET [[" + field + "]] = {:n} WHERE id = {:id}").
		Bind(map[string]any{"n": name, "id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// mayRead says whether actor may list/view/download/receive the collection's target.
func (m *rlMatrixApp) mayRead(coll, actor string) bool {
	row := m.reads[coll]
	if actor == "superuser" {
		return true
	}
	if row.superuserOnly {
		return false
	}
	p := row.sees[actor]
	if p == nil {
		return false
	}
	r, err := m.app.FindRecordById(coll, m.targets[coll])
	return err == nil && p(m.app, r)
}

// mayWrite says whether actor may make a write of the given kind.
func mayWrite(allowed rlWho, actor string) bool {
	if slices.Equal(allowed, rlNobody) {
		return false
	}
	return actor == "superuser" || slices.Contains(allowed, actor)
}

// cell checks one answer.
func (m *rlMatrixApp) cell(t *testing.T, name string, got, want int) {
	t.Helper()
	m.mu.Lock()
	m.cells++
	m.mu.Unlock()
	if got != want {
		t.Errorf("%s: %d, want %d", name, got, want)
	}
}

// TestMatrixCollections runs the list, view, create, update, delete and file cells of
// every collection for every actor.
func TestMatrixCollections(t *testing.T) {
	m := newMatrixApp(t)
	for _, n := range m.survey.names {
		if _, ok := m.writes[n]; !ok {
			t.Errorf("collection %q has no row in rlWriteMatrix (reliability_matrix_test.go): say who may write it", n)
		}
		if _, ok := m.reads[n]; !ok {
			t.Errorf("collection %q has no row in listMatrix (rules_list_test.go): say who may read it", n)
		}
		for _, f := range m.survey.schema[n].Fields {
			if f.Type() == core.FieldTypeFile {
				if _, ok := rlFileTargets[n]; !ok {
					t.Errorf("collection %q has file field %s but no row in rlFileTargets", n, f.GetName())
				}
			}
		}
	}
	for n := range m.writes {
		if !slices.Contains(m.survey.names, n) {
			t.Errorf("rlWriteMatrix has a row for %q, which is not a collection", n)
		}
	}

	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, coll := range m.survey.names {
		wr, ok := m.writes[coll]
		if !ok {
			continue
		}
		for _, actor := range actors {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				m.collectionCells(t, coll, actor, wr)
			}()
		}
	}
	wg.Wait()
	t.Logf("%d collection cells (%d collections x %d actors)", m.cells, len(m.survey.names), len(actors))
}

func (m *rlMatrixApp) collectionCells(t *testing.T, coll, actor string, wr rlWrites) {
	id := m.targets[coll]
	base := "/api/collections/" + coll + "/records"
	c := m.survey.schema[coll]
	readable := m.mayRead(coll, actor)
	name := func(op string) string { return coll + " " + op + " as " + actor }
	probe := map[string]string{rlProbeHeader: "1"}

	// list: the target is among the items, or it is not (403 when only superusers list)
	r := m.do(actor, "GET", base+"?perPage=1&filter="+url.QueryEscape("id='"+id+"'"), nil, nil)
	switch {
	case m.reads[coll].superuserOnly && actor != "superuser":
		m.cell(t, name("list"), r.Status, 403)
	default:
		total, _ := r.JSON()["totalItems"].(float64)
		got := r.Status
		if got == 200 && (total == 1) != readable {
			got = -int(total) // a leak or a wrong refusal, shown as a negative count
		}
		m.cell(t, name("list"), got, 200)
	}

	// view
	r = m.do(actor, "GET", base+"/"+id, nil, nil)
	m.cell(t, name("view"), r.Status, statusFor(readable, 200, c.ViewRule, 404))

	// writes, probed
	r = m.do(actor, "POST", base, wr.createBody, probe)
	want := statusFor(mayWrite(wr.create, actor), rlProbeStatus, c.CreateRule, 400)
	if slices.Equal(wr.create, rlNobody) {
		want = 403
	}
	m.cell(t, name("create"), r.Status, want)
	r = m.do(actor, "PATCH", base+"/"+id, wr.updateBody, probe)
	want = statusFor(mayWrite(wr.update, actor), rlProbeStatus, c.UpdateRule, 404)
	if slices.Equal(wr.update, rlNobody) {
		want = 403
	}
	m.cell(t, name("update"), r.Status, want)
	r = m.do(actor, "DELETE", base+"/"+id, nil, probe)
	want = statusFor(mayWrite(wr.delete, actor), rlProbeStatus, c.DeleteRule, 404)
	if slices.Equal(wr.delete, rlNobody) {
		want = 403
	}
	m.cell(t, name("delete"), r.Status, want)

	// file download: a file token and the view rule
	if ft, ok := rlFileTargets[coll]; ok {
		u := "/api/files/" + coll + "/" + id + "/" + ft.name
		if actor != "anonymous" {
			u += "?token=" + m.tokens[actor]
		}
		r = m.do(actor, "GET", u, nil, nil)
		want := 404
		if readable && actor != "anonymous" {
			want = 200
		}
		m.cell(t, name("file"), r.Status, want)
	}
}

// statusFor is the answer of an allowed request, or of a refused one: 403 when the rule
// is nil (superusers only), else what PocketBase answers a failed rule.
func statusFor(allowed bool, ok int, rule *string, refused int) int {
	switch {
	case allowed:
		return ok
	case rule == nil:
		return http.StatusForbidden
	default:
		return refused
	}
}

// rlEndpoint is one business route's row: the request its cells send and the status
// each actor gets. alias rows re-dispatch to a collection and take its cells instead.
type rlEndpoint struct {
	method, url string
	body        any
	want        string // "all=403 anonymous=401 admin,ventas,superuser=200"
	alias       string // collection:op for the customer's path aliases
}

// rlEndpointMatrix is the specification of the business routes, keyed by the route as
// registered ("METHOD /path").
func rlEndpointMatrix(w *world) map[string]rlEndpoint {
	m1, pagoA := w.Matricula1, w.PagoA
	convert := obj{"lead": w.LeadConv1, "programa": w.Carrera, "modalidad": w.Virtual, "dni": "70000001", "email": "alumno1@test.sgul.pe"}
	const staffNoPerm = "all=403 anonymous=401"
	eps := map[string]rlEndpoint{
		// conversion of an already converted lead of sede A: 409 for who may convert there
		"POST /api/matriculas":     {method: "POST", url: "/api/matriculas", body: convert, want: staffNoPerm + " admin,ventas,superuser=409 ventasB=404"},
		"POST /api/matriculas/{$}": {method: "POST", url: "/api/matriculas/", body: convert, want: staffNoPerm + " admin,ventas,superuser=409 ventasB=404"},
		// a void without motivo: 400 for who may void it
		"POST /api/pagos/{id}/anular": {method: "POST", url: "/api/pagos/" + pagoA + "/anular", body: obj{},
			want: staffNoPerm + " admin,finanzas,superuser=400 finanzasB=404"},
		"GET /api/matriculas/{id}/estado-cuenta": {method: "GET", url: "/api/matriculas/" + m1 + "/estado-cuenta",
			want: "all=404 anonymous=401 alumno1,admin,ventas,finanzas,superuser=200"},
		"GET /api/matriculas/{id}/notas-resumen": {method: "GET", url: "/api/matriculas/" + m1 + "/notas-resumen",
			want: "all=404 anonymous=401 alumno1,admin,docente,superuser=200"},
		"GET /api/matriculas/{id}/asistencia-resumen": {method: "GET", url: "/api/matriculas/" + m1 + "/asistencia-resumen",
			want: "all=404 anonymous=401 alumno1,admin,docente,superuser=200"},
		"POST /api/asistencias/grupal": {method: "POST", url: "/api/asistencias/grupal", body: obj{},
			want: staffNoPerm + " admin,docente,superuser=400"},
		// reviews of vouchers already reviewed the other way: 409 for who may review them
		"POST /api/vouchers/{id}/aprobar": {method: "POST", url: "/api/vouchers/" + rlVoucherRechazado + "/aprobar",
			want: staffNoPerm + " admin,finanzas,superuser=409"},
		"POST /api/vouchers/{id}/rechazar": {method: "POST", url: "/api/vouchers/" + rlVoucherAprobado + "/rechazar", body: obj{"motivo": "Ilegible"},
			want: staffNoPerm + " admin,finanzas,superuser=409"},
		"GET /api/finanzas/balance": {method: "GET", url: "/api/finanzas/balance?sede_id=" + w.SedeA,
			want: staffNoPerm + " admin,finanzas,superuser=200"},
		"GET /api/finanzas/balance/{$}": {method: "GET", url: "/api/finanzas/balance/?sede_id=" + w.SedeA,
			want: staffNoPerm + " admin,finanzas,superuser=200"},
		"POST /api/planillas/generar": {method: "POST", url: "/api/planillas/generar", body: obj{},
			want: staffNoPerm + " admin,rrhh,superuser=400"},
		"POST /api/planillas/{id}/pagar": {method: "POST", url: "/api/planillas/" + w.PlanillaVentas + "/pagar",
			want: staffNoPerm + " admin,rrhh,superuser=409"},
		"POST /api/planillas/{id}/anular": {method: "POST", url: "/api/planillas/" + w.PlanillaA + "/anular", body: obj{"motivo": "Error"},
			want: staffNoPerm + " admin,rrhh,superuser=409"},
		"GET /api/documentos/filtros": {method: "GET", url: "/api/documentos/filtros", want: staffNoPerm + " admin,rrhh,superuser=200"},
		"GET /api/dashboard": {method: "GET", url: "/api/dashboard",
			want: staffNoPerm + " admin,ventas,finanzas,analista,ventasB,finanzasB,superuser=200"},
		"POST /api/notificaciones/anuncio": {method: "POST", url: "/api/notificaciones/anuncio", body: obj{},
			want: staffNoPerm + " admin,superuser=400"},
		// public: the unsubscribe link (a signed token; none here), sign-in, the API docs
		"GET /api/campanas/baja":         {method: "GET", url: "/api/campanas/baja", want: "all=400"},
		"POST /api/campanas/baja":        {method: "POST", url: "/api/campanas/baja", want: "all=400"},
		"POST /api/token":                {method: "POST", url: "/api/token", body: obj{"email": "nadie@test.sgul.pe", "password": "x"}, want: "all=400"},
		"POST /api/token/{$}":            {method: "POST", url: "/api/token/", body: obj{"email": "nadie@test.sgul.pe", "password": "x"}, want: "all=400"},
		"GET /api/docs":                  {method: "GET", url: "/api/docs", want: "all=301"},
		"GET /api/docs/{$}":              {method: "GET", url: "/api/docs/", want: "all=200"},
		"GET /api/docs/docs.js":          {method: "GET", url: "/api/docs/docs.js", want: "all=200"},
		"GET /api/docs/openapi.json":     {method: "GET", url: "/api/docs/openapi.json", want: "all=200"},
		"GET /api/sgul/jobs/stats":       {method: "GET", url: "/api/sgul/jobs/stats", want: staffNoPerm + " superuser=200"},
		"POST /api/sgul/jobs/{id}/retry": {method: "POST", url: "/api/sgul/jobs/" + tid("missing") + "/retry", want: staffNoPerm + " superuser=404"},
		// PocketBase's SQL console is off for everybody
		"POST /api/sql": {method: "POST", url: "/api/sql", body: obj{"query": "DELETE FROM auditoria"}, want: "all=403"},
	}
	// the customer's paths: the same cells as the collection they stand for
	for _, p := range []string{"", "/{$}"} {
		slash := ""
		if p != "" {
			slash = "/"
		}
		eps["GET /api/leads"+p] = rlEndpoint{method: "GET", url: "/api/leads" + slash, alias: "leads:list"}
		eps["POST /api/leads"+p] = rlEndpoint{method: "POST", url: "/api/leads" + slash, alias: "leads:create"}
		eps["GET /api/empleados"+p] = rlEndpoint{method: "GET", url: "/api/empleados" + slash, alias: "empleados:list"}
		eps["GET /api/programas"+p] = rlEndpoint{method: "GET", url: "/api/programas" + slash, alias: "programas:list"}
		for _, m := range []string{"GET", "PATCH", "PUT", "DELETE"} {
			op := map[string]string{"GET": "view", "PATCH": "update", "PUT": "update", "DELETE": "delete"}[m]
			eps[m+" /api/leads/{id}"+p] = rlEndpoint{method: m, url: "/api/leads/" + w.LeadA + slash, alias: "leads:" + op}
		}
	}
	return eps
}

// rlSuperuserOnlyRoutes are the only business routes no role reaches: the job queue's
// administration (the dashboard's business) and the disabled SQL console.
var rlSuperuserOnlyRoutes = []string{"GET /api/sgul/jobs/stats", "POST /api/sgul/jobs/{id}/retry", "POST /api/sql"}

// parseWant expands "all=403 anonymous=401 a,b=200" into a status per actor.
func parseWant(spec string) (map[string]int, error) {
	out := map[string]int{}
	for _, tok := range strings.Fields(spec) {
		who, code, ok := strings.Cut(tok, "=")
		n, err := strconv.Atoi(code)
		if !ok || err != nil {
			return nil, fmt.Errorf("bad token %q", tok)
		}
		for _, a := range strings.Split(who, ",") {
			if a == "all" {
				for _, x := range actors {
					out[x] = n
				}
				continue
			}
			if !slices.Contains(actors, a) {
				return nil, fmt.Errorf("unknown actor %q", a)
			}
			out[a] = n
		}
	}
	if len(out) != len(actors) {
		return nil, fmt.Errorf("%q does not give every actor a status", spec)
	}
	return out, nil
}

// TestMatrixEndpoints runs every business route as every actor.
func TestMatrixEndpoints(t *testing.T) {
	m := newMatrixApp(t)
	eps := rlEndpointMatrix(m.w)
	routes := func() []string {
		app, _ := sgultest.NewApp(t)
		defer app.Cleanup()
		return rlRoutes(t, app)
	}()
	for _, r := range routes {
		if _, ok := eps[r]; !ok {
			t.Errorf("route %q has no row in rlEndpointMatrix (reliability_matrix_test.go): say who may call it", r)
		}
	}
	keys := make([]string, 0, len(eps))
	for k := range eps {
		keys = append(keys, k)
		if !slices.Contains(routes, k) {
			t.Errorf("rlEndpointMatrix has a row for %q, which is not a route", k)
		}
	}
	sort.Strings(keys)

	for _, route := range keys {
		ep := eps[route]
		if ep.alias != "" {
			m.aliasCells(t, route, ep)
			continue
		}
		want, err := parseWant(ep.want)
		if err != nil {
			t.Fatalf("%s: %v", route, err)
		}
		reached := false
		for _, actor := range actors {
			r := m.do(actor, ep.method, ep.url, ep.body, nil)
			m.cell(t, route+" as "+actor, r.Status, want[actor])
			if r.Status >= 500 {
				t.Errorf("%s as %s: %d %s", route, actor, r.Status, r.Raw)
			}
			if r.Status >= 400 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				rlSpanishError(t, route+" as "+actor, r)
			}
			if actor != "superuser" && actor != "anonymous" && want[actor] != 401 && want[actor] != 403 && want[actor] != 404 {
				reached = true
			}
		}
		// superuser is needed only for the dashboard: some role reaches every other route
		if !reached && !slices.Contains(rlSuperuserOnlyRoutes, route) {
			t.Errorf("%s: only the superuser gets past its authorization", route)
		}
	}
	t.Logf("%d endpoint cells (%d routes x %d actors)", m.cells, len(keys), len(actors))
}

// aliasCells checks a customer path against its collection's expectations.
func (m *rlMatrixApp) aliasCells(t *testing.T, route string, ep rlEndpoint) {
	coll, op, _ := strings.Cut(ep.alias, ":")
	wr := m.writes[coll]
	c := m.survey.schema[coll]
	id := m.targets[coll]
	for _, actor := range actors {
		name := route + " as " + actor
		probe := map[string]string{rlProbeHeader: "1"}
		switch op {
		case "list":
			r := m.do(actor, "GET", ep.url+"?perPage=1&filter="+url.QueryEscape("id='"+id+"'"), nil, nil)
			total, _ := r.JSON()["totalItems"].(float64)
			got := r.Status
			if got == 200 && (total == 1) != m.mayRead(coll, actor) {
				got = -int(total)
			}
			m.cell(t, name, got, 200)
		case "view":
			r := m.do(actor, "GET", ep.url, nil, nil)
			m.cell(t, name, r.Status, statusFor(m.mayRead(coll, actor), 200, c.ViewRule, 404))
		case "create":
			r := m.do(actor, "POST", ep.url, wr.createBody, probe)
			m.cell(t, name, r.Status, statusFor(mayWrite(wr.create, actor), rlProbeStatus, c.CreateRule, 400))
		case "update":
			r := m.do(actor, ep.method, ep.url, wr.updateBody, probe)
			m.cell(t, name, r.Status, statusFor(mayWrite(wr.update, actor), rlProbeStatus, c.UpdateRule, 404))
		case "delete":
			r := m.do(actor, "DELETE", ep.url, nil, probe)
			m.cell(t, name, r.Status, statusFor(mayWrite(wr.delete, actor), rlProbeStatus, c.DeleteRule, 404))
		}
	}
}
