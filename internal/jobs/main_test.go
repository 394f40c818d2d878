package jobs

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	_ "sgul/migrations"
)

// templateDir is a migrated data dir with a superuser and a non-superuser auth record;
// every test clones it (tests.NewTestApp), so the tokens below stay valid in each clone.
var (
	templateDir string
	superToken  string
	staffToken  string
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "sgul_jobs_tpl_*")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		if err := buildTemplate(dir); err != nil {
			fmt.Fprintln(os.Stderr, "plantilla de pruebas:", err)
			return 1
		}
		templateDir = dir
		return m.Run()
	}())
}

func buildTemplate(dir string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return err
	}

	supers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su := core.NewRecord(supers)
	su.SetEmail("root@sgul.test")
	su.SetPassword("root-pass-123456")
	if err := app.Save(su); err != nil {
		return err
	}
	if superToken, err = su.NewStaticAuthToken(24 * time.Hour); err != nil {
		return err
	}

	staff := core.NewAuthCollection("jobs_test_staff")
	if err := app.Save(staff); err != nil {
		return err
	}
	u := core.NewRecord(staff)
	u.SetEmail("staff@sgul.test")
	u.SetPassword("staff-pass-123456")
	if err := app.Save(u); err != nil {
		return err
	}
	staffToken, err = u.NewStaticAuthToken(24 * time.Hour)
	return err
}

// newTestApp clones the template; the clone is removed when the test ends.
func newTestApp(tb testing.TB) *tests.TestApp {
	tb.Helper()
	app, err := tests.NewTestApp(templateDir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		app.Cleanup() // fires OnTerminate: stops queues wired with Bind
		assertNoWorkers(tb)
	})
	return app
}

// startQueue starts q and stops it before the test's app is cleaned up.
func startQueue(t *testing.T, q *Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
}

// assertNoWorkers fails if any goroutine still runs queue code.
func assertNoWorkers(t testing.TB) {
	t.Helper()
	var left []string
	for range 50 { // goroutines that just closed r.done may still be unwinding
		buf := make([]byte, 1<<20)
		left = left[:0]
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "internal/jobs.(*Queue)") {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("quedan goroutines de la cola:\n%s", strings.Join(left, "\n\n"))
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("tiempo agotado esperando: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func findJob(t testing.TB, app core.App, id string) *core.Record {
	t.Helper()
	rec, err := app.FindRecordById(CollectionName, id)
	if err != nil {
		t.Fatalf("job %s: %v", id, err)
	}
	return rec
}

func estadoIs(t testing.TB, app core.App, id, estado string) func() bool {
	return func() bool { return findJob(t, app, id).GetString(FieldEstado) == estado }
}

func mustEnqueue(t testing.TB, app core.App, tipo string, payload any, opts ...Option) *core.Record {
	t.Helper()
	rec, err := Enqueue(app, tipo, payload, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func countJobs(t testing.TB, app core.App) int {
	t.Helper()
	n, err := app.CountRecords(CollectionName)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// ok is a handler that does nothing.
func ok(context.Context, core.App, *Job) error { return nil }
