package demo_test

import (
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"sgul/hooks"
	"sgul/internal/demo"
	"sgul/internal/sgultest"
	_ "sgul/migrations"
)

// TestLoadScale loads the demo at scale 1 (SGUL_SCALE_TEST_N to change it) through the
// production wiring, checks every money invariant, and checks that a second run adds
// nothing (resumable, idempotent per scale).
func TestLoadScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale load: skipped with -short")
	}
	n := 1
	if v, err := strconv.Atoi(os.Getenv("SGUL_SCALE_TEST_N")); err == nil && v > 0 {
		n = v
	}
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	if err := hooks.Bind(app, &hooks.Config{DueDay: 5, DisableBackground: true}); err != nil {
		t.Fatal(err)
	}
	rep, err := demo.LoadScale(app, n, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Counts
	t.Logf("scale %d in %v: %v", n, rep.Elapsed, c)
	// demo (200 leads, 50 students) + n blocks
	if want := 200 + n*demo.ScaleLeadsPerBlock; c["leads"] != want {
		t.Errorf("leads = %d, want %d", c["leads"], want)
	}
	if want := 50 + n*demo.ScaleStudentsPerBlock; c["alumnos"] != want {
		t.Errorf("alumnos = %d, want %d", c["alumnos"], want)
	}
	if want := 50 + n*(demo.ScaleStudentsPerBlock+demo.ScaleReenrolPerBlock); c["matriculas"] != want {
		t.Errorf("matriculas = %d, want %d", c["matriculas"], want)
	}
	if c["pagos"] < 500*n || c["cuotas"] < 900*n || c["planillas"] == 0 || c["gastos"] <= c["planillas"] {
		t.Errorf("too little history: %v", c)
	}
	// the plain demo's 8 employees and the scale's payroll: every past month paid
	if c["empleados"] < 8 {
		t.Errorf("empleados = %d, want at least the demo's 8", c["empleados"])
	}
	var borrador int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM planillas WHERE estado = 'Borrador'").Row(&borrador); err != nil || borrador != 0 {
		t.Errorf("%d planillas left in Borrador (%v)", borrador, err)
	}
	sgultest.CheckMoneyInvariants(t, app)

	again, err := demo.LoadScale(app, n, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c {
		if again.Counts[k] != v {
			t.Errorf("second run changed %s: %d -> %d", k, v, again.Counts[k])
		}
	}
}
