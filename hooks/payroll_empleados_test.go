package hooks_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

const acEmpVentas = "acempventas0001" // the ventas user's own employee record (no empleados permission)

func TestEmpleados(t *testing.T) {
	f := emFixture(t)
	coll := "/api/collections/empleados/records"
	emp := func(extra map[string]any) map[string]any {
		return emMerge(map[string]any{"nombres": "Ana", "apellidos": "Quispe", "dni": "41234567", "cargo": "Asistente",
			"sueldo_basico": 2400, "regimen_pension": "AFP", "sede": f.SedeA, "activo": true}, extra)
	}
	docsOnly := func(t testing.TB, app *tests.TestApp) { acGrant(t, app, f.Users["norole"], "documentacion") }
	ownEmp := func(t testing.TB, app *tests.TestApp) {
		emSave(t, app, "empleados", acEmpVentas, map[string]any{"usuario": f.Users["ventas"], "nombres": "Vera", "apellidos": "Ventas",
			"cargo": "Asesora", "sueldo_basico": 1300, "banco": "BCP", "cuenta_bancaria": "191-1234567", "regimen_pension": "ONP",
			"sede": f.SedeA, "activo": true})
	}
	refused := func(name, actor string, body any, content ...string) emCase {
		return acRefused(emCase{Name: name, URL: coll, Actor: actor, Body: body, Status: 400, Content: content})
	}
	get := func(name, u, actor string, before func(testing.TB, *tests.TestApp), status int, content, notContent []string) emCase {
		return emCase{Name: name, Method: http.MethodGet, URL: u, Actor: actor, Before: before, Status: status, Content: content, NotContent: notContent}
	}
	emRun(t, f.Fixture, []emCase{
		refused("anonymous", "", emp(nil)),
		refused("ventas cannot create employees", "ventas", emp(nil)),
		refused("rrhh cannot create in another sede", "rrhh", emp(map[string]any{"sede": f.SedeB})),
		refused("duplicate DNI", "rrhh", emp(map[string]any{"dni": "40000001"}), `"dni"`, "sgul_dni_duplicado"),
		refused("a user already linked to an employee", "rrhh", emp(map[string]any{"usuario": f.Users["rrhh"]}), `"usuario"`, "sgul_usuario_duplicado"),
		refused("salary with three decimals", "rrhh", emp(map[string]any{"sueldo_basico": 1000.001}), `"sueldo_basico"`),
		refused("half an hour of contract", "rrhh", emp(map[string]any{"horas_contrato": 0.5}), `"horas_contrato"`),
		refused("unknown pension regime", "rrhh", emp(map[string]any{"regimen_pension": "SPP"}), `"regimen_pension"`),
		{Name: "hourly wage derived (2400 / 240 h) and AFP default rate", URL: coll, Actor: "rrhh", Body: emp(nil), Status: 200,
			Content: []string{`"sueldo_por_hora":10`, `"tasa_pension":0.1`}},
		{Name: "derived from the contract hours", URL: coll, Actor: "rrhh", Body: emp(map[string]any{"horas_contrato": 160}), Status: 200,
			Content: []string{`"sueldo_por_hora":15`}},
		{Name: "ONP defaults to 13 %", URL: coll, Actor: "rrhh", Body: emp(map[string]any{"regimen_pension": "ONP"}), Status: 200,
			Content: []string{`"tasa_pension":0.13`}},
		{Name: "an explicit 0 % rate is kept", URL: coll, Actor: "rrhh", Body: emp(map[string]any{"tasa_pension": 0}), Status: 200,
			Content: []string{`"tasa_pension":0`}},
		{Name: "a teacher paid by the hour needs no user nor salary", URL: coll, Actor: "rrhh", Status: 200,
			Body:    emp(map[string]any{"sueldo_basico": 0, "sueldo_por_hora": 35, "dni": ""}),
			Content: []string{`"sueldo_por_hora":35`, `"usuario":""`}},
		{Name: "a raise keeps a derived hourly wage in step", Method: http.MethodPatch, URL: coll + "/" + acEmpVentas, Actor: "rrhh",
			Before: ownEmp, Body: map[string]any{"sueldo_basico": 1440}, Status: 200, Content: []string{`"sueldo_por_hora":6`}},

		get("rrhh sees pay and bank data", coll+"/"+acEmpVentas, "rrhh", ownEmp, 200, []string{`"sueldo_basico":1300`, `"cuenta_bancaria":"191-1234567"`}, nil),
		get("the employee sees his own pay", coll+"/"+acEmpVentas, "ventas", ownEmp, 200, []string{`"sueldo_basico":1300`, `"banco":"BCP"`}, nil),
		get("ventas does not see other employees", coll+"/"+f.EmpleadoA, "ventas", ownEmp, 404, nil, []string{"1500"}),
		get("documentacion alone reads no employee rows, so no pay", coll, "norole", docsOnly, 200,
			[]string{`"totalItems":0`}, []string{f.EmpleadoA, `"sueldo_basico"`}),
		get("documentacion cannot probe salaries with a filter", coll+"?filter="+url.QueryEscape("sueldo_basico > 1000"), "norole", docsOnly, 403, nil, []string{f.EmpleadoA}),
		get("nor by sorting", coll+"?sort=-sueldo_basico", "norole", docsOnly, 403, nil, nil),
		get("nor through documentos", "/api/collections/documentos/records?filter="+url.QueryEscape("empleado.sueldo_basico>1"), "norole", docsOnly, 403, nil, nil),
		get("expanding the employee of a document shows no pay", "/api/collections/documentos/records?expand=empleado", "norole",
			func(t testing.TB, app *tests.TestApp) { docsOnly(t, app); acSeedDocumento(t, app) }, 200,
			[]string{`"titulo":"Informe de marzo"`}, []string{`"sueldo_basico"`, `"banco"`}),
		get("rrhh may filter by salary", coll+"?filter="+url.QueryEscape("sueldo_basico > 1000"), "rrhh", nil, 200, []string{f.EmpleadoA}, nil),
	})
}

