package pgmirror

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

var templateDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pgmirror_tpl_")
	if err != nil {
		panic(err)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		panic(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		panic(err)
	}
	_ = app.ResetBootstrapState()
	templateDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func pgURL(t testing.TB) string {
	u := os.Getenv("SGUL_TEST_POSTGRES_URL")
	if u == "" {
		t.Skip("SGUL_TEST_POSTGRES_URL not set")
	}
	return u
}

// testConfig returns a config on a fresh schema pair, dropped after the test.
func testConfig(t testing.TB, secrets bool) Config {
	url := pgURL(t)
	suffix := fmt.Sprintf("%x", rand.Uint64())[:10]
	cfg := Config{URL: url, Schema: "t_" + suffix, BatchSize: 50, PollInterval: 20 * time.Millisecond}
	if secrets {
		cfg.SecretsSchema = "t_" + suffix + "_sec"
	}
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgIdent(cfg.Schema)+` CASCADE`)
		if cfg.SecretsSchema != "" {
			_, _ = conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgIdent(cfg.SecretsSchema)+` CASCADE`)
		}
	})
	return cfg
}

func newTestApp(t testing.TB) *tests.TestApp {
	app, err := tests.NewTestApp(templateDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

// mirroredApp is a test app with Register bound (the relay is driven by hand).
func mirroredApp(t testing.TB, cfg Config) *tests.TestApp {
	app := newTestApp(t)
	autoRelay = false
	t.Cleanup(func() { autoRelay = true })
	if err := Register(app, cfg); err != nil {
		t.Fatal(err)
	}
	return app
}

func newRelay(t testing.TB, app core.App, cfg Config) *Relay {
	r, err := NewRelay(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

func drain(t testing.TB, r *Relay) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := r.Drain(ctx, nil); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

// mustVerify drains r, then checks that PostgreSQL equals SQLite.
func mustVerify(t testing.TB, app core.App, cfg Config, r *Relay) *VerifyReport {
	t.Helper()
	if r != nil {
		drain(t, r)
	}
	rep, err := Verify(context.Background(), app, cfg, VerifyOptions{Wait: 20 * time.Second})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !rep.OK {
		t.Fatalf("verify found differences: %+v", rep.Collections)
	}
	return rep
}

func pgConn(t testing.TB, cfg Config) *pgx.Conn {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn
}

func pgCount(t testing.TB, conn *pgx.Conn, cfg Config, table string) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM `+pgIdent(cfg.Schema)+`.`+pgIdent(table)).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func outboxCount(t testing.TB, app core.App) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery(`SELECT count(*) FROM ` + outboxTable).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// fixture creates stand-in collections: sedes, items (every field kind) and
// comments (cascade-deleted with their item).
func fixture(t testing.TB, app core.App) (sedes, items, comments *core.Collection) {
	t.Helper()
	sedes = core.NewBaseCollection("sedes")
	sedes.Fields.Add(&core.TextField{Name: "nombre"}, &core.AutodateField{Name: "created", OnCreate: true})
	sedes.ListRule, sedes.ViewRule, sedes.CreateRule, sedes.UpdateRule, sedes.DeleteRule = pub(), pub(), pub(), pub(), pub()
	must(t, app.Save(sedes))

	items = core.NewBaseCollection("items")
	items.Fields.Add(
		&core.TextField{Name: "title"},
		&core.NumberField{Name: "n"},
		&core.NumberField{Name: "monto"},
		&core.BoolField{Name: "ok"},
		&core.DateField{Name: "fecha"},
		&core.JSONField{Name: "data"},
		&core.SelectField{Name: "tags", Values: []string{"a", "b", "c"}, MaxSelect: 3},
		&core.RelationField{Name: "sede", CollectionId: sedes.Id, MaxSelect: 1},
		&core.RelationField{Name: "otras", CollectionId: sedes.Id, MaxSelect: 5},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	items.ListRule, items.ViewRule, items.CreateRule, items.UpdateRule, items.DeleteRule = pub(), pub(), pub(), pub(), pub()
	must(t, app.Save(items))

	comments = core.NewBaseCollection("comments")
	comments.Fields.Add(
		&core.RelationField{Name: "item", CollectionId: items.Id, MaxSelect: 1, CascadeDelete: true, Required: true},
		&core.TextField{Name: "body"},
	)
	comments.ListRule, comments.ViewRule, comments.CreateRule, comments.UpdateRule, comments.DeleteRule = pub(), pub(), pub(), pub(), pub()
	must(t, app.Save(comments))
	return sedes, items, comments
}

func pub() *string { return types.Pointer("") }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newItem(t testing.TB, app core.App, items *core.Collection, title string, n float64, sede string) *core.Record {
	t.Helper()
	r := core.NewRecord(items)
	r.Set("title", title)
	r.Set("n", n)
	r.Set("monto", n*1.5)
	r.Set("ok", int(n)%2 == 0)
	if int(n)%3 != 0 {
		r.Set("fecha", "2025-03-0"+fmt.Sprint(1+int(n)%9)+" 00:00:00.000Z")
	}
	r.Set("data", map[string]any{"k": title, "v": n})
	r.Set("tags", []string{"a", "c"})
	r.Set("sede", sede)
	must(t, app.Save(r))
	return r
}

func newRecordWith(t testing.TB, app core.App, c *core.Collection, data map[string]any) *core.Record {
	t.Helper()
	r := core.NewRecord(c)
	for k, v := range data {
		r.Set(k, v)
	}
	must(t, app.Save(r))
	return r
}
