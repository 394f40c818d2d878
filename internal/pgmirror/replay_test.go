package pgmirror

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

var errCrash = errors.New("injected crash")

// workload runs a deterministic mix of creates, updates, deletes, raw writes
// and id changes.
func workload(t *testing.T, app core.App, items, comments *core.Collection, sede string, rng *rand.Rand, n int) {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		switch op := rng.IntN(10); {
		case op < 4 || len(ids) < 3:
			it := newItem(t, app, items, fmt.Sprint("w", i), float64(rng.IntN(1000))/7, sede)
			ids = append(ids, it.Id)
			if rng.IntN(2) == 0 {
				newRecordWith(t, app, comments, map[string]any{"item": it.Id, "body": "c"})
			}
		case op < 7:
			rec, err := app.FindRecordById(items, ids[rng.IntN(len(ids))])
			if err != nil {
				continue
			}
			rec.Set("title", fmt.Sprint("upd", i))
			rec.Set("monto", float64(rng.IntN(100000))/100)
			must(t, app.Save(rec))
		case op < 8:
			k := rng.IntN(len(ids))
			if rec, err := app.FindRecordById(items, ids[k]); err == nil {
				must(t, app.Delete(rec)) // cascades to comments
			}
		case op < 9:
			_, err := app.DB().NewQuery(`UPDATE items SET n = n + 1 WHERE id = {:id}`).Bind(dbx.Params{"id": ids[rng.IntN(len(ids))]}).Execute()
			must(t, err)
		default:
			k := rng.IntN(len(ids))
			newID := fmt.Sprintf("mv%013d", rng.Uint64()%1e13)
			_, err := app.DB().NewQuery(`UPDATE items SET id = {:n} WHERE id = {:o}`).Bind(dbx.Params{"n": newID, "o": ids[k]}).Execute()
			must(t, err)
			ids[k] = newID
		}
	}
}

// TestCrashReplay kills the relay at random points (an aborted step or a
// closed PostgreSQL connection) while a workload runs, and compares the result
// with an undisturbed relay on another schema: both must equal SQLite.
func TestCrashReplay(t *testing.T) {
	cfgA := testConfig(t, false)
	cfgB := testConfig(t, false)
	cfgA.BatchSize, cfgB.BatchSize = 7, 7 // many small batches and resync chunks
	app := mirroredApp(t, cfgA)
	sedes, items, comments := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Tacna"})
	rng := rand.New(rand.NewPCG(1, 2))
	workload(t, app, items, comments, sede.Id, rng, 40) // before first start: backfill by resync

	crashy := newRelay(t, app, cfgA)
	crashes := 0
	crashy.failpoint = func(point string) error {
		if rng.IntN(3) != 0 {
			return nil
		}
		crashes++
		if rng.IntN(2) == 0 && crashy.conn != nil {
			_ = crashy.conn.Close(context.Background()) // the connection dies mid-transaction
		}
		return fmt.Errorf("%w at %s", errCrash, point)
	}
	clean := newRelay(t, app, cfgB)
	ctx := context.Background()
	for round := 0; round < 6; round++ {
		workload(t, app, items, comments, sede.Id, rng, 30)
		for i := 0; i < 5+rng.IntN(10); i++ {
			if _, err := crashy.Step(ctx); err != nil {
				if !errors.Is(err, errCrash) {
					t.Logf("step error (after crash): %v", err)
				}
				crashy.Close() // a killed relay restarts from PostgreSQL's cursor
			}
		}
	}
	if crashes == 0 {
		t.Fatal("no crash injected")
	}
	crashy.failpoint = nil
	drain(t, crashy)
	drain(t, clean)
	crashy.Close()
	repA := mustVerify(t, app, cfgA, nil)
	clean.Close()
	repB := mustVerify(t, app, cfgB, nil)
	for i := range repA.Collections {
		a, b := repA.Collections[i], repB.Collections[i]
		if a.PGHash != b.PGHash || a.PGCount != b.PGCount {
			t.Fatalf("%s: crashed relay %s/%d, clean relay %s/%d", a.Name, a.PGHash, a.PGCount, b.PGHash, b.PGCount)
		}
	}
	t.Logf("%d crashes injected", crashes)
}

// TestStaleReplayNeverRegresses applies writes out of order: an older state
// never overwrites a newer one, and a deleted row is not resurrected by an
// older upsert.
func TestStaleReplayNeverRegresses(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	sedes, _, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "v1"})
	r := newRelay(t, app, cfg)
	drain(t, r)
	ctx := context.Background()
	spec := r.meta[sedes.Id].spec()
	conn := pgConn(t, cfg)
	nombre := func() string {
		var s string
		err := conn.QueryRow(ctx, `SELECT nombre FROM `+pgIdent(cfg.Schema)+`.sedes WHERE id = $1`, sede.Id).Scan(&s)
		if err != nil {
			return "<none>"
		}
		return s
	}
	row := func(v string) []pgRow {
		return []pgRow{{ID: sede.Id, Vals: []any{v, nil}}}
	}
	for _, c := range []struct {
		name string
		do   func() error
		want string
	}{
		{"newer upsert", func() error {
			return withTx(ctx, r, func(tx pgx.Tx) error { return upsertRows(ctx, tx, cfg.Schema, spec, row("v20"), 1000020, 0) })
		}, "v20"},
		{"stale upsert", func() error {
			return withTx(ctx, r, func(tx pgx.Tx) error { return upsertRows(ctx, tx, cfg.Schema, spec, row("v10"), 1000010, 0) })
		}, "v20"},
		{"stale delete", func() error {
			return withTx(ctx, r, func(tx pgx.Tx) error { return deleteRows(ctx, tx, cfg.Schema, spec, []string{sede.Id}, 1000015) })
		}, "v20"},
		{"newer delete", func() error {
			return withTx(ctx, r, func(tx pgx.Tx) error { return deleteRows(ctx, tx, cfg.Schema, spec, []string{sede.Id}, 1000030) })
		}, "<none>"},
		{"stale upsert after delete", func() error {
			return withTx(ctx, r, func(tx pgx.Tx) error { return upsertRows(ctx, tx, cfg.Schema, spec, row("v25"), 1000025, 0) })
		}, "<none>"},
		{"re-create after delete", func() error {
			return withTx(ctx, r, func(tx pgx.Tx) error { return upsertRows(ctx, tx, cfg.Schema, spec, row("v31"), 1000031, 0) })
		}, "v31"},
	} {
		must(t, c.do())
		if got := nombre(); got != c.want {
			t.Fatalf("%s: nombre = %q, want %q", c.name, got, c.want)
		}
	}
}

func withTx(ctx context.Context, r *Relay, f func(tx pgx.Tx) error) error {
	tx, err := r.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
