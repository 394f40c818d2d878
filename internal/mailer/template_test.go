package mailer

import (
	"errors"
	"strings"
	"testing"
)

func TestRenderTemplate(t *testing.T) {
	tests := []struct {
		name, tmpl string
		data       map[string]any
		want       string // rendered output, or a fragment of the error
		wantErr    bool
	}{
		{name: "fields", tmpl: "<p>Hola {{.Nombre}}, debes S/ {{.Monto}}</p>",
			data: map[string]any{"Nombre": "María Ñahui", "Monto": "150.00"}, want: "<p>Hola María Ñahui, debes S/ 150.00</p>"},
		{name: "escapes markup", tmpl: "<p>{{.Nombre}}</p>",
			data: map[string]any{"Nombre": `<script>alert("x")</script>`}, want: "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"},
		{name: "neutralises javascript links", tmpl: `<a href="{{.Link}}">pagar</a>`,
			data: map[string]any{"Link": "javascript:alert(1)"}, want: `<a href="#ZgotmplZ">pagar</a>`},
		{name: "escapes query values", tmpl: `<a href="https://sgul.pe/baja?e={{.Email}}">baja</a>`,
			data: map[string]any{"Email": "a&b@x.pe"}, want: `<a href="https://sgul.pe/baja?e=a%26b%40x.pe">baja</a>`},
		{name: "syntax error", tmpl: "<p>\n{{.Nombre}</p>", wantErr: true, want: "la plantilla tiene un error en la línea 2: una acción debe cerrarse con «}}»"},
		{name: "unclosed block", tmpl: "{{if .X}}<p>", wantErr: true, want: "falta un {{end}}"},
		{name: "missing field", tmpl: "<p>{{.Apellido}}</p>", data: map[string]any{"Nombre": "Ana"}, wantErr: true, want: "falta el dato «Apellido»"},
		{name: "unknown function", tmpl: "{{.Nombre | mayus}}", wantErr: true, want: "la función «mayus» no existe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderTemplate(tt.tmpl, tt.data)
			if tt.wantErr {
				var te *TemplateError
				if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &te) {
					t.Fatalf("err = %v, want one containing %q", err, tt.want)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestParsedTemplateIsReusable(t *testing.T) {
	tpl, err := ParseTemplate("<p>Hola {{.Nombre}}</p>")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Ana", "Luis & Co"} {
		got, err := tpl.Render(map[string]any{"Nombre": n})
		if err != nil || !strings.HasPrefix(got, "<p>Hola ") {
			t.Errorf("%q: %q %v", n, got, err)
		}
	}
}

func TestRenderTextDoesNotEscape(t *testing.T) {
	got, err := RenderText("Recordatorio para {{.Nombre}}", map[string]any{"Nombre": "Pérez & Hijos <SAC>"})
	if err != nil || got != "Recordatorio para Pérez & Hijos <SAC>" {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := RenderText("{{.X}", nil); err == nil || !strings.Contains(err.Error(), "plantilla") {
		t.Errorf("err = %v", err)
	}
}
