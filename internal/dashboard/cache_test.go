package dashboard_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/dashboard"
	"sgul/internal/sgultest"
)

// TestCacheServesUntilAWrite: a second read is served from the cache, concurrent reads
// share one computation, a committed write to a summarised collection is visible on the
// next read, a rolled back one changes nothing, and a new Lima day recomputes.
func TestCacheServesUntilAWrite(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	c := dashboard.NewCache(app)
	sedes := []string{f.SedeA}

	first, err := c.Get(sedes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get([]string{f.SedeA}); err != nil || c.Computations() != 1 {
		t.Fatalf("second read computed again (%d computations, %v)", c.Computations(), err)
	}

	addLead := func(tx core.App, name string) error {
		leads, err := tx.FindCollectionByNameOrId("leads")
		if err != nil {
			return err
		}
		r := core.NewRecord(leads)
		r.Load(map[string]any{"nombre_completo": name, "telefono": "987650001", "sede": f.SedeA,
			"medio_contacto": f.Facebook, "asesor": f.Users["ventas"], "genero": "Femenino", "intereses": []string{f.Carrera}})
		return tx.Save(r)
	}
	if err := addLead(app, "Rosa Cache"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]*dashboard.Dashboard, 8)
	for i := range results {
		wg.Go(func() { results[i], _ = c.Get(sedes) })
	}
	wg.Wait()
	for _, d := range results {
		if d == nil || d.Totales.Leads != first.Totales.Leads+1 {
			t.Fatalf("after a committed lead the dashboard shows %+v leads, want %d", d, first.Totales.Leads+1)
		}
	}
	if got := c.Computations(); got != 2 {
		t.Fatalf("8 concurrent reads after one write ran %d computations in all, want 2", got)
	}

	// a write rolled back leaves the figures (and the cache) as they were
	_ = app.RunInTransaction(func(tx core.App) error {
		if err := addLead(tx, "Rosa Rollback"); err != nil {
			return err
		}
		return errRollback
	})
	d, _ := c.Get(sedes)
	if d.Totales.Leads != first.Totales.Leads+1 || c.Computations() != 2 {
		t.Fatalf("a rolled back write changed the dashboard: %d leads, %d computations", d.Totales.Leads, c.Computations())
	}

	// older than MaxAge (writes by another process are not seen): recomputed
	base := time.Now()
	c.SetClock(func() time.Time { return base.Add(dashboard.MaxAge + time.Second) })
	if _, err := c.Get(sedes); err != nil || c.Computations() != 3 {
		t.Fatalf("an entry older than MaxAge was served (%d computations, %v)", c.Computations(), err)
	}

	// another Lima day: overdue debt depends on the date, so the cache recomputes
	c.SetClock(func() time.Time { return base.Add(dashboard.MaxAge + 24*time.Hour) })
	if _, err := c.Get(sedes); err != nil || c.Computations() != 4 {
		t.Fatalf("a new day was served from the cache (%d computations, %v)", c.Computations(), err)
	}
}

var errRollback = errors.New("rollback")