const acDocumento = "acdocumento0001"

// acSeedDocumento uploads a document of EmpleadoA (Rosa, the rrhh user) from Go code.
func acSeedDocumento(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	file, err := filesystem.NewFileFromBytes(emPNG(), "informe.png")
	if err != nil {
		t.Fatal(err)
	}
	emSave(t, app, "documentos", acDocumento, map[string]any{"empleado": f.EmpleadoA, "titulo": "Informe de marzo", "archivo": file})
}

func TestDocumentos(t *testing.T) {
	f := emFixture(t)
	coll := "/api/collections/documentos/records"
	docsOnly := func(t testing.TB, app *tests.TestApp) { acGrant(t, app, f.Users["norole"], "documentacion") }
	seeded := func(t testing.TB, app *tests.TestApp) { docsOnly(t, app); acSeedDocumento(t, app) }
	upload, uploadHeaders := emMultipart(map[string]string{"empleado": f.EmpleadoA, "titulo": "Informe de abril"}, "archivo")
	emRun(t, f.Fixture, []emCase{
		{Name: "an employee uploads his own document", URL: coll, Actor: "rrhh", Body: upload, Headers: uploadHeaders, Status: 200,
			Content: []string{`"titulo":"Informe de abril"`, `"resena":""`}},
		acRefused(func() emCase {
			b, h := emMultipart(map[string]string{"empleado": f.EmpleadoA, "titulo": "Ajeno"}, "archivo")
			return emCase{Name: "nobody uploads for someone else", URL: coll, Actor: "ventas", Body: b, Headers: h, Status: 400}
		}()),
		acRefused(emCase{Name: "nobody reviews his own document (rrhh holds documentacion)", Method: http.MethodPatch,
			URL: coll + "/" + acDocumento, Actor: "rrhh", Before: seeded, Body: map[string]any{"resena": "Todo bien"}, Status: 400,
			Content: []string{`"resena"`, "sgul_resena_propia"}}),
		acRefused(emCase{Name: "ventas cannot review", Method: http.MethodPatch, URL: coll + "/" + acDocumento,
			Actor: "ventas", Before: seeded, Body: map[string]any{"resena": "Todo bien"}, Status: 404}),
		{
			Name: "documentacion writes the review: date and reviewer are stamped", Method: http.MethodPatch, URL: coll + "/" + acDocumento,
			Actor: "norole", Before: seeded, Body: map[string]any{"resena": "Conforme", "revisado_por": f.Users["admin"]}, Status: 200,
			Content: []string{`"resena":"Conforme"`, `"revisado_por":"` + f.Users["norole"] + `"`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if d := emRecord(t, app, "documentos", acDocumento); d.GetDateTime("fecha_resena").IsZero() {
					t.Error("fecha_resena not stamped")
				}
			},
		},
		{Name: "the file is protected", Method: http.MethodGet, URL: "/api/files/documentos/" + acDocumento + "/x.png", Actor: "norole",
			Before: seeded, Status: 404},
		acRefused(emCase{Name: "filtros: anonymous", Method: http.MethodGet, URL: "/api/documentos/filtros", Status: 401}),
		acRefused(emCase{Name: "filtros: student", Method: http.MethodGet, URL: "/api/documentos/filtros", Actor: "alumno1", Status: 403}),
		acRefused(emCase{Name: "filtros: ventas", Method: http.MethodGet, URL: "/api/documentos/filtros", Actor: "ventas", Status: 403}),
		{Name: "filtros: employees and Lima months that have documents", Method: http.MethodGet, URL: "/api/documentos/filtros",
			Actor: "norole", Before: seeded, Status: 200,
			Content: []string{`"id":"` + f.EmpleadoA + `"`, `"total":1`, `"sin_resena":1`, `"mes":"20`, `"desde":"20`}},
		{Name: "filtros: nothing from another sede", Method: http.MethodGet, URL: "/api/documentos/filtros",
			Actor: "ventasB", Before: func(t testing.TB, app *tests.TestApp) {
				acSeedDocumento(t, app)
				acGrant(t, app, f.Users["ventasB"], "documentacion")
			},
			Status: 200, Content: []string{`"empleados":[]`, `"meses":[]`}},
	})
}
