package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// Ids of rows the grade tests add to the fixture.
const (
	acMallaEsp   = "acmallaesp00001" // malla row of Farmacia (Especialización), not Enfermería
	acMatEsp     = "acmatesp0000001" // alumno1 in Farmacia (sede A): the docente does not teach it
	acNotaSeeded = "acnotaseed00001"
)

// acSeedEsp adds a Farmacia malla row and a Farmacia matrícula of alumno1 in sede A.
func acSeedEsp(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	emSave(t, app, "malla", acMallaEsp, map[string]any{"programa": f.Especializacion, "numero_mes": 1, "curso": f.CursoA, "activo": true})
	emSave(t, app, "matriculas", acMatEsp, map[string]any{"alumno": f.Alumno1, "programa": f.Especializacion,
		"modalidad": f.Virtual, "sede": f.SedeA, "estado": "Activo"})
}

// acSeedNota grades Matricula1 / malla month 1 / Final with nota as the admin, from Go code.
func acSeedNota(nota float64) func(testing.TB, *tests.TestApp) {
	return func(t testing.TB, app *tests.TestApp) {
		f := emFixture(t)
		emSave(t, app, "notas", acNotaSeeded, map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1,
			"tipo": "Final", "nota": nota, "registrado_por": f.Users["admin"]})
	}
}

