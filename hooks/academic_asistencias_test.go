package hooks_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/academic"
	"sgul/internal/audit"
	"sgul/internal/schedule"
	"sgul/internal/sgultest"
)

// acMatCarrera2 is alumno2 enrolled in Enfermería too, so that a class has two students.
const acMatCarrera2 = "acmatcarrera002"

func acSeedClass(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	emSave(t, app, "matriculas", acMatCarrera2, map[string]any{"alumno": f.Alumno2, "programa": f.Carrera,
		"modalidad": f.Virtual, "sede": f.SedeA, "estado": "Activo"})
}

func TestAsistenciaGrupal(t *testing.T) {
	f := emFixture(t)
	url := "/api/asistencias/grupal"
	body := func(extra map[string]any) map[string]any {
		return emMerge(map[string]any{"programa": f.Carrera, "fecha": "2026-03-10", "malla": f.MallaCarrera1,
			"items": []map[string]any{
				{"matricula": f.Matricula1, "asistio": true},
				{"matricula": acMatCarrera2, "asistio": false, "justificacion": "Cita médica"},
			}}, extra)
	}
	refused := func(name, actor string, b any, status int, content ...string) emCase {
		return acRefused(emCase{Name: name, URL: url, Actor: actor, Body: b, Status: status, Content: content, Before: acSeedClass})
	}
	rows := func(t testing.TB, app *tests.TestApp) map[string]bool {
		out := map[string]bool{}
		for _, r := range emFind(t, app, "asistencias", "fecha_clase = '2026-03-10 00:00:00.000Z'", nil) {
			out[r.GetString("matricula")+"/"+r.GetString("malla")] = r.GetBool("asistio")
		}
		return out
	}
	tomorrow := time.Now().In(schedule.LimaLocation()).AddDate(0, 0, 1).Format(time.DateOnly)
	emRun(t, f.Fixture, []emCase{
		refused("anonymous", "", body(nil), 401),
		refused("student", "alumno1", body(nil), 403),
		refused("role without asistencias (ventas)", "ventas", body(nil), 403),
		refused("docente: students of a program it does not teach", "docente",
			map[string]any{"programa": f.Curso, "fecha": "2026-03-10", "items": []map[string]any{{"matricula": f.Matricula2, "asistio": true}}}, 403),
		refused("bad JSON", "docente", `{"programa":`, 400),
		refused("no items", "docente", body(map[string]any{"items": []any{}}), 400, `"items"`, "sgul_items_vacio"),
		refused("future date", "docente", body(map[string]any{"fecha": tomorrow}), 400, `"fecha"`, "sgul_fecha_futura"),
		refused("bad date", "docente", body(map[string]any{"fecha": "10/03/2026"}), 400, `"fecha"`, "sgul_fecha_invalida"),
		refused("malla row of another program", "admin", body(map[string]any{"programa": f.Curso}), 400, `"malla"`),
		refused("matrícula of another program", "admin",
			body(map[string]any{"items": []map[string]any{{"matricula": f.Matricula1, "asistio": true}, {"matricula": f.Matricula2, "asistio": true}}}),
			400, `"items":{"1":{"matricula"`, "sgul_matricula_otro_programa"),
		refused("same matrícula twice", "admin",
			body(map[string]any{"items": []map[string]any{{"matricula": f.Matricula1, "asistio": true}, {"matricula": f.Matricula1, "asistio": false}}}),
			400, "sgul_matricula_repetida"),
		refused("unknown matrícula", "admin", body(map[string]any{"items": []map[string]any{{"matricula": "noexiste0000000"}}}), 400, "sgul_matricula_inexistente"),
		{
			Name: "docente records a whole class", URL: url, Actor: "docente", Body: body(nil), Before: acSeedClass, Status: 200,
			Content: []string{`"creadas":2`, `"actualizadas":0`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				got := rows(t, app)
				if len(got) != 2 || !got[f.Matricula1+"/"+f.MallaCarrera1] || got[acMatCarrera2+"/"+f.MallaCarrera1] {
					t.Errorf("rows = %v", got)
				}
				r := emFind(t, app, "asistencias", "matricula = {:m}", dbx.Params{"m": acMatCarrera2})[0]
				if r.GetString("justificacion") != "Cita médica" || r.GetString("registrado_por") != f.Users["docente"] {
					t.Errorf("row = %v", r)
				}
			},
		},
		{
			Name: "sending the class again updates it (upsert)", URL: url, Actor: "docente", Status: 200,
			Before: func(t testing.TB, app *tests.TestApp) {
				acSeedClass(t, app)
				emSave(t, app, "asistencias", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "fecha_clase": "2026-03-10", "asistio": false})
			},
			Body:    body(nil),
			Content: []string{`"creadas":1`, `"actualizadas":1`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if got := rows(t, app); len(got) != 2 || !got[f.Matricula1+"/"+f.MallaCarrera1] {
					t.Errorf("rows = %v", got)
				}
			},
		},
		{
			Name: "a class without malla row is its own key", URL: url, Actor: "admin", Status: 200,
			Before: func(t testing.TB, app *tests.TestApp) {
				acSeedClass(t, app)
				emSave(t, app, "asistencias", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "fecha_clase": "2026-03-10", "asistio": true})
			},
			Body:    body(map[string]any{"malla": ""}),
			Content: []string{`"creadas":2`},
			After: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if got := rows(t, app); len(got) != 3 {
					t.Errorf("rows = %v", got)
				}
			},
		},
	})
}

