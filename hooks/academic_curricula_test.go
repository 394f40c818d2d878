package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

func TestProgramasAndMalla(t *testing.T) {
	f := emFixture(t)
	progs := "/api/collections/programas/records"
	malla := "/api/collections/malla/records"
	prog := func(extra map[string]any) map[string]any {
		return emMerge(map[string]any{"nombre": "Contabilidad", "tipo": "Especialización", "sede": f.SedeA, "activo": true}, extra)
	}
	refused := func(name, url, actor string, body any, content ...string) emCase {
		return acRefused(emCase{Name: name, URL: url, Actor: actor, Body: body, Status: 400, Content: content})
	}
	row := func(mes int, extra map[string]any) map[string]any {
		return emMerge(map[string]any{"programa": f.Carrera, "numero_mes": mes, "curso": f.CursoA, "activo": true}, extra)
	}
	emRun(t, f.Fixture, []emCase{
		refused("anonymous cannot create programs", progs, "", prog(nil)),
		refused("ventas cannot create programs", progs, "ventas", prog(nil)),
		refused("student cannot create programs", progs, "alumno1", prog(nil)),
		refused("a price with three decimals", progs, "admin", prog(map[string]any{"precio_matricula": 10.005}), `"precio_matricula"`, "sgul_monto_invalido"),
		refused("a negative price", progs, "admin", prog(map[string]any{"precio_pension_virtual": -1}), `"precio_pension_virtual"`),
		{Name: "Especialización fills 10 months / 10 pensiones", URL: progs, Actor: "admin", Body: prog(nil), Status: 200,
			Content: []string{`"duracion_meses":10`, `"numero_pensiones":10`}},
		{Name: "Curso fills 1 / 1", URL: progs, Actor: "admin", Body: prog(map[string]any{"tipo": "Curso"}), Status: 200,
			Content: []string{`"duracion_meses":1`, `"numero_pensiones":1`}},
		{Name: "Carrera Técnica fills 30 / 30", URL: progs, Actor: "admin", Body: prog(map[string]any{"tipo": "Carrera Técnica"}), Status: 200,
			Content: []string{`"duracion_meses":30`, `"numero_pensiones":30`}},
		{Name: "staff may set their own duration", URL: progs, Actor: "admin", Body: prog(map[string]any{"duracion_meses": 12}), Status: 200,
			Content: []string{`"duracion_meses":12`, `"numero_pensiones":10`}},
		acRefused(emCase{Name: "shortening below the malla's last month", Method: http.MethodPatch, URL: progs + "/" + f.Carrera,
			Actor: "admin", Body: map[string]any{"duracion_meses": 1}, Status: 400, Content: []string{`"duracion_meses"`, "sgul_programa_malla"}}),
		{Name: "shortening to the malla's last month is fine", Method: http.MethodPatch, URL: progs + "/" + f.Carrera, Actor: "admin",
			Body: map[string]any{"duracion_meses": 2}, Status: 200, Content: []string{`"duracion_meses":2`}},

		refused("malla: month beyond the program's duration", malla, "admin", row(4, nil), `"numero_mes"`, "sgul_malla_mes_fuera"),
		refused("malla: a month that already has a course", malla, "admin", row(1, nil), `"numero_mes"`, "sgul_malla_mes_duplicado"),
		refused("malla: docente cannot edit curricula", malla, "docente", row(3, nil)),
		{Name: "malla: month 3 of a 3-month program", URL: malla, Actor: "admin", Body: row(3, nil), Status: 200,
			Content: []string{`"numero_mes":3`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := acCount(t, app, "malla", "programa = {:p}", map[string]any{"p": f.Carrera}); n != 3 {
					t.Errorf("malla rows = %d", n)
				}
			}},
		refused("a teacher is assigned once per program", "/api/collections/docentes_programa/records", "admin",
			map[string]any{"docente": f.Users["docente"], "programa": f.Carrera}, `"docente"`, "sgul_docente_duplicado"),
		refused("an inactive user cannot teach", "/api/collections/docentes_programa/records", "admin",
			map[string]any{"docente": f.Users["inactive"], "programa": f.Curso}, "sgul_docente_inactivo"),
	})
}
