package dashboard

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/schedule"
)

// Sources are the collections the dashboard summarises: a committed write to any of
// them makes every cached dashboard stale.
var Sources = []string{"leads", "matriculas", "cuotas", "pagos", "programas", "users"}

// Cache keeps computed dashboards per set of sedes until a write to one of the
// Sources commits or the Lima date changes, so that reading the KPIs costs a map
// lookup instead of aggregating every lead, cuota and pago (docs/benchmarks.md: about
// 0.85 s of CPU at --scale 500). A read after a write is never stale: the write bumps
// the version before its request returns, and a dashboard computed from an older
// version is not served. Concurrent requests for the same sedes share one computation.
// Writes made by another process on the same data (sgul demo on a served directory) do
// not bump the version: an entry is also recomputed after MaxAge.
type Cache struct {
	app      core.App
	now      func() time.Time
	version  atomic.Uint64
	computed atomic.Int64 // computations run (tests, figures)

	mu      sync.Mutex
	entries map[string]*cacheEntry
}

// MaxAge bounds how long a dashboard is served without any write in this process.
const MaxAge = 10 * time.Minute

type cacheEntry struct {
	version uint64
	date    string
	at      time.Time     // when its computation started
	done    chan struct{} // closed when d/err are set
	d       *Dashboard
	err     error
}

// NewCache returns a cache that watches app's record writes.
func NewCache(app core.App) *Cache {
	c := &Cache{app: app, now: time.Now, entries: map[string]*cacheEntry{}}
	bump := func(e *core.ModelEvent) error {
		c.version.Add(1)
		return e.Next()
	}
	app.OnModelAfterCreateSuccess(Sources...).BindFunc(bump)
	app.OnModelAfterUpdateSuccess(Sources...).BindFunc(bump)
	app.OnModelAfterDeleteSuccess(Sources...).BindFunc(bump)
	return c
}

// Get returns the dashboard of sedes, computing it when the cached one is stale.
func (c *Cache) Get(sedes []string) (*Dashboard, error) {
	now := c.now()
	date := now.In(schedule.LimaLocation()).Format(time.DateOnly)
	key := cacheKey(sedes)
	v := c.version.Load()

	c.mu.Lock()
	e, ok := c.entries[key]
	if ok && e.version == v && e.date == date && now.Sub(e.at) < MaxAge {
		c.mu.Unlock()
		<-e.done // computed or being computed from the current data
		if e.err == nil {
			return e.d, nil
		}
		return Compute(c.app, sedes, now) // a failed computation is not shared with later requests
	}
	e = &cacheEntry{version: v, date: date, at: now, done: make(chan struct{})}
	c.entries[key] = e
	c.mu.Unlock()

	e.d, e.err = Compute(c.app, sedes, now)
	c.computed.Add(1)
	close(e.done)
	if e.err != nil {
		c.mu.Lock()
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		c.mu.Unlock()
	}
	return e.d, e.err
}

// Computations is how many dashboards the cache has computed.
func (c *Cache) Computations() int64 { return c.computed.Load() }

// SetClock replaces time.Now (tests).
func (c *Cache) SetClock(now func() time.Time) { c.now = now }

func cacheKey(sedes []string) string {
	s := slices.Clone(sedes)
	slices.Sort(s)
	return strings.Join(s, ",")
}
