package hooks_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"sgul/internal/academic"
	"sgul/internal/audit"
	"sgul/internal/notify"
	"sgul/internal/schedule"
	"sgul/internal/sgultest"
)

// bgNotifs returns the notifications of tipo (all students).
func bgNotifs(t testing.TB, app core.App, tipo string) []*core.Record {
	t.Helper()
	return emFind(t, app, "notificaciones", "tipo = {:t}", dbx.Params{"t": tipo})
}

// bgPushJobs counts the push jobs enqueued for notification id.
func bgPushJobs(t testing.TB, app core.App, id string) int {
	t.Helper()
	return len(emFind(t, app, "jobs", "tipo = {:t} && clave = {:k}", dbx.Params{"t": notify.JobPush, "k": "push:" + id}))
}

// bgNotifyOne creates a notification for alumno, as an event would.
func bgNotifyOne(t testing.TB, app core.App, alumno, key string) *core.Record {
	t.Helper()
	var rec *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		rec, err = notify.Notify(tx, notify.Event{Alumno: alumno, Tipo: notify.TipoAnuncio, Titulo: "Aviso", Mensaje: "Hola", Key: key})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// A registered pago sends the student its receipt (amount and cuota): the notification
// and its push job are written in the pago's own transaction.
func TestNotifPagoReceipt(t *testing.T) {
	f := emFixture(t)
	emRun(t, f.Fixture, []emCase{{
		Name: "pago registrado por caja", URL: "/api/collections/pagos/records", Actor: "finanzas",
		Body:   map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 150, "medio_pago": f.Efectivo},
		Status: 200, Content: []string{`"estado":"Registrado"`},
		After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			ns := bgNotifs(t, app, notify.TipoPago)
			if len(ns) != 1 || ns[0].GetString("alumno") != f.Alumno1 {
				t.Fatalf("notificaciones de pago: %d", len(ns))
			}
			msg := ns[0].GetString("mensaje")
			if !strings.Contains(msg, "S/ 150.00") || !strings.Contains(msg, "la pensión 1") || !strings.Contains(msg, "Enfermería") {
				t.Errorf("recibo: %s", msg)
			}
			if bgPushJobs(t, app, ns[0].Id) != 1 {
				t.Error("sin push job")
			}
		},
	}})
}

// A pago that rolls back (here its ingreso fails) leaves no receipt and no push job.
func TestNotifPagoRollbackLeavesNoJob(t *testing.T) {
	f := emFixture(t)
	failingLedger := func(t testing.TB) *tests.TestApp {
		app := sgultest.Factory(t)
		app.OnRecordCreateExecute("ingresos").BindFunc(func(e *core.RecordEvent) error {
			return errors.New("disco lleno")
		})
		return app
	}
	check := func(t testing.TB, app core.App) {
		if n := len(emFind(t, app, "pagos", "id != ''", nil)); n != 0 {
			t.Errorf("%d pagos tras el rollback", n)
		}
		if n := len(bgNotifs(t, app, notify.TipoPago)); n != 0 {
			t.Errorf("%d recibos tras el rollback", n)
		}
		if n := len(emFind(t, app, "jobs", "tipo = {:t}", dbx.Params{"t": notify.JobPush})); n != 0 {
			t.Errorf("%d push jobs tras el rollback", n)
		}
	}
	s := tests.ApiScenario{
		Name: "REST: el ingreso falla", Method: http.MethodPost, URL: "/api/collections/pagos/records",
		Body:    emBody(map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 150, "medio_pago": f.Efectivo}),
		Headers: f.Auth("finanzas"), ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
		TestAppFactory: failingLedger,
		AfterTestFunc:  func(t testing.TB, app *tests.TestApp, _ *http.Response) { check(t, app) },
	}
	s.Test(t)

	// From Go: the pago is saved inside a transaction that then fails.
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	err := app.RunInTransaction(func(tx core.App) error {
		emPago(t, tx, "", f.CuotaPen1, 150, "")
		if len(bgNotifs(t, tx, notify.TipoPago)) != 1 {
			t.Error("dentro de la transacción el recibo debía existir")
		}
		return errors.New("otra cosa falló")
	})
	if err == nil {
		t.Fatal("la transacción no falló")
	}
	check(t, app)
}

