package apidocs_test

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"sgul/internal/apidocs"
	"sgul/internal/apidocs/apidocstest"
	"sgul/internal/finance"
	"sgul/internal/sgultest"
)

// generate returns the document of app (every registered endpoint, planned ones too).
func generate(t *testing.T, app core.App) map[string]any {
	t.Helper()
	doc, err := apidocs.Generate(app, apidocs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("SGUL_OPENAPI_OUT"); path != "" { // inspect the document by hand
		_ = os.WriteFile(path, raw, 0o644)
	}
	return apidocstest.Check(t, raw)
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	doc := generate(t, app)

	for _, ep := range apidocs.Endpoints() {
		if op := operation(doc, ep.Method, ep.Path); op == nil {
			t.Errorf("registered endpoint %s %s missing", ep.Method, ep.Path)
		}
	}
	if op := operation(doc, "POST", "/api/collections/pagos/records"); op == nil || !hasParamRef(op, "IdempotencyKey") {
		t.Errorf("POST pagos records lacks Idempotency-Key: %v", op)
	}
	if op := operation(doc, "POST", "/api/matriculas"); op == nil || !hasParamRef(op, "IdempotencyKey") ||
		get(op, "requestBody", "content", "multipart/form-data") == nil || get(op, "responses", "201") == nil {
		t.Errorf("POST /api/matriculas: want Idempotency-Key, multipart body and 201: %v", op)
	}
	scheme := get(doc, "components", "securitySchemes", "authToken").(map[string]any)
	if scheme["type"] != "apiKey" || scheme["in"] != "header" || scheme["name"] != "Authorization" {
		t.Errorf("security scheme = %v", scheme)
	}
	errSchema := get(doc, "components", "schemas", "Error", "properties").(map[string]any)
	for _, k := range []string{"status", "message", "data"} {
		if errSchema[k] == nil {
			t.Errorf("Error schema lacks %s", k)
		}
	}
	// Money marshals as a JSON number (finance.Amount), and reflection follows it.
	if typ := get(doc, "paths", "/api/finanzas/balance", "get", "responses", "200", "content", "application/json", "schema",
		"properties", "totales", "properties", "ingresos", "type"); typ != "number" {
		t.Errorf("balance totales.ingresos type = %v, want number", typ)
	}
}

func TestOpenAPICollectionFields(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	sedes, err := app.FindCollectionByNameOrId("sedes")
	if err != nil {
		t.Fatal(err)
	}
	c := core.NewBaseCollection("prueba_tipos")
	c.ListRule, c.ViewRule, c.CreateRule = types.Pointer("@request.auth.id != ''"), types.Pointer(""), types.Pointer("@request.auth.id != ''")
	c.UpdateRule, c.DeleteRule = types.Pointer("@request.auth.id != ''"), nil
	c.Fields.Add(
		&core.TextField{Name: "codigo", Required: true, Max: 8, Pattern: `^[0-9]{8}$`},
		&core.NumberField{Name: "horas", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(40.0)},
		&core.NumberField{Name: "monto", Required: true},
		&core.BoolField{Name: "activo"},
		&core.EmailField{Name: "correo", Required: true},
		&core.URLField{Name: "web"},
		&core.DateField{Name: "fecha"},
		&core.SelectField{Name: "estado", Values: []string{"Activo", "Retirado"}, MaxSelect: 1},
		&core.SelectField{Name: "dias", Values: []string{"Lunes", "Martes"}, MaxSelect: 2},
		&core.RelationField{Name: "sede", CollectionId: sedes.Id, MaxSelect: 1, Required: true},
		&core.RelationField{Name: "sedes", CollectionId: sedes.Id, MaxSelect: 3},
		&core.FileField{Name: "adjunto", MaxSelect: 1, MaxSize: 1 << 20, MimeTypes: []string{"application/pdf"}, Protected: true},
		&core.JSONField{Name: "extra"},
		&core.TextField{Name: "secreto", Hidden: true},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	doc := generate(t, app)
	record := get(doc, "components", "schemas", "PruebaTipos").(map[string]any)
	props := record["properties"].(map[string]any)
	prop := func(s map[string]any, name string) map[string]any {
		t.Helper()
		p, ok := s["properties"].(map[string]any)[name].(map[string]any)
		if !ok {
			t.Fatalf("property %s missing in %v", name, s)
		}
		return p
	}
	if props["secreto"] != nil {
		t.Error("hidden field documented in the record")
	}
	for _, f := range []string{"id", "collectionId", "collectionName", "codigo", "horas", "estado", "sede", "adjunto", "created"} {
		if !slices.Contains(strs(record["required"]), f) {
			t.Errorf("record: %s not required (PocketBase always returns it)", f)
		}
	}
	checks := []struct {
		schema map[string]any
		field  string
		key    string
		want   string
	}{
		{record, "horas", "type", `"integer"`},
		{record, "monto", "type", `"number"`},
		{record, "activo", "type", `"boolean"`},
		{record, "fecha", "x-pb-format", `"datetime"`},
		{record, "estado", "enum", `["Activo","Retirado",""]`},
		{record, "dias", "type", `"array"`},
		{record, "dias", "items", `{"type":"string","enum":["Lunes","Martes"]}`},
		{record, "sede", "x-relation", `"sedes"`},
		{record, "sedes", "type", `"array"`},
		{record, "adjunto", "type", `"string"`},
		{record, "created", "readOnly", `true`},
	}
	create := get(doc, "components", "schemas", "PruebaTiposCreate").(map[string]any)
	checks = append(checks, []struct {
		schema map[string]any
		field  string
		key    string
		want   string
	}{
		{create, "codigo", "pattern", `"^[0-9]{8}$"`},
		{create, "codigo", "maxLength", `8`},
		{create, "horas", "maximum", `40`},
		{create, "correo", "format", `"email"`},
		{create, "web", "format", `"uri"`},
		{create, "sedes", "maxItems", `3`},
		{create, "estado", "enum", `["Activo","Retirado"]`},
	}...)
	for _, c := range checks {
		if got := prop(c.schema, c.field)[c.key]; !sameJSON(got, c.want) {
			t.Errorf("%s.%s = %v, want %s", c.field, c.key, got, c.want)
		}
	}
	if !strings.Contains(prop(record, "adjunto")["description"].(string), "POST /api/files/token") {
		t.Error("protected file lacks the token note")
	}
	if got := strs(create["required"]); !slices.Equal(got, []string{"codigo", "monto", "correo", "sede"}) {
		t.Errorf("create required = %v", got)
	}
	if props := create["properties"].(map[string]any); props["adjunto"] != nil || props["created"] != nil || props["secreto"] != nil {
		t.Error("create body has a file, autodate or hidden field")
	}
	if get(doc, "components", "schemas", "PruebaTiposUpdate", "required") != nil {
		t.Error("update body has required fields")
	}
	form := get(doc, "components", "schemas", "PruebaTiposCreateForm", "allOf").([]any)
	if f := get(form[1].(map[string]any), "properties", "adjunto", "format"); f != "binary" {
		t.Errorf("multipart adjunto format = %v", f)
	}

	// Rules: nil = superusers only, "" = public.
	records := "/api/collections/prueba_tipos/records"
	if operation(doc, "DELETE", records+"/{id}") != nil {
		t.Error("delete documented although its rule is nil")
	}
	if d := tagDescription(doc, "prueba_tipos"); !strings.Contains(d, "Solo superusuarios pueden eliminar") {
		t.Errorf("tag description lacks the superuser note: %q", d)
	}
	if sec := get(operation(doc, "GET", records+"/{id}"), "security"); sec == nil || len(sec.([]any)) != 2 {
		t.Errorf("public view should make the session optional: %v", sec)
	}
	if operation(doc, "GET", records) == nil || operation(doc, "POST", records) == nil || operation(doc, "PATCH", records+"/{id}") == nil {
		t.Error("list, create or update missing")
	}
	if get(operation(doc, "POST", records), "requestBody", "content", "multipart/form-data") == nil {
		t.Error("create of a collection with files lacks multipart")
	}
}

func TestOpenAPIAuthCollections(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	doc := generate(t, app)
	for _, name := range []string{"users", "alumnos"} {
		for _, action := range []string{"auth-with-password", "auth-refresh", "request-password-reset", "confirm-password-reset"} {
			if operation(doc, "POST", "/api/collections/"+name+"/"+action) == nil {
				t.Errorf("%s: %s missing", name, action)
			}
		}
		base := apidocs.RecordSchemaName(name)
		record := get(doc, "components", "schemas", base).(map[string]any)
		if p := record["properties"].(map[string]any); p["password"] != nil || p["tokenKey"] != nil {
			t.Errorf("%s record exposes password or tokenKey", name)
		}
		if slices.Contains(strs(record["required"]), "email") {
			t.Errorf("%s: email is only shown to its owner, it cannot be required", name)
		}
		if c := get(doc, "components", "schemas", base+"Create", "properties", "passwordConfirm"); c == nil {
			t.Errorf("%s create lacks passwordConfirm", name)
		}
	}
	if get(doc, "paths", "/api/collections/_superusers/records") != nil {
		t.Error("_superusers documented")
	}
}

func TestOpenAPIShape(t *testing.T) {
	type inner struct {
		Mes string `json:"mes"`
	}
	type value struct {
		inner                         // flattened
		Monto    finance.Amount       `json:"monto"`
		Promedio *float64             `json:"promedio"`
		Nota     string               `json:"nota,omitempty"`
		Tags     []string             `json:"tags"`
		Extra    map[string]int       `json:"extra"`
		Skip     string               `json:"-"`
		Rec      *core.Record         `json:"rec"`
		Por      map[string]*struct{} `json:"por"`
	}
	s := apidocs.Shape(value{}, apidocs.Fields{"rec": apidocs.RecordOf("pagos")})
	raw, _ := json.Marshal(s)
	var got map[string]any
	_ = json.Unmarshal(raw, &got)
	want := map[string]string{
		"mes": `{"type":"string"}`, "monto": `{"type":"number"}`, "promedio": `{"type":["number","null"]}`,
		"nota": `{"type":"string"}`, "tags": `{"type":"array","items":{"type":"string"}}`,
		"extra": `{"type":"object","additionalProperties":{"type":"integer"}}`, "rec": `{"$ref":"#/components/schemas/Pagos"}`,
	}
	for k, w := range want {
		if g := get(got, "properties", k); !sameJSON(g, w) {
			t.Errorf("%s = %v, want %s", k, g, w)
		}
	}
	if get(got, "properties", "Skip") != nil || get(got, "properties", "inner") != nil {
		t.Error("json:\"-\" or embedded struct kept as a property")
	}
	if req := strs(got["required"]); slices.Contains(req, "nota") || !slices.Contains(req, "monto") {
		t.Errorf("required = %v", req)
	}
	// Property order follows the struct.
	if i, j := strings.Index(string(raw), `"mes"`), strings.Index(string(raw), `"tags"`); i < 0 || i > j {
		t.Errorf("properties out of order: %s", raw)
	}
}

func TestDocsPageIsSelfContained(t *testing.T) {
	page, script := string(apidocs.Page), string(apidocs.Script)
	if !strings.Contains(script, `fetch("openapi.json")`) {
		t.Error("the script does not load openapi.json next to the page")
	}
	if strings.Count(page, "<script") != 1 || !strings.Contains(page, `<script src="docs.js"></script>`) {
		t.Error(`the page must load only docs.js (no inline script: the CSP allows same-origin scripts only)`)
	}
	for _, external := range []string{"http://", "https://", "@import", "innerHTML", "eval("} {
		if strings.Contains(page, external) || strings.Contains(script, external) {
			t.Errorf("page or script contains %q: it must be self-contained and build the DOM with textContent", external)
		}
	}
}

// sameJSON reports whether v (decoded JSON) equals the JSON text want.
func sameJSON(v any, want string) bool {
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		panic(err)
	}
	return reflect.DeepEqual(v, w)
}

func operation(doc map[string]any, method, path string) map[string]any {
	op, _ := get(doc, "paths", path, strings.ToLower(method)).(map[string]any)
	return op
}

func hasParamRef(op map[string]any, name string) bool {
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		if p.(map[string]any)["$ref"] == "#/components/parameters/"+name {
			return true
		}
	}
	return false
}

func tagDescription(doc map[string]any, name string) string {
	for _, tag := range doc["tags"].([]any) {
		if m := tag.(map[string]any); m["name"] == name {
			d, _ := m["description"].(string)
			return d
		}
	}
	return ""
}

// get is apidocstest.At, short for the many lookups here.
var get = apidocstest.At

func strs(v any) []string {
	var out []string
	for _, x := range asSlice(v) {
		out = append(out, x.(string))
	}
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }
