package hooks_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

type obj = map[string]any

// call is one write through the collection API. Refusals are pinned to the status
// PocketBase gives a failed rule (create 400, update/delete 404, no rule at all 403) and
// to zero hook events, so a refusal can never be a write that failed later.
type call struct {
	name   string
	actor  string
	method string // POST, PATCH or DELETE
	coll   string
	id     string // PATCH and DELETE
	body   obj
	file   string // multipart: the body plus a PDF in this file field
	status int
	setup  func(testing.TB, *tests.TestApp) // after the world is seeded
	// byForm: refused after the rule passed, by PocketBase's own form checks (events fire;
	// check asserts nothing changed)
	byForm bool
	check  func(testing.TB, *tests.TestApp, *http.Response)
}

func post(coll string, body obj) call { return call{method: http.MethodPost, coll: coll, body: body} }
func patch(coll, id string, body obj) call {
	return call{method: http.MethodPatch, coll: coll, id: id, body: body}
}
func del(coll, id string) call { return call{method: http.MethodDelete, coll: coll, id: id} }

func (c call) as(actor string, status int, name string) call {
	c.actor, c.status, c.name = actor, status, name
	return c
}

func (c call) withFile(field string) call { c.file = field; return c }

func (c call) after(setup func(testing.TB, *tests.TestApp)) call { c.setup = setup; return c }

func (c call) refusedByForm(check func(testing.TB, *tests.TestApp, *http.Response)) call {
	c.byForm, c.check = true, check
	return c
}

func runCalls(t *testing.T, w *world, calls []call) {
	t.Helper()
	for _, c := range calls {
		url := "/api/collections/" + c.coll + "/records"
		if c.id != "" {
			url += "/" + c.id
		}
		var body io.Reader
		hdr := headers(w.Fixture, c.actor, nil)
		switch {
		case c.file != "":
			fields := map[string]string{}
			for k, v := range c.body {
				fields[k] = toFormValue(v)
			}
			var ct string
			body, ct = multipartBody(fields, c.file, "archivo.pdf")
			hdr["Content-Type"] = ct
		case c.body != nil:
			body = jsonBody(c.body)
		}
		before := []func(testing.TB, *tests.TestApp){}
		if c.setup != nil {
			before = append(before, c.setup)
		}
		s := tests.ApiScenario{
			Name:           c.coll + ": " + c.name + " (" + c.actor + " " + c.method + " -> " + strconv.Itoa(c.status) + ")",
			Method:         c.method,
			URL:            url,
			Body:           body,
			Headers:        hdr,
			ExpectedStatus: c.status,
			TestAppFactory: sgultest.Factory,
			BeforeTestFunc: w.seeded(before...),
		}
		switch c.status {
		case http.StatusOK:
			s.ExpectedContent = []string{`"id":`}
			s.ExpectedEvents = map[string]int{requestEvent(c.method): 1}
		case http.StatusNoContent:
			s.ExpectedEvents = map[string]int{requestEvent(c.method): 1}
		case http.StatusBadRequest:
			if c.byForm {
				s.ExpectedContent = []string{`"status":400`}
				break
			}
			fallthrough
		default: // refused by the rule, before any hook ran
			s.ExpectedContent = []string{`"status":` + strconv.Itoa(c.status)}
			s.ExpectedEvents = map[string]int{"*": 0}
		}
		s.AfterTestFunc = c.check
		s.Test(t)
	}
}

// unchanged checks that a refused write left a field as it was.
func unchanged(coll, id, field, want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		r, err := app.FindRecordById(coll, id)
		if err != nil || r.GetString(field) != want {
			t.Errorf("%s/%s.%s changed: %v %v", coll, id, field, r, err)
		}
	}
}

func requestEvent(method string) string {
	switch method {
	case http.MethodPost:
		return "OnRecordCreateRequest"
	case http.MethodPatch:
		return "OnRecordUpdateRequest"
	default:
		return "OnRecordDeleteRequest"
	}
}

func toFormValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		panic("rules test: unsupported multipart value")
	}
}

func TestRulesWriteLeads(t *testing.T) {
	w := newWorld(t)
	A, B := w.SedeA, w.SedeB
	newLead := func(sede, asesor string) obj {
		return obj{"nombre_completo": "Carla Ticona", "telefono": "987111222", "genero": "Femenino", "asesor": asesor,
			"medio_contacto": w.Facebook, "intereses": []string{w.Carrera}, "sede": sede}
	}
	leadA, interA := newLead(A, w.Users["ventas"]), obj{"lead": w.LeadA, "tipo": "Llamada", "resultado": "Volver a llamar"}
	runCalls(t, w, []call{
		post("leads", leadA).as("anonymous", 400, "anonymous creates a lead"),
		post("leads", leadA).as("alumno1", 400, "a student creates a lead"),
		post("leads", leadA).as("finanzas", 400, "finanzas (no lead permission) creates a lead"),
		post("leads", leadA).as("docente", 400, "a docente creates a lead"),
		post("leads", leadA).as("norole", 400, "a user without role creates a lead"),
		post("leads", leadA).as("inactive", 400, "an inactive asesor creates a lead"),
		post("leads", leadA).as("ventasB", 400, "ventas of sede B creates a lead in sede A"),
		post("leads", newLead(B, w.Users["ventas"])).as("ventas", 400, "ventas of sede A creates a lead in sede B"),
		patch("leads", w.LeadA, obj{"observaciones": "x"}).as("anonymous", 404, "anonymous edits a lead"),
		patch("leads", w.LeadA, obj{"observaciones": "x"}).as("alumno1", 404, "a student edits a lead"),
		patch("leads", w.LeadA, obj{"observaciones": "x"}).as("finanzas", 404, "finanzas edits a lead"),
		patch("leads", w.LeadA, obj{"observaciones": "x"}).as("inactive", 404, "an inactive asesor edits a lead"),
		patch("leads", w.LeadA, obj{"observaciones": "x"}).as("ventasB", 404, "ventas of sede B edits a lead of sede A"),
		patch("leads", w.LeadA, obj{"sede": B}).as("ventas", 404, "ventas moves its lead to a sede it is not assigned to"),
		del("leads", w.LeadA).as("anonymous", 404, "anonymous deletes a lead"),
		del("leads", w.LeadA).as("alumno1", 404, "a student deletes a lead"),
		del("leads", w.LeadA).as("finanzas", 404, "finanzas deletes a lead"),
		del("leads", w.LeadA).as("ventasB", 404, "ventas of sede B deletes a lead of sede A"),
		post("leads", leadA).as("ventas", 200, "ventas creates a lead in its sede"),
		post("leads", newLead(B, w.Users["ventasB"])).as("admin", 200, "admin creates a lead in sede B"),
		post("leads", leadA).as("norole", 200, "permisos_extra crear_lead works like a role").
			after(func(t testing.TB, app *tests.TestApp) { setPermisosExtra(t, app, w.Users["norole"], "crear_lead") }),
		patch("leads", w.LeadA, obj{"observaciones": "Llamar el lunes"}).as("ventas", 200, "ventas edits a lead of its sede"),
		del("leads", w.LeadA).as("ventas", 204, "ventas deletes a lead of its sede"),
		patch("leads", w.LeadA, obj{"sede": B, "asesor": w.Users["ventasB"]}).as("admin", 200, "admin, assigned to both sedes, moves a lead from A to B"),

		post("interacciones", interA).as("anonymous", 400, "anonymous logs an interaction"),
		post("interacciones", interA).as("alumno1", 400, "a student logs an interaction"),
		post("interacciones", interA).as("finanzas", 400, "finanzas logs an interaction"),
		post("interacciones", interA).as("ventasB", 400, "ventas of sede B logs on a lead of sede A"),
		post("interacciones", obj{"lead": w.LeadA, "tipo": "Llamada", "resultado": "x", "usuario": w.Users["finanzas"]}).
			as("ventas", 400, "ventas logs an interaction in another user's name"),
		patch("interacciones", w.InterA, obj{"resultado": "x"}).as("ventas", 403, "the interaction log is append-only (edit)"),
		del("interacciones", w.InterA).as("admin", 403, "the interaction log is append-only (delete)"),
		post("interacciones", interA).as("ventas", 200, "ventas logs an interaction on a lead of its sede"),
	})
}

func TestRulesWriteStudents(t *testing.T) {
	w := newWorld(t)
	B := w.SedeB
	newAlumno := obj{"email": "nuevo@test.sgul.pe", "password": sgultest.Password, "passwordConfirm": sgultest.Password,
		"nombre_completo": "Nuevo Alumno", "dni": "70000009"}
	runCalls(t, w, []call{
		post("alumnos", newAlumno).as("anonymous", 403, "public sign-up of students is closed"),
		post("alumnos", newAlumno).as("alumno1", 403, "a student creates a student"),
		post("alumnos", newAlumno).as("ventas", 403, "students are created only by the conversion"),
		post("alumnos", newAlumno).as("admin", 403, "not even admin creates students directly"),
		patch("alumnos", w.Alumno1, obj{"telefono": "987111222"}).as("anonymous", 404, "anonymous edits a student"),
		patch("alumnos", w.Alumno1, obj{"telefono": "987111222"}).as("alumno2", 404, "a student edits another student"),
		patch("alumnos", w.Alumno1, obj{"dni": "70000099"}).as("alumno1", 404, "a student changes its DNI"),
		patch("alumnos", w.Alumno1, obj{"email": "otro@test.sgul.pe"}).as("alumno1", 404, "a student changes its email"),
		patch("alumnos", w.Alumno1, obj{"nombre_completo": "Otra Persona"}).as("alumno1", 404, "a student changes its name"),
		patch("alumnos", w.Alumno1, obj{"lead": w.LeadA}).as("alumno1", 404, "a student relinks its lead"),
		patch("alumnos", w.Alumno1, obj{"verified": false}).as("alumno1", 404, "a student changes verified"),
		patch("alumnos", w.Alumno1, nil).withFile("archivo_dni").as("alumno1", 404, "a student replaces its DNI scan"),
		patch("alumnos", w.Alumno1, obj{"telefono": "987111222"}).as("ventasB", 404, "ventas of sede B edits a student of sede A"),
		patch("alumnos", w.Alumno1, obj{"telefono": "987111222"}).as("finanzas", 404, "finanzas (no matrícula permission) edits a student"),
		patch("alumnos", w.Alumno1, obj{"telefono": "987111222"}).as("docente", 404, "a docente edits a student"),
		patch("alumnos", w.Alumno1, obj{"dni": "70000099"}).as("ventas", 404, "ventas changes a student's DNI"),
		patch("alumnos", w.Alumno1, obj{"email": "asesor@test.sgul.pe"}).as("ventas", 400, "ventas redirects a student's login e-mail").
			refusedByForm(unchanged("alumnos", w.Alumno1, "email", "alumno1@test.sgul.pe")),
		patch("alumnos", w.Alumno1, obj{"password": "nueva12345", "passwordConfirm": "nueva12345"}).as("ventas", 400, "ventas sets a student's password").
			refusedByForm(func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if r, err := app.FindRecordById("alumnos", w.Alumno1); err != nil || !r.ValidatePassword(sgultest.Password) {
					t.Errorf("alumno1's password changed (%v)", err)
				}
			}),
		del("alumnos", w.Alumno1).as("alumno1", 403, "a student deletes itself"),
		del("alumnos", w.Alumno1).as("admin", 403, "students are never deleted through the API"),
		patch("alumnos", w.Alumno1, obj{"telefono": "987111222"}).as("alumno1", 200, "a student updates its phone"),
		patch("alumnos", w.Alumno1, obj{"telefono": "987111222"}).as("ventas", 200, "ventas updates a student of its sede"),

		post("matriculas", obj{"alumno": w.Alumno1, "programa": w.Curso, "modalidad": w.Presencial, "sede": w.SedeA, "estado": "Activo"}).
			as("ventas", 403, "matrículas are created only by the conversion endpoint"),
		post("matriculas", obj{"alumno": w.Alumno1}).as("anonymous", 403, "anonymous creates a matrícula"),
		patch("matriculas", w.Matricula1, obj{"observacion": "x"}).as("alumno1", 404, "a student edits its matrícula"),
		patch("matriculas", w.Matricula1, obj{"observacion": "x"}).as("alumno2", 404, "a student edits another's matrícula"),
		patch("matriculas", w.Matricula1, obj{"observacion": "x"}).as("ventasB", 404, "ventas of sede B edits a matrícula of sede A"),
		patch("matriculas", w.Matricula1, obj{"observacion": "x"}).as("finanzas", 404, "finanzas edits a matrícula"),
		patch("matriculas", w.Matricula1, obj{"observacion": "x"}).as("docente", 404, "a docente edits a matrícula"),
		patch("matriculas", w.Matricula1, obj{"sede": B}).as("ventas", 404, "ventas moves a matrícula to another sede"),
		patch("matriculas", w.Matricula1, obj{"alumno": w.Alumno2}).as("ventas", 404, "ventas swaps the student of a matrícula"),
		patch("matriculas", w.Matricula1, obj{"programa": w.Especializacion}).as("ventas", 404, "ventas changes the programa of a matrícula"),
		del("matriculas", w.Matricula1).as("ventas", 403, "matrículas are never deleted (ventas)"),
		del("matriculas", w.Matricula1).as("admin", 403, "matrículas are never deleted (admin)"),
		patch("matriculas", w.Matricula1, obj{"observacion": "Pide constancia"}).as("ventas", 200, "ventas annotates a matrícula of its sede"),

		post("vouchers", obj{"matricula": w.Matricula2, "cuota": w.CuotaB, "monto": 10, "medio_pago": w.Yape, "fecha": "2026-03-05 12:00:00.000Z"}).
			withFile("imagen").as("alumno1", 400, "a student sends a voucher for another student's matrícula"),
		post("vouchers", obj{"matricula": w.Matricula1, "cuota": w.CuotaA, "monto": 10, "medio_pago": w.Yape, "fecha": "2026-03-05 12:00:00.000Z"}).
			withFile("imagen").as("anonymous", 400, "anonymous sends a voucher"),
		post("vouchers", obj{"matricula": w.Matricula1, "cuota": w.CuotaA, "monto": 10, "medio_pago": w.Yape, "fecha": "2026-03-05 12:00:00.000Z"}).
			withFile("imagen").as("finanzas", 400, "staff do not send vouchers"),
		patch("vouchers", w.VoucherA, obj{"estado": "Aprobado"}).as("alumno1", 403, "a student approves its voucher"),
		patch("vouchers", w.VoucherA, obj{"estado": "Aprobado"}).as("finanzas", 403, "vouchers are reviewed only through the server"),
		del("vouchers", w.VoucherA).as("alumno1", 403, "a student deletes its voucher"),
	})
}

func TestRulesWriteMoney(t *testing.T) {
	w := newWorld(t)
	A, B := w.SedeA, w.SedeB
	pago := obj{"matricula": w.Matricula1, "cuota": w.CuotaA, "monto": 50, "medio_pago": w.Efectivo, "fecha_pago": "2026-03-05 15:00:00.000Z"}
	pagoOtherSede := obj{"matricula": w.Matricula1, "cuota": w.CuotaA, "monto": 50, "medio_pago": w.Efectivo, "sede": B}
	calls := []call{
		post("cuotas", obj{"matricula": w.Matricula1, "concepto": "Pensión", "numero": 50, "monto": 1, "vencimiento": "2026-05-05 12:00:00.000Z", "estado": "Pendiente"}).
			as("finanzas", 403, "cuotas are written only by the server (create)"),
		patch("cuotas", w.CuotaA, obj{"monto": 1}).as("finanzas", 403, "cuotas are written only by the server (finanzas edit)"),
		patch("cuotas", w.CuotaA, obj{"monto": 1}).as("admin", 403, "cuotas are written only by the server (admin edit)"),
		patch("cuotas", w.CuotaA, obj{"estado": "Pagada"}).as("alumno1", 403, "a student marks its cuota paid"),
		del("cuotas", w.CuotaA).as("admin", 403, "cuotas are written only by the server (delete)"),
		patch("cuotas", w.CuotaA, obj{"vencimiento": "2026-04-10 12:00:00.000Z"}).as("superuser", 200, "the superuser may correct a cuota"),

		post("pagos", pago).as("anonymous", 400, "anonymous registers a pago"),
		post("pagos", pago).as("alumno1", 400, "a student registers its own pago"),
		post("pagos", pago).as("ventas", 400, "ventas (no pagos permission) registers a pago"),
		post("pagos", pago).as("docente", 400, "a docente registers a pago"),
		post("pagos", pago).as("finanzasB", 400, "finanzas of sede B registers a pago of a sede-A matrícula"),
		post("pagos", pagoOtherSede).as("finanzas", 400, "finanzas books a pago into a sede it is not assigned to"),
		patch("pagos", w.PagoA, obj{"medio_pago": w.Yape}).as("alumno1", 404, "a student edits its pago"),
		patch("pagos", w.PagoA, obj{"medio_pago": w.Yape}).as("ventas", 404, "ventas edits a pago"),
		patch("pagos", w.PagoA, obj{"medio_pago": w.Yape}).as("finanzasB", 404, "finanzas of sede B edits a pago of sede A"),
		patch("pagos", w.PagoA, obj{"monto": 1}).as("finanzas", 404, "finanzas changes the amount of a pago"),
		patch("pagos", w.PagoA, obj{"estado": "Anulado"}).as("finanzas", 404, "finanzas voids a pago by PATCH"),
		patch("pagos", w.PagoA, obj{"sede": B}).as("finanzas", 404, "finanzas moves a pago to another sede"),
		del("pagos", w.PagoA).as("finanzas", 403, "pagos are never deleted (finanzas)"),
		del("pagos", w.PagoA).as("admin", 403, "pagos are never deleted (admin)"),
		post("pagos", pago).as("finanzas", 200, "finanzas registers a pago of its sede"),
	}
	for _, ledger := range []struct{ coll, link, linkID, auto, autoID string }{
		{"ingresos", "pago", w.PagoA, "Pago", w.IngresoPagoA},
		{"gastos", "planilla", w.PlanillaA, "Planilla", w.GastoPlanillaA},
	} {
		manual := func(sede string) obj {
			return obj{"sede": sede, "concepto": "Movimiento manual", "monto": 50, "fecha": "2026-03-05 15:00:00.000Z", "origen": "Manual"}
		}
		auto := manual(A)
		auto["origen"] = ledger.auto
		linked := manual(A)
		linked[ledger.link] = ledger.linkID
		id := w.IngresoA
		if ledger.coll == "gastos" {
			id = w.GastoA
		}
		c := ledger.coll
		calls = append(calls,
			post(c, manual(A)).as("anonymous", 400, "anonymous books a movement"),
			post(c, manual(A)).as("alumno1", 400, "a student books a movement"),
			post(c, manual(A)).as("ventas", 400, "ventas books a movement"),
			post(c, manual(A)).as("rrhh", 400, "rrhh books a movement"),
			post(c, manual(A)).as("finanzasB", 400, "finanzas of sede B books into sede A"),
			post(c, manual(B)).as("finanzas", 400, "finanzas books into sede B"),
			post(c, auto).as("finanzas", 400, "finanzas books an automatic-origin movement by hand"),
			post(c, linked).as("finanzas", 400, "finanzas links a manual movement to a "+ledger.link),
			patch(c, id, obj{"concepto": "x"}).as("ventas", 404, "ventas edits a movement"),
			patch(c, id, obj{"concepto": "x"}).as("finanzasB", 404, "finanzas of sede B edits a movement of sede A"),
			patch(c, id, obj{"sede": B}).as("finanzas", 404, "finanzas moves a movement to sede B"),
			patch(c, id, obj{"origen": ledger.auto}).as("finanzas", 404, "finanzas relabels a manual movement as automatic"),
			patch(c, ledger.autoID, obj{"concepto": "x"}).as("finanzas", 404, "finanzas edits an automatic movement"),
			del(c, ledger.autoID).as("finanzas", 404, "finanzas deletes an automatic movement"),
			del(c, id).as("finanzasB", 404, "finanzas of sede B deletes a movement of sede A"),
			del(c, id).as("alumno1", 404, "a student deletes a movement"),
			post(c, manual(A)).as("finanzas", 200, "finanzas books a manual movement in its sede"),
			patch(c, id, obj{"sede": B}).as("admin", 200, "admin, assigned to both sedes, moves a movement from A to B"),
			patch(c, id, obj{"concepto": "Corregido"}).as("finanzas", 200, "finanzas corrects a manual movement"),
			del(c, id).as("finanzas", 204, "finanzas deletes a manual movement"),
		)
	}
	runCalls(t, w, calls)
}

