package hooks_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"sgul/internal/sgultest"
)

// bigTables grow with the institute's history; a list, rule or endpoint query must never
// read one of them in full (a SCAN without an index, or a full index scan followed by a
// sort). Catalogues (sedes, programas, roles, users, medios_*, ubigeo...) may be scanned.
var bigTables = []string{"leads", "interacciones", "alumnos", "matriculas", "cuotas", "pagos", "ingresos", "gastos",
	"auditoria", "planillas", "documentos", "notas", "asistencias", "vouchers", "notificaciones",
	"dispositivos", "entregas_push", "campanas", "envios", "reportes", "jobs", "idempotencia"}

// planRequest is one request a client makes (the staff portal in pb_public, the student
// app) or a business endpoint, as the actor who makes it.
type planRequest struct {
	name, actor, path string
	maxQueries        int // N+1 guard for endpoints (0 = no limit)
}

// queryPlanRequests are the lists and filters the clients use, with skipTotal where the
// screen needs no count (see docs/benchmarks.md), and the endpoints that read big tables.
func queryPlanRequests(f sgultest.Fixture) []planRequest {
	list := func(coll string, q url.Values) string { return "/api/collections/" + coll + "/records?" + q.Encode() }
	page := func(kv ...string) url.Values {
		q := url.Values{"page": {"1"}, "perPage": {"20"}, "skipTotal": {"1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return q
	}
	search := "(nombre_completo ~ 'Quispe' || email ~ 'Quispe' || telefono ~ 'Quispe')"
	return []planRequest{
		// staff portal: leads screen (search, each filter, the screen's sort and expands)
		{"leads: search", "ventas", list("leads", page("filter", search, "sort", "-fecha_ingreso,-created", "expand", "asesor,medio_contacto,sede,intereses")), 0},
		{"leads: search + estado", "ventas", list("leads", page("filter", search+" && estado_lead = 'Pendiente'", "sort", "-fecha_ingreso,-created")), 0},
		{"leads: estado", "ventas", list("leads", page("filter", "estado_lead = 'Atendido'", "sort", "-fecha_ingreso,-created")), 0},
		{"leads: canal", "ventas", list("leads", page("filter", "medio_contacto = '"+f.Facebook+"'", "sort", "-fecha_ingreso,-created")), 0},
		{"leads: asesor", "ventas", list("leads", page("filter", "asesor = '"+f.Users["ventas"]+"'", "sort", "-fecha_ingreso,-created")), 0},
		{"leads: sede", "ventas", list("leads", page("filter", "sede = '"+f.SedeA+"'", "sort", "-fecha_ingreso,-created")), 0},
		{"leads: no filter", "ventas", list("leads", page("sort", "-fecha_ingreso,-created")), 0},
		{"leads: campaign audience count", "admin", list("leads", url.Values{"perPage": {"1"}, "fields": {"id"}, "filter": {"sede = '" + f.SedeA + "' && estado_lead = 'Pendiente'"}}), 0},
		{"interacciones of a lead", "ventas", list("interacciones", page("filter", "lead = '"+f.LeadA+"'", "sort", "-fecha,-created", "expand", "usuario")), 0},
		// matrículas screen and related lookups
		{"matriculas: no filter", "finanzas", list("matriculas", page("sort", "-fecha_inscripcion,-created", "expand", "alumno,programa,modalidad,sede")), 0},
		{"matriculas: estado + sede", "finanzas", list("matriculas", page("filter", "estado = 'Activo' && sede = '"+f.SedeA+"'", "sort", "-fecha_inscripcion,-created")), 0},
		{"matriculas: programa", "finanzas", list("matriculas", page("filter", "programa = '"+f.Carrera+"'", "sort", "-fecha_inscripcion,-created")), 0},
		// the lead screen finds the student of a converted lead by its unique lead index
		// (filtering matrículas by alumno.lead would read every matrícula)
		{"student of a converted lead", "ventas", list("alumnos", page("filter", "lead = '"+f.LeadConv1+"'", "expand", "matriculas_via_alumno.programa", "perPage", "1")), 0},
		{"matriculas of a programa (teacher)", "docente", list("matriculas", url.Values{"perPage": {"500"}, "skipTotal": {"1"}, "filter": {"programa = '" + f.Carrera + "' && estado = 'Activo'"}, "expand": {"alumno"}}), 0},
		{"pagos of a matrícula", "finanzas", list("pagos", page("filter", "matricula = '"+f.Matricula1+"'", "sort", "-fecha_pago,-created", "expand", "medio_pago,registrado_por")), 0},
		{"cuotas of a matrícula", "finanzas", list("cuotas", page("filter", "matricula = '"+f.Matricula1+"'", "sort", "vencimiento,numero")), 0},
		// finanzas screen
		{"ingresos: newest", "finanzas", list("ingresos", page("sort", "-fecha,-created", "expand", "sede,registrado_por", "perPage", "10")), 0},
		{"gastos: newest", "finanzas", list("gastos", page("sort", "-fecha,-created", "expand", "sede,registrado_por", "perPage", "10")), 0},
		// reports, campaigns, vouchers, HR
		{"reportes: newest", "admin", list("reportes", page("sort", "-created", "expand", "solicitado_por,sede", "perPage", "30")), 0},
		{"campanas: newest", "admin", list("campanas", page("sort", "-created", "expand", "sede,programa,creado_por", "perPage", "30")), 0},
		{"vouchers: pending", "finanzas", list("vouchers", page("filter", "estado = 'Pendiente'", "sort", "-created")), 0},
		{"empleados", "rrhh", list("empleados", page("sort", "apellidos")), 0},
		{"planillas of a period", "rrhh", list("planillas", page("filter", "anio = 2026 && mes = 1")), 0},
		// student app: only his own data
		{"student: matriculas", "alumno1", list("matriculas", page()), 0},
		{"student: cuotas", "alumno1", list("cuotas", page("filter", "matricula = '"+f.Matricula1+"'", "sort", "vencimiento")), 0},
		{"student: pagos of his matrícula", "alumno1", list("pagos", page("filter", "matricula = '"+f.Matricula1+"'", "sort", "-fecha_pago")), 0},
		{"student: notificaciones", "alumno1", list("notificaciones", page("sort", "-created")), 0},
		{"student: notas", "alumno1", list("notas", page()), 0},
		// business endpoints
		{"GET /api/finanzas/balance", "finanzas", "/api/finanzas/balance?sede_id=" + f.SedeA, 12},
		{"GET /api/dashboard", "admin", "/api/dashboard", 20},
		{"GET estado-cuenta", "finanzas", "/api/matriculas/" + f.Matricula1 + "/estado-cuenta", 12},
	}
}

// TestQueryPlans sends each request the clients make to the production wiring, captures
// every SELECT it runs and checks the plan of each (EXPLAIN QUERY PLAN): no big table is
// read in full, the API rules do not multiply rows by the actor's permissions and sedes,
// and endpoints run a bounded number of queries (no N+1 loops).
func TestQueryPlans(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	db, ok := app.ConcurrentDB().(*dbx.DB)
	if !ok {
		t.Fatalf("ConcurrentDB is %T, not *dbx.DB", app.ConcurrentDB())
	}
	var mu sync.Mutex
	var captured []string
	db.QueryLogFunc = func(ctx context.Context, _ time.Duration, q string, _ *sql.Rows, _ error) {
		mu.Lock()
		defer mu.Unlock()
		captured = append(captured, q)
	}
	base := sgultest.Serve(t, app)

	for _, r := range queryPlanRequests(f) {
		mu.Lock()
		captured = nil
		mu.Unlock()
		req, _ := http.NewRequest(http.MethodGet, base+r.path, nil)
		req.Header.Set("Authorization", f.Tokens[r.actor])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", r.name, resp.StatusCode)
			continue
		}
		mu.Lock()
		queries := slices.Clone(captured)
		mu.Unlock()
		if r.maxQueries > 0 && len(queries) > r.maxQueries {
			t.Errorf("%s: %d queries (more than %d: a per-row loop?)", r.name, len(queries), r.maxQueries)
		}
		for _, q := range queries {
			if !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(q)), "SELECT") && !strings.HasPrefix(strings.TrimSpace(strings.ToUpper(q)), "WITH") {
				continue
			}
			for _, problem := range planProblems(t, db, q) {
				t.Errorf("%s: %s\n  query: %s", r.name, problem, clip(q, 600))
			}
		}
	}
}

