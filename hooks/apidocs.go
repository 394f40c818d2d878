package hooks

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/apidocs"
)

// bindAPIDocs serves the OpenAPI 3.1 document at /api/docs/openapi.json and the docs page
// at /api/docs/ (with its script, docs.js). They are public: they describe the API's
// shape (collections, fields, endpoints), never data. The document is generated on the
// first request, after every OnServe handler has registered its routes, and again after
// any collection or settings change.
func bindAPIDocs(app core.App) {
	docs := &apidocs.Cache{}
	invalidate := func(e *core.CollectionEvent) error {
		docs.Invalidate()
		return e.Next()
	}
	app.OnCollectionAfterCreateSuccess().BindFunc(invalidate)
	app.OnCollectionAfterUpdateSuccess().BindFunc(invalidate)
	app.OnCollectionAfterDeleteSuccess().BindFunc(invalidate)
	app.OnSettingsReload().BindFunc(func(e *core.SettingsReloadEvent) error {
		docs.Invalidate() // the server URL comes from Meta.AppURL
		return e.Next()
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		opts := apidocs.Options{HasRoute: se.Router.HasRoute}
		se.Router.GET("/api/docs/openapi.json", func(e *core.RequestEvent) error {
			raw, err := docs.JSON(e.App, opts)
			if err != nil {
				return e.InternalServerError("No se pudo generar la documentación de la API.", err)
			}
			e.Response.Header().Set("Cache-Control", "no-cache")
			return e.Blob(http.StatusOK, "application/json", raw)
		})
		se.Router.GET("/api/docs/{$}", func(e *core.RequestEvent) error {
			e.Response.Header().Set("Cache-Control", "no-cache")
			return e.Blob(http.StatusOK, "text/html; charset=utf-8", apidocs.Page)
		})
		se.Router.GET("/api/docs/docs.js", func(e *core.RequestEvent) error {
			e.Response.Header().Set("Cache-Control", "no-cache")
			return e.Blob(http.StatusOK, "text/javascript; charset=utf-8", apidocs.Script)
		})
		se.Router.GET("/api/docs", func(e *core.RequestEvent) error {
			return e.Redirect(http.StatusMovedPermanently, "docs/") // relative: works behind a path prefix
		})
		return se.Next()
	})
}
