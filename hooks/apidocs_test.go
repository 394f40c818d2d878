package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"sgul/internal/apidocs"
	"sgul/internal/apidocs/apidocstest"
	"sgul/internal/sgultest"
)

// docsServer is the app's router built like tests.ApiScenario builds it (apis.NewRouter,
// then OnServe with a final func that does nothing), keeping the routes PocketBase itself
// registered apart from the ones SGUL's OnServe handlers added.
type docsServer struct {
	app      *tests.TestApp
	router   *router.Router[*core.RequestEvent]
	mux      http.Handler
	pbRoutes map[string]bool // "METHOD /path" registered by apis.NewRouter
}

func newDocsServer(t *testing.T) (*docsServer, sgultest.Fixture) {
	t.Helper()
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	s := &docsServer{app: app, router: r, pbRoutes: map[string]bool{}}
	for _, rt := range routes(r) {
		s.pbRoutes[rt] = true
	}
	se := &core.ServeEvent{App: app, Router: r}
	if err := app.OnServe().Trigger(se, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if s.mux, err = r.BuildMux(); err != nil {
		t.Fatal(err)
	}
	return s, f
}

func (s *docsServer) do(t *testing.T, method, url, token string, body any) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, req)
	return rec.Result()
}

// document fetches /api/docs/openapi.json and checks it against the OpenAPI 3.1 schema.
func (s *docsServer) document(t *testing.T) ([]byte, map[string]any) {
	t.Helper()
	resp := s.do(t, http.MethodGet, "/api/docs/openapi.json", "", nil)
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/docs/openapi.json = %d (is bindAPIDocs called from hooks.Bind?): %s", resp.StatusCode, raw)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	return raw, apidocstest.Check(t, raw)
}

// routes walks the router's groups and returns every route as "METHOD /path" (method ""
// for any method). The children of a group are unexported, so they are read by
// reflection; fields are only read, never set.
func routes(r *router.Router[*core.RequestEvent]) []string {
	var out []string
	var walk func(g reflect.Value, prefix string)
	walk = func(g reflect.Value, prefix string) {
		prefix += g.FieldByName("Prefix").String()
		children := g.FieldByName("children")
		for i := range children.Len() {
			c := children.Index(i).Elem().Elem() // any -> *T -> T
			if c.FieldByName("children").IsValid() {
				walk(c, prefix)
				continue
			}
			out = append(out, c.FieldByName("Method").String()+" "+prefix+c.FieldByName("Path").String())
		}
	}
	walk(reflect.ValueOf(r.RouterGroup).Elem(), "")
	return out
}

// pocketBasePrefixes are PocketBase's own APIs, documented by PocketBase (the record
// API of each collection is generated from the schemas instead).
var pocketBasePrefixes = []string{"/api/collections/", "/api/files/", "/api/realtime", "/api/batch", "/api/settings",
	"/api/backups", "/api/logs", "/api/crons", "/api/health", "/api/oauth2-redirect", "/api/superusers"}

func TestOpenAPIDocumentsEveryRouteAndCollection(t *testing.T) {
	s, _ := newDocsServer(t)
	_, doc := s.document(t)

	documented := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for _, m := range apidocstest.Methods {
			if item.(map[string]any)[m] != nil {
				documented[strings.ToUpper(m)+" "+apidocs.NormalizePath(path)] = true
			}
		}
	}
	all := routes(s.router)
	if len(all) < 50 {
		t.Fatalf("walked only %d routes: has the router's layout changed?", len(all))
	}
	checked := 0
	for _, rt := range all {
		method, path, _ := strings.Cut(rt, " ")
		if s.pbRoutes[rt] || !strings.HasPrefix(path, "/api/") ||
			slices.ContainsFunc(pocketBasePrefixes, func(p string) bool { return strings.HasPrefix(path, p) }) {
			continue
		}
		checked++
		key := method + " " + apidocs.NormalizePath(path)
		if method == "" {
			ok := false
			for _, m := range apidocstest.Methods {
				ok = ok || documented[strings.ToUpper(m)+key]
			}
			if !ok {
				t.Errorf("route %q (any method) is not in openapi.json: add it to internal/apidocs/endpoints.go", path)
			}
			continue
		}
		if !documented[key] {
			t.Errorf("route %s is not in openapi.json: add it to internal/apidocs/endpoints.go", rt)
		}
	}
	if checked < 10 {
		t.Errorf("only %d business routes found", checked)
	}

	cols, err := s.app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	tags := map[string]bool{}
	for _, tag := range doc["tags"].([]any) {
		tags[tag.(map[string]any)["name"].(string)] = true
	}
	for _, c := range cols {
		name := apidocs.RecordSchemaName(c.Name)
		if !apidocs.Documented(c) {
			if tags[c.Name] || doc["paths"].(map[string]any)["/api/collections/"+c.Name+"/records"] != nil {
				t.Errorf("internal collection %s documented", c.Name)
			}
			continue
		}
		record, ok := schemas[name].(map[string]any)
		if !ok || !tags[c.Name] {
			t.Errorf("collection %s has no schema %s or tag", c.Name, name)
			continue
		}
		props := record["properties"].(map[string]any)
		for _, f := range c.Fields {
			if !f.GetHidden() && props[f.GetName()] == nil {
				t.Errorf("%s.%s missing from schema %s", c.Name, f.GetName(), name)
			}
		}
	}
}

var registerGhost sync.Once

