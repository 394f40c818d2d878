package pgmirror

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// BenchmarkWrite measures app.Save latency without and with the capture triggers.
//
//	go test ./internal/pgmirror -run '^$' -bench 'Write|Relay|Backfill' -benchtime 1x   (see README)
func BenchmarkWrite(b *testing.B) {
	for _, mode := range []string{"minimal", "mirror"} {
		b.Run(mode, func(b *testing.B) {
			app := newTestApp(b)
			if mode == "mirror" {
				autoRelay = false
				defer func() { autoRelay = true }()
				must(b, Register(app, Config{URL: "postgres://unused", Schema: "bench"}))
			}
			sedes, items, _ := fixture(b, app)
			sede := newRecordWith(b, app, sedes, map[string]any{"nombre": "bench"})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := core.NewRecord(items)
				rec.Set("title", "bench")
				rec.Set("monto", i)
				rec.Set("sede", sede.Id)
				if err := app.Save(rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRelayThroughput measures outbox events applied per second (b.N
// record inserts, applied in batches of 500).
func BenchmarkRelayThroughput(b *testing.B) {
	cfg := testConfig(b, false)
	cfg.BatchSize = 500
	app := mirroredApp(b, cfg)
	_, items, _ := fixture(b, app)
	r := newRelay(b, app, cfg)
	drain(b, r)
	n := max(b.N, 20000)
	insertRows(b, app, items, n, "relay")
	b.ResetTimer()
	start := time.Now()
	drain(b, r)
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "events/s")
}

// BenchmarkBackfill measures a first full resync (keyset chunks + COPY) of
// SGUL_BENCH_BACKFILL_ROWS rows (default 1,000,000).
func BenchmarkBackfill(b *testing.B) {
	rows := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SGUL_BENCH_BACKFILL_ROWS")); err == nil && v > 0 {
		rows = v
	}
	cfg := testConfig(b, false)
	cfg.BatchSize = 5000
	app := newTestApp(b)
	_, items, _ := fixture(b, app)
	t0 := time.Now()
	insertRows(b, app, items, rows, "backfill")
	b.Logf("inserted %d SQLite rows in %v", rows, time.Since(t0))
	autoRelay = false
	defer func() { autoRelay = true }()
	must(b, Register(app, cfg)) // first enable: triggers + full resync
	r := newRelay(b, app, cfg)
	b.ResetTimer()
	start := time.Now()
	drain(b, r)
	el := time.Since(start)
	b.ReportMetric(float64(rows)/el.Seconds(), "rows/s")
	b.Logf("backfill of %d rows took %v", rows, el)
}

func insertRows(b *testing.B, app core.App, items *core.Collection, n int, prefix string) {
	b.Helper()
	for start := 0; start < n; start += 10000 {
		err := app.RunInTransaction(func(tx core.App) error {
			for i := start; i < min(start+10000, n); i++ {
				_, err := tx.DB().NewQuery(fmt.Sprintf(`INSERT INTO items (id, title, n, monto, ok, fecha, data, tags)
					VALUES ('%s%09d', 'row %d', %d, %d.5, %d, '2025-01-02 00:00:00.000Z', '{"a":1}', '["a"]')`,
					prefix[:2], i, i, i, i%1000, i%2)).Execute()
				if err != nil {
					return err
				}
			}
			return nil
		})
		must(b, err)
	}
}
