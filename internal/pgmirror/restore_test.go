package pgmirror

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// TestRestoreDetected restores an older copy of the SQLite database (as a
// PocketBase backup restore would): the relay notices the sequence regression
// at start, resyncs everything, and PostgreSQL forgets rows written after the
// backup. New writes keep flowing afterwards.
func TestRestoreDetected(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	sedes, items, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Juliaca"})
	for i := 0; i < 5; i++ {
		newItem(t, app, items, "before", float64(i), sede.Id)
	}
	r := newRelay(t, app, cfg)
	drain(t, r)

	backup := t.TempDir()
	_, err := app.DB().NewQuery(`VACUUM INTO '` + filepath.Join(backup, "data.db") + `'`).Execute()
	must(t, err)

	late := newItem(t, app, items, "after backup", 9, sede.Id)
	drain(t, r)
	r.Close()
	conn := pgConn(t, cfg)
	if n := pgCount(t, conn, cfg, "items"); n != 6 {
		t.Fatalf("items before restore = %d", n)
	}

	restored, err := tests.NewTestApp(backup)
	must(t, err)
	t.Cleanup(restored.Cleanup)
	autoRelay = false
	must(t, Register(restored, cfg))
	r2 := newRelay(t, restored, cfg)
	must(t, r2.Open(context.Background()))
	if len(r2.resyncs) == 0 {
		t.Fatal("restore not detected: no resync scheduled")
	}
	drain(t, r2)
	var n int
	must(t, conn.QueryRow(context.Background(), `SELECT count(*) FROM `+pgIdent(cfg.Schema)+`.items WHERE id = $1`, late.Id).Scan(&n))
	if n != 0 {
		t.Fatal("row written after the backup is still in PostgreSQL")
	}
	newItem(t, restored, items, "after restore", 3, sede.Id)
	drain(t, r2)
	r2.Close()
	mustVerify(t, restored, cfg, nil)
	if n := pgCount(t, conn, cfg, "items"); n != 6 {
		t.Fatalf("items after restore + 1 write = %d", n)
	}
	_ = os.Remove(filepath.Join(backup, "data.db"))
}