func TestOpenAPIOmitsPlannedEndpoints(t *testing.T) {
	registerGhost.Do(func() {
		apidocs.Register(apidocs.Endpoint{Method: http.MethodGet, Path: "/api/sin-ruta-aun", Tag: "Sistema", Summary: "Planeado"})
	})
	s, _ := newDocsServer(t)
	_, doc := s.document(t)
	paths := doc["paths"].(map[string]any)
	if paths["/api/sin-ruta-aun"] != nil {
		t.Error("an endpoint without a route is documented")
	}
	for _, ep := range apidocs.Endpoints() {
		if paths[ep.Path] == nil {
			t.Logf("planned, not served yet: %s %s", ep.Method, ep.Path)
		}
	}
}

func TestOpenAPIRegeneratesOnCollectionChange(t *testing.T) {
	s, _ := newDocsServer(t)
	hasSchema := func(name string) bool {
		_, doc := s.document(t)
		return doc["components"].(map[string]any)["schemas"].(map[string]any)[name] != nil
	}
	if hasSchema("Encuestas") {
		t.Fatal("Encuestas documented before it exists")
	}
	c := core.NewBaseCollection("encuestas")
	c.ListRule = types.Pointer("@request.auth.id != ''")
	c.Fields.Add(&core.TextField{Name: "pregunta", Required: true})
	if err := s.app.Save(c); err != nil {
		t.Fatal(err)
	}
	if !hasSchema("Encuestas") {
		t.Fatal("new collection missing after create")
	}
	c.Fields.Add(&core.NumberField{Name: "puntaje"})
	if err := s.app.Save(c); err != nil {
		t.Fatal(err)
	}
	_, doc := s.document(t)
	if apidocstest.At(doc, "components", "schemas", "Encuestas", "properties", "puntaje") == nil {
		t.Fatal("new field missing after update")
	}
	if err := s.app.Delete(c); err != nil {
		t.Fatal(err)
	}
	if hasSchema("Encuestas") {
		t.Fatal("deleted collection still documented")
	}
}

func TestDocsPageIsServed(t *testing.T) {
	s, _ := newDocsServer(t)
	resp := s.do(t, http.MethodGet, "/api/docs/", "", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!bytes.Contains(body, []byte(`<script src="docs.js">`)) {
		t.Fatalf("GET /api/docs/ = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if bytes.Contains(body, []byte("<script>")) {
		t.Error("inline script: the Content-Security-Policy (script-src 'self') would block it")
	}
	resp = s.do(t, http.MethodGet, "/api/docs/docs.js", "", nil)
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") ||
		!bytes.Contains(body, []byte(`fetch("openapi.json")`)) {
		t.Fatalf("GET /api/docs/docs.js = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp = s.do(t, http.MethodGet, "/api/docs", "", nil)
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "docs/" {
		t.Fatalf("GET /api/docs = %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestOpenAPIMatchesResponses sends real requests and validates each response body
// against the document, so the document cannot drift from what the API returns.
func TestOpenAPIMatchesResponses(t *testing.T) {
	s, f := newDocsServer(t)
	raw, _ := s.document(t)
	parsed, err := libopenapi.NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(parsed)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	admin, err := s.app.FindRecordById("users", f.Users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	login := map[string]string{"identity": admin.Email(), "password": sgultest.Password}
	cases := []struct {
		actor, method, url string
		body               any
		status             int
	}{
		{"", "GET", "/api/health", nil, 200},
		{"", "POST", "/api/collections/users/auth-with-password", login, 200},
		{"", "POST", "/api/token/", map[string]string{"email": admin.Email(), "password": sgultest.Password}, 200},
		{"", "POST", "/api/token/", map[string]string{"email": admin.Email()}, 400},
		{"admin", "GET", "/api/collections/programas/records?expand=sede", nil, 200},
		{"admin", "GET", "/api/collections/matriculas/records/" + f.Matricula1 + "?expand=alumno,programa", nil, 200},
		{"admin", "GET", "/api/collections/users/records", nil, 200},
		{"admin", "GET", "/api/collections/cuotas/records?perPage=5", nil, 200},
		{"admin", "GET", "/api/collections/pagos/records", nil, 200},
		{"ventas", "GET", "/api/leads/", nil, 200},
		{"ventas", "GET", "/api/leads/" + f.LeadA + "/", nil, 200},
		{"alumno1", "GET", "/api/collections/alumnos/records/" + f.Alumno1, nil, 200},
		{"alumno1", "GET", "/api/matriculas/" + f.Matricula1 + "/estado-cuenta", nil, 200},
		{"alumno1", "GET", "/api/matriculas/" + f.Matricula1 + "/notas-resumen", nil, 200},
		{"alumno1", "GET", "/api/matriculas/" + f.Matricula1 + "/asistencia-resumen", nil, 200},
		{"alumno1", "GET", "/api/matriculas/" + f.Matricula2 + "/estado-cuenta", nil, 404},
		{"finanzas", "GET", "/api/finanzas/balance", nil, 200},
		{"admin", "GET", "/api/dashboard", nil, 200},
		{"rrhh", "GET", "/api/documentos/filtros", nil, 200},
		{"superuser", "GET", "/api/sgul/jobs/stats", nil, 200},
		{"ventas", "POST", "/api/pagos/nope/anular", map[string]string{"motivo": "x"}, 403},
		{"", "GET", "/api/dashboard", nil, 401},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.url+" "+c.actor, func(t *testing.T) {
			var token string
			if c.actor != "" {
				token = f.Tokens[c.actor]
			}
			resp := s.do(t, c.method, c.url, token, c.body)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			req := httptest.NewRequest(c.method, c.url, nil)
			if ok, verrs := v.ValidateHttpResponse(req, resp); !ok {
				for _, e := range verrs {
					t.Errorf("%s: %s", e.Message, e.Reason)
					for _, sf := range e.SchemaValidationErrors {
						t.Errorf("  at %s: %s", sf.FieldPath, sf.Reason)
					}
				}
				t.Logf("body: %.2000s", body)
			}
		})
	}
}
