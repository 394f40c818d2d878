package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

func TestEstadoCuenta(t *testing.T) {
	f := emFixture(t)
	url := "/api/matriculas/" + f.Matricula1 + "/estado-cuenta"
	// Pensión 1 half paid, the Matrícula cuota overdue since 2020.
	state := func(t testing.TB, app *tests.TestApp) {
		emPago(t, app, "", f.CuotaPen1, 50, "")
		emPatch(t, app, "cuotas", f.CuotaMat1, map[string]any{"vencimiento": "2020-01-05 00:00:00.000Z"})
	}
	statement := []string{
		`"matricula":"` + f.Matricula1 + `"`, `"programa":"Enfermería"`, `"moneda":"PEN"`,
		`"concepto":"Matrícula","numero":1,"monto":100.00,"pagado":0.00,"saldo":100.00,"vencimiento":"2020-01-05","vencida":true,"estado":"Pendiente"`,
		`"concepto":"Pensión","numero":1,"monto":150.00,"pagado":50.00,"saldo":100.00`, `"vencida":false,"estado":"Parcial"`,
		`"concepto":"Pensión","numero":3,"monto":150.00,"pagado":0.00,"saldo":150.00`,
		`"total_monto":550.00,"total_pagado":50.00,"deuda_total":500.00,"deuda_vencida":100.00`,
	}
	ok := func(name, actor string) emCase {
		return emCase{Name: name, Method: http.MethodGet, URL: url, Actor: actor, Status: 200, Before: state, Content: statement}
	}
	hidden := []string{"Enfermería", "deuda_total", f.CuotaPen1}
	denied := func(name, actor string, status int) emCase {
		return emCase{Name: name, Method: http.MethodGet, URL: url, Actor: actor, Status: status, Before: state,
			Content: []string{`"status":`}, NotContent: hidden, Unchanged: true}
	}
	emRun(t, f.Fixture, []emCase{
		ok("the student himself", "alumno1"),
		ok("finanzas of the sede", "finanzas"),
		ok("ventas of the sede", "ventas"),
		ok("admin", "admin"),
		ok("superuser", "superuser"),
		{Name: "a fresh schedule owes everything, nothing overdue", Method: http.MethodGet, URL: url, Actor: "alumno1", Status: 200,
			Content: []string{`"total_monto":550.00,"total_pagado":0.00,"deuda_total":550.00,"deuda_vencida":0.00`}},
		{Name: "the sede B student's own statement", Method: http.MethodGet, URL: "/api/matriculas/" + f.Matricula2 + "/estado-cuenta",
			Actor: "alumno2", Status: 200, Content: []string{`"concepto":"Pago Único","numero":1,"monto":150.00,"pagado":0.00,"saldo":150.00`}},
		denied("another student", "alumno2", 404),
		denied("staff of another sede", "ventasB", 404),
		denied("finanzas of another sede", "finanzasB", 404),
		denied("staff without matriculas, pagos or finanzas (docente)", "docente", 404),
		denied("staff without matriculas, pagos or finanzas (rrhh)", "rrhh", 404),
		denied("inactive user", "inactive", 404),
		denied("anonymous", "", 401),
		{Name: "unknown matrícula", Method: http.MethodGet, URL: "/api/matriculas/noexiste0000000/estado-cuenta", Actor: "finanzas",
			Status: 404, Content: []string{"La matrícula no existe."}},
	})
}
