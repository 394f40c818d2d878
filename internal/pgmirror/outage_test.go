package pgmirror

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// TestOutageCatchUp cuts PostgreSQL off while 1,000 writes happen through the
// running relay: writes keep succeeding, lag is reported, and once PostgreSQL
// is back the relay catches up and verify passes.
func TestOutageCatchUp(t *testing.T) {
	cfg := testConfig(t, false)
	proxy, viaProxy := newProxy(t, cfg.URL)
	relayCfg := cfg
	relayCfg.URL = viaProxy
	app := mirroredApp(t, relayCfg)
	sedes, items, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Piura"})

	r := newRelay(t, app, relayCfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	waitFor(t, 20*time.Second, "initial sync", func() bool {
		st, err := ReadStatus(context.Background(), app, cfg, false)
		return err == nil && st.LagEvents == 0 && len(st.Resyncs) == 0 && st.AppliedSeq > 0
	})

	proxy.down()
	start := time.Now()
	var slowest time.Duration
	for i := 0; i < 1000; i++ {
		t0 := time.Now()
		rec := core.NewRecord(items)
		rec.Set("title", fmt.Sprint("outage", i))
		rec.Set("monto", i)
		rec.Set("sede", sede.Id)
		must(t, app.Save(rec))
		slowest = max(slowest, time.Since(t0))
	}
	t.Logf("1000 writes during the outage in %v (slowest %v)", time.Since(start), slowest)
	if slowest > 2*time.Second {
		t.Fatalf("a write waited %v during the outage", slowest)
	}
	st, err := ReadStatus(context.Background(), app, cfg, true) // direct URL: PostgreSQL itself is fine
	must(t, err)
	if st.LagEvents < 1000 {
		t.Fatalf("lag = %d events, want >= 1000", st.LagEvents)
	}

	proxy.up(t)
	waitFor(t, 30*time.Second, "catch up", func() bool {
		st, err := ReadStatus(context.Background(), app, cfg, false)
		return err == nil && st.LagEvents == 0
	})
	cancel()
	<-done
	mustVerify(t, app, cfg, nil)
	if n := pgCount(t, pgConn(t, cfg), cfg, "items"); n != 1000 {
		t.Fatalf("items in PostgreSQL = %d", n)
	}
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timeout waiting for %s", what)
}
