package pgmirror

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestVerifyDetectsAndRepairsDrift tampers with PostgreSQL behind the relay's
// back: verify reports the difference (the command exits non-zero), --repair
// resyncs the collection and the next verify passes.
func TestVerifyDetectsAndRepairsDrift(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	sedes, items, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Tumbes"})
	for i := 0; i < 10; i++ {
		newItem(t, app, items, "x", float64(i), sede.Id)
	}
	r := newRelay(t, app, cfg)
	drain(t, r)
	r.Close()
	conn := pgConn(t, cfg)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `UPDATE `+pgIdent(cfg.Schema)+`.items SET monto = monto + 1 WHERE id = (SELECT min(id) FROM `+pgIdent(cfg.Schema)+`.items)`)
	must(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO `+pgIdent(cfg.Schema)+`.sedes (id, nombre, _pb_seq) VALUES ('ghost0000000001', 'ghost', 0)`)
	must(t, err)

	var out bytes.Buffer
	cmd := Command(app, &cfg)
	cmd.SetArgs([]string{"verify"})
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "2 collection(s) differ") {
		t.Fatalf("verify should fail on drift: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "items") || !strings.Contains(out.String(), "DIFFERENT") {
		t.Fatalf("verify output: %s", out.String())
	}

	out.Reset()
	cmd = Command(app, &cfg)
	cmd.SetArgs([]string{"verify", "--repair"})
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	must(t, cmd.Execute())
	if !strings.Contains(out.String(), "all 4 collections equal") {
		t.Fatalf("repair output: %s", out.String())
	}

	out.Reset()
	cmd = Command(app, &cfg)
	cmd.SetArgs([]string{"status"})
	cmd.SetOut(&out)
	must(t, cmd.Execute())
	for _, want := range []string{"lag:           0 events", "items", "sedes"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("status output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	cmd = Command(app, &cfg)
	cmd.SetArgs([]string{"resync", "--collection", "items"})
	cmd.SetOut(&out)
	must(t, cmd.Execute())
	if !strings.Contains(out.String(), "resync done") {
		t.Fatalf("resync output: %s", out.String())
	}
	t.Log(out.String())
}
