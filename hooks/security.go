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

// filesCSP is PocketBase's own policy for served files (tools/filesystem), set here so
// that refusals and errors under /api/files carry it too.
const filesCSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox"

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
			// the dashboard (/_/) ships its own bundle and keeps PocketBase's defaults;
			// served files get a sandboxed policy: an uploaded document never runs as a page
			switch p := e.Request.URL.Path; {
			case strings.HasPrefix(p, "/_/"):
			case strings.HasPrefix(p, "/api/files/"):
				h.Set("X-Frame-Options", "DENY")
				h.Set("Content-Security-Policy", filesCSP)
			default:
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
