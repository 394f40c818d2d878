package hooks

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// portalCSP allows only same-origin code, so an injected script in data cannot run.
// PocketBase's dashboard (/_/) ships its own bundle and is left with its defaults.
const portalCSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

// bindSecurityHeaders adds conservative security headers to every response.
func bindSecurityHeaders(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       "sgulSecurityHeaders",
		Priority: -1001,
		Func: func(e *core.RequestEvent) error {
			h := e.Response.Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			if !strings.HasPrefix(e.Request.URL.Path, "/_/") {
				h.Set("X-Frame-Options", "DENY")
				h.Set("Content-Security-Policy", portalCSP)
			}
			if e.Request.TLS != nil || strings.EqualFold(e.Request.Header.Get("X-Forwarded-Proto"), "https") {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			return e.Next()
		},
	})
}
