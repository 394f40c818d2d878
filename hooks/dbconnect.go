package hooks

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// DefaultDBCacheKB is SQLite's page cache per connection that SGUL uses: PocketBase's
// default is 32 MB per connection, and with the pool's idle connections a server that
// has served a few concurrent requests on a large database kept ~500 MB resident
// (docs/benchmarks.md). 8 MB per connection keeps the hot index pages in memory; the
// rest comes from the OS page cache.
const DefaultDBCacheKB = 8000

// DefaultDataMaxIdleConns is how many idle SQLite connections (each with its cache) the
// pool keeps; PocketBase's default is 15.
const DefaultDataMaxIdleConns = 6

// DBConnect opens SQLite like PocketBase's core.DefaultDBConnect (same pragmas, same
// order) with a page cache of cacheKB per connection.
func DBConnect(cacheKB int) core.DBConnectFunc {
	if cacheKB <= 0 {
		cacheKB = DefaultDBCacheKB
	}
	return func(dbPath string) (*dbx.DB, error) {
		pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(200000000)" +
			"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)" +
			fmt.Sprintf("&_pragma=cache_size(-%d)", cacheKB) + "&_defensive=1"
		return dbx.Open("sqlite", dbPath+pragmas)
	}
}
