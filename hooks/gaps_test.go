package hooks_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

// Known gaps, each closed with a test that failed before the fix:
//
//  1. Business POST endpoints answer who may call them before they read the body:
//     anonymous -> 401, signed in without the permission -> 403, whatever the body.
//  2. A grade cannot be created or cleared with an empty value (multipart "" or JSON
//     null, which PocketBase turns into 0).
//  3. Image fields (users.avatar) take JPEG, PNG and WebP only: an SVG can carry script.

// gpForm builds a multipart body with text fields and one file of the given content type.
func gpForm(fields map[string]string, file, name, contentType string, content []byte) (io.Reader, map[string]string) {
	buf := new(bytes.Buffer)
	mw := multipart.NewWriter(buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if file != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, file, name))
		h.Set("Content-Type", contentType)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(content)
	}
	_ = mw.Close()
	return buf, map[string]string{"Content-Type": mw.FormDataContentType()}
}

func TestGapsBusinessPostsAuthorizeBeforeReadingTheBody(t *testing.T) {
	f := emFixture(t)
	missing := "noexiste0000000"
	type endpoint struct {
		url, perm string // perm: a fixture actor that is signed in but lacks the permission
	}
	endpoints := []endpoint{
		{"/api/matriculas/", "finanzas"},
		{"/api/matriculas", "docente"},
		{"/api/pagos/" + missing + "/anular", "ventas"},
		{"/api/vouchers/" + missing + "/aprobar", "ventas"},
		{"/api/vouchers/" + missing + "/rechazar", "ventas"},
		{"/api/asistencias/grupal", "ventas"},
		{"/api/planillas/generar", "ventas"},
		{"/api/planillas/" + missing + "/pagar", "ventas"},
		{"/api/planillas/" + missing + "/anular", "ventas"},
		{"/api/notificaciones/anuncio", "ventas"},
	}
	valid := convertBody(f, nil)
	mp := func() (io.Reader, map[string]string) {
		return emMultipart(map[string]string{"lead": f.LeadA, "programa": f.Carrera, "modalidad": f.Virtual,
			"dni": "71234567", "email": "lucia.quispe@correo.pe"}, "archivo_dni")
	}
	var cases []emCase
	for _, ep := range endpoints {
		bodies := []struct {
			name string
			body func() (any, map[string]string)
		}{
			{"no body", func() (any, map[string]string) { return nil, nil }},
			{"malformed JSON", func() (any, map[string]string) { return "{", nil }},
			{"JSON of the wrong shape", func() (any, map[string]string) { return "[1,2]", nil }},
			{"a valid conversion", func() (any, map[string]string) { return valid, nil }},
			{"multipart with a file", func() (any, map[string]string) { return mp() }},
		}
		for _, b := range bodies {
			for _, who := range []struct {
				actor   string
				status  int
				message string
			}{
				{"", 401, "Debe iniciar sesión"},
				{ep.perm, 403, "No tiene permiso"},
				{"norole", 403, "No tiene permiso"},
				{"alumno1", 403, "No tiene permiso"},
			} {
				body, headers := b.body()
				cases = append(cases, acRefused(emCase{
					Name: fmt.Sprintf("%s %s as %q", ep.url, b.name, who.actor), URL: ep.url, Actor: who.actor,
					Body: body, Headers: headers, Status: who.status,
					Content: []string{fmt.Sprintf(`"status":%d`, who.status), who.message},
				}))
			}
		}
	}
	// the inactive account's token still reaches the handler: it has no permission
	cases = append(cases, acRefused(emCase{Name: "inactive ventas converts", URL: "/api/matriculas/", Actor: "inactive",
		Body: "{", Status: 403, Content: []string{"No tiene permiso"}}))
	// with the permission, the body is read: a malformed one is a 400
	cases = append(cases, acRefused(emCase{Name: "ventas sends malformed JSON", URL: "/api/matriculas/", Actor: "ventas",
		Body: "{", Status: 400, Content: []string{`"status":400`}}))
	emRun(t, f.Fixture, cases)
}