// Grades, absences and reviewed vouchers notify the student, once per event.
func TestNotifAcademicEvents(t *testing.T) {
	f := emFixture(t)
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()

	nota := emSave(t, app, "notas", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Práctica", "nota": 15})
	if ns := bgNotifs(t, app, notify.TipoNota); len(ns) != 1 || !strings.Contains(ns[0].GetString("mensaje"), "Fundamentos de Enfermería: 15") {
		t.Fatalf("nota publicada: %v", ns)
	}
	emPatch(t, app, "notas", nota.Id, map[string]any{"observaciones": "sin cambio de nota"})
	emPatch(t, app, "notas", nota.Id, map[string]any{"nota": 17})
	if ns := bgNotifs(t, app, notify.TipoNota); len(ns) != 2 {
		t.Fatalf("tras corregir la nota: %d notificaciones, quería 2", len(ns))
	}

	today := schedule.LimaDate(time.Now())
	emSave(t, app, "asistencias", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "fecha_clase": today, "asistio": true})
	if n := len(bgNotifs(t, app, notify.TipoAsistencia)); n != 0 {
		t.Fatalf("una asistencia notificó %d veces", n)
	}
	falta := emSave(t, app, "asistencias", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera2, "fecha_clase": today, "asistio": false})
	emPatch(t, app, "asistencias", falta.Id, map[string]any{"asistio": true})
	emPatch(t, app, "asistencias", falta.Id, map[string]any{"asistio": false})
	if ns := bgNotifs(t, app, notify.TipoAsistencia); len(ns) != 1 || ns[0].GetString("alumno") != f.Alumno1 {
		t.Fatalf("inasistencias: %d notificaciones, quería 1", len(ns))
	}

	// Vouchers: approval (plus the receipt of the pago it creates) and rejection.
	file, _ := filesystem.NewFileFromBytes(emPNG(), "yape.png")
	v1 := emSave(t, app, "vouchers", "", map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen1, "monto": 150,
		"medio_pago": f.Yape, "fecha": today, "imagen": file})
	file2, _ := filesystem.NewFileFromBytes(emPNG(), "plin.png")
	v2 := emSave(t, app, "vouchers", "", map[string]any{"matricula": f.Matricula1, "cuota": f.CuotaPen2, "monto": 150,
		"medio_pago": f.Yape, "fecha": today, "imagen": file2})
	actor := audit.Actor{UserID: f.Users["finanzas"], Label: "users:finanzas@test.sgul.pe"}
	if _, err := academic.AprobarVoucher(app, v1.Id, actor, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := academic.RechazarVoucher(app, v2.Id, "La imagen no es legible", actor, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := academic.AprobarVoucher(app, v1.Id, actor, time.Now()); err != nil { // repeated: no change
		t.Fatal(err)
	}
	vs := bgNotifs(t, app, notify.TipoVoucher)
	if len(vs) != 2 {
		t.Fatalf("vouchers: %d notificaciones, quería 2", len(vs))
	}
	text := vs[0].GetString("titulo") + vs[0].GetString("mensaje") + vs[1].GetString("titulo") + vs[1].GetString("mensaje")
	if !strings.Contains(text, "Voucher aprobado") || !strings.Contains(text, "La imagen no es legible") {
		t.Errorf("textos: %s", text)
	}
	if n := len(bgNotifs(t, app, notify.TipoPago)); n != 1 {
		t.Errorf("el pago del voucher aprobado dejó %d recibos", n)
	}
}

// Who reads, marks read, creates and deletes notifications through the API.
func TestNotifRules(t *testing.T) {
	f := emFixture(t)
	const own, other = "notifalumno0001", "notifalumno0002"
	seed := func(t testing.TB, app *tests.TestApp) {
		for id, alumno := range map[string]string{own: f.Alumno1, other: f.Alumno2} {
			emSave(t, app, "notificaciones", id, map[string]any{"alumno": alumno, "tipo": "anuncio", "titulo": "Aviso " + id,
				"mensaje": "Hola", "clave": "clave-secreta-" + id})
		}
	}
	list := "/api/collections/notificaciones/records"
	one := list + "/" + own
	unchangedRead := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if r := emRecord(t, app, "notificaciones", own); r.GetBool("leida") || r.GetString("titulo") != "Aviso "+own {
			t.Errorf("la notificación cambió: %v", r.PublicExport())
		}
	}
	cases := []emCase{
		{Name: "lista: anónimo no ve nada", Method: http.MethodGet, URL: list, Before: seed, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "lista: alumno1 ve solo la suya", Method: http.MethodGet, URL: list, Actor: "alumno1", Before: seed, Status: 200,
			Content: []string{`"totalItems":1`, own}, NotContent: []string{other, "clave-secreta"}},
		{Name: "lista: alumno2 no ve la de alumno1", Method: http.MethodGet, URL: list, Actor: "alumno2", Before: seed, Status: 200,
			Content: []string{`"totalItems":1`, other}, NotContent: []string{own}},
		{Name: "lista: personal con todos los permisos no ve notificaciones de alumnos", Method: http.MethodGet, URL: list, Actor: "admin",
			Before: seed, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "ver: alumno2 no ve la de alumno1", Method: http.MethodGet, URL: one, Actor: "alumno2", Before: seed, Status: 404},
		{Name: "ver: superusuario ve la clave interna", Method: http.MethodGet, URL: one, Actor: "superuser", Before: seed, Status: 200,
			Content: []string{"clave-secreta"}},
		{Name: "marcar leída: alumno1", Method: http.MethodPatch, URL: one, Actor: "alumno1", Before: seed, Body: map[string]any{"leida": true},
			Status: 200, Content: []string{`"leida":true`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if !emRecord(t, app, "notificaciones", own).GetBool("leida") {
					t.Error("no quedó leída")
				}
			}},
		{Name: "marcar leída: alumno2 sobre la de alumno1", Method: http.MethodPatch, URL: one, Actor: "alumno2", Before: seed,
			Body: map[string]any{"leida": true}, Status: 404, After: unchangedRead},
		{Name: "marcar leída: personal", Method: http.MethodPatch, URL: one, Actor: "admin", Before: seed,
			Body: map[string]any{"leida": true}, Status: 404, After: unchangedRead},
		{Name: "cambiar el título: el dueño tampoco", Method: http.MethodPatch, URL: one, Actor: "alumno1", Before: seed,
			Body: map[string]any{"titulo": "Otro", "leida": true}, Status: 404, After: unchangedRead},
		{Name: "crear: alumno", URL: list, Actor: "alumno1", Status: 403,
			Body: map[string]any{"alumno": f.Alumno1, "tipo": "anuncio", "titulo": "Falso", "mensaje": "x"}},
		{Name: "crear: personal", URL: list, Actor: "admin", Status: 403,
			Body: map[string]any{"alumno": f.Alumno1, "tipo": "anuncio", "titulo": "Falso", "mensaje": "x"}},
		{Name: "borrar: el dueño", Method: http.MethodDelete, URL: one, Actor: "alumno1", Before: seed, Status: 403},
		{Name: "entregas: solo superusuarios", Method: http.MethodGet, URL: "/api/collections/entregas_push/records", Actor: "admin", Status: 403},
		{Name: "entregas: alumno", Method: http.MethodGet, URL: "/api/collections/entregas_push/records", Actor: "alumno1", Status: 403},
	}
	emRun(t, f.Fixture, cases)
}

