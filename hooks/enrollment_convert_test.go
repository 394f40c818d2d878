package hooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/hooks"
	"sgul/internal/enrollment"
	"sgul/internal/finance"
	"sgul/internal/sgultest"
)

const convertURL = "/api/matriculas/"

// convertBody is a valid conversion of LeadA (sede A) into the Carrera, virtual.
func convertBody(f emWorld, extra map[string]any) map[string]any {
	return emMerge(map[string]any{"lead": f.LeadA, "programa": f.Carrera, "modalidad": f.Virtual, "dni": "71234567",
		"email": "lucia.quispe@correo.pe", "telefono": "987123456"}, extra)
}

// wantCuota is one expected cuota of a new matrícula.
type wantCuota struct {
	concepto    string
	numero      int
	centimos    int64
	vencimiento string
}

// scheduleFrom is the expected schedule of a matrícula enrolled today: the Matrícula due
// today (Lima) and n pensiones due on the 5th of the following months.
func scheduleFrom(matricula int64, n int, pension int64) []wantCuota {
	today, _ := time.Parse(time.DateOnly, finance.Today())
	out := []wantCuota{{"Matrícula", 1, matricula, today.Format(time.DateOnly)}}
	for k := 1; k <= n; k++ {
		out = append(out, wantCuota{"Pensión", k, pension, time.Date(today.Year(), today.Month()+time.Month(k), 5, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)})
	}
	return out
}

func checkCuotas(t testing.TB, app core.App, matricula string, want []wantCuota) {
	t.Helper()
	got := emFind(t, app, "cuotas", "matricula = {:m}", dbx.Params{"m": matricula})
	if len(got) != len(want) {
		t.Fatalf("matrícula %s has %d cuotas, want %d", matricula, len(got), len(want))
	}
	byKey := map[string]*core.Record{}
	for _, c := range got {
		byKey[fmt.Sprintf("%s/%d", c.GetString("concepto"), c.GetInt("numero"))] = c
	}
	for _, w := range want {
		c := byKey[fmt.Sprintf("%s/%d", w.concepto, w.numero)]
		if c == nil {
			t.Errorf("missing cuota %s %d", w.concepto, w.numero)
			continue
		}
		if emCents(c, "monto") != w.centimos || emCents(c, "pagado") != 0 || c.GetString("estado") != "Pendiente" ||
			finance.DateOf(c, "vencimiento") != w.vencimiento {
			t.Errorf("cuota %s %d = %d céntimos, pagado %d, %s, vence %s; want %d céntimos, Pendiente, vence %s",
				w.concepto, w.numero, emCents(c, "monto"), emCents(c, "pagado"), c.GetString("estado"), finance.DateOf(c, "vencimiento"),
				w.centimos, w.vencimiento)
		}
	}
}

// converted checks the effects of a successful conversion answered in res.
func converted(lead, asesor, caller, sede string, newAlumno bool, want []wantCuota,
	more func(t testing.TB, app *tests.TestApp, mat, alumno *core.Record)) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		body := emDecode(t, res)
		m, _ := body["matricula"].(map[string]any)
		id, _ := m["id"].(string)
		mat := emRecord(t, app, "matriculas", id)
		alumno := emRecord(t, app, "alumnos", mat.GetString("alumno"))
		if mat.GetString("asesor") != asesor || mat.GetString("usuario_inscripcion") != caller || mat.GetString("sede") != sede ||
			mat.GetString("estado") != "Activo" || mat.GetDateTime("fecha_inscripcion").IsZero() {
			t.Errorf("matrícula asesor=%s usuario_inscripcion=%s sede=%s estado=%s; want asesor=%s usuario_inscripcion=%s sede=%s Activo",
				mat.GetString("asesor"), mat.GetString("usuario_inscripcion"), mat.GetString("sede"), mat.GetString("estado"), asesor, caller, sede)
		}
		if cs, _ := body["cuotas"].([]any); len(cs) != len(want) {
			t.Errorf("answer lists %d cuotas, want %d", len(cs), len(want))
		}
		checkCuotas(t, app, id, want)

		l := emRecord(t, app, "leads", lead)
		if l.GetString("estado_lead") != "Convertido" {
			t.Errorf("lead is %s, want Convertido", l.GetString("estado_lead"))
		}
		var logged []string
		for _, i := range emFind(t, app, "interacciones", "lead = {:l} && usuario = {:u}", dbx.Params{"l": lead, "u": caller}) {
			logged = append(logged, i.GetString("resultado"))
		}
		if len(logged) != 1 || !strings.HasPrefix(logged[0], "Convertido: matrícula "+id) {
			t.Errorf("interacciones of the conversion = %q, want exactly the conversion", logged)
		}

		// The reset mail is queued in the conversion's transaction (TestConvertResetMailIsSent
		// runs the queue and checks the mail itself).
		jobs := emWelcomeJobs(t, app)
		if newAlumno {
			if alumno.GetString("lead") != lead {
				t.Errorf("new alumno's lead = %q", alumno.GetString("lead"))
			}
			if alumno.ValidatePassword(alumno.GetString("dni")) || alumno.ValidatePassword(sgultest.Password) || alumno.ValidatePassword("") {
				t.Error("the new alumno has a guessable password")
			}
			if len(jobs) != 1 || !strings.Contains(jobs[0].GetString("payload"), alumno.Id) {
				t.Errorf("welcome mail jobs = %d, want 1 for %s", len(jobs), alumno.Id)
			}
		} else if len(jobs) != 0 {
			t.Errorf("%d welcome mails queued for a returning alumno", len(jobs))
		}
		if more != nil {
			more(t, app, mat, alumno)
		}
	}
}

