package reliability_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/reliability"
	"sgul/internal/sgultest"
)

// TestLoadCrashRestart builds the sgul binary, loads the demo institute, runs 200
// concurrent clients for 24 s and kills the server with SIGKILL half way (a campaign
// and reports are running), restarts it, and checks every money, payroll, voucher,
// audit, job and mail invariant afterwards, twice: by direct SQL (CheckData) and with
// the in-process checker the API tests use (sgultest.CheckMoneyInvariants).
//
// The figures are env-tunable; SGUL_SOAK=1 runs the long version (5 minutes, a kill
// every minute):
//
//	SGUL_LOAD_CLIENTS=200 SGUL_LOAD_DURATION=24s SGUL_LOAD_KILLS=1 go test ./internal/reliability/ -run LoadCrash -v
//	SGUL_SOAK=1 go test ./internal/reliability/ -run LoadCrash -v -timeout 30m
func TestLoadCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the sgul binary for minutes; not under -short")
	}
	o := reliability.Options{Clients: 200, Duration: 24 * time.Second, Kills: 1, Leads: 150, Students: 20}
	if os.Getenv("SGUL_SOAK") == "1" {
		o.Duration, o.Kills, o.Leads, o.Students = 5*time.Minute, 5, 200, 50
	}
	if v, err := strconv.Atoi(os.Getenv("SGUL_LOAD_CLIENTS")); err == nil {
		o.Clients = v
	}
	if v, err := time.ParseDuration(os.Getenv("SGUL_LOAD_DURATION")); err == nil {
		o.Duration = v
	}
	if v, err := strconv.Atoi(os.Getenv("SGUL_LOAD_KILLS")); err == nil {
		o.Kills = v
	}
	o.Bin = buildSgul(t)
	o.Dir = filepath.Join(t.TempDir(), "pb_data")
	if testing.Verbose() {
		o.Log = os.Stderr
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Duration+10*time.Minute)
	defer cancel()
	rep, err := reliability.Run(ctx, o)
	if rep != nil {
		t.Log("\n" + rep.Text())
	}
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Error("the run broke an invariant (see the report above)")
	}
	if len(rep.Kills) != o.Kills {
		t.Errorf("%d kills happened, want %d", len(rep.Kills), o.Kills)
	}
	if rep.Check.Figures["pagos registrados"] == 0 || rep.Mail.Delivered == 0 {
		t.Error("the run wrote no pagos or sent no campaign: the load did not exercise the money paths")
	}

	// the same data through the application's own checker
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: o.Dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	sgultest.CheckMoneyInvariants(t, app)
}

// buildSgul builds the module's main package into a temporary directory.
func buildSgul(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sgul")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = os.Environ()
	if os.Getenv("GOTOOLCHAIN") == "" {
		cmd.Env = append(cmd.Env, "GOTOOLCHAIN=auto")
	}
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built sgul in %s", time.Since(start).Round(time.Second))
	return bin
}
