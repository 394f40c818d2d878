package hooks_test

import (
	"bytes"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"sgul/internal/sgultest"
)

// The hostile-input corpus: malformed, out-of-range, mistyped, oversized and foreign
// input sent to every kind of write and to the business endpoints, each by an actor
// who may otherwise make the call. Every case must be answered 4xx (no 5xx) with a
// Spanish message (per field when the case names one), and change nothing: every
// table's row count and newest update, and the stored files, are compared before and
// after each case.

// rlHostile is one case.
type rlHostile struct {
	name, actor, method, path string
	body                      any               // JSON value, raw string ([]byte/string) or *rlForm
	hdr                       map[string]string // extra headers
	status                    int               // exact status, or 0 for any 4xx
	field                     string            // a field the answer must name
}

// rlForm is a multipart body: text fields and files.
type rlForm struct {
	fields map[string]string
	files  []rlUpload
}

type rlUpload struct {
	field, name, contentType string
	content                  []byte
}

func (f *rlForm) encode() ([]byte, string) {
	buf := new(bytes.Buffer)
	mw := multipart.NewWriter(buf)
	for k, v := range f.fields {
		_ = mw.WriteField(k, v)
	}
	for _, u := range f.files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, u.field, u.name))
		h.Set("Content-Type", u.contentType)
		w, _ := mw.CreatePart(h)
		_, _ = w.Write(u.content)
	}
	_ = mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// Hostile file contents.
var (
	rlHTML = []byte("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>")
	rlEXE  = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 512)...)
	rlSVG  = []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	rlPDF  = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
)

// rlBig returns a file of n bytes that starts like a PDF.
func rlBig(n int) []byte { return append(append([]byte{}, rlPDF...), bytes.Repeat([]byte{' '}, n)...) }