func TestConvertLead(t *testing.T) {
	f := emFixture(t)
	carrera := scheduleFrom(10000, 3, 15000)
	multipart, mpHeaders := emMultipart(map[string]string{"lead": f.LeadA, "programa": f.Carrera, "modalidad": f.Virtual,
		"dni": "71234567", "email": "lucia.quispe@correo.pe"}, "archivo_dni", "archivo_partida")

	var replayed string
	emRun(t, f.Fixture, []emCase{
		{
			Name: "admin converts LeadA: alumno, matrícula, cuotas, lead Convertido, interaction, reset mail", URL: convertURL,
			Actor: "admin", Body: convertBody(f, nil), Status: 201,
			Content: []string{`"reintento":false`, `"dni":"71234567"`, `"estado":"Activo"`},
			After: converted(f.LeadA, f.Users["ventas"], f.Users["admin"], f.SedeA, true, carrera,
				func(t testing.TB, app *tests.TestApp, mat, alumno *core.Record) {
					if alumno.GetString("dni") != "71234567" || alumno.Email() != "lucia.quispe@correo.pe" ||
						alumno.GetString("nombre_completo") != "Lucía Quispe" || alumno.GetString("telefono") != "987123456" {
						t.Errorf("alumno = %v", alumno.PublicExport())
					}
				}),
		},
		{
			Name: "ventas converts with multipart and the DNI and birth certificate scans", URL: convertURL, Actor: "ventas",
			Body: multipart, Headers: mpHeaders, Status: 201, Content: []string{`"reintento":false`},
			After: converted(f.LeadA, f.Users["ventas"], f.Users["ventas"], f.SedeA, true, carrera,
				func(t testing.TB, app *tests.TestApp, mat, alumno *core.Record) {
					if alumno.GetString("archivo_dni") == "" || alumno.GetString("archivo_partida") == "" {
						t.Errorf("scans not stored: %q %q", alumno.GetString("archivo_dni"), alumno.GetString("archivo_partida"))
					}
				}),
		},
		{
			Name: "without the trailing slash", URL: "/api/matriculas", Actor: "ventas", Body: convertBody(f, nil), Status: 201,
			Content: []string{`"reintento":false`},
			After:   converted(f.LeadA, f.Users["ventas"], f.Users["ventas"], f.SedeA, true, carrera, nil),
		},
		{
			Name: "Especialización presencial: Matrícula plus 10 pensiones at the presencial price", URL: convertURL, Actor: "ventas",
			Body:   convertBody(f, map[string]any{"programa": f.Especializacion, "modalidad": f.Presencial}),
			Status: 201, Content: []string{`"reintento":false`},
			After: converted(f.LeadA, f.Users["ventas"], f.Users["ventas"], f.SedeA, true, scheduleFrom(10000, 10, 20000), nil),
		},
		{
			Name: "Curso: one Pago Único due today", URL: convertURL, Actor: "ventasB",
			Body:   convertBody(f, map[string]any{"lead": f.LeadB, "programa": f.Curso, "modalidad": f.Presencial, "dni": "72345678", "email": "marco@correo.pe"}),
			Status: 201, Content: []string{`"reintento":false`},
			After: converted(f.LeadB, f.Users["ventasB"], f.Users["ventasB"], f.SedeB, true,
				[]wantCuota{{"Pago Único", 1, 15000, finance.Today()}}, nil),
		},
		{
			Name: "an alumno who already studies here is reused (same DNI and e-mail), no mail", URL: convertURL, Actor: "ventas",
			Body:   convertBody(f, map[string]any{"programa": f.Especializacion, "dni": "70000001", "email": "Alumno1@test.sgul.pe"}),
			Status: 201, Content: []string{`"reintento":false`, f.Alumno1},
			After: converted(f.LeadA, f.Users["ventas"], f.Users["ventas"], f.SedeA, false, scheduleFrom(10000, 10, 15000),
				func(t testing.TB, app *tests.TestApp, mat, alumno *core.Record) {
					if alumno.Id != f.Alumno1 || !alumno.ValidatePassword(sgultest.Password) {
						t.Errorf("alumno %s (own password kept: %v), want %s", alumno.Id, alumno.ValidatePassword(sgultest.Password), f.Alumno1)
					}
					if n, _ := app.CountRecords("alumnos"); n != 2 {
						t.Errorf("alumnos = %d, want 2", n)
					}
				}),
		},
		{
			Name: "Idempotency-Key: a retry answers the first matrícula (200, reintento) and writes nothing", URL: convertURL,
			Actor: "ventas", Body: convertBody(f, nil), Headers: map[string]string{"Idempotency-Key": "conv-lucia-1"},
			Status: 200, Content: []string{`"reintento":true`}, Unchanged: true,
			Before: func(t testing.TB, app *tests.TestApp) {
				ventas := emRecord(t, app, "users", f.Users["ventas"])
				in := enrollment.ConvertInput{Lead: f.LeadA, Programa: f.Carrera, Modalidad: f.Virtual, DNI: "71234567",
					Email: "lucia.quispe@correo.pe", IdempotencyKey: "conv-lucia-1"}
				conv, err := enrollment.Convert(app, ventas, in)
				if err != nil {
					t.Fatal(err)
				}
				replayed = conv.Matricula.Id
			},
			After: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				m, _ := emDecode(t, res)["matricula"].(map[string]any)
				if m["id"] != replayed {
					t.Errorf("retry answered matrícula %v, want %s", m["id"], replayed)
				}
			},
		},
	})
}