func TestGapsEmptyGradeIsRefused(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/notas/records"
	one := url + "/" + acNotaSeeded
	fields := func(nota *string) map[string]string {
		out := map[string]string{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Final"}
		if nota != nil {
			out["nota"] = *nota
		}
		return out
	}
	str := func(s string) *string { return &s }
	form := func(m map[string]string) (io.Reader, map[string]string) { return emMultipart(m) }
	required := []string{`"nota"`, "sgul_nota_requerida", "Ingrese la nota"}
	notaIs := func(want float64) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if got := emRecord(t, app, "notas", acNotaSeeded).GetFloat("nota"); got != want {
				t.Errorf("nota = %v, want %v", got, want)
			}
		}
	}
	savedAs := func(want float64) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			id, _ := emDecode(t, res)["id"].(string)
			if got := emRecord(t, app, "notas", id).GetFloat("nota"); got != want {
				t.Errorf("nota = %v, want %v", got, want)
			}
		}
	}
	batch := func(nota any) map[string]any {
		return map[string]any{"requests": []map[string]any{{"method": "POST", "url": url,
			"body": map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Final", "nota": nota}}}}
	}

	var cases []emCase
	for _, actor := range []string{"admin", "docente"} {
		body, h := form(fields(str("")))
		cases = append(cases, acRefused(emCase{Name: actor + ": multipart create with nota=\"\"", URL: url, Actor: actor,
			Body: body, Headers: h, Status: 400, Content: required}))
		body, h = form(fields(str("  ")))
		cases = append(cases, acRefused(emCase{Name: actor + ": multipart create with a blank nota", URL: url, Actor: actor,
			Body: body, Headers: h, Status: 400, Content: []string{`"nota"`}}))
		body, h = form(fields(nil))
		cases = append(cases, acRefused(emCase{Name: actor + ": multipart create without nota", URL: url, Actor: actor,
			Body: body, Headers: h, Status: 400, Content: required}))
		cases = append(cases, acRefused(emCase{Name: actor + ": JSON create with nota null", URL: url, Actor: actor,
			Body:   `{"matricula":"` + f.Matricula1 + `","malla":"` + f.MallaCarrera1 + `","tipo":"Final","nota":null}`,
			Status: 400, Content: required}))
		cases = append(cases, acRefused(emCase{Name: actor + ": JSON create with nota \"\"", URL: url, Actor: actor,
			Body:   emMerge(map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Final", "nota": ""}),
			Status: 400, Content: []string{`"nota"`}}))
	}
	cases = append(cases,
		acRefused(emCase{Name: "batch create with nota null", URL: "/api/batch", Actor: "admin", Body: batch(nil), Status: 400,
			Content: []string{"sgul_nota_requerida"}}),
		acRefused(emCase{Name: "batch create with nota \"\"", URL: "/api/batch", Actor: "admin", Body: batch(""), Status: 400}),
		// the type guard covers batch sub-requests too ("abc" would otherwise become 0)
		acRefused(emCase{Name: "batch create with nota \"abc\"", URL: "/api/batch", Actor: "admin", Body: batch("abc"), Status: 400,
			Content: []string{"sgul_tipo", `"requests"`, "Ingrese un número."}}),
		acRefused(emCase{Name: "batch create with nota true", URL: "/api/batch", Actor: "admin", Body: batch(true), Status: 400,
			Content: []string{"sgul_tipo"}}),
	)
	// updates: an explicit empty nota is refused, the old grade stays
	for _, actor := range []string{"admin", "docente"} {
		body, h := form(map[string]string{"nota": ""})
		cases = append(cases, acRefused(emCase{Name: actor + ": multipart update with nota=\"\"", Method: http.MethodPatch, URL: one,
			Actor: actor, Before: acSeedNota(14), Body: body, Headers: h, Status: 400, Content: required, After: notaIs(14)}))
		cases = append(cases, acRefused(emCase{Name: actor + ": JSON update with nota null", Method: http.MethodPatch, URL: one,
			Actor: actor, Before: acSeedNota(14), Body: `{"nota":null}`, Status: 400, Content: required, After: notaIs(14)}))
		cases = append(cases, acRefused(emCase{Name: actor + ": JSON update with nota \"\"", Method: http.MethodPatch, URL: one,
			Actor: actor, Before: acSeedNota(14), Body: map[string]any{"nota": ""}, Status: 400, Content: []string{`"nota"`}, After: notaIs(14)}))
	}
	// what still works: real grades in both encodings, 0 included, and updates without nota
	body, h := form(fields(str("15.5")))
	cases = append(cases, emCase{Name: "multipart create with nota=15.5", URL: url, Actor: "docente", Body: body, Headers: h,
		Status: 200, After: savedAs(15.5)})
	body, h = form(fields(str("0")))
	cases = append(cases, emCase{Name: "multipart create with nota=0 (a valid grade)", URL: url, Actor: "admin", Body: body, Headers: h,
		Status: 200, After: savedAs(0)})
	body, h = form(fields(str("20.001")))
	cases = append(cases, acRefused(emCase{Name: "multipart create with three decimals", URL: url, Actor: "admin", Body: body, Headers: h,
		Status: 400, Content: []string{"sgul_nota_rango"}}))
	body, h = form(map[string]string{"observaciones": "Revisada con el alumno"})
	cases = append(cases, emCase{Name: "multipart update without nota keeps it", Method: http.MethodPatch, URL: one, Actor: "docente",
		Before: acSeedNota(14), Body: body, Headers: h, Status: 200, After: notaIs(14)})
	body, h = form(map[string]string{"nota": "16.25"})
	cases = append(cases, emCase{Name: "multipart update to 16.25", Method: http.MethodPatch, URL: one, Actor: "docente",
		Before: acSeedNota(14), Body: body, Headers: h, Status: 200, After: notaIs(16.25)})
	cases = append(cases, emCase{Name: "JSON update to 0", Method: http.MethodPatch, URL: one, Actor: "admin",
		Before: acSeedNota(14), Body: map[string]any{"nota": 0}, Status: 200, After: notaIs(0)})
	cases = append(cases, emCase{Name: "batch create with nota 12", URL: "/api/batch", Actor: "admin", Body: batch(12), Status: 200})
	emRun(t, f.Fixture, cases)
}

// gpGIF is a 1x1 GIF.
var gpGIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

func TestGapsAvatarTakesRasterImagesOnly(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/users/records/" + f.Users["ventas"]
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`)
	noAvatar := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if a := emRecord(t, app, "users", f.Users["ventas"]).GetString("avatar"); a != "" {
			t.Errorf("avatar = %q, want none", a)
		}
	}
	upload := func(name, contentType string, content []byte) (io.Reader, map[string]string) {
		return gpForm(nil, "avatar", name, contentType, content)
	}
	var cases []emCase
	wrongType := []string{`"avatar"`, "validation_invalid_mime_type", "Tipo de archivo no permitido; se aceptan: JPEG, PNG, WebP."}
	for _, u := range []struct {
		name, filename, contentType string
		content                     []byte
		want                        []string
	}{
		{"an SVG with script", "foto.svg", "image/svg+xml", svg, wrongType},
		{"an SVG named .png", "foto.png", "image/png", svg, wrongType},
		{"a GIF", "foto.gif", "image/gif", gpGIF, wrongType},
		{"an HTML page", "foto.html", "text/html", []byte("<!doctype html><script>alert(1)</script>"), wrongType},
		{"a PNG over 2 MB", "foto.png", "image/png", append(emPNG(), bytes.Repeat([]byte{0}, 2<<20)...),
			[]string{`"avatar"`, "validation_file_size_limit"}},
	} {
		body, h := upload(u.filename, u.contentType, u.content)
		cases = append(cases, emCase{Name: "ventas uploads " + u.name + " as avatar", Method: http.MethodPatch, URL: url,
			Actor: "ventas", Body: body, Headers: h, Status: 400, Content: u.want, NotContent: []string{"PDF", "must be"},
			Unchanged: true, After: noAvatar})
	}
	body, h := upload("foto.png", "image/png", emPNG())
	cases = append(cases, emCase{Name: "ventas uploads a PNG avatar", Method: http.MethodPatch, URL: url, Actor: "ventas",
		Body: body, Headers: h, Status: 200,
		After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if a := emRecord(t, app, "users", f.Users["ventas"]).GetString("avatar"); a == "" {
				t.Error("the PNG avatar was not stored")
			}
		}})
	body, h = gpForm(map[string]string{"email": "nuevo@test.sgul.pe", "nombre": "Nuevo", "password": "demo12345",
		"passwordConfirm": "demo12345", "sedes": f.SedeA, "activo": "true"}, "avatar", "nuevo.svg", "image/svg+xml", svg)
	cases = append(cases, emCase{Name: "admin creates a user with an SVG avatar", URL: "/api/collections/users/records", Actor: "admin",
		Body: body, Headers: h, Status: 400, Content: []string{`"avatar"`}, Unchanged: true})
	emRun(t, f.Fixture, cases)

	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	avatar, ok := users.Fields.GetByName("avatar").(*core.FileField)
	if !ok {
		t.Fatal("users.avatar is not a file field")
	}
	if want := []string{"image/jpeg", "image/png", "image/webp"}; !slices.Equal(avatar.MimeTypes, want) {
		t.Errorf("avatar MimeTypes = %v, want %v", avatar.MimeTypes, want)
	}
	if avatar.MaxSize != 2<<20 || !avatar.Protected {
		t.Errorf("avatar MaxSize = %d, Protected = %v; want 2 MB, protected", avatar.MaxSize, avatar.Protected)
	}
}