// with returns a copy of base with k set to v; without, with k removed.
func with(base obj, kv ...any) obj {
	out := maps.Clone(base)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func without(base obj, keys ...string) obj {
	out := maps.Clone(base)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func formOf(o obj, files ...rlUpload) *rlForm {
	f := &rlForm{fields: map[string]string{}, files: files}
	for k, v := range o {
		switch x := v.(type) {
		case []string:
			f.fields[k] = strings.Join(x, ",")
		default:
			f.fields[k] = fmt.Sprint(x)
		}
	}
	return f
}

// TestHostileInput runs the corpus.
func TestHostileInput(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	c := rlServe(t, app, f)
	em := emFixture(t)
	A, B := f.SedeA, f.SedeB
	missing := "noexiste0000000"
	long := func(n int) string { return strings.Repeat("a", n) }

	// rows some cases need: a voided pago, a sede-B pago and ingreso, a grade to edit
	mk := func(actor, path string, body any) string {
		r := c.do(actor, "POST", path, body, nil)
		if r.Status != 200 {
			t.Fatalf("setup %s %s: %d %s", actor, path, r.Status, r.Raw)
		}
		id, _ := r.JSON()["id"].(string)
		return id
	}
	voided := mk("finanzas", "/api/collections/pagos/records", obj{"matricula": f.Matricula1, "cuota": em.CuotaMat1, "monto": 10, "medio_pago": f.Efectivo})
	if r := c.do("finanzas", "POST", "/api/pagos/"+voided+"/anular", obj{"motivo": "Prueba"}, nil); r.Status != 200 {
		t.Fatalf("setup void: %d %s", r.Status, r.Raw)
	}
	pagoB := mk("finanzasB", "/api/collections/pagos/records", obj{"matricula": f.Matricula2, "cuota": em.CuotaCursoB, "monto": 10, "medio_pago": f.Efectivo})
	ingresoB := mk("finanzasB", "/api/collections/ingresos/records", obj{"sede": B, "concepto": "Venta", "monto": 5, "fecha": "2026-03-04"})
	nota := mk("docente", "/api/collections/notas/records", obj{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Práctica", "nota": 14})

	var cases []rlHostile
	add := func(cs ...rlHostile) { cases = append(cases, cs...) }
	post := func(actor, path string, body any, field string) rlHostile {
		return rlHostile{actor: actor, method: "POST", path: path, body: body, field: field}
	}

	// --- pagos: the collection API, as finanzas -------------------------------------------
	pagos := "/api/collections/pagos/records"
	P := obj{"matricula": f.Matricula1, "cuota": em.CuotaPen1, "monto": 50, "medio_pago": f.Efectivo}
	for _, v := range []any{-1, -0.01, 0, 0.001, 10.555, 50.999, 1e12, 1e12 + 0.01, 1e15, 1e308, 150.01, "abc", "", true, []any{}, obj{}, "1e400", "NaN"} {
		add(post("finanzas", pagos, with(P, "monto", v), "monto"))
	}
	add(post("finanzas", pagos, without(P, "monto"), "monto"))
	for _, v := range []any{"2026-13-45", "ayer", "31/12/2025", "1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31", 20260304, true, "2026-02-30", "2026-03-04T25:00:00Z"} {
		add(post("finanzas", pagos, with(P, "fecha_pago", v), "fecha_pago"))
	}
	for _, v := range []any{"", missing, em.CuotaCursoB, 123, []any{"a", "b"}} {
		add(post("finanzas", pagos, with(P, "cuota", v), ""))
	}
	add(post("finanzas", pagos, without(P, "cuota"), "cuota"))
	add(post("finanzas", pagos, with(P, "matricula", f.Matricula2), ""))
	add(post("finanzas", pagos, with(P, "matricula", missing), ""))
	add(post("finanzas", pagos, without(P, "medio_pago"), "medio_pago"))
	add(post("finanzas", pagos, with(P, "medio_pago", missing), "medio_pago"))
	add(post("finanzas", pagos, with(P, "medio_pago", f.Yape), "comprobante")) // Yape needs the voucher image
	add(post("finanzas", pagos, with(P, "descuento_aplicado", -5), "descuento_aplicado"))
	add(post("finanzas", pagos, with(P, "descuento_aplicado", 1.234), "descuento_aplicado"))
	add(post("finanzas", pagos, with(P, "sede", B), ""))       // a sede the cashier does not work in
	add(post("finanzas", pagos, with(P, "sede", missing), "")) // an unknown sede
	add(post("finanzas", pagos, with(P, "numero_cuota", "tres"), "numero_cuota"))
	add(post("ventas", pagos, P, ""))    // a role without pagos
	add(post("finanzasB", pagos, P, "")) // the other sede's cashier
	for _, k := range []string{"con espacio", long(300), "clave-ñandú"} {
		h := post("finanzas", pagos, P, "")
		h.hdr = map[string]string{"Idempotency-Key": k}
		add(h)
	}
	for _, raw := range []string{"{", "[1,2]", "null", `"texto"`, `{"monto": 50,}`, "", "monto=50&cuota=x"} {
		add(post("finanzas", pagos, raw, ""))
	}
	add(post("finanzas", pagos, formOf(P, rlUpload{"comprobante", "voucher.png", "image/png", rlHTML}), "comprobante"))
	add(post("finanzas", pagos, formOf(P, rlUpload{"comprobante", "voucher.exe", "application/octet-stream", rlEXE}), "comprobante"))
	add(post("finanzas", pagos, formOf(P, rlUpload{"comprobante", "voucher.pdf", "application/pdf", rlBig(6 << 20)}), "comprobante"))

	// --- conversion: POST /api/matriculas/, as ventas ---------------------------------------
	conv := "/api/matriculas/"
	C := obj{"lead": f.LeadA, "programa": f.Carrera, "modalidad": f.Virtual, "dni": "71234567", "email": "nueva@test.sgul.pe", "telefono": "987654321"}
	for _, v := range []any{"7123456", "712345678", "7123456a", "ABCDEFGH", "", "7123 4567", "７１２３４５６７", "-7123456", "7123456٧"} {
		add(post("ventas", conv, with(C, "dni", v), "dni"))
	}
	for _, v := range []any{"no-es-correo", "a@", "@b.pe", "a b@c.pe", long(250) + "@x.pe", "<script>@x.pe", ""} {
		add(post("ventas", conv, with(C, "email", v), "email"))
	}
	for _, v := range []any{"98765432", "887654321", "9876543210", "+519876543211", "nueve", "987-654-321"} {
		add(post("ventas", conv, with(C, "telefono", v), "telefono"))
	}
	add(post("ventas", conv, without(C, "lead"), "lead"), post("ventas", conv, without(C, "programa"), "programa"),
		post("ventas", conv, without(C, "modalidad"), "modalidad"), post("ventas", conv, with(C, "observacion", long(5001)), "observacion"))
	add(rlHostile{name: "unknown lead", actor: "ventas", method: "POST", path: conv, body: with(C, "lead", missing), status: 404},
		rlHostile{name: "lead of the other sede", actor: "ventas", method: "POST", path: conv, body: with(C, "lead", f.LeadB), status: 404},
		rlHostile{name: "lead already converted", actor: "ventas", method: "POST", path: conv, body: with(C, "lead", f.LeadConv1), status: 409},
		rlHostile{name: "enrolment into the other sede", actor: "ventas", method: "POST", path: conv, body: with(C, "sede", B)})
	add(post("ventas", conv, with(C, "programa", missing), ""), post("ventas", conv, with(C, "modalidad", missing), ""),
		post("ventas", conv, with(C, "programa", f.Curso), ""))
	for _, b := range []obj{with(C, "lead", 123), with(C, "email", obj{}), with(C, "dni", []any{"1"}), with(C, "telefono", 987654321)} {
		add(post("ventas", conv, b, ""))
	}
	for _, raw := range []string{"{", "[]", "null", "", `{"lead":`} {
		add(post("ventas", conv, raw, ""))
	}
	for _, k := range []string{"con espacio", long(256)} {
		h := post("ventas", conv, C, "")
		h.hdr = map[string]string{"Idempotency-Key": k}
		add(h)
	}
	for _, u := range []rlUpload{
		{"archivo_dni", "dni.pdf", "application/pdf", rlHTML}, {"archivo_dni", "dni.exe", "application/octet-stream", rlEXE},
		{"archivo_dni", "dni.svg", "image/svg+xml", rlSVG}, {"archivo_dni", "dni.pdf", "application/pdf", rlBig(6 << 20)},
		{"archivo_partida", "partida.txt", "text/plain", []byte("hola")},
	} {
		add(post("ventas", conv, formOf(C, u), ""))
	}
	add(rlHostile{name: "a 13 MB conversion", actor: "ventas", method: "POST", path: conv, body: formOf(C, rlUpload{"archivo_dni", "dni.pdf", "application/pdf", rlBig(13 << 20)}), status: 413})
	add(post("docente", conv, C, ""), post("finanzas", conv, C, ""), post("alumno1", conv, C, ""))

	// --- grades and attendance, as the docente of the program -----------------------------
	notas := "/api/collections/notas/records"
	N := obj{"matricula": f.Matricula1, "malla": f.MallaCarrera2, "tipo": "Teórica", "nota": 15}
	for _, v := range []any{20.01, -0.01, 21, -1, 100, "quince", true, []any{}, obj{}, 1e308, "NaN", "", 15.555} {
		add(post("docente", notas, with(N, "nota", v), "nota"))
	}
	add(post("docente", notas, without(N, "nota"), "nota"))
	for _, v := range []any{"Otra", "", 5} {
		add(post("docente", notas, with(N, "tipo", v), "tipo"))
	}
	add(post("docente", notas, with(N, "malla", missing), "malla"), post("docente", notas, without(N, "malla"), "malla"),
		post("docente", notas, with(N, "matricula", f.Matricula2), ""), post("docente", notas, with(N, "matricula", missing), ""),
		post("docente", notas, with(N, "tipo", "Práctica", "malla", f.MallaCarrera1), "tipo")) // the grade exists
	for _, v := range []any{20.01, -0.01, "x"} {
		add(rlHostile{actor: "docente", method: "PATCH", path: notas + "/" + nota, body: obj{"nota": v}, field: "nota"})
	}
	add(rlHostile{actor: "docente", method: "PATCH", path: notas + "/" + nota, body: obj{"matricula": f.Matricula2}, status: 404})
	asis := "/api/collections/asistencias/records"
	AS := obj{"matricula": f.Matricula1, "malla": f.MallaCarrera2, "fecha_clase": "2026-03-12", "asistio": true}
	for _, v := range []any{"2026-13-01", "mañana", "1899-01-01", "2101-01-01", 123, "", "12/03/2026"} {
		add(post("docente", asis, with(AS, "fecha_clase", v), "fecha_clase"))
	}
	for _, v := range []any{"sí", 2, "quizás", []any{}} {
		add(post("docente", asis, with(AS, "asistio", v), "asistio"))
	}
	add(post("docente", asis, with(AS, "justificacion", long(1001)), "justificacion"), post("docente", asis, with(AS, "matricula", f.Matricula2), ""))
	grupal := "/api/asistencias/grupal"
	add(post("docente", grupal, obj{}, ""), post("docente", grupal, "{", ""),
		post("docente", grupal, obj{"malla": f.MallaCarrera1, "fecha_clase": "ayer", "asistencias": []obj{}}, ""),
		post("docente", grupal, obj{"malla": f.MallaCarrera1, "fecha_clase": "2026-03-12", "asistencias": []obj{{"matricula": f.Matricula2, "asistio": true}}}, ""))

	// --- leads, as ventas -----------------------------------------------------------------
	leads := "/api/collections/leads/records"
	L := obj{"nombre_completo": "Carla Ticona", "telefono": "987111222", "genero": "Femenino", "asesor": f.Users["ventas"],
		"medio_contacto": f.Facebook, "intereses": []string{f.Carrera}, "sede": A}
	for _, v := range []any{"12345", "abcdefghi", "887111222", strings.Repeat("9", 25)} {
		add(post("ventas", leads, with(L, "telefono", v), "telefono"))
	}
	for _, v := range []any{"correo", "a@b@c"} {
		add(post("ventas", leads, with(L, "email", v), "email"))
	}
	for _, v := range []any{"", long(256), long(100000)} {
		add(post("ventas", leads, with(L, "nombre_completo", v), "nombre_completo"))
	}
	for _, kv := range [][2]any{{"genero", "X"}, {"genero", ""}, {"estado_lead", "Convertido"}, {"estado_lead", "Inventado"},
		{"asesor", f.Users["inactive"]}, {"asesor", f.Alumno1}, {"asesor", missing}, {"medio_contacto", missing},
		{"intereses", []string{}}, {"intereses", []string{missing}}, {"distrito", missing}, {"fecha_ingreso", "ayer"},
		{"fecha_ingreso", "3000-01-01"}, {"observaciones", long(20001)}} {
		add(post("ventas", leads, with(L, kv[0], kv[1]), kv[0].(string)))
	}
	add(post("ventas", leads, with(L, "sede", B), ""), post("ventas", leads, with(L, "sede", missing), ""),
		post("ventasB", leads, L, ""), post("finanzas", leads, L, ""))
	add(rlHostile{name: "enormous body", actor: "ventas", method: "POST", path: leads, body: with(L, "observaciones", long(33<<20)), status: 413})

	// --- ledger, as finanzas --------------------------------------------------------------
	for _, coll := range []string{"ingresos", "gastos"} {
		p := "/api/collections/" + coll + "/records"
		I := obj{"sede": A, "concepto": "Movimiento", "monto": 10, "fecha": "2026-03-04"}
		for _, v := range []any{-5, 0, 1.234, 1e12, "x"} {
			add(post("finanzas", p, with(I, "monto", v), "monto"))
		}
		for _, v := range []any{"ayer", "2026-02-30", "1800-01-01"} {
			add(post("finanzas", p, with(I, "fecha", v), "fecha"))
		}
		add(post("finanzas", p, with(I, "concepto", ""), "concepto"), post("finanzas", p, with(I, "sede", B), ""),
			post("finanzas", p, with(I, "sede", missing), ""), post("finanzas", p, with(I, "origen", "Pago"), ""))
		link := map[string]string{"ingresos": "pago", "gastos": "planilla"}[coll]
		add(post("finanzas", p, with(I, link, missing), ""))
	}
	add(rlHostile{name: "another sede's ingreso", actor: "finanzas", method: "PATCH", path: "/api/collections/ingresos/records/" + ingresoB, body: obj{"monto": 1}, status: 404},
		rlHostile{name: "another sede's ingreso", actor: "finanzas", method: "DELETE", path: "/api/collections/ingresos/records/" + ingresoB, status: 404})

	// --- HR, as rrhh ----------------------------------------------------------------------
	emps := "/api/collections/empleados/records"
	E := obj{"nombres": "Luis", "apellidos": "Ccama", "cargo": "Docente", "regimen_pension": "ONP", "sede": A, "dni": "41234567"}
	for _, kv := range [][2]any{{"dni", "4123456"}, {"dni", "41-234567"}, {"email", "sin-arroba"}, {"telefono", "12"},
		{"cuenta_bancaria", "abc"}, {"cci", "123"}, {"sueldo_basico", -1}, {"sueldo_basico", 1e12}, {"sueldo_basico", 1500.555},
		{"tasa_pension", 1.5}, {"tasa_pension", -0.1}, {"regimen_pension", "XYZ"}, {"horas_contrato", 800},
		{"fecha_nacimiento", "1850-01-01"}, {"fecha_nacimiento", "ayer"}, {"activo", "sí"}, {"nombres", ""}} {
		add(post("rrhh", emps, with(E, kv[0], kv[1]), kv[0].(string)))
	}
	add(post("rrhh", emps, with(E, "sede", B), ""))
	plans := "/api/collections/planillas/records"
	PL := obj{"empleado": f.EmpleadoA, "mes": 1, "anio": 2026, "sueldo_basico": 1500, "tasa_pension": 0.1}
	for _, kv := range [][2]any{{"mes", 0}, {"mes", 13}, {"mes", 1.5}, {"mes", "enero"}, {"anio", 1999}, {"anio", 2101},
		{"sueldo_basico", -1}, {"sueldo_basico", 1e12}, {"bonos", -5}, {"bonos", 10.555}, {"horas_extras", -1},
		{"horas_extras", 745}, {"tasa_pension", 1.5}} {
		add(post("rrhh", plans, with(PL, kv[0], kv[1]), kv[0].(string)))
	}
	add(post("rrhh", plans, with(PL, "empleado", missing), ""))
	gen := "/api/planillas/generar"
	add(post("rrhh", gen, obj{"mes": 13, "anio": 2026}, "mes"), post("rrhh", gen, obj{"mes": "x", "anio": 2026}, ""),
		post("rrhh", gen, obj{"mes": 1, "anio": 1800}, "anio"), post("rrhh", gen, obj{}, ""),
		rlHostile{name: "another sede", actor: "rrhh", method: "POST", path: gen, body: obj{"mes": 1, "anio": 2026, "sede": B}, status: 403},
		rlHostile{name: "unknown sede", actor: "rrhh", method: "POST", path: gen, body: obj{"mes": 1, "anio": 2026, "sede": missing}, status: 403},
		rlHostile{name: "unknown planilla", actor: "rrhh", method: "POST", path: "/api/planillas/" + missing + "/pagar", status: 404},
		rlHostile{name: "unknown planilla", actor: "rrhh", method: "POST", path: "/api/planillas/" + missing + "/anular", body: obj{"motivo": "x"}, status: 404})

	// --- voids, as finanzas ---------------------------------------------------------------
	void := func(id string) string { return "/api/pagos/" + id + "/anular" }
	pagoA := mk("finanzas", pagos, obj{"matricula": f.Matricula1, "cuota": em.CuotaPen2, "monto": 5, "medio_pago": f.Efectivo})
	add(post("finanzas", void(pagoA), obj{"motivo": ""}, "motivo"), post("finanzas", void(pagoA), obj{"motivo": long(501)}, "motivo"),
		post("finanzas", void(pagoA), obj{"motivo": 123}, ""), post("finanzas", void(pagoA), "{", ""), post("finanzas", void(pagoA), obj{}, "motivo"),
		rlHostile{name: "unknown pago", actor: "finanzas", method: "POST", path: void(missing), body: obj{"motivo": "x"}, status: 404},
		rlHostile{name: "another sede's pago", actor: "finanzas", method: "POST", path: void(pagoB), body: obj{"motivo": "x"}, status: 404},
		rlHostile{name: "already voided", actor: "finanzas", method: "POST", path: void(voided), body: obj{"motivo": "x"}, status: 409},
		rlHostile{name: "a pago is never deleted", actor: "finanzas", method: "DELETE", path: pagos + "/" + pagoA, status: 403},
		rlHostile{name: "a pago's amount never changes", actor: "finanzas", method: "PATCH", path: pagos + "/" + pagoA, body: obj{"monto": 1}, status: 404})

	// --- vouchers (student uploads) and employee documents ------------------------------
	vou := "/api/collections/vouchers/records"
	V := obj{"matricula": f.Matricula1, "cuota": em.CuotaPen3, "monto": 10, "medio_pago": f.Yape, "fecha": "2026-03-05"}
	for _, u := range []rlUpload{
		{"imagen", "voucher.png", "image/png", rlHTML}, {"imagen", "voucher.exe", "application/octet-stream", rlEXE},
		{"imagen", "voucher.svg", "image/svg+xml", rlSVG}, {"imagen", "voucher.pdf", "application/pdf", rlBig(6 << 20)},
		{"imagen", "voucher.txt", "text/plain", []byte("comprobante")}, {"imagen", "vacio.png", "image/png", nil},
	} {
		add(post("alumno1", vou, formOf(V, u), "imagen"))
	}
	add(post("alumno1", vou, V, "imagen"), post("alumno1", vou, formOf(with(V, "monto", -1), rlUpload{"imagen", "v.png", "image/png", emPNG()}), "monto"),
		post("alumno1", vou, formOf(with(V, "fecha", "ayer"), rlUpload{"imagen", "v.png", "image/png", emPNG()}), "fecha"),
		post("alumno2", vou, formOf(V, rlUpload{"imagen", "v.png", "image/png", emPNG()}), ""))
	docs := "/api/collections/documentos/records"
	D := obj{"empleado": f.EmpleadoA, "titulo": "DNI"}
	for _, u := range []rlUpload{
		{"archivo", "dni.exe", "application/octet-stream", rlEXE}, {"archivo", "dni.html", "text/html", rlHTML},
		{"archivo", "dni.pdf", "application/pdf", rlBig(11 << 20)},
	} {
		add(post("rrhh", docs, formOf(D, u), "archivo"))
	}
	add(post("rrhh", "/api/notificaciones/anuncio", obj{"titulo": "x", "mensaje": long(100 << 10)}, ""))
	add(rlHostile{name: "an announcement over 64 KB", actor: "admin", method: "POST", path: "/api/notificaciones/anuncio",
		body: obj{"titulo": "x", "mensaje": long(100 << 10)}, status: 413})

	// --- the balance's query parameters, as finanzas ---------------------------------------
	bal := func(q string) rlHostile {
		return rlHostile{actor: "finanzas", method: "GET", path: "/api/finanzas/balance?" + q}
	}
	for _, q := range []string{"desde=2026-13-01", "desde=01/01/2026", "desde=ayer", "desde=2026-1-1", "hasta=2026-02-30",
		"desde=2026-03-01&hasta=2026-02-01", "desde=1990-01-01&hasta=2026-01-01", "desde=" + url.QueryEscape("2026-01-01' OR '1'='1")} {
		h := bal(q)
		h.status = 400
		add(h)
	}
	for _, q := range []string{"sede_id=" + B, "sede_id=" + missing, "sede_id=" + url.QueryEscape("' OR 1=1 --")} {
		h := bal(q)
		h.status = 403
		add(h)
	}

	// --- filter, sort and expand injection --------------------------------------------------
	list := func(actor, coll, q string, status int) rlHostile {
		return rlHostile{actor: actor, method: "GET", path: "/api/collections/" + coll + "/records?" + q, status: status}
	}
	for _, fl := range []string{"monto >", "1=1) OR (1=1", "'; DROP TABLE pagos; --", "id = 'x' UNION SELECT password FROM _superusers",
		"sede.nombre ~ 'A' && (", "(((((((((((((((((((((((((((((((("} {
		add(list("finanzas", "pagos", "filter="+url.QueryEscape(fl), 400))
	}
	add(list("finanzas", "pagos", "filter="+url.QueryEscape("monto > 0 || @collection._superusers.email != ''"), 403))
	for _, fl := range []string{"password != ''", "tokenKey != ''"} {
		add(list("admin", "users", "filter="+url.QueryEscape(fl), 400))
	}
	for _, s := range []string{"password", "-tokenKey", "random()", "id;DROP TABLE pagos", "monto,,,"} {
		add(list("finanzas", "pagos", "sort="+url.QueryEscape(s), 400))
	}
	add(list("ventas", "empleados", "filter="+url.QueryEscape("sueldo_basico > 1000"), 403),
		list("ventas", "empleados", "sort=-sueldo_basico", 403),
		list("finanzas", "empleados", "filter="+url.QueryEscape("cuenta_bancaria != ''"), 403),
		list("ventas", "documentos", "filter="+url.QueryEscape("empleado.sueldo_basico > 0"), 403))

	// --- unknown ids and ids of the other sede or student ----------------------------------
	for _, h := range []rlHostile{
		{actor: "ventas", method: "GET", path: leads + "/" + missing, status: 404},
		{actor: "ventas", method: "PATCH", path: leads + "/" + missing, body: obj{"observaciones": "x"}, status: 404},
		{actor: "ventas", method: "DELETE", path: leads + "/" + missing, status: 404},
		{actor: "ventas", method: "PATCH", path: leads + "/" + f.LeadB, body: obj{"observaciones": "x"}, status: 404},
		{actor: "ventas", method: "DELETE", path: leads + "/" + f.LeadB, status: 404},
		{actor: "ventas", method: "PATCH", path: leads + "/" + f.LeadA, body: obj{"sede": B}, status: 404},
		{actor: "finanzas", method: "GET", path: "/api/matriculas/" + missing + "/estado-cuenta", status: 404},
		{actor: "finanzas", method: "GET", path: "/api/matriculas/" + f.Matricula2 + "/estado-cuenta", status: 404},
		{actor: "alumno1", method: "GET", path: "/api/matriculas/" + f.Matricula2 + "/estado-cuenta", status: 404},
		{actor: "docente", method: "GET", path: "/api/matriculas/" + f.Matricula2 + "/notas-resumen", status: 404},
		{actor: "finanzas", method: "POST", path: "/api/vouchers/" + missing + "/aprobar", status: 404},
		{actor: "alumno1", method: "PATCH", path: "/api/collections/alumnos/records/" + f.Alumno2, body: obj{"telefono": "987111222"}, status: 404},
		{actor: "alumno1", method: "PATCH", path: "/api/collections/alumnos/records/" + f.Alumno1, body: obj{"dni": "70000099"}, status: 404},
		{actor: "ventas", method: "PATCH", path: "/api/collections/users/records/" + f.Users["ventas"], body: obj{"rol": f.Roles["Admin"]}, status: 404},
	} {
		add(h)
	}

	// --- sign-in --------------------------------------------------------------------------
	add(post("", "/api/token/", obj{"email": 123, "password": "x"}, ""), post("", "/api/token/", obj{}, ""),
		post("", "/api/collections/users/auth-with-password", obj{"identity": long(10000), "password": "x"}, ""),
		post("", "/api/collections/users/auth-with-password", obj{"identity": []any{"a"}, "password": "x"}, ""),
		post("", "/api/collections/alumnos/auth-with-password", obj{"identity": "alumno1@test.sgul.pe", "password": ""}, "password"))

	before := rlSnapshot(t, app)
	for i, h := range cases {
		name := h.name
		if name == "" {
			name = fmt.Sprintf("%s %s", h.method, h.path)
			if len(name) > 80 {
				name = name[:80]
			}
			if h.field != "" {
				name += " [" + h.field + "]"
			}
		}
		name = fmt.Sprintf("#%d %s as %s", i+1, name, h.actor)
		var body any = h.body
		hdr := maps.Clone(h.hdr)
		if hdr == nil {
			hdr = map[string]string{}
		}
		if form, ok := h.body.(*rlForm); ok {
			raw, ct := form.encode()
			body, hdr["Content-Type"] = raw, ct
		}
		r := c.do(h.actor, h.method, h.path, body, hdr)
		switch {
		case r.Status >= 500:
			t.Errorf("%s: %d (a server error) %.300s", name, r.Status, r.Raw)
		case h.status != 0 && r.Status != h.status:
			t.Errorf("%s: %d, want %d: %.300s", name, r.Status, h.status, r.Raw)
		case r.Status < 400:
			t.Errorf("%s: accepted (%d): %.300s", name, r.Status, r.Raw)
		}
		if r.Status >= 400 && r.Status != http.StatusRequestEntityTooLarge || strings.Contains(string(r.Raw), `"message"`) {
			rlSpanishError(t, name, r)
		}
		if h.field != "" && !strings.Contains(string(r.Raw), `"`+h.field+`":{`) {
			t.Errorf("%s: the answer does not name field %s: %.300s", name, h.field, r.Raw)
		}
		after := rlSnapshot(t, app)
		if d := before.diff(after); len(d) > 0 {
			t.Errorf("%s: WROTE %v", name, d)
		}
		before = after
	}
	if len(cases) < 200 {
		t.Errorf("only %d hostile cases", len(cases))
	}
	t.Logf("%d hostile cases", len(cases))
	sgultest.CheckMoneyInvariants(t, app)
}