func TestConvertRefusals(t *testing.T) {
	f := emFixture(t)
	refused := func(name, actor string, body any, status int, content ...string) emCase {
		return emCase{Name: name, URL: convertURL, Actor: actor, Body: body, Status: status, Content: content, Unchanged: true}
	}
	inactive := func(prog string) func(testing.TB, *tests.TestApp) {
		return func(t testing.TB, app *tests.TestApp) {
			emPatch(t, app, "programas", prog, map[string]any{"activo": false})
		}
	}
	valid := convertBody(f, nil)
	cases := []emCase{
		refused("anonymous", "", valid, 401, "Debe iniciar sesión"),
		refused("student", "alumno1", valid, 403, "No tiene permiso"),
		refused("role without matriculas (finanzas)", "finanzas", valid, 403, "No tiene permiso"),
		refused("role without matriculas (docente)", "docente", valid, 403),
		refused("user without role", "norole", valid, 403),
		refused("inactive user with a valid token", "inactive", valid, 403),
		refused("staff of another sede cannot see the lead", "ventasB", valid, 404, "El lead no existe."),
		refused("unknown lead", "ventas", convertBody(f, map[string]any{"lead": "noexiste0000000"}), 404, "El lead no existe."),
		refused("lead already converted", "ventas", convertBody(f, map[string]any{"lead": f.LeadConv1}), 409, "El lead ya fue convertido en matrícula."),
		refused("unknown program", "ventas", convertBody(f, map[string]any{"programa": "noexiste0000000"}), 400, `"programa"`, "El programa no existe."),
		refused("unknown modalidad", "ventas", convertBody(f, map[string]any{"modalidad": "noexiste0000000"}), 400, `"modalidad"`),
		refused("program of another sede", "ventas", convertBody(f, map[string]any{"programa": f.Curso}), 400,
			`"sede"`, "El programa no pertenece a la sede seleccionada."),
		refused("program of another sede, sede given", "ventas", convertBody(f, map[string]any{"programa": f.Curso, "sede": f.SedeA}), 400,
			`"sede"`, "El programa no pertenece a la sede seleccionada."),
		refused("program of another sede, even for admin", "admin", convertBody(f, map[string]any{"programa": f.Curso}), 400, `"sede"`),
		refused("a sede the caller does not work in", "ventas", convertBody(f, map[string]any{"sede": f.SedeB}), 400, `"sede"`),
		refused("DNI of 7 digits", "ventas", convertBody(f, map[string]any{"dni": "1234567"}), 400, `"dni"`, "El DNI debe tener 8 dígitos."),
		refused("DNI of 9 digits", "ventas", convertBody(f, map[string]any{"dni": "123456789"}), 400, `"dni"`, "El DNI debe tener 8 dígitos."),
		refused("DNI with letters", "ventas", convertBody(f, map[string]any{"dni": "1234567A"}), 400, `"dni"`),
		refused("e-mail taken by another alumno", "ventas", convertBody(f, map[string]any{"email": "alumno2@test.sgul.pe"}), 400,
			`"email"`, "Este correo ya está registrado por otro alumno."),
		refused("DNI of an alumno with another e-mail", "ventas", convertBody(f, map[string]any{"dni": "70000002"}), 400,
			`"email"`, "Este DNI ya está registrado con otro correo"),
		refused("invalid e-mail", "ventas", convertBody(f, map[string]any{"email": "no-es-correo"}), 400, `"email"`, "Ingrese un correo válido."),
		refused("invalid phone", "ventas", convertBody(f, map[string]any{"telefono": "12345"}), 400, `"telefono"`),
		refused("empty body", "ventas", map[string]any{}, 400, `"lead"`, `"programa"`, `"modalidad"`, `"dni"`, `"email"`),
		refused("bad JSON", "ventas", `{"lead":`, 400, "Los datos enviados no tienen un formato válido."),
		refused("invalid Idempotency-Key", "ventas", valid, 400, "La cabecera Idempotency-Key no es válida."),
	}
	cases[len(cases)-1].Headers = map[string]string{"Idempotency-Key": "con espacios"}
	program := refused("program not active", "ventas", convertBody(f, map[string]any{"programa": f.Especializacion}), 400,
		`"programa"`, "El programa no está activo.")
	program.Before = inactive(f.Especializacion)
	cases = append(cases, program)
	emRun(t, f.Fixture, cases)
}

