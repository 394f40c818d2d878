package pgmirror

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// apiServer builds PocketBase's router for app once, so that several requests
// can share one app (tests.ApiScenario would rebind the routes each time).
func apiServer(t *testing.T, app core.App) http.Handler {
	t.Helper()
	r, err := apis.NewRouter(app)
	must(t, err)
	mux, err := r.BuildMux()
	must(t, err)
	return mux
}

// apiCall runs one request and checks the status and body fragments.
func apiCall(t *testing.T, h http.Handler, method, url, body string, headers map[string]string, status int, contains ...string) {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, url, rec.Code, status, rec.Body.String())
	}
	for _, c := range contains {
		if !strings.Contains(rec.Body.String(), c) {
			t.Fatalf("%s %s: body lacks %q: %s", method, url, c, rec.Body.String())
		}
	}
}

func superuserToken(t *testing.T, app core.App) string {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	must(t, err)
	su := core.NewRecord(col)
	su.SetEmail("root@sgul.test")
	su.SetPassword("supersecret123")
	must(t, app.Save(su))
	tok, err := su.NewAuthToken()
	must(t, err)
	return tok
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

func authHeader(tok string) map[string]string {
	return map[string]string{"Content-Type": "application/json", "Authorization": tok}
}
