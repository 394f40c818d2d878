package pgmirror

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

func triggerServe(t *testing.T, app core.App) {
	t.Helper()
	must(t, app.OnServe().Trigger(&core.ServeEvent{App: app}, func(e *core.ServeEvent) error { return nil }))
}

func captureTriggers(t *testing.T, app core.App) int {
	t.Helper()
	have, err := existingTriggers(app.DB())
	must(t, err)
	return len(have)
}

// TestMinimalMode runs with no PostgreSQL: no relay, no capture triggers (those
// left by an earlier PostgreSQL run are removed on serve), writes produce no
// outbox rows and the pg commands refuse to run. Turning the mirror on again
// resyncs what changed meanwhile.
func TestMinimalMode(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	sedes, items, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Huaraz"})
	old := newItem(t, app, items, "pg mode", 1, sede.Id)
	r := newRelay(t, app, cfg)
	drain(t, r)
	r.Close()
	if captureTriggers(t, app) == 0 {
		t.Fatal("PostgreSQL mode installed no triggers")
	}

	// the same data dir restarted in minimal mode
	dir := app.DataDir()
	minimal, err := tests.NewTestApp(dir)
	must(t, err)
	defer minimal.Cleanup()
	must(t, Register(minimal, Config{}))
	triggerServe(t, minimal)
	if n := captureTriggers(t, minimal); n != 0 {
		t.Fatalf("minimal mode kept %d capture triggers", n)
	}
	before := outboxCount(t, minimal)
	itemsM, _ := minimal.FindCollectionByNameOrId("items")
	newItem(t, minimal, itemsM, "minimal", 2, sede.Id)
	gone, _ := minimal.FindRecordById("items", old.Id)
	must(t, minimal.Delete(gone))
	if outboxCount(t, minimal) != before {
		t.Fatal("minimal mode wrote outbox rows")
	}
	var out bytes.Buffer
	cmd := Command(minimal, &Config{})
	cmd.SetArgs([]string{"status"})
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	if err := cmd.Execute(); !errors.Is(err, errDisabled) {
		t.Fatalf("pg status in minimal mode: %v", err)
	}

	// back to PostgreSQL mode on the same data: the doctor reinstalls the
	// triggers and the relay resyncs the collections
	again, err := tests.NewTestApp(minimal.DataDir())
	must(t, err)
	defer again.Cleanup()
	autoRelay = false
	must(t, Register(again, cfg))
	r2 := newRelay(t, again, cfg)
	drain(t, r2)
	r2.Close()
	mustVerify(t, again, cfg, nil)
}

// TestServeStartsAndTerminateStopsRelay checks the production wiring: OnServe
// starts the relay, writes reach PostgreSQL, OnTerminate stops it and frees
// the relay lock.
func TestServeStartsAndTerminateStopsRelay(t *testing.T) {
	cfg := testConfig(t, false)
	app := newTestApp(t)
	must(t, Register(app, cfg))
	sedes, _, _ := fixture(t, app)
	triggerServe(t, app)
	rec := newRecordWith(t, app, sedes, map[string]any{"nombre": "Trujillo"})
	conn := pgConn(t, cfg)
	waitFor(t, 20*time.Second, "row in PostgreSQL", func() bool {
		var n int
		err := conn.QueryRow(context.Background(), `SELECT count(*) FROM `+pgIdent(cfg.Schema)+`.sedes WHERE id = $1`, rec.Id).Scan(&n)
		return err == nil && n == 1
	})
	if !lockBusy(t, conn, cfg) {
		t.Fatal("relay lock not held while serving")
	}
	must(t, app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error { return nil }))
	// Close unlocks explicitly; the short wait only absorbs scheduling on a busy machine
	waitFor(t, 5*time.Second, "relay lock released after terminate", func() bool { return !lockBusy(t, conn, cfg) })
}

func lockBusy(t *testing.T, conn *pgx.Conn, cfg Config) bool {
	t.Helper()
	var ok bool
	must(t, conn.QueryRow(context.Background(), `SELECT pg_try_advisory_lock(hashtext($1))`, lockKey(cfg.Schema)).Scan(&ok))
	if ok {
		_, _ = conn.Exec(context.Background(), `SELECT pg_advisory_unlock(hashtext($1))`, lockKey(cfg.Schema))
	}
	return !ok
}

// TestMinimalModeNoPostgres needs no PostgreSQL at all: Register with a zero
// Config creates no capture objects, starts no relay and writes just work.
func TestMinimalModeNoPostgres(t *testing.T) {
	app := newTestApp(t)
	must(t, Register(app, Config{}))
	sedes, items, _ := fixture(t, app)
	triggerServe(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Moquegua"})
	newItem(t, app, items, "no mirror", 1, sede.Id)
	if n := captureTriggers(t, app); n != 0 {
		t.Fatalf("%d capture triggers in minimal mode", n)
	}
	if ok, err := outboxExists(app.DB()); err != nil || ok {
		t.Fatalf("outbox created in minimal mode (%v)", err)
	}
	must(t, app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(e *core.TerminateEvent) error { return nil }))
	if _, err := NewRelay(app, Config{}); err == nil {
		t.Fatal("a relay without URL must be refused")
	}
}