func TestRulesWriteStaff(t *testing.T) {
	w := newWorld(t)
	A, B := w.SedeA, w.SedeB
	role := obj{"nombre": "Caja", "permisos": []string{"pagos"}}
	newUser := obj{"email": "nuevo@test.sgul.pe", "password": sgultest.Password, "passwordConfirm": sgultest.Password,
		"nombre": "Nuevo Asesor", "rol": w.Roles["Ventas"], "sedes": []string{A}, "activo": true}
	ventas := w.Users["ventas"]
	emp := func(sede string) obj {
		return obj{"nombres": "Pedro", "apellidos": "Pari", "cargo": "Asesor", "regimen_pension": "AFP", "tasa_pension": 0.1, "sede": sede}
	}
	plan := func(empleado string) obj {
		return obj{"empleado": empleado, "mes": 3, "anio": 2026, "sueldo_basico": 1500, "estado": "Borrador"}
	}
	runCalls(t, w, []call{
		post("roles", role).as("anonymous", 400, "anonymous creates a role"),
		post("roles", role).as("alumno1", 400, "a student creates a role"),
		post("roles", role).as("ventas", 400, "ventas creates a role"),
		post("roles", role).as("norole", 400, "a user without role creates a role"),
		post("roles", role).as("inactive", 400, "an inactive user creates a role"),
		patch("roles", w.Roles["Ventas"], obj{"permisos+": "roles"}).as("ventas", 404, "ventas grants its own role the roles permission"),
		patch("roles", w.Roles["Finanzas"], obj{"permisos": []string{"pagos"}}).as("finanzas", 404, "finanzas edits its role"),
		del("roles", w.Roles["Analista"]).as("ventas", 404, "ventas deletes a role"),
		post("roles", role).as("admin", 200, "admin creates a role"),
		patch("roles", w.Roles["Ventas"], obj{"descripcion": "Asesores"}).as("admin", 200, "admin edits a role"),

		post("users", newUser).as("anonymous", 400, "public sign-up of staff is closed"),
		post("users", newUser).as("alumno1", 400, "a student creates a staff user"),
		post("users", newUser).as("ventas", 400, "ventas creates a staff user"),
		post("users", newUser).as("inactive", 400, "an inactive user creates a staff user"),
		patch("users", ventas, obj{"nombre": "x"}).as("anonymous", 404, "anonymous renames a user"),
		patch("users", ventas, obj{"nombre": "x"}).as("alumno1", 404, "a student renames a user"),
		patch("users", w.Users["finanzas"], obj{"nombre": "x"}).as("ventas", 404, "ventas renames another user"),
		patch("users", ventas, obj{"rol": w.Roles["Admin"]}).as("ventas", 404, "ventas changes its own role"),
		patch("users", ventas, obj{"permisos_extra": []string{"roles"}}).as("ventas", 404, "ventas grants itself permisos_extra"),
		patch("users", ventas, obj{"permisos_extra+": "finanzas"}).as("ventas", 404, "ventas appends to its permisos_extra"),
		patch("users", ventas, obj{"sedes": []string{A, B}}).as("ventas", 404, "ventas assigns itself to sede B"),
		patch("users", ventas, obj{"sedes+": B}).as("ventas", 404, "ventas appends sede B to its sedes"),
		patch("users", ventas, obj{"activo": false}).as("ventas", 404, "ventas changes its own activo"),
		patch("users", ventas, obj{"verified": false}).as("ventas", 404, "ventas changes its own verified"),
		patch("users", w.Users["inactive"], obj{"activo": true}).as("inactive", 404, "an inactive user reactivates itself"),
		patch("users", w.Users["inactive"], obj{"nombre": "x"}).as("inactive", 404, "an inactive user renames itself"),
		del("users", w.Users["finanzas"]).as("ventas", 404, "ventas deletes another user"),
		del("users", ventas).as("ventas", 404, "ventas deletes itself"),
		patch("users", ventas, obj{"nombre": "Vanessa Ccori"}).as("ventas", 200, "ventas changes its own name"),
		post("users", newUser).as("admin", 200, "admin creates a staff user"),
		patch("users", ventas, obj{"rol": w.Roles["Finanzas"], "sedes": []string{B}}).as("admin", 200, "admin changes a user's role and sedes"),
		patch("users", w.Users["inactive"], obj{"activo": true}).as("admin", 200, "admin reactivates a user"),

		post("empleados", emp(A)).as("anonymous", 400, "anonymous hires"),
		post("empleados", emp(A)).as("alumno1", 400, "a student hires"),
		post("empleados", emp(A)).as("ventas", 400, "ventas hires"),
		post("empleados", emp(A)).as("finanzas", 400, "finanzas hires"),
		post("empleados", emp(B)).as("rrhh", 400, "rrhh of sede A hires into sede B"),
		patch("empleados", w.EmpVentas, obj{"sueldo_basico": 9999}).as("ventas", 404, "an employee raises its own salary"),
		patch("empleados", w.EmpVentas, obj{"sueldo_basico": 9999}).as("finanzas", 404, "finanzas edits a salary"),
		patch("empleados", w.EmpB, obj{"sueldo_basico": 9999}).as("rrhh", 404, "rrhh of sede A edits an employee of sede B"),
		patch("empleados", w.EmpVentas, obj{"sede": B}).as("rrhh", 404, "rrhh moves an employee to sede B"),
		del("empleados", w.EmpB).as("rrhh", 404, "rrhh of sede A deletes an employee of sede B"),
		del("empleados", w.EmpVentas).as("ventas", 404, "an employee deletes its own row"),
		post("empleados", emp(A)).as("rrhh", 200, "rrhh hires in its sede"),
		patch("empleados", w.EmpVentas, obj{"sueldo_basico": 1600}).as("rrhh", 200, "rrhh edits a salary of its sede"),
		patch("empleados", w.EmpVentas, obj{"sede": B}).as("admin", 200, "admin, assigned to both sedes, transfers an employee to B"),

		post("planillas", plan(w.EmpleadoA)).as("anonymous", 400, "anonymous creates a payroll line"),
		post("planillas", plan(w.EmpleadoA)).as("ventas", 400, "ventas creates a payroll line"),
		post("planillas", plan(w.EmpB)).as("rrhh", 400, "rrhh of sede A pays an employee of sede B"),
		patch("planillas", w.PlanillaVentas, obj{"bonos": 100}).as("ventas", 404, "an employee edits its own payroll"),
		patch("planillas", w.PlanillaA, obj{"estado": "Pagada"}).as("rrhh", 404, "rrhh marks a payroll paid by PATCH"),
		patch("planillas", w.PlanillaA, obj{"neto_pagado": 9999}).as("rrhh", 404, "rrhh writes a computed total"),
		patch("planillas", w.PlanillaVentas, obj{"bonos": 100}).as("rrhh", 404, "rrhh edits a paid payroll"),
		patch("planillas", w.PlanillaB, obj{"bonos": 100}).as("rrhh", 404, "rrhh of sede A edits a payroll of sede B"),
		del("planillas", w.PlanillaVentas).as("rrhh", 404, "rrhh deletes a paid payroll"),
		post("planillas", plan(w.EmpleadoA)).as("rrhh", 200, "rrhh creates a draft payroll line"),
		patch("planillas", w.PlanillaA, obj{"bonos": 100}).as("rrhh", 200, "rrhh edits a draft"),
		del("planillas", w.PlanillaA).as("rrhh", 204, "rrhh deletes a draft"),

		post("documentos", obj{"empleado": w.EmpVentas, "titulo": "DNI"}).withFile("archivo").as("anonymous", 400, "anonymous uploads a document"),
		post("documentos", obj{"empleado": w.EmpVentas, "titulo": "DNI"}).withFile("archivo").as("alumno1", 400, "a student uploads a document"),
		post("documentos", obj{"empleado": w.EmpleadoA, "titulo": "DNI"}).withFile("archivo").as("ventas", 400, "an employee uploads for another employee"),
		post("documentos", obj{"empleado": w.EmpVentas, "titulo": "DNI"}).withFile("archivo").as("rrhh", 400, "rrhh uploads in an employee's name"),
		post("documentos", obj{"empleado": w.EmpVentas, "titulo": "DNI", "resena": "Conforme"}).withFile("archivo").as("ventas", 400, "an employee reviews its own upload"),
		patch("documentos", w.DocA, obj{"titulo": "x"}).as("rrhh", 404, "the reviewer edits the document itself"),
		patch("documentos", w.DocA, obj{"resena": "Conforme"}).as("ventas", 404, "an employee reviews its own document"),
		patch("documentos", w.DocA, obj{"titulo": "x"}).as("finanzas", 404, "finanzas edits a document"),
		patch("documentos", w.DocA, obj{"titulo": "x"}).as("ventasB", 404, "another employee edits a document"),
		del("documentos", w.DocA).as("rrhh", 404, "the reviewer deletes a document"),
		del("documentos", w.DocA).as("ventasB", 404, "another employee deletes a document"),
		post("documentos", obj{"empleado": w.EmpVentas, "titulo": "DNI"}).withFile("archivo").as("ventas", 200, "an employee uploads its own document"),
		patch("documentos", w.DocA, obj{"resena": "Conforme"}).as("rrhh", 200, "rrhh reviews a document of its sede"),
		patch("documentos", w.DocA, obj{"titulo": "Contrato firmado"}).as("ventas", 200, "an employee retitles its unreviewed document"),
		del("documentos", w.DocA).as("ventas", 204, "an employee deletes its unreviewed document"),
	})
}

