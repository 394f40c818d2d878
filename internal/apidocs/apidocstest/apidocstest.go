// Package apidocstest checks generated OpenAPI documents in tests: against the official
// OpenAPI 3.1 schema (embedded in libopenapi, no network), for dangling references and
// duplicate operation ids, and every schema against the JSON Schema 2020-12 meta-schema.
// Only test binaries import it, so the validators stay out of the server binary.
package apidocstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi-validator/schema_validation"
)

// Check validates raw and returns it decoded. Every problem is reported with t.Errorf.
func Check(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", v)
	}

	// 1. The official OAS 3.1 schema (https://spec.openapis.org/oas/3.1/schema/2022-10-07).
	parsed, err := libopenapi.NewDocument(raw)
	if err != nil {
		t.Fatalf("libopenapi: %v", err)
	}
	if ok, errs := schema_validation.ValidateOpenAPIDocument(parsed); !ok {
		for _, e := range errs {
			t.Errorf("OpenAPI 3.1 schema: %s: %s", e.Message, e.Reason)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("  at %s: %s", f.FieldPath, f.Reason)
			}
		}
	}
	// 2. The model builds: references resolve.
	if _, err := parsed.BuildV3Model(); err != nil {
		t.Errorf("libopenapi model: %v", err)
	}
	checkRefs(t, doc, doc, "#")
	checkOperations(t, doc)
	checkSchemas(t, raw, doc)
	return doc
}

// checkRefs reports every $ref that does not point into the document.
func checkRefs(t testing.TB, root, node any, at string) {
	t.Helper()
	switch x := node.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			if Resolve(root, ref) == nil {
				t.Errorf("dangling $ref %q at %s", ref, at)
			}
		}
		for k, v := range x {
			checkRefs(t, root, v, at+"/"+k)
		}
	case []any:
		for i, v := range x {
			checkRefs(t, root, v, fmt.Sprintf("%s/%d", at, i))
		}
	}
}

// Resolve follows a local reference ("#/components/schemas/X"), or returns nil.
func Resolve(root any, ref string) any {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	cur := root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		if cur, ok = m[part]; !ok {
			return nil
		}
	}
	return cur
}

// At walks decoded JSON objects by keys; nil when a key is missing.
func At(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// Methods are the operation keys of a path item.
var Methods = []string{"get", "put", "post", "delete", "patch"}

// checkOperations: operationIds are unique and every path template parameter is declared.
func checkOperations(t testing.TB, doc map[string]any) {
	t.Helper()
	seen := map[string]string{}
	for path, item := range doc["paths"].(map[string]any) {
		for _, m := range Methods {
			op, ok := item.(map[string]any)[m].(map[string]any)
			if !ok {
				continue
			}
			where := strings.ToUpper(m) + " " + path
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := seen[id]; dup {
				t.Errorf("operationId %q used by %s and %s", id, other, where)
			}
			seen[id] = where
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm := p.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					pm, _ = Resolve(doc, ref).(map[string]any)
				}
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, want := range pathParam.FindAllStringSubmatch(path, -1) {
				if !declared[want[1]] {
					t.Errorf("%s: path parameter %q not declared", where, want[1])
				}
			}
		}
	}
}

// checkSchemas validates every schema (components and inline) against the JSON Schema
// 2020-12 meta-schema and compiles it (patterns included).
func checkSchemas(t testing.TB, raw []byte, doc map[string]any) {
	t.Helper()
	meta, err := jsonschema.NewCompiler().Compile("https://json-schema.org/draft/2020-12/schema")
	if err != nil {
		t.Fatalf("meta-schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const base = "mem:///openapi.json"
	if err := c.AddResource(base, inst); err != nil {
		t.Fatal(err)
	}
	var ptrs []string
	for name := range doc["components"].(map[string]any)["schemas"].(map[string]any) {
		ptrs = append(ptrs, "/components/schemas/"+name)
	}
	for path, item := range doc["paths"].(map[string]any) {
		esc := strings.ReplaceAll(strings.ReplaceAll(path, "~", "~0"), "/", "~1")
		for _, m := range Methods {
			op, ok := item.(map[string]any)[m].(map[string]any)
			if !ok {
				continue
			}
			at := "/paths/" + esc + "/" + m
			if rb, ok := op["requestBody"].(map[string]any); ok {
				for media := range rb["content"].(map[string]any) {
					ptrs = append(ptrs, at+"/requestBody/content/"+strings.ReplaceAll(media, "/", "~1")+"/schema")
				}
			}
			for status, r := range op["responses"].(map[string]any) {
				content, _ := r.(map[string]any)["content"].(map[string]any)
				for media := range content {
					ptrs = append(ptrs, at+"/responses/"+status+"/content/"+strings.ReplaceAll(media, "/", "~1")+"/schema")
				}
			}
		}
	}
	sort.Strings(ptrs)
	for _, p := range ptrs {
		node := Resolve(inst, "#"+p)
		if node == nil {
			continue // a media type without schema
		}
		if err := meta.Validate(node); err != nil {
			t.Errorf("schema %s is not valid JSON Schema 2020-12: %v", p, err)
			continue
		}
		if _, err := c.Compile(base + "#" + p); err != nil {
			t.Errorf("schema %s does not compile: %v", p, err)
		}
	}
}
