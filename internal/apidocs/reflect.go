package apidocs

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Fields overrides the inferred schema of some properties, by JSON path ("voucher",
// "meses.notas"; array items add no segment).
type Fields map[string]*Schema

// Shape is the schema of a Go value, with overrides: structs follow their json tags
// (omitempty fields are optional), json.Marshaler types follow what their zero value
// marshals to, *core.Record becomes the generic Record unless overridden with RecordOf.
func Shape(v any, overrides Fields) *Schema {
	return inferValue(reflect.ValueOf(v), "", overrides, 0)
}

// schemaOf turns an Endpoint's Request or Response into a schema and an example:
// a *Schema is used as it is; maps are examples whose keys are required unless they end
// in "?"; any other Go value is reflected (see Shape).
func schemaOf(v any) (*Schema, any) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case *Schema:
		return x, nil
	}
	rv := reflect.ValueOf(v)
	var example any
	if rv.Kind() == reflect.Map {
		example = stripOptionalMarks(v)
	}
	return inferValue(rv, "", nil, 0), example
}

var (
	schemaPtrType = reflect.TypeFor[*Schema]()
	recordPtrType = reflect.TypeFor[*core.Record]()
	timeType      = reflect.TypeFor[time.Time]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
)

const maxDepth = 12

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func inferValue(rv reflect.Value, path string, ov Fields, depth int) *Schema {
	if s, ok := ov[path]; ok && path != "" {
		return s
	}
	if !rv.IsValid() {
		return Any()
	}
	if rv.Type() == schemaPtrType {
		if s := rv.Interface().(*Schema); s != nil {
			return s
		}
		return Any()
	}
	switch rv.Kind() {
	case reflect.Interface:
		if rv.IsNil() {
			return Any()
		}
		return inferValue(rv.Elem(), path, ov, depth)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String || rv.Len() == 0 {
			return inferType(rv.Type(), path, ov, depth)
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		obj := &Schema{Type: "object"}
		for _, k := range keys {
			name, optional := strings.CutSuffix(k, "?")
			val := rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key()))
			obj.Properties = append(obj.Properties, Property{Name: name, Schema: inferValue(val, join(path, name), ov, depth+1), Optional: optional})
			if !optional {
				obj.Required = append(obj.Required, name)
			}
		}
		return obj
	case reflect.Slice, reflect.Array:
		if rv.Len() > 0 && rv.Type() != reflect.TypeFor[[]byte]() {
			return ArrayOf(inferValue(rv.Index(0), path, ov, depth+1))
		}
	}
	s := inferType(rv.Type(), path, ov, depth)
	switch rv.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if !rv.IsZero() && s.Ref == "" && !rv.Type().Implements(marshalerType) {
			c := *s
			c.Examples = []any{rv.Interface()}
			return &c
		}
	}
	return s
}

func inferType(t reflect.Type, path string, ov Fields, depth int) *Schema {
	if s, ok := ov[path]; ok && path != "" {
		return s
	}
	if depth > maxDepth {
		return Any()
	}
	switch {
	case t == schemaPtrType:
		return Any()
	case t == recordPtrType || t == recordPtrType.Elem():
		return Ref("Record")
	case t == timeType:
		return String().Fmt("date-time")
	case t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType):
		return fromMarshaled(t)
	}
	switch t.Kind() {
	case reflect.String:
		return String()
	case reflect.Bool:
		return Boolean()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Integer()
	case reflect.Float32, reflect.Float64:
		return Number()
	case reflect.Pointer:
		return Nullable(inferType(t.Elem(), path, ov, depth+1))
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return String().Fmt("byte")
		}
		return ArrayOf(inferType(t.Elem(), path, ov, depth+1))
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: inferType(t.Elem(), path, ov, depth+1)}
	case reflect.Struct:
		obj := &Schema{Type: "object"}
		addStructFields(obj, t, path, ov, depth)
		return obj
	}
	return Any()
}

// addStructFields adds t's JSON fields to obj the way encoding/json sees them:
// untagged embedded structs are flattened.
func addStructFields(obj *Schema, t reflect.Type, path string, ov Fields, depth int) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && !ft.Implements(marshalerType) {
				addStructFields(obj, ft, path, ov, depth)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		obj.Properties = append(obj.Properties, Property{Name: name, Schema: inferType(f.Type, join(path, name), ov, depth+1), Optional: optional})
		if !optional {
			obj.Required = append(obj.Required, name)
		}
	}
}

// fromMarshaled infers a schema from what t's zero value marshals to.
func fromMarshaled(t reflect.Type) *Schema {
	raw, err := json.Marshal(reflect.New(t).Interface())
	if err != nil || len(raw) == 0 {
		return Any()
	}
	switch c := raw[0]; {
	case c == '"':
		return String()
	case c == 't' || c == 'f':
		return Boolean()
	case c == '[':
		return ArrayOf(Any())
	case c == '{':
		return &Schema{Type: "object"}
	case c == '-' || (c >= '0' && c <= '9'):
		return Number()
	}
	return Any()
}

// stripOptionalMarks returns the example without the "?" marks of optional keys.
func stripOptionalMarks(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return v
		}
		out := make(map[string]any, rv.Len())
		for _, k := range rv.MapKeys() {
			val := rv.MapIndex(k).Interface()
			if s, ok := val.(*Schema); ok { // a schema, not an example: use its own example
				if s == nil || len(s.Examples) == 0 {
					continue
				}
				val = s.Examples[0]
			}
			out[strings.TrimSuffix(k.String(), "?")] = stripOptionalMarks(val)
		}
		return out
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = stripOptionalMarks(rv.Index(i).Interface())
		}
		return out
	}
	return v
}