// The student's app registers its push tokens; a known token moves to whoever signs in.
func TestDispositivoRules(t *testing.T) {
	f := emFixture(t)
	list := "/api/collections/dispositivos/records"
	const dev1 = "dispositivo0001"
	seed := func(t testing.TB, app *tests.TestApp) {
		emSave(t, app, "dispositivos", dev1, map[string]any{"alumno": f.Alumno1, "plataforma": "expo", "token": "ExponentPushToken[alumno1]", "activo": true})
	}
	ownerIs := func(token, alumno string, active bool) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			rs := emFind(t, app, "dispositivos", "token = {:t}", dbx.Params{"t": token})
			if len(rs) != 1 || rs[0].GetString("alumno") != alumno || rs[0].GetBool("activo") != active {
				t.Errorf("dispositivo %s: %v", token, rs)
			}
		}
	}
	none := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if n := len(emFind(t, app, "dispositivos", "token != 'ExponentPushToken[alumno1]'", nil)); n != 0 {
			t.Errorf("%d dispositivos creados", n)
		}
	}
	expo := func(tok string) map[string]any { return map[string]any{"plataforma": "expo", "token": tok} }
	cases := []emCase{
		{Name: "registrar: alumno1", URL: list, Actor: "alumno1", Body: expo("ExponentPushToken[nuevo]"), Status: 200,
			Content: []string{`"activo":true`, f.Alumno1}, After: ownerIs("ExponentPushToken[nuevo]", f.Alumno1, true)},
		{Name: "registrar FCM: alumno2", URL: list, Actor: "alumno2", Body: map[string]any{"plataforma": "fcm", "token": "fcm:APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ"},
			Status: 200, Content: []string{f.Alumno2}},
		{Name: "registrar: a nombre de otro alumno", URL: list, Actor: "alumno1", Status: 400, After: none,
			Body: map[string]any{"plataforma": "expo", "token": "ExponentPushToken[x]", "alumno": f.Alumno2}},
		{Name: "registrar: anónimo", URL: list, Body: expo("ExponentPushToken[x]"), Status: 400, After: none},
		{Name: "registrar: personal", URL: list, Actor: "admin", Body: expo("ExponentPushToken[x]"), Status: 400, After: none},
		{Name: "registrar: token Expo mal formado", URL: list, Actor: "alumno1", Body: expo("no-es-un-token"), Status: 400,
			Content: []string{`"token"`}, After: none},
		{Name: "registrar: plataforma desconocida", URL: list, Actor: "alumno1", Body: map[string]any{"plataforma": "apns", "token": "abc"},
			Status: 400, After: none},
		{Name: "el mismo teléfono, otro alumno: el token cambia de dueño", URL: list, Actor: "alumno2", Before: seed,
			Body: expo("ExponentPushToken[alumno1]"), Status: 200, Content: []string{dev1, f.Alumno2},
			After: ownerIs("ExponentPushToken[alumno1]", f.Alumno2, true)},
		{Name: "lista: alumno2 no ve los de alumno1", Method: http.MethodGet, URL: list, Actor: "alumno2", Before: seed, Status: 200,
			Content: []string{`"totalItems":0`}},
		{Name: "lista: personal no ve tokens", Method: http.MethodGet, URL: list, Actor: "admin", Before: seed, Status: 200,
			Content: []string{`"totalItems":0`}},
		{Name: "desactivar: el dueño", Method: http.MethodPatch, URL: list + "/" + dev1, Actor: "alumno1", Before: seed,
			Body: map[string]any{"activo": false}, Status: 200, After: ownerIs("ExponentPushToken[alumno1]", f.Alumno1, false)},
		{Name: "desactivar: otro alumno", Method: http.MethodPatch, URL: list + "/" + dev1, Actor: "alumno2", Before: seed,
			Body: map[string]any{"activo": false}, Status: 404, After: ownerIs("ExponentPushToken[alumno1]", f.Alumno1, true)},
		{Name: "cambiar de dueño por PATCH", Method: http.MethodPatch, URL: list + "/" + dev1, Actor: "alumno1", Before: seed,
			Body: map[string]any{"alumno": f.Alumno2}, Status: 404, After: ownerIs("ExponentPushToken[alumno1]", f.Alumno1, true)},
		{Name: "borrar: otro alumno", Method: http.MethodDelete, URL: list + "/" + dev1, Actor: "alumno2", Before: seed, Status: 404,
			After: ownerIs("ExponentPushToken[alumno1]", f.Alumno1, true)},
		{Name: "borrar: el dueño", Method: http.MethodDelete, URL: list + "/" + dev1, Actor: "alumno1", Before: seed, Status: 204},
	}
	emRun(t, f.Fixture, cases)
}

