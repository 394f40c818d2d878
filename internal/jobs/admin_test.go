package jobs

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// setState forces a job into a state, as workers and time would leave it.
func setState(t testing.TB, app core.App, id string, set dbx.Params) {
	t.Helper()
	if _, err := app.DB().Update(CollectionName, set, dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

func TestStatsAndCleanup(t *testing.T) {
	app := newTestApp(t)
	if s, err := Stats(app); err != nil || s != (Snapshot{}) {
		t.Fatalf("Stats de una cola vacía = %+v, %v", s, err)
	}

	now := time.Now().UTC()
	mustEnqueue(t, app, "x", nil, WithAt(now.Add(-time.Hour))) // overdue for an hour
	mustEnqueue(t, app, "x", nil)
	mustEnqueue(t, app, "x", nil, WithDelay(24*time.Hour)) // not due: no lag
	states := []dbx.Params{
		{FieldEstado: EstadoHecho, FieldTerminadoEn: dbTime(now.Add(-72 * time.Hour))},
		{FieldEstado: EstadoHecho, FieldTerminadoEn: dbTime(now.Add(-time.Hour))},
		{FieldEstado: EstadoMuerto, FieldTerminadoEn: dbTime(now.Add(-72 * time.Hour))},
		{FieldEstado: EstadoFallido, FieldEjecutarEn: dbTime(now.Add(time.Minute))},
		{FieldEstado: EstadoEjecutando, FieldLeaseHasta: dbTime(now.Add(time.Minute))},
	}
	for _, set := range states {
		setState(t, app, mustEnqueue(t, app, "x", nil).Id, set)
	}

	s, err := Stats(app)
	if err != nil {
		t.Fatal(err)
	}
	if s.Pendientes != 3 || s.Hechos != 2 || s.Muertos != 1 || s.Fallidos != 1 || s.Ejecutando != 1 {
		t.Errorf("Stats = %+v", s)
	}
	if s.OldestPendingAge < time.Hour || s.OldestPendingAge > time.Hour+time.Minute {
		t.Errorf("OldestPendingAge = %v, quería ~1h", s.OldestPendingAge)
	}

	n, err := Cleanup(app, 24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("Cleanup = %d, %v; quería 1 (solo el hecho viejo)", n, err)
	}
	if s, _ := Stats(app); s.Hechos != 1 || s.Muertos != 1 {
		t.Errorf("tras Cleanup: %+v", s)
	}
	if n, err := Cleanup(app, 24*time.Hour); err != nil || n != 0 {
		t.Errorf("segundo Cleanup = %d, %v", n, err)
	}
}

func TestCleanupDeletesInBatches(t *testing.T) {
	app := newTestApp(t)
	const total = cleanupBatch + 7 // one full batch, then a partial one
	err := app.RunInTransaction(func(tx core.App) error {
		for range total {
			if _, err := Enqueue(tx, "x", nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.DB().Update(CollectionName, dbx.Params{
		FieldEstado:      EstadoHecho,
		FieldTerminadoEn: dbTime(time.Now().Add(-48 * time.Hour)),
	}, nil).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := Cleanup(app, 24*time.Hour); err != nil || n != total {
		t.Fatalf("Cleanup = %d, %v; quería %d", n, err, total)
	}
	if n := countJobs(t, app); n != 0 {
		t.Fatalf("quedan %d jobs", n)
	}
}

// The claim must seek the indexes, not scan the table, whatever the backlog.
func TestClaimQueryUsesTheIndexes(t *testing.T) {
	app := newTestApp(t)
	var plan []struct {
		Detail string `db:"detail"`
	}
	err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + claimSQL).Bind(dbx.Params{
		"pendiente": EstadoPendiente, "fallido": EstadoFallido, "ejecutando": EstadoEjecutando,
		"now": "x", "lease": "x", "worker": "x",
	}).All(&plan)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, p := range plan {
		text = append(text, p.Detail)
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"idx_jobs_estado_ejecutar_en", "idx_jobs_estado_lease_hasta"} {
		if !strings.Contains(all, want) {
			t.Errorf("el plan no usa %s:\n%s", want, all)
		}
	}
	if strings.Contains(all, "SCAN jobs") {
		t.Errorf("el plan recorre la tabla:\n%s", all)
	}
}

func TestAdminRoutes(t *testing.T) {
	const (
		deadID = "jobmuerto000001"
		doneID = "jobhecho0000001"
	)
	factory := func(tb testing.TB) *tests.TestApp {
		app, err := tests.NewTestApp(templateDir)
		if err != nil {
			tb.Fatal(err)
		}
		col, err := app.FindCollectionByNameOrId(CollectionName)
		if err != nil {
			tb.Fatal(err)
		}
		for id, estado := range map[string]string{deadID: EstadoMuerto, doneID: EstadoHecho} {
			rec := core.NewRecord(col)
			rec.Id = id
			rec.Set(FieldTipo, "x")
			rec.Set(FieldEstado, estado)
			rec.Set(FieldIntentos, 8)
			rec.Set(FieldEjecutarEn, time.Now())
			rec.Set(FieldUltimoError, "smtp caído")
			if err := app.Save(rec); err != nil {
				tb.Fatal(err)
			}
		}
		// production wiring: the queue starts after the request is served and
		// stops on the scenario's cleanup
		q := New(app, Config{Workers: 1, PollInterval: 10 * time.Millisecond})
		q.Register("x", ok)
		Bind(app, q)
		app.OnServe().BindFunc(func(se *core.ServeEvent) error {
			BindAdminRoutes(se, q)
			return se.Next()
		})
		return app
	}
	superuser := map[string]string{"Authorization": superToken}
	staff := map[string]string{"Authorization": staffToken}
	noEvents := map[string]int{"*": 0}

	scenarios := []tests.ApiScenario{
		{
			Name: "stats: invitado", Method: http.MethodGet, URL: "/api/sgul/jobs/stats",
			ExpectedStatus: 401, ExpectedContent: []string{`"data":{}`}, NotExpectedContent: []string{"muertos"},
			ExpectedEvents: noEvents,
		},
		{
			Name: "stats: usuario que no es superusuario", Method: http.MethodGet, URL: "/api/sgul/jobs/stats",
			Headers: staff, ExpectedStatus: 403, ExpectedContent: []string{`"data":{}`}, NotExpectedContent: []string{"muertos"},
			ExpectedEvents: noEvents,
		},
		{
			Name: "stats: superusuario", Method: http.MethodGet, URL: "/api/sgul/jobs/stats",
			Headers: superuser, ExpectedStatus: 200,
			ExpectedContent: []string{`"muertos":1`, `"hechos":1`, `"pendientes":0`, `"oldestPendingAgeSeconds":0`},
			ExpectedEvents:  noEvents,
		},
		{
			Name: "retry: invitado", Method: http.MethodPost, URL: "/api/sgul/jobs/" + deadID + "/retry",
			ExpectedStatus: 401, ExpectedContent: []string{`"data":{}`}, ExpectedEvents: noEvents,
			AfterTestFunc: expectEstado(deadID, EstadoMuerto),
		},
		{
			Name: "retry: usuario que no es superusuario", Method: http.MethodPost, URL: "/api/sgul/jobs/" + deadID + "/retry",
			Headers: staff, ExpectedStatus: 403, ExpectedContent: []string{`"data":{}`}, ExpectedEvents: noEvents,
			AfterTestFunc: expectEstado(deadID, EstadoMuerto),
		},
		{
			Name: "retry: job inexistente", Method: http.MethodPost, URL: "/api/sgul/jobs/noexiste0000000/retry",
			Headers: superuser, ExpectedStatus: 404, ExpectedContent: []string{"Trabajo no encontrado."}, ExpectedEvents: noEvents,
		},
		{
			Name: "retry: job hecho", Method: http.MethodPost, URL: "/api/sgul/jobs/" + doneID + "/retry",
			Headers: superuser, ExpectedStatus: 400, ExpectedContent: []string{"Solo se pueden reintentar"}, ExpectedEvents: noEvents,
			AfterTestFunc: expectEstado(doneID, EstadoHecho),
		},
		{
			Name: "retry: superusuario revive un job muerto", Method: http.MethodPost, URL: "/api/sgul/jobs/" + deadID + "/retry",
			Headers: superuser, ExpectedStatus: 204, ExpectedEvents: noEvents,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				rec := findJob(t, app, deadID)
				if rec.GetString(FieldEstado) != EstadoPendiente || rec.GetInt(FieldIntentos) != 0 {
					t.Errorf("tras retry: %v", rec.PublicExport())
				}
			},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
		assertNoWorkers(t)
	}
}

func expectEstado(id, estado string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if got := findJob(t, app, id).GetString(FieldEstado); got != estado {
			t.Errorf("estado de %s = %q, quería %q", id, got, estado)
		}
	}
}

func TestMigrationDownAndUpAgain(t *testing.T) {
	app := newTestApp(t)
	var mig *core.Migration
	for _, m := range core.AppMigrations.Items() {
		if m.File == "1764200000_jobs.go" {
			mig = m
		}
	}
	if mig == nil {
		t.Fatal("migración 1764200000_jobs.go no registrada")
	}
	col, err := app.FindCollectionByNameOrId(CollectionName)
	if err != nil {
		t.Fatal(err)
	}
	if col.ListRule != nil || col.ViewRule != nil || col.CreateRule != nil || col.UpdateRule != nil || col.DeleteRule != nil {
		t.Error("la colección jobs debe ser solo para superusuarios (todas las reglas nil)")
	}
	if err := mig.Down(app); err != nil {
		t.Fatal(err)
	}
	if _, err := app.FindCollectionByNameOrId(CollectionName); err == nil {
		t.Fatal("jobs sigue existiendo tras down")
	}
	if err := mig.Up(app); err != nil {
		t.Fatal(err)
	}
	mustEnqueue(t, app, "x", nil, WithKey("k"))
}
