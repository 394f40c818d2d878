package hooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/hooks"
	"sgul/internal/finance"
	"sgul/internal/jobs"
	"sgul/internal/notify"
	"sgul/internal/reports"
	"sgul/internal/schedule"
	"sgul/internal/scheduler"
	"sgul/internal/sgultest"
)

// The schedule table is valid in Lima time, and each task only enqueues one keyed job
// however often it fires.
func TestBackgroundScheduleTable(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	table := hooks.Schedules()
	s, err := scheduler.New(app, schedule.LimaLocation(), table)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Shutdown()
	want := map[string]string{
		"recordatorios_pension":    notify.JobRecordatorios,
		"reporte_mensual_finanzas": reports.JobMensual,
		"limpieza":                 hooks.JobLimpieza,
	}
	if len(table) != len(want) {
		t.Fatalf("%d tareas, quería %d", len(table), len(want))
	}
	for _, e := range table {
		tipo, ok := want[e.Name]
		if !ok {
			t.Errorf("tarea inesperada %q", e.Name)
			continue
		}
		for range 2 {
			if err := e.Run(app); err != nil {
				t.Fatalf("%s: %v", e.Name, err)
			}
		}
		js := emFind(t, app, "jobs", "tipo = {:t}", dbx.Params{"t": tipo})
		if len(js) != 1 || js[0].GetString("clave") == "" {
			t.Errorf("%s encoló %d jobs (clave %q), quería 1 con clave", e.Name, len(js), js[0].GetString("clave"))
		}
	}
}

// bgWait polls cond until it holds or 15 s pass.
func bgWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("no ocurrió: %s", what)
}

// The production handlers, run by a real queue: a pago's receipt reaches the student's
// phone through Expo, and a requested report becomes Listo.
func TestBackgroundQueueEndToEnd(t *testing.T) {
	f := emFixture(t)
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	var mu sync.Mutex
	var pushed []map[string]any
	expo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msgs []map[string]any
		_ = json.NewDecoder(r.Body).Decode(&msgs)
		mu.Lock()
		pushed = append(pushed, msgs...)
		mu.Unlock()
		tickets := make([]map[string]any, len(msgs))
		for i := range msgs {
			tickets[i] = map[string]any{"status": "ok", "id": fmt.Sprintf("ticket-%d", i)}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": tickets})
	}))
	defer expo.Close()

	q := jobs.New(app, jobs.Config{Workers: 2, PollInterval: 20 * time.Millisecond, BaseBackoff: 10 * time.Millisecond})
	hooks.RegisterJobs(app, &hooks.Config{ExpoURL: expo.URL + "/--/api/v2/push/send", MailRatePerMinute: -1}, q)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = q.Stop(context.Background()) }()

	emSave(t, app, "dispositivos", "", map[string]any{"alumno": f.Alumno1, "plataforma": "expo", "token": "ExponentPushToken[e2e]", "activo": true})
	emPago(t, app, "", f.CuotaPen1, 150, "")
	bgWait(t, "la entrega push del recibo", func() bool {
		return len(emFind(t, app, "entregas_push", "estado = 'enviado'", nil)) == 1
	})
	mu.Lock()
	defer mu.Unlock()
	if len(pushed) != 1 || pushed[0]["to"] != "ExponentPushToken[e2e]" || pushed[0]["title"] != "Pago registrado" {
		t.Errorf("push: %v", pushed)
	}

	admin := emRecord(t, app, "users", f.Users["admin"])
	col, _ := app.FindCollectionByNameOrId("reportes")
	rep := core.NewRecord(col)
	rep.Load(map[string]any{"tipo": "morosidad", "formato": "csv"})
	if err := reports.Prepare(app, admin, rep, finance.Today()); err != nil {
		t.Fatal(err)
	}
	if err := app.Save(rep); err != nil {
		t.Fatal(err)
	}
	bgWait(t, "el reporte Listo", func() bool {
		return emRecord(t, app, "reportes", rep.Id).GetString("estado") == "Listo"
	})
	snap, err := jobs.Stats(app)
	if err != nil || snap.Muertos != 0 || snap.Fallidos != 0 {
		t.Errorf("cola: %+v %v", snap, err)
	}
}

// With background work enabled, serving starts the queue (with every handler) and the
// scheduler, and terminating stops both.
func TestBackgroundStartsOnServe(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := hooks.Bind(app, &hooks.Config{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	sgultest.Serve(t, app)
	if _, err := jobs.Enqueue(app, hooks.JobLimpieza, nil, jobs.WithKey("limpieza:prueba")); err != nil {
		t.Fatal(err)
	}
	bgWait(t, "la limpieza corrida por la cola", func() bool {
		r, err := app.FindFirstRecordByFilter("jobs", "clave = 'limpieza:prueba'")
		return err == nil && r.GetString("estado") == jobs.EstadoHecho
	})
	app.Cleanup() // OnTerminate: queue and scheduler stop
}
