package pgmirror

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// TestRebuildRoundTrip rebuilds a pb_data from PostgreSQL (secrets schema on):
// it boots, lists and filters answer like the original, and users sign in with
// their old passwords.
func TestRebuildRoundTrip(t *testing.T) {
	cfg := testConfig(t, true)
	app := mirroredApp(t, cfg)
	sedes, items, comments := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Chiclayo"})
	for i := 0; i < 25; i++ {
		it := newItem(t, app, items, "fixture", float64(i), sede.Id)
		if i%4 == 0 {
			newRecordWith(t, app, comments, map[string]any{"item": it.Id, "body": "x"})
		}
	}
	users, err := app.FindCollectionByNameOrId("users")
	must(t, err)
	for _, email := range []string{"ana@sgul.test", "luis@sgul.test"} {
		u := core.NewRecord(users)
		u.SetEmail(email)
		u.SetPassword("clave-" + email)
		u.Set("name", "user "+email)
		must(t, app.Save(u))
	}
	s := app.Settings()
	s.Meta.AppName = "SGUL DR test"
	must(t, app.Save(s))
	r := newRelay(t, app, cfg)
	drain(t, r)
	r.Close()

	out := filepath.Join(t.TempDir(), "pb_data")
	var progress bytes.Buffer
	rep, err := RebuildSQLite(context.Background(), cfg, out, &progress)
	must(t, err)
	if !rep.OK {
		t.Fatalf("rebuild verify failed: %+v\n%s", rep.Collections, progress.String())
	}
	t.Log(progress.String())

	rebuilt, err := tests.NewTestApp(out)
	must(t, err)
	defer rebuilt.Cleanup()
	for _, q := range []struct{ coll, filter, sort string }{
		{"items", "", "-created,id"},
		{"items", "n >= 10 && monto < 30", "-n"},
		{"items", "fecha = ''", "title,id"},
		{"items", "tags:each ?= 'c' && ok = true", "id"},
		{"comments", "item.n < 20", "id"},
		{"users", "email ~ 'ana'", "id"},
	} {
		want := recordIDs(t, app, q.coll, q.filter, q.sort)
		got := recordIDs(t, rebuilt, q.coll, q.filter, q.sort)
		if !slices.Equal(want, got) || len(want) == 0 {
			t.Fatalf("%s %q: original %v, rebuilt %v", q.coll, q.filter, want, got)
		}
	}
	for _, email := range []string{"ana@sgul.test", "luis@sgul.test"} {
		u, err := rebuilt.FindAuthRecordByEmail("users", email)
		must(t, err)
		if !u.ValidatePassword("clave-" + email) {
			t.Fatalf("%s cannot sign in with the old password", email)
		}
	}
	h := apiServer(t, rebuilt)
	apiCall(t, h, "POST", "/api/collections/users/auth-with-password", `{"identity":"ana@sgul.test","password":"clave-ana@sgul.test"}`, jsonHeader, 200, `"token"`)
	apiCall(t, h, "GET", "/api/collections/items/records?filter=(n>20)&sort=n", ``, nil, 200, `"totalItems":4`)
	if rebuilt.Settings().Meta.AppName != "SGUL DR test" {
		t.Fatalf("settings not restored: %q", rebuilt.Settings().Meta.AppName)
	}
}

func recordIDs(t *testing.T, app core.App, coll, filter, sort string) []string {
	t.Helper()
	recs, err := app.FindRecordsByFilter(coll, filter, sort, 0, 0)
	must(t, err)
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	return ids
}