// POST /api/notificaciones/anuncio: refusals first, then the fan-out job.
func TestAnuncioEndpoint(t *testing.T) {
	f := emFixture(t)
	url := "/api/notificaciones/anuncio"
	body := func(aud map[string]any) map[string]any {
		return map[string]any{"titulo": "Feriado", "mensaje": "El lunes no hay clases.", "audiencia": aud}
	}
	grantVentas := func(t testing.TB, app *tests.TestApp) { acGrant(t, app, f.Users["ventas"], "notificaciones") }
	noJob := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if n := len(emFind(t, app, "jobs", "tipo = {:t}", dbx.Params{"t": notify.JobAnuncio})); n != 0 {
			t.Errorf("%d jobs de anuncio", n)
		}
	}
	oneJob := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if n := len(emFind(t, app, "jobs", "tipo = {:t}", dbx.Params{"t": notify.JobAnuncio})); n != 1 {
			t.Errorf("%d jobs de anuncio, quería 1", n)
		}
	}
	cases := []emCase{
		{Name: "anónimo", URL: url, Body: body(nil), Status: 401, After: noJob},
		{Name: "alumno", URL: url, Actor: "alumno1", Body: body(nil), Status: 403, After: noJob},
		{Name: "personal sin el permiso", URL: url, Actor: "finanzas", Body: body(nil), Status: 403, After: noJob},
		{Name: "usuario inactivo", URL: url, Actor: "inactive", Body: body(nil), Status: 403, After: noJob},
		{Name: "con permiso, otra sede", URL: url, Actor: "ventas", Before: grantVentas, Body: body(map[string]any{"sede": f.SedeB}),
			Status: 403, After: noJob},
		{Name: "cuerpo inválido", URL: url, Actor: "admin", Body: "{", Status: 400, After: noJob},
		{Name: "sin título", URL: url, Actor: "admin", Body: map[string]any{"mensaje": "Hola a todos"}, Status: 400,
			Content: []string{`"titulo"`}, After: noJob},
		{Name: "audiencia vacía", URL: url, Actor: "admin", Body: body(map[string]any{"estado": "Egresado"}), Status: 400,
			Content: []string{"No hay alumnos"}, After: noJob},
		{Name: "con permiso, su sede", URL: url, Actor: "ventas", Before: grantVentas, Body: body(map[string]any{"sede": f.SedeA}),
			Status: 202, Content: []string{`"destinatarios":1`}, After: oneJob},
		{Name: "admin, todas sus sedes", URL: url, Actor: "admin", Body: body(nil), Status: 202,
			Content: []string{`"destinatarios":2`, `"anuncio":"`}, After: oneJob},
	}
	emRun(t, f.Fixture, cases)
}