func TestRulesWriteAcademic(t *testing.T) {
	w := newWorld(t)
	nota := func(matricula string) obj {
		return obj{"matricula": matricula, "malla": w.MallaCarrera2, "tipo": "Teórica", "nota": 16}
	}
	asis := func(matricula string) obj {
		return obj{"matricula": matricula, "malla": w.MallaCarrera2, "fecha_clase": "2026-03-12 13:00:00.000Z", "asistio": true}
	}
	runCalls(t, w, []call{
		post("notas", nota(w.Matricula1)).as("anonymous", 400, "anonymous grades"),
		post("notas", nota(w.Matricula1)).as("alumno1", 400, "a student grades itself"),
		post("notas", nota(w.Matricula1)).as("ventas", 400, "ventas grades"),
		post("notas", nota(w.Matricula3)).as("docente", 400, "a docente grades a program it does not teach"),
		post("notas", nota(w.Matricula2)).as("docente", 400, "a docente grades in another sede"),
		patch("notas", w.NotaA, obj{"nota": 20}).as("alumno1", 404, "a student raises its grade"),
		patch("notas", w.NotaA, obj{"nota": 20}).as("ventas", 404, "ventas edits a grade"),
		patch("notas", w.Nota3, obj{"nota": 20}).as("docente", 404, "a docente edits a grade of a program it does not teach"),
		patch("notas", w.NotaA, obj{"matricula": w.Matricula3}).as("docente", 404, "a docente moves a grade to another matrícula"),
		del("notas", w.Nota3).as("docente", 404, "a docente deletes a grade of a program it does not teach"),
		del("notas", w.NotaA).as("alumno1", 404, "a student deletes its grade"),
		post("notas", nota(w.Matricula1)).as("docente", 200, "a docente grades its program"),
		patch("notas", w.NotaA, obj{"nota": 18}).as("docente", 200, "a docente corrects a grade of its program"),

		post("asistencias", asis(w.Matricula1)).as("anonymous", 400, "anonymous takes attendance"),
		post("asistencias", asis(w.Matricula1)).as("alumno1", 400, "a student marks itself present"),
		post("asistencias", asis(w.Matricula3)).as("docente", 400, "a docente takes attendance in a program it does not teach"),
		patch("asistencias", w.AsisA, obj{"justificacion": "Enfermo"}).as("alumno1", 404, "a student justifies its absence"),
		patch("asistencias", w.Asis3, obj{"asistio": false}).as("docente", 404, "a docente edits attendance of a program it does not teach"),
		del("asistencias", w.AsisA).as("finanzas", 404, "finanzas deletes attendance"),
		post("asistencias", asis(w.Matricula1)).as("docente", 200, "a docente takes attendance in its program"),
	})
}

