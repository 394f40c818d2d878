package apidocs

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Permission values of an Endpoint besides the permission codes of roles (internal/access).
const (
	Public        = "público"      // no session needed
	Authenticated = "autenticado"  // any session (staff or student)
	Superuser     = "superusuario" // PocketBase superusers only
)

// Endpoint documents one business route (a route of SGUL's own, not PocketBase's record API).
type Endpoint struct {
	Method string
	// Path is the OpenAPI path template, e.g. "/api/pagos/{id}/anular". A trailing "/"
	// is kept (the customer's paths use it); routes registered with and without it are
	// one endpoint.
	Path        string
	Tag         string // group in the docs
	Summary     string // one line, Spanish
	Description string
	// Permission is Public, Authenticated, Superuser, or the role permission code(s)
	// required ("finanzas", "pagos o finanzas"); staff also need the sede.
	Permission string
	Query      []Param
	Shared     []string // shared query parameters by name: page, perPage, sort, filter, expand, fields, skipTotal
	Idempotent bool     // accepts the Idempotency-Key header
	// Request and Response are a *Schema, an example map (keys are required unless they
	// end in "?"; values may be *Schema), or a Go value whose type is reflected (Shape).
	Request any
	Files   []string // file parts: the request is (also) multipart/form-data
	Status  int      // success status; 200 when 0
	// AltStatus is another success status with the same body (e.g. 200 for an
	// idempotent replay of a 201).
	AltStatus    int
	Response     any
	ResponseType string // media type of the response; application/json when empty
	Errors       []int
	ID           string // operationId; derived from Method and Path when empty
}

// Param is a query parameter.
type Param struct {
	Name        string
	Description string
	Required    bool
	Schema      *Schema // string when nil
}

var (
	registryMu sync.RWMutex
	registry   []Endpoint
)

// Register adds business endpoints to every generated document. It panics on a
// duplicate method and path, which is a programming error.
func Register(eps ...Endpoint) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, ep := range eps {
		ep.Method = strings.ToUpper(ep.Method)
		for _, old := range registry {
			if old.Method == ep.Method && NormalizePath(old.Path) == NormalizePath(ep.Path) {
				panic(fmt.Sprintf("apidocs: %s %s registered twice", ep.Method, ep.Path))
			}
		}
		registry = append(registry, ep)
	}
}

// Endpoints returns the registered endpoints in registration order.
func Endpoints() []Endpoint {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return slices.Clone(registry)
}

// NormalizePath makes a route pattern or path template comparable: without the
// "{$}" end anchor and without the trailing slash ("/api/leads/{$}" -> "/api/leads").
func NormalizePath(p string) string {
	p = strings.TrimSuffix(p, "{$}")
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// routeCandidates are the router patterns that serve an endpoint's path.
func routeCandidates(path string) []string {
	n := NormalizePath(path)
	return []string{path, n, n + "/{$}", n + "/"}
}

var pathParam = regexp.MustCompile(`\{([^}$.]+)\}`)

// pathParamDescriptions describe path parameters other than record ids.
var pathParamDescriptions = map[string]string{
	"collection": "Nombre o id de la colección.",
	"filename":   "Nombre del archivo guardado en el registro.",
}

// operation builds the OpenAPI operation of an endpoint.
func (ep Endpoint) operation() *Operation {
	o := &Operation{
		OperationID: ep.ID,
		Tags:        []string{ep.Tag},
		Summary:     ep.Summary,
		Description: ep.Description,
		Permission:  ep.Permission,
		Responses:   map[string]*Response{},
	}
	if o.OperationID == "" {
		o.OperationID = operationID(ep.Method, ep.Path)
	}
	switch ep.Permission {
	case Public:
		o.Security = optionalAuth
		o.Description = join2(o.Description, "**Acceso:** público.")
	case Superuser:
		o.Description = join2(o.Description, "**Acceso:** solo superusuarios.")
	case Authenticated, "":
		o.Description = join2(o.Description, "**Acceso:** cualquier sesión.")
	default:
		o.Description = join2(o.Description, "**Permiso:** "+ep.Permission+".")
	}
	for _, m := range pathParam.FindAllStringSubmatch(ep.Path, -1) {
		desc, ok := pathParamDescriptions[m[1]]
		if !ok {
			desc = "Id del registro."
		}
		o.Parameters = append(o.Parameters, &Parameter{Name: m[1], In: "path", Required: true, Description: desc, Schema: String()})
	}
	for _, q := range ep.Query {
		s := q.Schema
		if s == nil {
			s = String()
		}
		o.Parameters = append(o.Parameters, &Parameter{Name: q.Name, In: "query", Description: q.Description, Required: q.Required, Schema: s})
	}
	for _, name := range ep.Shared {
		o.Parameters = append(o.Parameters, &Parameter{Ref: "#/components/parameters/" + name})
	}
	if ep.Idempotent {
		o.Parameters = append(o.Parameters, &Parameter{Ref: "#/components/parameters/IdempotencyKey"})
	}
	if s, example := schemaOf(ep.Request); s != nil {
		rb := &RequestBody{Required: true, Content: map[string]*MediaType{"application/json": {Schema: s, Example: example}}}
		if len(ep.Files) > 0 {
			form := &Schema{Type: "object"}
			for _, f := range ep.Files {
				file := String().Fmt("binary").Desc("Archivo (PDF, JPEG o PNG).")
				file.ContentMediaType = "application/octet-stream"
				form.Properties = append(form.Properties, Opt(f, file))
			}
			rb.Content["multipart/form-data"] = &MediaType{Schema: &Schema{AllOf: []*Schema{s, form}}}
		}
		o.RequestBody = rb
	}
	status := ep.Status
	if status == 0 {
		status = http.StatusOK
	}
	resp := &Response{Description: http.StatusText(status)}
	if s, example := schemaOf(ep.Response); s != nil && status != http.StatusNoContent {
		media := ep.ResponseType
		if media == "" {
			media = "application/json"
		}
		resp.Content = map[string]*MediaType{media: {Schema: s, Example: example}}
	}
	o.Responses[strconv.Itoa(status)] = resp
	if ep.AltStatus != 0 {
		alt := *resp
		alt.Description = http.StatusText(ep.AltStatus)
		o.Responses[strconv.Itoa(ep.AltStatus)] = &alt
	}
	errs := ep.Errors
	if ep.Permission != Public && !slices.Contains(errs, http.StatusUnauthorized) {
		errs = append([]int{http.StatusUnauthorized}, errs...)
	}
	addErrors(o, errs...)
	return o
}

// operationID derives a camelCase id from method and path:
// POST /api/pagos/{id}/anular -> postPagosIdAnular.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	up := true
	for _, r := range strings.TrimPrefix(path, "/api") {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
