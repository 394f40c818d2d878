package apidocs

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
)

// Schema is a JSON Schema (draft 2020-12) as OpenAPI 3.1 uses it. Properties keep the
// order they were added in, so documents and generated clients follow the field order
// of the collections.
type Schema struct {
	Ref                  string     `json:"$ref,omitempty"`
	Type                 any        `json:"type,omitempty"` // string or []string
	Format               string     `json:"format,omitempty"`
	Description          string     `json:"description,omitempty"`
	Enum                 []any      `json:"enum,omitempty"`
	Pattern              string     `json:"pattern,omitempty"`
	MinLength            *int       `json:"minLength,omitempty"`
	MaxLength            *int       `json:"maxLength,omitempty"`
	Minimum              *float64   `json:"minimum,omitempty"`
	Maximum              *float64   `json:"maximum,omitempty"`
	Items                *Schema    `json:"items,omitempty"`
	MinItems             *int       `json:"minItems,omitempty"`
	MaxItems             *int       `json:"maxItems,omitempty"`
	Properties           []Property `json:"-"`
	Required             []string   `json:"required,omitempty"`
	AdditionalProperties any        `json:"additionalProperties,omitempty"` // bool or *Schema
	AllOf                []*Schema  `json:"allOf,omitempty"`
	AnyOf                []*Schema  `json:"anyOf,omitempty"`
	ReadOnly             bool       `json:"readOnly,omitempty"`
	WriteOnly            bool       `json:"writeOnly,omitempty"`
	ContentMediaType     string     `json:"contentMediaType,omitempty"`
	Examples             []any      `json:"examples,omitempty"`
	Relation             string     `json:"x-relation,omitempty"` // target collection of a relation field
	PBFormat             string     `json:"x-pb-format,omitempty"`
}

// Property is a named property of an object schema.
type Property struct {
	Name     string
	Schema   *Schema
	Optional bool // not listed in required
}

// MarshalJSON writes the schema with its properties in order.
func (s *Schema) MarshalJSON() ([]byte, error) {
	type plain Schema
	raw, err := json.Marshal((*plain)(s))
	if err != nil || len(s.Properties) == 0 {
		return raw, err
	}
	var props bytes.Buffer
	props.WriteString(`"properties":{`)
	for i, p := range s.Properties {
		if i > 0 {
			props.WriteByte(',')
		}
		name, _ := json.Marshal(p.Name)
		val, err := json.Marshal(p.Schema)
		if err != nil {
			return nil, err
		}
		props.Write(name)
		props.WriteByte(':')
		props.Write(val)
	}
	props.WriteByte('}')
	out := raw[:len(raw)-1] // drop the closing brace
	if len(out) > 1 {
		out = append(out, ',')
	}
	out = append(out, props.Bytes()...)
	return append(out, '}'), nil
}

// Property returns the schema of the named property, or nil.
func (s *Schema) Property(name string) *Schema {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

// Schema builders, used by endpoints.go and the collection generator.

// String is a string schema.
func String() *Schema { return &Schema{Type: "string"} }

// Integer is an integer schema.
func Integer() *Schema { return &Schema{Type: "integer"} }

// Number is a number schema.
func Number() *Schema { return &Schema{Type: "number"} }

// Boolean is a boolean schema.
func Boolean() *Schema { return &Schema{Type: "boolean"} }

// Any accepts every JSON value.
func Any() *Schema { return &Schema{} }

// ArrayOf is an array of items.
func ArrayOf(items *Schema) *Schema { return &Schema{Type: "array", Items: items} }

// Object is an object with the given properties; each is required unless made with Opt.
func Object(props ...Property) *Schema {
	s := &Schema{Type: "object", Properties: props}
	for _, p := range props {
		if !p.Optional {
			s.Required = append(s.Required, p.Name)
		}
	}
	return s
}

// Prop is a required property.
func Prop(name string, s *Schema) Property { return Property{Name: name, Schema: s} }

// Opt is an optional property.
func Opt(name string, s *Schema) Property { return Property{Name: name, Schema: s, Optional: true} }

// Ref points at a component schema by name.
func Ref(component string) *Schema { return &Schema{Ref: "#/components/schemas/" + component} }

// RecordOf is a record of collection as the record API returns it.
func RecordOf(collection string) *Schema { return Ref(RecordSchemaName(collection)) }

// ListOf is a page of records of collection as the list endpoint returns it.
func ListOf(collection string) *Schema { return Ref(RecordSchemaName(collection) + "List") }

// CreateBodyOf is the JSON create body of collection.
func CreateBodyOf(collection string) *Schema { return Ref(RecordSchemaName(collection) + "Create") }

// UpdateBodyOf is the JSON update body of collection.
func UpdateBodyOf(collection string) *Schema { return Ref(RecordSchemaName(collection) + "Update") }

// With appends properties (required unless made with Opt) to an object schema.
func (s *Schema) With(props ...Property) *Schema {
	for _, p := range props {
		s.Properties = append(s.Properties, p)
		if !p.Optional {
			s.Required = append(s.Required, p.Name)
		}
	}
	return s
}

// Nullable also accepts null.
func Nullable(s *Schema) *Schema {
	if t, ok := s.Type.(string); ok && s.Ref == "" {
		c := *s
		c.Type = []string{t, "null"}
		return &c
	}
	return &Schema{AnyOf: []*Schema{s, {Type: "null"}}}
}

// Desc sets the description.
func (s *Schema) Desc(d string) *Schema { s.Description = d; return s }

// Fmt sets the format.
func (s *Schema) Fmt(f string) *Schema { s.Format = f; return s }

// Match sets the pattern (ECMA-262 syntax, unanchored like Go's regexp.MatchString).
func (s *Schema) Match(p string) *Schema { s.Pattern = p; return s }

// OneOf restricts the value to vals.
func (s *Schema) OneOf(vals ...string) *Schema {
	for _, v := range vals {
		s.Enum = append(s.Enum, v)
	}
	return s
}

// Example adds an example value.
func (s *Schema) Example(v any) *Schema { s.Examples = append(s.Examples, v); return s }

// Between sets minimum and maximum.
func (s *Schema) Between(min, max float64) *Schema { s.Minimum, s.Maximum = &min, &max; return s }

// MinLen sets minLength.
func (s *Schema) MinLen(n int) *Schema { s.MinLength = &n; return s }

// MaxLen sets maxLength.
func (s *Schema) MaxLen(n int) *Schema { s.MaxLength = &n; return s }

// RecordSchemaName is the component name of a collection's record schema: the name in
// PascalCase ("saldos_mensuales" -> "SaldosMensuales"). The create, update, list and
// auth schemas add a suffix to it.
func RecordSchemaName(collection string) string {
	var b strings.Builder
	up := true
	for _, r := range collection {
		if r == '_' || r == '-' || r == ' ' || r == '.' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	name := b.String()
	if _, taken := reservedSchemas[name]; taken || name == "" {
		name += "Record"
	}
	return name
}

// reservedSchemas are the shared component names collections must not shadow.
var reservedSchemas = map[string]struct{}{
	"Record": {}, "Error": {}, "FieldError": {}, "ListResult": {},
}
