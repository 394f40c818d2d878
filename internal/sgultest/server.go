package sgultest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/hooks"
)

// Serve serves app on a real loopback HTTP server and returns its base URL. The router is
// built exactly as tests.ApiScenario builds it (apis.NewRouter, then app.OnServe() with a
// final func that builds the mux), so every OnServe handler of the production wiring
// applies; unlike ApiScenario, requests can run in parallel. Call Serve at most once per
// app (a second router would register the same routes twice). The server is closed by
// t.Cleanup, after waiting for the requests in flight.
func Serve(t testing.TB, app core.App) string {
	t.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatalf("sgultest.Serve: %v", err)
	}
	se := &core.ServeEvent{App: app, Router: router}
	var mux http.Handler
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	if err != nil {
		t.Fatalf("sgultest.Serve: %v", err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// NewAppWith is NewApp with the hooks configuration changed by edit (may be nil) first,
// e.g. to run the background job workers (Config disables them); they start when the app
// is served.
func NewAppWith(t testing.TB, edit func(*hooks.Config)) (*tests.TestApp, Fixture) {
	t.Helper()
	once.Do(buildTemplate)
	if buildErr != nil {
		t.Fatalf("sgultest template: %v", buildErr)
	}
	app, err := tests.NewTestApp(templateDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config()
	if edit != nil {
		edit(cfg)
	}
	if err := hooks.Bind(app, cfg); err != nil {
		t.Fatal(err)
	}
	return app, fixture
}
