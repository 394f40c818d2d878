package campaigns_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/campaigns"
)

func TestUnsubscribeTokens(t *testing.T) {
	app, _ := newApp(t)
	tok, err := campaigns.UnsubscribeToken(app, " Ana@Example.com ", "camp123")
	if err != nil {
		t.Fatal(err)
	}
	email, camp, err := campaigns.ParseUnsubscribeToken(app, tok)
	if err != nil || email != "ana@example.com" || camp != "camp123" {
		t.Fatalf("%q %q %v", email, camp, err)
	}
	head, sig, _ := strings.Cut(tok, ".")
	forged := base64.RawURLEncoding.EncodeToString([]byte("otra@example.com\x00camp123")) + "." + sig
	for name, bad := range map[string]string{
		"vacío": "", "sin firma": head, "firma ajena": forged, "firma truncada": head + "." + sig[:10], "basura": "a.b.c",
	} {
		if _, _, err := campaigns.ParseUnsubscribeToken(app, bad); !errors.Is(err, campaigns.ErrBadToken) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// The key is the server's own secret: another installation's token is refused.
	other, _ := newApp(t)
	if _, err := other.DB().NewQuery("UPDATE secretos SET valor = 'otra-clave-de-64-caracteres-otra-clave-de-64-caracteres-otra-cl'").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := campaigns.ParseUnsubscribeToken(other, tok); !errors.Is(err, campaigns.ErrBadToken) {
		t.Errorf("token de otro servidor aceptado: %v", err)
	}

	if _, err := campaigns.OptOut(app, "ANA@example.com", "", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.OptOut(app, "ana@example.com", "", "x"); err != nil {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords("bajas_correo"); n != 1 {
		t.Errorf("%d bajas, quería 1", n)
	}
	if out, _ := campaigns.OptedOut(app, "Ana@Example.COM"); !out {
		t.Error("OptedOut no reconoce la dirección")
	}
}

func TestStaffTransitions(t *testing.T) {
	app, _ := newApp(t)
	col, _ := app.FindCollectionByNameOrId("campanas")
	rec := func(estado string) *core.Record {
		r := core.NewRecord(col)
		r.Set("estado", estado)
		r.Set("asunto", "A")
		return r
	}
	cases := []struct {
		from, to string
		ok       bool
	}{
		{"", "Borrador", true}, {"", "Programada", true}, {"", "Enviando", false}, {"", "Enviada", false},
		{"Borrador", "Programada", true}, {"Borrador", "Cancelada", true}, {"Borrador", "Enviada", false},
		{"Programada", "Borrador", true}, {"Programada", "Enviando", false},
		{"Enviando", "Cancelada", true}, {"Enviando", "Borrador", false}, {"Enviando", "Enviada", false},
		{"Enviada", "Borrador", false}, {"Cancelada", "Borrador", false}, {"Cancelada", "Programada", false},
	}
	for _, c := range cases {
		var before *core.Record
		if c.from != "" {
			before = rec(c.from)
		}
		if err := campaigns.CheckStaffChange(before, rec(c.to)); (err == nil) != c.ok {
			t.Errorf("%q -> %q: err = %v", c.from, c.to, err)
		}
	}
	// Content is frozen once sending started.
	before, after := rec("Enviando"), rec("Enviando")
	after.Set("asunto", "Otro")
	if err := campaigns.CheckStaffChange(before, after); err == nil {
		t.Error("se editó el asunto de una campaña en envío")
	}
}

func TestValidateTemplates(t *testing.T) {
	app, f := newApp(t)
	col, _ := app.FindCollectionByNameOrId("campanas")
	base := map[string]any{"asunto": "Hola {{.Nombre}}", "cuerpo": "<p>{{.Nombre}}</p>", "audiencia": "alumnos", "sede": f.SedeA}
	bad := map[string]map[string]any{
		"asunto":              {"asunto": "Hola {{.Apellido}}"},
		"cuerpo":              {"cuerpo": "<p>{{if .Nombre}}</p>"},
		"estado_destinatario": {"estado_destinatario": "Convertido"}, // a lead state for students
		"programa":            {"programa": "noexiste0000000"},
	}
	r := core.NewRecord(col)
	r.Load(base)
	if err := campaigns.Validate(app, r); err != nil {
		t.Fatalf("plantilla válida rechazada: %v", err)
	}
	for field, change := range bad {
		r := core.NewRecord(col)
		r.Load(base)
		r.Load(change)
		err := campaigns.Validate(app, r)
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: err = %v", field, err)
		}
	}
}
