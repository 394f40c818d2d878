package migrations_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// newApp is an empty test app with every migration applied.
func newApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

// revertFrom reverts the migration whose file name starts with prefix and every later
// one (whatever migrations come after it), and returns the runner whose Up applies them
// again.
func revertFrom(t *testing.T, app core.App, prefix string) *core.MigrationsRunner {
	t.Helper()
	items := core.AppMigrations.Items()
	i := slices.IndexFunc(items, func(m *core.Migration) bool { return strings.HasPrefix(m.File, prefix) })
	if i < 0 {
		t.Fatalf("migration %s not registered", prefix)
	}
	runner := core.NewMigrationsRunner(app, core.AppMigrations)
	if _, err := runner.Down(len(items) - i); err != nil {
		t.Fatal(err)
	}
	return runner
}