func TestRulesWriteCatalogs(t *testing.T) {
	w := newWorld(t)
	programa := obj{"nombre": "Laboratorio Clínico", "tipo": "Carrera Técnica", "sede": w.SedeA, "activo": true}
	runCalls(t, w, []call{
		post("sedes", obj{"nombre": "Sede Nueva"}).as("admin", 403, "sedes are set up by the superuser"),
		patch("distritos", w.Distrito, obj{"nombre": "x"}).as("admin", 403, "ubigeo is reference data"),
		post("medios_pago", obj{"nombre": "Cripto"}).as("finanzas", 403, "medios de pago are reference data"),
		post("programas", programa).as("anonymous", 400, "anonymous creates a programa"),
		post("programas", programa).as("alumno1", 400, "a student creates a programa"),
		post("programas", programa).as("ventas", 400, "ventas creates a programa"),
		patch("cursos", w.CursoA, obj{"nombre": "x"}).as("alumno1", 404, "a student renames a curso"),
		del("malla", w.MallaCarrera2).as("docente", 404, "a docente edits the curriculum"),
		post("docentes_programa", obj{"docente": w.Users["docente"], "programa": w.Curso}).as("docente", 400, "a docente assigns itself a program"),
		post("programas", programa).as("admin", 200, "admin creates a programa"),
		post("docentes_programa", obj{"docente": w.Users["docente"], "programa": w.Especializacion}).as("admin", 200, "admin assigns a docente"),
	})
}

