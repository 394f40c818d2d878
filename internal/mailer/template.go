package mailer

import (
	htmltemplate "html/template"
	"regexp"
	"strings"
	texttemplate "text/template"
)

// templateName appears in parse errors; tidyTemplateError strips it.
const templateName = "plantilla"

// Template is a parsed HTML body template, reusable for every recipient of a
// campaign.
type Template struct {
	t *htmltemplate.Template
}

// ParseTemplate parses an html/template body such as
// "<p>Hola {{.Nombre}}</p>". Values are escaped for their HTML context when
// rendered. A syntax error is returned in Spanish, with its line.
func ParseTemplate(tmpl string) (*Template, error) {
	t, err := htmltemplate.New(templateName).Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return nil, templateError("la plantilla tiene un error", err)
	}
	return &Template{t: t}, nil
}

// Render fills the template with data. A field missing from data is an
// error, so nobody receives "<no value>" in place of their name.
func (t *Template) Render(data map[string]any) (string, error) {
	var b strings.Builder
	if err := t.t.Execute(&b, data); err != nil {
		return "", templateError("no se pudo completar la plantilla", err)
	}
	return b.String(), nil
}

// RenderTemplate parses and renders an HTML template in one call.
func RenderTemplate(tmpl string, data map[string]any) (string, error) {
	t, err := ParseTemplate(tmpl)
	if err != nil {
		return "", err
	}
	return t.Render(data)
}

// RenderText renders a plain-text template (subjects, text bodies) without
// HTML escaping, so "Pérez & Hijos" stays as written.
func RenderText(tmpl string, data map[string]any) (string, error) {
	t, err := texttemplate.New(templateName).Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return "", templateError("la plantilla tiene un error", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", templateError("no se pudo completar la plantilla", err)
	}
	return b.String(), nil
}

// TemplateError is a template problem explained in Spanish.
type TemplateError struct {
	// Message is the Spanish explanation.
	Message string
	// Err is the error from the template package.
	Err error
}

// Error returns the Spanish explanation.
func (e *TemplateError) Error() string { return e.Message }

// Unwrap returns the template package's error.
func (e *TemplateError) Unwrap() error { return e.Err }

var (
	missingKeyRE = regexp.MustCompile(`map has no entry for key "([^"]+)"`)
	lineRE       = regexp.MustCompile(`^(?:html/)?template: ?` + templateName + `:(\d+)(?::\d+)?: ?(.*)$`)
)

// templateError rewrites the template package's English message.
func templateError(prefix string, err error) error {
	detail := err.Error()
	if m := missingKeyRE.FindStringSubmatch(detail); m != nil {
		return &TemplateError{Message: prefix + ": falta el dato «" + m[1] + "»", Err: err}
	}
	if m := lineRE.FindStringSubmatch(detail); m != nil {
		return &TemplateError{Message: prefix + " en la línea " + m[1] + ": " + translate(m[2]), Err: err}
	}
	return &TemplateError{Message: prefix + ": " + detail, Err: err}
}

var undefinedFuncRE = regexp.MustCompile(`^function "([^"]+)" not defined$`)

// translate puts the most common syntax mistakes in Spanish and leaves the
// rest as the template package wrote them.
func translate(detail string) string {
	switch {
	case detail == "unexpected EOF":
		return "falta un {{end}} o una acción quedó sin cerrar"
	case strings.HasPrefix(detail, "unclosed action"), strings.HasPrefix(detail, "bad character U+007D"):
		return "una acción debe cerrarse con «}}»"
	}
	if m := undefinedFuncRE.FindStringSubmatch(detail); m != nil {
		return "la función «" + m[1] + "» no existe"
	}
	return detail
}