func TestNotasCreate(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/notas/records"
	nota := func(extra map[string]any) map[string]any {
		return emMerge(map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Final", "nota": 14}, extra)
	}
	refused := func(name, actor string, body map[string]any, content ...string) emCase {
		return acRefused(emCase{Name: name, URL: url, Actor: actor, Body: body, Status: 400, Content: content})
	}
	graded := func(estado, by string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			id, _ := emDecode(t, res)["id"].(string)
			n := emRecord(t, app, "notas", id)
			if n.GetString("estado") != estado || n.GetString("registrado_por") != f.Users[by] {
				t.Errorf("nota estado=%q registrado_por=%q, want %q by %s", n.GetString("estado"), n.GetString("registrado_por"), estado, by)
			}
			aud := emAudit(t, app, "notas", id)
			if len(aud) != 1 || aud[0].GetString("accion") != "crear" || aud[0].GetString("usuario") != f.Users[by] ||
				aud[0].GetString("sede") != f.SedeA || !jsonHas(aud[0], "despues", `"nota":`) {
				t.Errorf("audit of the new grade = %v", aud)
			}
		}
	}
	emRun(t, f.Fixture, []emCase{
		refused("anonymous", "", nota(nil)),
		refused("student grading himself", "alumno1", nota(nil)),
		refused("role without notas (ventas)", "ventas", nota(nil)),
		refused("staff of another sede (finanzasB)", "finanzasB", nota(nil)),
		refused("docente: student of a program it does not teach, other sede", "docente",
			nota(map[string]any{"matricula": f.Matricula2, "malla": f.MallaCarrera1})),
		{
			Name: "docente: program it does not teach, same sede", URL: url, Actor: "docente", Status: 400,
			Body: nota(map[string]any{"matricula": acMatEsp, "malla": acMallaEsp}), Before: acSeedEsp,
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if n := acCount(t, app, "notas", "matricula = {:m}", dbx.Params{"m": acMatEsp}); n != 0 {
					t.Errorf("notas = %d", n)
				}
			},
		},
		refused("above 20", "admin", nota(map[string]any{"nota": 20.01}), `"nota"`, "sgul_nota_rango", "La nota debe estar entre 0 y 20"),
		refused("negative", "admin", nota(map[string]any{"nota": -1}), `"nota"`, "sgul_nota_rango"),
		refused("three decimals", "admin", nota(map[string]any{"nota": 14.555}), `"nota"`, "sgul_nota_rango"),
		refused("missing grade", "admin", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Final"},
			`"nota"`, "sgul_nota_requerida"),
		refused("unknown tipo", "admin", nota(map[string]any{"tipo": "Oral"}), `"tipo"`),
		acRefused(emCase{Name: "malla row of another program", URL: url, Actor: "admin", Status: 400, Before: acSeedEsp,
			Body: nota(map[string]any{"malla": acMallaEsp}), Content: []string{`"malla"`, "sgul_malla_otro_programa"}}),
		acRefused(emCase{Name: "duplicate (matrícula, malla, tipo) is a 400, not a 500", URL: url, Actor: "admin", Status: 400,
			Before: acSeedNota(12), Body: nota(nil), Content: []string{`"tipo"`, "sgul_nota_duplicada"}}),
		acRefused(emCase{Name: "matrícula not Activo", URL: url, Actor: "admin", Status: 400,
			Before: func(t testing.TB, app *tests.TestApp) {
				emPatch(t, app, "matriculas", f.Matricula1, map[string]any{"estado": "Egresado"})
			},
			Body: nota(nil), Content: []string{`"matricula"`, "sgul_matricula_inactiva"}}),
		{Name: "admin grades 14: Aprobado", URL: url, Actor: "admin", Body: nota(nil), Status: 200,
			Content: []string{`"estado":"Aprobado"`, `"nota":14`}, After: graded("Aprobado", "admin")},
		{Name: "docente grades a student of its program: 13.99 is Desaprobado", URL: url, Actor: "docente",
			Body: nota(map[string]any{"nota": 13.99}), Status: 200, Content: []string{`"estado":"Desaprobado"`}, After: graded("Desaprobado", "docente")},
		{Name: "10 is Desaprobado", URL: url, Actor: "docente", Body: nota(map[string]any{"nota": 10}), Status: 200,
			Content: []string{`"estado":"Desaprobado"`}},
		{Name: "0 is a valid grade: Muy Bajo", URL: url, Actor: "admin", Body: nota(map[string]any{"nota": 0}), Status: 200,
			Content: []string{`"estado":"Muy Bajo"`, `"nota":0`}},
		{Name: "20 is the top grade", URL: url, Actor: "admin", Body: nota(map[string]any{"nota": 20}), Status: 200,
			Content: []string{`"estado":"Aprobado"`}},
		{
			Name: "debt never blocks a grade (Ley 29947)", URL: url, Actor: "docente", Status: 200,
			Body: nota(map[string]any{"nota": 9.99, "tipo": "Práctica"}), Content: []string{`"estado":"Muy Bajo"`},
			Before: func(t testing.TB, app *tests.TestApp) {
				_, err := app.DB().NewQuery("UPDATE cuotas SET vencimiento = '2025-01-05 00:00:00.000Z' WHERE matricula = {:m}").
					Bind(dbx.Params{"m": f.Matricula1}).Execute()
				if err != nil {
					t.Fatal(err)
				}
			},
		},
		{Name: "a client-sent estado is ignored", URL: url, Actor: "admin", Status: 200,
			Body: nota(map[string]any{"nota": 8, "estado": "Aprobado"}), Content: []string{`"estado":"Muy Bajo"`}},
	})
}

