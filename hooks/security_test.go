package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

func TestSecurityHeaders(t *testing.T) {
	s := tests.ApiScenario{
		Name:            "health carries the security headers",
		Method:          http.MethodGet,
		URL:             "/api/health",
		TestAppFactory:  sgultest.Factory,
		ExpectedStatus:  200,
		ExpectedContent: []string{`"code":200`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			for h, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"X-Frame-Options":        "DENY",
				"Referrer-Policy":        "same-origin",
			} {
				if got := res.Header.Get(h); got != want {
					t.Errorf("%s = %q, want %q", h, got, want)
				}
			}
			if res.Header.Get("Content-Security-Policy") == "" {
				t.Error("no Content-Security-Policy")
			}
		},
	}
	s.Test(t)
}
