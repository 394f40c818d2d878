package migrations_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	_ "sgul/migrations"
)

// TestMigrationsUpDown runs every app migration up and back down on an empty database.
func TestMigrationsUpDown(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()

	for _, name := range []string{"sedes", "leads", "pagos", "ingresos", "planillas", "auditoria", "alumnos"} {
		if _, err := app.FindCollectionByNameOrId(name); err != nil {
			t.Fatalf("collection %s missing after up: %v", name, err)
		}
	}
	n, err := app.CountRecords("distritos")
	if err != nil || n != 29 {
		t.Fatalf("distritos = %d, %v; want 29", n, err)
	}
	if d, _ := app.CountRecords("departamentos"); d != 25 {
		t.Fatalf("departamentos = %d; want 25", d)
	}

	runner := core.NewMigrationsRunner(app, core.AppMigrations)
	reverted, err := runner.Down(len(core.AppMigrations.Items()))
	if err != nil {
		t.Fatalf("down: %v", err)
	}
	if len(reverted) != len(core.AppMigrations.Items()) {
		t.Fatalf("reverted %d of %d", len(reverted), len(core.AppMigrations.Items()))
	}
	if _, err := app.FindCollectionByNameOrId("pagos"); err == nil {
		t.Fatal("pagos still exists after down")
	}
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil || users.Fields.GetByName("rol") != nil {
		t.Fatalf("users not restored: %v", err)
	}
	if _, err := runner.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
}