// emWelcomeJobs lists the queued welcome (password-reset) mails.
func emWelcomeJobs(t testing.TB, app core.App) []*core.Record {
	t.Helper()
	return emFind(t, app, "jobs", "tipo = 'correo_bienvenida_alumno'", nil)
}

// TestConvertResetMailIsSent runs the job queue over real HTTP: the new student gets
// PocketBase's password-reset mail once, the returning one none.
func TestConvertResetMailIsSent(t *testing.T) {
	app, f := sgultest.NewAppWith(t, func(c *hooks.Config) { c.DisableBackground = false; c.Workers = 1 })
	t.Cleanup(app.Cleanup)
	base := sgultest.Serve(t, app)
	w := emFixture(t)

	post := func(body map[string]any) int {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, base+convertURL, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", f.Tokens["ventas"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode
	}
	if st := post(convertBody(w, nil)); st != 201 {
		t.Fatalf("conversion: %d", st)
	}
	if st := post(convertBody(w, map[string]any{"lead": f.LeadConv1, "dni": "70000001", "email": "alumno1@test.sgul.pe"})); st != 409 {
		t.Fatalf("converted lead: %d", st)
	}
	deadline := time.Now().Add(10 * time.Second)
	for app.TestMailer.TotalSend() < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a second (wrong) mail would show up now
	msgs := app.TestMailer.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0].Address != "lucia.quispe@correo.pe" {
		t.Fatalf("mails = %+v, want one to lucia.quispe@correo.pe", msgs)
	}
	alumno, err := app.FindAuthRecordByEmail("alumnos", "lucia.quispe@correo.pe")
	if err != nil {
		t.Fatal(err)
	}
	if alumno.ValidatePassword("71234567") {
		t.Fatal("the new alumno's password is its DNI")
	}
	if !strings.Contains(msgs[0].HTML, "/#/restablecer?token=") {
		t.Errorf("the mail carries no reset link:\n%s", msgs[0].HTML)
	}
	sgultest.CheckMoneyInvariants(t, app)
}

// TestConvertNewAlumnoCannotSignInWithDNI: the new account's password is not the DNI.
func TestConvertNewAlumnoCannotSignInWithDNI(t *testing.T) {
	f := emFixture(t)
	login := func(password string) any {
		return map[string]any{"identity": "lucia.quispe@correo.pe", "password": password}
	}
	convert := func(t testing.TB, app *tests.TestApp) {
		admin := emRecord(t, app, "users", f.Users["admin"])
		if _, err := enrollment.Convert(app, admin, enrollment.ConvertInput{Lead: f.LeadA, Programa: f.Carrera,
			Modalidad: f.Virtual, DNI: "71234567", Email: "lucia.quispe@correo.pe"}); err != nil {
			t.Fatal(err)
		}
	}
	url := "/api/collections/alumnos/auth-with-password"
	emRun(t, f.Fixture, []emCase{
		{Name: "the DNI is not the password", URL: url, Body: login("71234567"), Status: 400, Before: convert,
			Content: []string{"Correo o contraseña incorrectos."}, NotContent: []string{`"token"`}},
		{Name: "nor the fixture password", URL: url, Body: login(sgultest.Password), Status: 400, Before: convert,
			NotContent: []string{`"token"`}, Content: []string{`"status":400`}},
		{Name: "an old alumno still signs in (control)", URL: url, Status: 200,
			Body:    map[string]any{"identity": "alumno1@test.sgul.pe", "password": sgultest.Password},
			Content: []string{`"token"`}},
	})
}