// TestRulesWriteServerOnly covers the collections nobody but the server writes.
func TestRulesWriteServerOnly(t *testing.T) {
	w := newWorld(t)
	aud := obj{"coleccion": "pagos", "registro": w.PagoA, "accion": "anular"}
	calls := []call{
		post("auditoria", aud).as("anonymous", 403, "anonymous writes the audit trail"),
		post("auditoria", aud).as("alumno1", 403, "a student writes the audit trail"),
		post("auditoria", aud).as("finanzas", 403, "finanzas writes the audit trail"),
		post("auditoria", aud).as("admin", 403, "admin writes the audit trail"),
		patch("auditoria", w.AudPagoA, obj{"accion": "crear"}).as("admin", 403, "admin rewrites the audit trail"),
		del("auditoria", w.AudPagoA).as("admin", 403, "admin erases the audit trail"),
	}
	for _, c := range []string{"jobs", "saldos_mensuales", "idempotencia"} {
		calls = append(calls,
			post(c, obj{}).as("admin", 403, "admin writes server bookkeeping"),
			post(c, obj{}).as("anonymous", 403, "anonymous writes server bookkeeping"))
	}
	runCalls(t, w, calls)
}

// TestRulesBatch: the batch API (enabled) applies the same rules to each request.
func TestRulesBatch(t *testing.T) {
	w := newWorld(t)
	leadB := obj{"nombre_completo": "Carla Ticona", "telefono": "987111222", "genero": "Femenino", "asesor": w.Users["ventas"],
		"medio_contacto": w.Facebook, "intereses": []string{w.Carrera}, "sede": w.SedeB}
	for _, b := range []struct {
		name, actor string
		req         obj
	}{
		{"ventas of sede A creates a sede-B lead inside a batch", "ventas",
			obj{"method": "POST", "url": "/api/collections/leads/records", "body": leadB}},
		{"a student marks its cuota paid inside a batch", "alumno1",
			obj{"method": "PATCH", "url": "/api/collections/cuotas/records/" + w.CuotaA, "body": obj{"estado": "Pagada"}}},
		{"finanzas of sede B edits a sede-A ingreso inside a batch", "finanzasB",
			obj{"method": "PATCH", "url": "/api/collections/ingresos/records/" + w.IngresoA, "body": obj{"concepto": "x"}}},
	} {
		s := tests.ApiScenario{
			Name:               b.name,
			Method:             http.MethodPost,
			URL:                "/api/batch",
			Body:               jsonBody(obj{"requests": []obj{b.req}}),
			Headers:            w.Auth(b.actor),
			ExpectedStatus:     http.StatusBadRequest,
			ExpectedContent:    []string{`"status":400`},
			NotExpectedContent: []string{`"id":"`},
			ExpectedEvents:     map[string]int{"OnBatchRequest": 1, "OnRecordCreate": 0, "OnRecordUpdate": 0},
			TestAppFactory:     sgultest.Factory,
			BeforeTestFunc:     w.seeded(),
		}
		s.Test(t)
	}
}

// TestRulesWriteCampaigns: mass e-mail is for the campanas permission, within its sedes.
func TestRulesWriteCampaigns(t *testing.T) {
	w := newWorld(t)
	camp := func(sede string) obj {
		return obj{"asunto": "Becas 2026", "cuerpo": "<p>Postula</p>", "audiencia": "leads", "sede": sede, "estado": "Borrador"}
	}
	runCalls(t, w, []call{
		post("campanas", camp(w.SedeA)).as("anonymous", 400, "anonymous creates a campaign"),
		post("campanas", camp(w.SedeA)).as("alumno1", 400, "a student creates a campaign"),
		post("campanas", camp(w.SedeA)).as("ventas", 400, "ventas (no campanas permission) creates a campaign"),
		patch("campanas", w.CampA, obj{"asunto": "x"}).as("ventasB", 404, "ventas of sede B edits a campaign"),
		patch("campanas", w.CampA, obj{"enviados": 100}).as("admin", 404, "admin writes a campaign's counters"),
		patch("campanas", w.CampA, obj{"sede": w.SedeB}).as("ventas", 404, "ventas moves a campaign"),
		post("envios", obj{"campana": w.CampA, "email": "x@test.sgul.pe", "estado": "pendiente"}).as("admin", 403, "envíos are written by the server"),
		patch("campanas", w.CampA, obj{"asunto": "Becas 2026 (2ª convocatoria)"}).as("admin", 200, "admin edits a draft campaign"),
		patch("campanas", w.CampA, obj{"sede": w.SedeB}).as("admin", 200, "admin, assigned to both sedes, moves a campaign from A to B"),
	})
}
