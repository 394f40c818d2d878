package hooks_test

import (
	"path/filepath"
	"testing"

	"sgul/hooks"
)

// TestDBConnectPragmas: SGUL's connections keep PocketBase's pragmas (WAL, foreign
// keys, busy timeout) with a smaller page cache per connection.
func TestDBConnectPragmas(t *testing.T) {
	db, err := hooks.DBConnect(0)(filepath.Join(t.TempDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cache, fk, busy int
	var journal string
	for q, dst := range map[string]any{"PRAGMA cache_size": &cache, "PRAGMA foreign_keys": &fk, "PRAGMA busy_timeout": &busy, "PRAGMA journal_mode": &journal} {
		if err := db.NewQuery(q).Row(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if cache != -hooks.DefaultDBCacheKB || fk != 1 || busy != 10000 || journal != "wal" {
		t.Fatalf("cache_size %d, foreign_keys %d, busy_timeout %d, journal_mode %q", cache, fk, busy, journal)
	}
}