func TestNotasChangesAreAudited(t *testing.T) {
	f := emFixture(t)
	url := "/api/collections/notas/records/" + acNotaSeeded
	emRun(t, f.Fixture, []emCase{
		acRefused(emCase{Name: "update to 21 is refused", Method: http.MethodPatch, URL: url, Actor: "docente",
			Before: acSeedNota(12), Body: map[string]any{"nota": 21}, Status: 400, Content: []string{"sgul_nota_rango"}}),
		acRefused(emCase{Name: "teacher of another program cannot update", Method: http.MethodPatch, URL: url, Actor: "finanzasB",
			Before: acSeedNota(12), Body: map[string]any{"nota": 15}, Status: 404}),
		{
			Name: "docente corrects 12 to 15: estado and audit (who, before, after)", Method: http.MethodPatch, URL: url,
			Actor: "docente", Before: acSeedNota(12), Body: map[string]any{"nota": 15}, Status: 200,
			Content: []string{`"estado":"Aprobado"`, `"nota":15`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				aud := emAudit(t, app, "notas", acNotaSeeded)
				if len(aud) != 2 {
					t.Fatalf("audit rows = %d, want crear + actualizar", len(aud))
				}
				u := aud[1]
				if u.GetString("accion") != "actualizar" || u.GetString("usuario") != f.Users["docente"] ||
					!jsonHas(u, "antes", `"nota":12`) || !jsonHas(u, "despues", `"nota":15`) || !jsonHas(u, "antes", `"estado":"Desaprobado"`) {
					t.Errorf("update audit = %s / %s / %s", u.GetString("accion"), u.GetString("antes"), u.GetString("despues"))
				}
			},
		},
		{
			Name: "deleting a grade keeps it in the audit", Method: http.MethodDelete, URL: url, Actor: "admin",
			Before: acSeedNota(12), Status: 204,
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				aud := emAudit(t, app, "notas", acNotaSeeded)
				if len(aud) != 2 || aud[1].GetString("accion") != "eliminar" || !jsonHas(aud[1], "antes", `"nota":12`) ||
					aud[1].GetString("usuario") != f.Users["admin"] {
					t.Errorf("delete audit = %v", aud)
				}
			},
		},
	})
}

func TestNotasStudentReadsOnlyHisOwn(t *testing.T) {
	f := emFixture(t)
	list := "/api/collections/notas/records"
	resumen := "/api/matriculas/" + f.Matricula1 + "/notas-resumen"
	seed := func(t testing.TB, app *tests.TestApp) {
		emSave(t, app, "notas", acNotaSeeded, map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Práctica", "nota": 12})
		emSave(t, app, "notas", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Final", "nota": 16})
		emSave(t, app, "notas", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera2, "tipo": "Final", "nota": 9.5})
	}
	get := func(name, url, actor string, status int, content, notContent []string) emCase {
		return emCase{Name: name, Method: http.MethodGet, URL: url, Actor: actor, Before: seed, Status: status,
			Content: content, NotContent: notContent}
	}
	summary := []string{`"total":3`, `"aprobadas":1`, `"desaprobadas":2`, `"muy_bajo":1`, `"promedio":12.5`,
		`"numero_mes":1`, `"curso":"Fundamentos de Enfermería"`, `"promedio":14`, `"tipo":"Práctica","nota":12,"estado":"Desaprobado"`,
		`"tipo":"Final","nota":9.5,"estado":"Muy Bajo"`}
	emRun(t, f.Fixture, []emCase{
		get("alumno1 lists his grades with estado", list, "alumno1", 200, []string{acNotaSeeded, `"totalItems":3`, `"estado":"Desaprobado"`}, nil),
		get("alumno2 sees none of alumno1's grades", list, "alumno2", 200, []string{`"totalItems":0`}, []string{acNotaSeeded}),
		get("alumno2 cannot open alumno1's grade", list+"/"+acNotaSeeded, "alumno2", 404, nil, []string{`"nota"`}),
		get("anonymous summary", resumen, "", 401, nil, []string{`"total"`}),
		get("alumno2 cannot read alumno1's summary", resumen, "alumno2", 404, nil, []string{`"total"`}),
		get("staff of another sede cannot read the summary", resumen, "finanzasB", 404, nil, []string{`"total"`}),
		get("ventas (no notas) cannot read the summary", resumen, "ventas", 404, nil, []string{`"total"`}),
		get("alumno1 reads his summary", resumen, "alumno1", 200, summary, nil),
		get("the docente reads it", resumen, "docente", 200, summary, nil),
		get("unknown matrícula", "/api/matriculas/noexiste0000000/notas-resumen", "admin", 404, nil, nil),
	})
}

// jsonHas reports whether the JSON field of r contains s.
func jsonHas(r *core.Record, field, s string) bool { return strings.Contains(r.GetString(field), s) }