var (
	joinAlias    = regexp.MustCompile("(?:FROM|JOIN) `(\\w+)` `(\\w+)`")
	fromTable    = regexp.MustCompile("FROM `(\\w+)`")
	authJSONEach = regexp.MustCompile("json_each\\([^)]*`__auth_")
)

// planProblems explains q and lists what would make it slow on a big data set.
func planProblems(t *testing.T, db *dbx.DB, q string) []string {
	t.Helper()
	alias := map[string]string{}
	for _, m := range fromTable.FindAllStringSubmatch(q, -1) {
		alias[m[1]] = m[1]
	}
	for _, m := range joinAlias.FindAllStringSubmatch(q, -1) {
		alias[m[2]] = m[1]
	}
	q = quoteNames(q)
	rows, err := db.DB().Query("EXPLAIN QUERY PLAN " + q)
	if err != nil {
		t.Errorf("explain: %v\n  query: %s", err, clip(q, 400))
		return nil
	}
	defer rows.Close()
	var details []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		details = append(details, detail)
	}
	var problems []string
	if m := fromTable.FindStringSubmatch(q); m != nil && slices.Contains(bigTables, m[1]) && authJSONEach.MatchString(q) {
		problems = append(problems, "an API rule expands the actor's multi-valued fields with json_each: every row is multiplied by the actor's permissions and sedes")
	}
	fullScan := false
	for _, d := range details {
		f := strings.Fields(d)
		if len(f) < 2 || f[0] != "SCAN" {
			continue
		}
		table := alias[f[1]]
		if table == "" {
			table = f[1]
		}
		if !slices.Contains(bigTables, table) {
			continue
		}
		if !strings.Contains(d, "USING") {
			problems = append(problems, fmt.Sprintf("full scan of %s (%s)", table, d))
		}
		fullScan = true
	}
	if fullScan && slices.ContainsFunc(details, func(d string) bool { return strings.Contains(d, "TEMP B-TREE FOR ORDER BY") }) {
		problems = append(problems, "a big table is read in full and then sorted: the sort needs an index ("+strings.Join(details, "; ")+")")
	}
	return problems
}

var dbxColumn, dbxTable = regexp.MustCompile(`\[\[([^\]]+)\]\]`), regexp.MustCompile(`\{\{([^}]+)\}\}`)

// quoteNames resolves dbx's [[column]] and {{table}} quoting, which the query log keeps
// inside expressions.
func quoteNames(q string) string {
	q = dbxColumn.ReplaceAllStringFunc(q, func(m string) string {
		parts := strings.Split(m[2:len(m)-2], ".")
		return "`" + strings.Join(parts, "`.`") + "`"
	})
	return dbxTable.ReplaceAllString(q, "`$1`")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
