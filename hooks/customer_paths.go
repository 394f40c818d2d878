package hooks

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// bindCustomerPaths serves the customer's API paths (from its original architecture) on
// top of the collection API: each alias is re-dispatched through the same router, so the
// same authentication, API rules and hooks apply; there is no second copy of logic.
// POST /api/matriculas/ and GET /api/finanzas/balance/ are business endpoints of their own.
func bindCustomerPaths(se *core.ServeEvent) {
	var (
		once   sync.Once
		mux    http.Handler
		muxErr error
	)
	dispatch := func(e *core.RequestEvent, method, path string, body []byte) error {
		once.Do(func() { mux, muxErr = se.Router.BuildMux() })
		if muxErr != nil {
			return muxErr
		}
		r := e.Request.Clone(e.Request.Context())
		r.Method = method
		r.URL.Path, r.URL.RawPath, r.RequestURI = path, "", ""
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.Header.Set("Content-Type", "application/json")
		}
		mux.ServeHTTP(e.Response, r)
		return nil
	}
	alias := func(methods []string, patterns []string, target func(e *core.RequestEvent) string, rewrite map[string]string) {
		for _, m := range methods {
			for _, p := range patterns {
				method := m
				se.Router.Route(method, p, func(e *core.RequestEvent) error {
					to := method
					if r, ok := rewrite[method]; ok {
						to = r
					}
					return dispatch(e, to, target(e), nil)
				})
			}
		}
	}
	list := func(collection string) func(e *core.RequestEvent) string {
		return func(e *core.RequestEvent) string { return "/api/collections/" + collection + "/records" }
	}
	one := func(collection string) func(e *core.RequestEvent) string {
		return func(e *core.RequestEvent) string {
			return "/api/collections/" + collection + "/records/" + e.Request.PathValue("id")
		}
	}
	alias([]string{"GET", "POST"}, []string{"/api/leads", "/api/leads/{$}"}, list("leads"), nil)
	alias([]string{"GET", "PUT", "PATCH", "DELETE"}, []string{"/api/leads/{id}", "/api/leads/{id}/{$}"}, one("leads"), map[string]string{"PUT": "PATCH"})
	alias([]string{"GET"}, []string{"/api/empleados", "/api/empleados/{$}"}, list("empleados"), nil)
	alias([]string{"GET"}, []string{"/api/programas", "/api/programas/{$}"}, list("programas"), nil)

	token := func(e *core.RequestEvent) error {
		var body struct {
			Email    string `json:"email" form:"email"`
			Identity string `json:"identity" form:"identity"`
			Username string `json:"username" form:"username"`
			Password string `json:"password" form:"password"`
		}
		if err := e.BindBody(&body); err != nil {
			return router.NewBadRequestError("Los datos enviados no tienen un formato válido.", nil)
		}
		identity := strings.TrimSpace(body.Email + body.Identity + body.Username)
		if identity == "" || body.Password == "" {
			return router.NewBadRequestError("Ingrese su correo y contraseña.", nil)
		}
		// Staff and students share this path; the e-mail says which collection to ask.
		collection := "alumnos"
		if _, err := e.App.FindAuthRecordByEmail("users", identity); err == nil {
			collection = "users"
		}
		raw, _ := json.Marshal(map[string]string{"identity": identity, "password": body.Password})
		return dispatch(e, http.MethodPost, "/api/collections/"+collection+"/auth-with-password", raw)
	}
	se.Router.POST("/api/token", token)
	se.Router.POST("/api/token/{$}", token)
}
