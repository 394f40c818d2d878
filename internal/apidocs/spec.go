// Package apidocs builds SGUL's OpenAPI 3.1 document: the record API of every collection,
// derived from the collections' schemas, plus the business endpoints listed in
// endpoints.go. It also carries the self-contained HTML page that renders the document.
// It only describes the API's shape; it never reads records.
package apidocs

import "strings"

// Version is the OpenAPI version of the generated documents.
const Version = "3.1.0"

// Document is an OpenAPI 3.1 document, limited to the parts SGUL uses.
type Document struct {
	OpenAPI    string                `json:"openapi"`
	Info       Info                  `json:"info"`
	Servers    []Server              `json:"servers,omitempty"`
	Security   []SecurityRequirement `json:"security,omitempty"`
	Tags       []Tag                 `json:"tags,omitempty"`
	Paths      map[string]*PathItem  `json:"paths"`
	Components Components            `json:"components"`
}

// Info is the document's metadata.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// Server is a base URL of the API.
type Server struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Tag groups operations. The tag of a collection names its record schema in Collection
// (the docs page lists collections apart from business endpoints).
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Collection  string `json:"x-sgul-collection,omitempty"`
}

// SecurityRequirement names the security schemes an operation accepts ({} = anonymous).
type SecurityRequirement map[string][]string

// PathItem holds the operations of one path.
type PathItem struct {
	Get    *Operation `json:"get,omitempty"`
	Put    *Operation `json:"put,omitempty"`
	Post   *Operation `json:"post,omitempty"`
	Delete *Operation `json:"delete,omitempty"`
	Patch  *Operation `json:"patch,omitempty"`
}

// Operation returns the path's operation for method (nil when absent or unsupported).
func (p *PathItem) Operation(method string) *Operation {
	if slot := p.slot(method); slot != nil {
		return *slot
	}
	return nil
}

func (p *PathItem) slot(method string) **Operation {
	switch strings.ToUpper(method) {
	case "GET":
		return &p.Get
	case "PUT":
		return &p.Put
	case "POST":
		return &p.Post
	case "DELETE":
		return &p.Delete
	case "PATCH":
		return &p.Patch
	}
	return nil
}

// Operation is one method on one path.
type Operation struct {
	OperationID string                `json:"operationId"`
	Tags        []string              `json:"tags,omitempty"`
	Summary     string                `json:"summary,omitempty"`
	Description string                `json:"description,omitempty"`
	Parameters  []*Parameter          `json:"parameters,omitempty"`
	RequestBody *RequestBody          `json:"requestBody,omitempty"`
	Responses   map[string]*Response  `json:"responses"`
	Security    []SecurityRequirement `json:"security,omitempty"`
	Permission  string                `json:"x-sgul-permission,omitempty"`
}

// Parameter is a path, query or header parameter, or a reference to a shared one.
type Parameter struct {
	Ref         string  `json:"$ref,omitempty"`
	Name        string  `json:"name,omitempty"`
	In          string  `json:"in,omitempty"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Schema      *Schema `json:"schema,omitempty"`
}

// RequestBody is an operation's body, by media type.
type RequestBody struct {
	Description string                `json:"description,omitempty"`
	Required    bool                  `json:"required,omitempty"`
	Content     map[string]*MediaType `json:"content"`
}

// MediaType is the schema (and optional example) of one media type.
type MediaType struct {
	Schema  *Schema `json:"schema,omitempty"`
	Example any     `json:"example,omitempty"`
}

// Response is a response, or a reference to a shared one.
type Response struct {
	Ref         string                `json:"$ref,omitempty"`
	Description string                `json:"description,omitempty"`
	Content     map[string]*MediaType `json:"content,omitempty"`
}

// Components holds the shared schemas, responses, parameters and security schemes.
type Components struct {
	Schemas         map[string]*Schema         `json:"schemas"`
	Responses       map[string]*Response       `json:"responses,omitempty"`
	Parameters      map[string]*Parameter      `json:"parameters,omitempty"`
	SecuritySchemes map[string]*SecurityScheme `json:"securitySchemes,omitempty"`
}

// SecurityScheme describes how requests authenticate.
type SecurityScheme struct {
	Type        string `json:"type"`
	Name        string `json:"name,omitempty"`
	In          string `json:"in,omitempty"`
	Description string `json:"description,omitempty"`
}