// TestAsistenciaGrupalIsAtomic: one row that fails at save time rolls back the class.
func TestAsistenciaGrupalIsAtomic(t *testing.T) {
	f := emFixture(t)
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	acSeedClass(t, app)
	form := academic.AsistenciaGrupal{Programa: f.Carrera, Fecha: "2026-03-10", Items: []academic.ItemGrupal{
		{Matricula: f.Matricula1, Asistio: true}, {Matricula: acMatCarrera2, Asistio: true}}}
	if err := form.Validate(app, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The second student withdraws between the check and the save.
	emPatch(t, app, "matriculas", acMatCarrera2, map[string]any{"estado": "Retirado"})
	if _, err := form.Submit(app, audit.System); err == nil {
		t.Fatal("Submit accepted a withdrawn student")
	}
	if n := acCount(t, app, "asistencias", "id != ''", nil); n != 0 {
		t.Errorf("asistencias = %d after a failed class, want 0", n)
	}
}

func TestAsistenciaSingleAndSummary(t *testing.T) {
	f := emFixture(t)
	seed := func(t testing.TB, app *tests.TestApp) {
		for i, asistio := range []bool{true, true, false, true} {
			emSave(t, app, "asistencias", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1,
				"fecha_clase": time.Date(2026, 3, 2+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), "asistio": asistio})
		}
		emSave(t, app, "asistencias", "", map[string]any{"matricula": f.Matricula1, "fecha_clase": "2026-03-02", "asistio": false})
	}
	resumen := "/api/matriculas/" + f.Matricula1 + "/asistencia-resumen"
	get := func(name, actor string, status int, content ...string) emCase {
		return emCase{Name: name, Method: http.MethodGet, URL: resumen, Actor: actor, Before: seed, Status: status, Content: content}
	}
	want := []string{`"total":5`, `"asistidas":3`, `"faltas":2`, `"porcentaje":60`,
		`"malla":"` + f.MallaCarrera1 + `","numero_mes":1,"curso":"Fundamentos de Enfermería","total":4,"asistidas":3,"faltas":1,"porcentaje":75`,
		`"numero_mes":2,"curso":"Anatomía","total":0,"asistidas":0,"faltas":0,"porcentaje":0`,
		`"sin_curso":{"total":1,"asistidas":0,"faltas":1,"porcentaje":0}`}
	emRun(t, f.Fixture, []emCase{
		get("anonymous", "", 401),
		get("alumno2 cannot read alumno1's attendance", "alumno2", 404),
		get("ventasB cannot", "ventasB", 404),
		get("alumno1 reads his percentages", "alumno1", 200, want...),
		get("the docente reads them", "docente", 200, want...),
		acRefused(emCase{Name: "a second row for the same class is a 400", URL: "/api/collections/asistencias/records", Actor: "docente",
			Before: seed, Status: 400, Content: []string{`"fecha_clase"`, "sgul_asistencia_duplicada"},
			Body: map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "fecha_clase": "2026-03-03", "asistio": true}}),
		{Name: "a Lima evening instant is stored as that Lima date", URL: "/api/collections/asistencias/records", Actor: "docente",
			Status: 200, Content: []string{`"fecha_clase":"2026-03-10 00:00:00.000Z"`},
			Body: map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera2, "fecha_clase": "2026-03-11 02:30:00.000Z", "asistio": true}},
		acRefused(emCase{Name: "student cannot record attendance", URL: "/api/collections/asistencias/records", Actor: "alumno1",
			Status: 400, Body: map[string]any{"matricula": f.Matricula1, "fecha_clase": "2026-03-10", "asistio": true}}),
	})
}
