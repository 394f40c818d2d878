package apidocs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// Options tune Generate.
type Options struct {
	// HasRoute reports whether the router serves a method and route pattern (the
	// router's HasRoute). Registered endpoints it does not serve, i.e. planned ones,
	// are left out of the document. Nil keeps every registered endpoint.
	HasRoute func(method, path string) bool
}

// Generate builds the document from the app's collections and the registered endpoints.
func Generate(app core.App, opts Options) (*Document, error) {
	cols, err := app.FindAllCollections()
	if err != nil {
		return nil, fmt.Errorf("apidocs: collections: %w", err)
	}
	doc := &Document{
		OpenAPI: Version,
		Info: Info{
			Title:       "SGUL API",
			Version:     "1.0.0",
			Description: infoDescription,
		},
		Servers:  []Server{{URL: serverURL(app), Description: "Este servidor"}},
		Security: []SecurityRequirement{{"authToken": {}}},
		Paths:    map[string]*PathItem{},
		Components: Components{
			Schemas:         errorSchemas(),
			Responses:       errorComponents(),
			Parameters:      sharedParameters(),
			SecuritySchemes: map[string]*SecurityScheme{"authToken": authScheme},
		},
	}
	doc.Components.Schemas["Record"] = (&Schema{Type: "object", AdditionalProperties: true, Properties: []Property{
		Prop("id", String()), Prop("collectionId", String()), Prop("collectionName", String()),
	}, Required: []string{"id", "collectionId", "collectionName"}}).Desc("Registro de PocketBase de cualquier colección.")

	for _, ep := range Endpoints() {
		if opts.HasRoute != nil && !served(opts.HasRoute, ep) {
			continue
		}
		doc.path(ep.Path).set(ep.Method, ep.operation())
		if !slices.ContainsFunc(doc.Tags, func(t Tag) bool { return t.Name == ep.Tag }) {
			doc.Tags = append(doc.Tags, Tag{Name: ep.Tag, Description: tagDescriptions[ep.Tag]})
		}
	}

	names := make(map[string]string, len(cols))
	documented := map[string]bool{}
	for _, c := range cols {
		names[c.Id] = c.Name
		documented[c.Name] = Documented(c)
	}
	cd := &collectionDocs{
		doc:        doc,
		name:       func(id string) string { return names[id] },
		documented: func(name string) bool { return documented[name] },
		idempotent: idempotentCreates,
	}
	slices.SortFunc(cols, func(a, b *core.Collection) int { return strings.Compare(a.Name, b.Name) })
	for _, c := range cols {
		if Documented(c) {
			cd.add(c)
		}
	}
	return doc, nil
}

// served reports whether the router has a route for the endpoint.
func served(hasRoute func(method, path string) bool, ep Endpoint) bool {
	for _, p := range routeCandidates(ep.Path) {
		if hasRoute(ep.Method, p) || hasRoute("", p) {
			return true
		}
	}
	return false
}

func serverURL(app core.App) string {
	if u := strings.TrimRight(app.Settings().Meta.AppURL, "/"); u != "" {
		return u
	}
	return "/"
}

func (d *Document) path(p string) *PathItem {
	item, ok := d.Paths[p]
	if !ok {
		item = &PathItem{}
		d.Paths[p] = item
	}
	return item
}

func (p *PathItem) set(method string, o *Operation) {
	if slot := p.slot(method); slot != nil {
		*slot = o
	}
}

var authScheme = &SecurityScheme{
	Type: "apiKey",
	In:   "header",
	Name: "Authorization",
	Description: "Token de sesión devuelto por `auth-with-password` (o `POST /api/token/`), enviado tal cual " +
		"en la cabecera `Authorization` (sin prefijo; `Bearer ` también se acepta). Los superusuarios usan su token de `_superusers`.",
}

const infoDescription = "API del back office SGUL. Incluye la API de registros de PocketBase de cada colección " +
	"(generada de su esquema) y los endpoints de negocio. Los errores tienen siempre la forma `Error` con mensajes en español. " +
	"Las fechas usan el formato de PocketBase `2006-01-02 15:04:05.000Z` (UTC). Los importes son soles con 2 decimales. " +
	"Si el límite de solicitudes está activo, cualquier operación puede responder 429."

func sharedParameters() map[string]*Parameter {
	q := func(name, desc string, s *Schema) *Parameter {
		return &Parameter{Name: name, In: "query", Description: desc, Schema: s}
	}
	minOne := 1.0
	perPage := Integer().Between(1, 1000)
	perPage.Examples = []any{30}
	return map[string]*Parameter{
		"page":      q("page", "Página (desde 1; por defecto 1).", &Schema{Type: "integer", Minimum: &minOne}),
		"perPage":   q("perPage", "Registros por página (1 a 1000; por defecto 30).", perPage),
		"sort":      q("sort", "Orden: campos separados por comas; `-` delante para descendente (p. ej. `-created,id`).", String()),
		"filter":    q("filter", "Filtro de PocketBase, p. ej. `estado = \"Activo\" && created >= \"2025-01-01\"`.", String()),
		"expand":    q("expand", "Relaciones a expandir, separadas por comas (admite niveles: `matricula.alumno`).", String()),
		"fields":    q("fields", "Campos a devolver, separados por comas (p. ej. `id,nombre,expand.sede.nombre`).", String()),
		"skipTotal": q("skipTotal", "Si es true no se cuentan los totales (más rápido); totalItems y totalPages valen -1.", Boolean()),
		"RecordId":  {Name: "id", In: "path", Required: true, Description: "Id del registro.", Schema: String()},
		"IdempotencyKey": {Name: "Idempotency-Key", In: "header", Schema: (&Schema{Type: "string", Pattern: "^[\\x21-\\x7e]{1,255}$"}).Example("9f1c2d3e-conv-0001"),
			Description: "Clave única por operación (1 a 255 caracteres ASCII visibles). Si se repite, se devuelve el resultado " +
				"de la primera solicitud en vez de crear otro registro."},
	}
}

// Cache keeps the generated document as JSON until Invalidate is called (on any
// collection or settings change). The zero value is ready to use.
type Cache struct {
	version atomic.Uint64 // bumped by Invalidate

	mu     sync.Mutex
	raw    []byte
	cached uint64 // version raw was built at
}

// Invalidate makes the next JSON call regenerate the document. It never blocks.
func (c *Cache) Invalidate() { c.version.Add(1) }

// JSON returns the document, generating it when the cache is empty or stale.
func (c *Cache) JSON(app core.App, opts Options) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.version.Load()
	if c.raw != nil && c.cached == v {
		return c.raw, nil
	}
	doc, err := Generate(app, opts)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("apidocs: encode: %w", err)
	}
	c.raw, c.cached = raw, v
	return raw, nil
}
