package hooks

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// bindPortal serves the staff portal (pb_public, embedded in the binary) at /. No index
// fallback: the portal uses hash routes, and an unknown GET /api/... must stay a JSON 404.
func bindPortal(se *core.ServeEvent, cfg *Config) {
	if cfg.Public == nil || se.Router.HasRoute(http.MethodGet, "/{path...}") {
		return
	}
	se.Router.GET("/{path...}", apis.Static(cfg.Public, false))
}
