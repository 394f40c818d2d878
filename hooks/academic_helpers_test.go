package hooks_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

// The academic, HR, voucher and dashboard tests share these helpers (prefix "ac"); they
// run their scenario tables through the enrollment tests' emRun.

// acTables are the tables of this area that a refused request must leave untouched.
var acTables = []string{"notas", "asistencias", "vouchers", "empleados", "planillas", "documentos", "malla", "programas", "docentes_programa"}

// acSig summarises acTables: row count and last update of each.
func acSig(t testing.TB, app core.App) string {
	t.Helper()
	var parts []string
	for _, tbl := range acTables {
		var s string
		if err := app.DB().NewQuery("SELECT COUNT(*) || '@' || COALESCE(MAX(updated), '') FROM {{" + tbl + "}}").Row(&s); err != nil {
			t.Fatalf("sig %s: %v", tbl, err)
		}
		parts = append(parts, tbl+"="+s)
	}
	return strings.Join(parts, " ")
}

// acRefused marks a case as refused: nothing may change in the enrollment/money tables
// (emRun's Unchanged) nor in this area's tables.
func acRefused(c emCase) emCase {
	c.Unchanged = true
	var before string
	prevBefore, prevAfter := c.Before, c.After
	c.Before = func(t testing.TB, app *tests.TestApp) {
		if prevBefore != nil {
			prevBefore(t, app)
		}
		before = acSig(t, app)
	}
	c.After = func(t testing.TB, app *tests.TestApp, res *http.Response) {
		if after := acSig(t, app); after != before {
			t.Errorf("refused request changed data:\nbefore %s\nafter  %s", before, after)
		}
		if prevAfter != nil {
			prevAfter(t, app, res)
		}
	}
	return c
}

// acCount counts the rows of coll matching filter.
func acCount(t testing.TB, app core.App, coll, filter string, params dbx.Params) int {
	t.Helper()
	return len(emFind(t, app, coll, filter, params))
}

// acRequest is one request of a concurrent burst.
type acRequest struct {
	Method, URL, Actor, Body string
}

// acConcurrently sends the requests to the server at base (sgultest.Serve) at the same
// time and returns their status codes.
func acConcurrently(t testing.TB, base string, f sgultest.Fixture, reqs ...acRequest) []int {
	t.Helper()
	codes := make([]int, len(reqs))
	var start, done sync.WaitGroup
	start.Add(1)
	for i, r := range reqs {
		req, err := http.NewRequest(r.Method, base+r.URL, strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for k, v := range f.Auth(r.Actor) {
			req.Header.Set(k, v)
		}
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	start.Done()
	done.Wait()
	return codes
}

// acGrant gives a fixture user extra permissions in the scenario's app (its token stays
// valid): "norole" (sede A, no role) becomes a user with exactly perms.
func acGrant(t testing.TB, app core.App, userID string, perms ...string) {
	t.Helper()
	u := emRecord(t, app, "users", userID)
	u.Set("permisos_extra", perms)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
}
