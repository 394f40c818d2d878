package notify_test

import (
	"context"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"

	"sgul/internal/audit"
	"sgul/internal/notify"
)

// An announcement fans out one notification per student of the audience, and a retried
// fan-out (a crash midway) writes none twice.
func TestAnuncioFanOut(t *testing.T) {
	app, f := newApp(t)
	a := notify.Anuncio{Titulo: "Feriado", Mensaje: "El lunes no hay clases.", Audiencia: notify.Audiencia{}}
	sedes := []string{f.SedeA, f.SedeB}
	if err := a.Validate(app, sedes); err != nil {
		t.Fatal(err)
	}
	res, err := a.Submit(app, sedes, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if res.Destinatarios != 2 || res.Anuncio == "" {
		t.Fatalf("resultado = %+v", res)
	}
	job := onlyJob(t, app, notify.JobAnuncio)
	for range 2 {
		if err := notify.HandleAnuncio(context.Background(), app, job); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := app.FindRecordsByFilter("notificaciones", "tipo = 'anuncio'", "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d notificaciones, quería 2", len(recs))
	}
	if n := countJobs(t, app, notify.JobPush); n != 1 {
		t.Errorf("%d push jobs, quería 1 (un lote por página)", n)
	}
	if n, _ := app.CountRecords("auditoria"); n == 0 {
		t.Error("el anuncio no quedó en la auditoría")
	}
}

func TestAnuncioValidation(t *testing.T) {
	app, f := newApp(t)
	cases := map[string]struct {
		a     notify.Anuncio
		sedes []string
		field string
	}{
		"título corto":    {notify.Anuncio{Titulo: "x", Mensaje: "mensaje"}, []string{f.SedeA}, "titulo"},
		"mensaje vacío":   {notify.Anuncio{Titulo: "Título", Mensaje: "  "}, []string{f.SedeA}, "mensaje"},
		"estado inválido": {notify.Anuncio{Titulo: "Título", Mensaje: "mensaje", Audiencia: notify.Audiencia{Estado: "Moroso"}}, []string{f.SedeA}, "audiencia.estado"},
		"sin sedes":       {notify.Anuncio{Titulo: "Título", Mensaje: "mensaje"}, nil, "audiencia.sede"},
		"programa ajeno":  {notify.Anuncio{Titulo: "Título", Mensaje: "mensaje", Audiencia: notify.Audiencia{Programa: "noexiste0000000"}}, []string{f.SedeA}, "audiencia.programa"},
	}
	for name, c := range cases {
		err := c.a.Validate(app, c.sedes)
		errs, ok := err.(validation.Errors)
		if !ok || errs[c.field] == nil {
			t.Errorf("%s: err = %v, quería error en %s", name, err, c.field)
		}
	}
	empty := notify.Anuncio{Titulo: "Título", Mensaje: "mensaje", Audiencia: notify.Audiencia{Estado: "Egresado"}}
	if err := empty.Validate(app, []string{f.SedeA}); err != nil {
		t.Fatal(err)
	}
	if _, err := empty.Submit(app, []string{f.SedeA}, audit.System); err == nil {
		t.Error("un anuncio sin destinatarios no falló")
	}
	if n := countJobs(t, app, notify.JobAnuncio); n != 0 {
		t.Errorf("%d jobs de anuncio", n)
	}
}
