package hooks_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// rlPocketBaseRoutes are the prefixes of PocketBase's own routes: collection records,
// files, realtime and batch are covered per collection by the matrix; the rest is the
// superuser's dashboard API and OAuth2 (not enabled). PocketBase's /api/sql is listed
// with SGUL's routes because SGUL turns it off.
var rlPocketBaseRoutes = []string{"/api/collections", "/api/files", "/api/realtime", "/api/batch", "/api/settings",
	"/api/backups", "/api/logs", "/api/crons", "/api/health", "/api/oauth2-redirect", "/_/", "/{path...}"}

// rlRoutes lists "METHOD /path" of every route SGUL adds to the router, built the way
// tests.ApiScenario and the server build it (apis.NewRouter, then the OnServe hooks).
func rlRoutes(t testing.TB, app core.App) []string {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	se := &core.ServeEvent{App: app, Router: r}
	if err := app.OnServe().Trigger(se, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(g reflect.Value, prefix string)
	walk = func(g reflect.Value, prefix string) { // g: *router.RouterGroup
		prefix += g.Elem().FieldByName("Prefix").String()
		children := g.Elem().FieldByName("children")
		for i := range children.Len() {
			child := children.Index(i).Elem()
			if child.Elem().FieldByName("children").IsValid() {
				walk(child, prefix)
				continue
			}
			method := child.Elem().FieldByName("Method").String()
			path := prefix + child.Elem().FieldByName("Path").String()
			if method == "" {
				method = "ANY"
			}
			out = append(out, method+" "+path)
		}
	}
	walk(reflect.ValueOf(se.Router.RouterGroup), "")
	sort.Strings(out)
	var own []string
	for _, route := range out {
		_, path, _ := strings.Cut(route, " ")
		pb := false
		for _, p := range rlPocketBaseRoutes {
			pb = pb || strings.HasPrefix(path, p)
		}
		if !pb {
			own = append(own, route)
		}
	}
	return own
}
