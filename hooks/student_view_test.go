package hooks_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

// TestStudentView follows the mobile app: the student signs in with e-mail and password
// and reads his own matrículas, cuotas, estado de cuenta, pagos, grades, attendance,
// vouchers and the malla of his program, and nothing of alumno2.
func TestStudentView(t *testing.T) {
	f := emFixture(t)
	seedAll := func(t testing.TB, app *tests.TestApp) {
		emSave(t, app, "malla", acMallaCurso, map[string]any{"programa": f.Curso, "numero_mes": 1, "curso": f.CursoA, "activo": true})
		emPago(t, app, "", f.CuotaMat1, 100, "")
		emPago(t, app, "", f.CuotaCursoB, 150, "")
		emSave(t, app, "notas", acNotaSeeded, map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Final", "nota": 15})
		emSave(t, app, "notas", "", map[string]any{"matricula": f.Matricula2, "malla": acMallaCurso, "tipo": "Final", "nota": 11})
		emSave(t, app, "asistencias", "", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "fecha_clase": "2026-03-02", "asistio": true})
		acSeedVoucher(t, app)
	}
	read := func(name, u, actor string, status int, content, notContent []string) emCase {
		return emCase{Name: name, Method: http.MethodGet, URL: u, Actor: actor, Before: seedAll, Status: status,
			Content: content, NotContent: notContent}
	}
	others := []string{f.Matricula2, f.CuotaCursoB, f.Alumno2, `"nota":11`}
	list := func(coll string) string { return "/api/collections/" + coll + "/records?perPage=500" }
	emRun(t, f.Fixture, []emCase{
		{Name: "sign in with e-mail and password", URL: "/api/collections/alumnos/auth-with-password",
			Body:   map[string]any{"identity": "alumno1@test.sgul.pe", "password": sgultest.Password},
			Status: 200, Content: []string{`"token":`, f.Alumno1}, NotContent: []string{`"password"`}},
		acRefused(emCase{Name: "a wrong password is refused", URL: "/api/collections/alumnos/auth-with-password",
			Body: map[string]any{"identity": "alumno1@test.sgul.pe", "password": "otra-clave-123"}, Status: 400}),
		read("his matrículas", list("matriculas"), "alumno1", 200, []string{f.Matricula1, `"totalItems":1`}, others),
		read("his cuotas", list("cuotas"), "alumno1", 200, []string{f.CuotaPen1, f.CuotaMat1}, others),
		read("his estado de cuenta", "/api/matriculas/"+f.Matricula1+"/estado-cuenta", "alumno1", 200, []string{f.CuotaPen1}, others),
		read("not alumno2's estado de cuenta", "/api/matriculas/"+f.Matricula2+"/estado-cuenta", "alumno1", 404, nil, others),
		read("his pagos", list("pagos"), "alumno1", 200, []string{`"totalItems":1`, `"monto":100`}, others),
		read("his grades with estado", list("notas"), "alumno1", 200, []string{acNotaSeeded, `"estado":"Aprobado"`}, others),
		read("his grade summary", "/api/matriculas/"+f.Matricula1+"/notas-resumen", "alumno1", 200, []string{`"promedio":15`}, others),
		read("not alumno2's grade summary", "/api/matriculas/"+f.Matricula2+"/notas-resumen", "alumno1", 404, nil, others),
		read("his attendance", "/api/matriculas/"+f.Matricula1+"/asistencia-resumen", "alumno1", 200, []string{`"porcentaje":100`}, others),
		read("not alumno2's attendance", "/api/matriculas/"+f.Matricula2+"/asistencia-resumen", "alumno1", 404, nil, others),
		read("the malla of his program", list("malla")+"&filter="+url.QueryEscape("programa = '"+f.Carrera+"'")+"&expand=curso", "alumno1", 200,
			[]string{f.MallaCarrera1, f.MallaCarrera2, "Fundamentos de Enfermería"}, nil),
		read("his vouchers", list("vouchers"), "alumno1", 200, []string{acVoucher}, others),
		read("alumno2 sees none of alumno1's vouchers", list("vouchers"), "alumno2", 200, []string{`"totalItems":0`}, []string{acVoucher}),
		read("no other student's record", list("alumnos"), "alumno1", 200, []string{f.Alumno1, `"totalItems":1`}, others),
		read("no staff data", list("empleados"), "alumno1", 200, []string{`"totalItems":0`}, []string{f.EmpleadoA}),
	})
}

const acMallaCurso = "acmallacurso001" // the Curso's only malla row (so alumno2 can be graded)

// TestVoucherImageIsProtected: the voucher image needs a file token of someone who may
// view the voucher.
func TestVoucherImageIsProtected(t *testing.T) {
	f := emFixture(t)
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	acSeedVoucher(t, app)
	v := emRecord(t, app, "vouchers", acVoucher)
	base := sgultest.Serve(t, app)
	fileURL := "/api/files/vouchers/" + acVoucher + "/" + v.GetString("imagen")
	token := func(coll, id string) string {
		r := emRecord(t, app, coll, id)
		tok, err := r.NewFileToken()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	for _, c := range []struct {
		name, token string
		status      int
	}{
		{"no token", "", http.StatusNotFound},
		{"alumno2's token", token("alumnos", f.Alumno2), http.StatusNotFound},
		{"finanzasB's token", token("users", f.Users["finanzasB"]), http.StatusNotFound},
		{"alumno1's token", token("alumnos", f.Alumno1), http.StatusOK},
		{"finanzas' token", token("users", f.Users["finanzas"]), http.StatusOK},
	} {
		res, err := http.Get(base + fileURL + "?token=" + c.token)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.status)
		}
	}
}
