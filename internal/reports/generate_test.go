package reports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/xuri/excelize/v2"

	"sgul/internal/jobs"
	"sgul/internal/reports"
	"sgul/internal/sgultest"
)

func newApp(t *testing.T) (*tests.TestApp, sgultest.Fixture) {
	t.Helper()
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	return app, f
}

func save(t *testing.T, app core.App, coll string, data map[string]any) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(coll)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(data)
	if err := app.Save(r); err != nil {
		t.Fatalf("%s: %v", coll, err)
	}
	return r
}

// seedActivity adds a pago (and its ingreso), a manual gasto, a grade, an absence and a
// payroll line, all in sede A, in January 2026.
func seedActivity(t *testing.T, app core.App, f sgultest.Fixture) {
	t.Helper()
	cuota, err := app.FindFirstRecordByFilter("cuotas", "matricula = {:m} && concepto = 'Pensión' && numero = 1", dbx.Params{"m": f.Matricula1})
	if err != nil {
		t.Fatal(err)
	}
	save(t, app, "pagos", map[string]any{"matricula": f.Matricula1, "cuota": cuota.Id, "monto": 150, "medio_pago": f.Efectivo,
		"fecha_pago": "2026-01-10 15:00:00.000Z"})
	save(t, app, "gastos", map[string]any{"sede": f.SedeA, "concepto": "Luz", "categoria": "Servicios", "monto": 80.5,
		"fecha": "2026-01-12 00:00:00.000Z", "origen": "Manual"})
	save(t, app, "notas", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "tipo": "Práctica", "nota": 15})
	save(t, app, "asistencias", map[string]any{"matricula": f.Matricula1, "malla": f.MallaCarrera1, "fecha_clase": "2026-01-15", "asistio": false})
	save(t, app, "planillas", map[string]any{"empleado": f.EmpleadoA, "mes": 1, "anio": 2026, "sueldo_basico": 1500, "estado": "Borrador"})
	// an overdue cuota for the morosidad report
	if _, err := app.DB().Update("cuotas", dbx.Params{"vencimiento": "2026-01-05 00:00:00.000Z"},
		dbx.HashExp{"matricula": f.Matricula1, "concepto": "Matrícula"}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// request prepares a report as admin would request it and saves it (the hook enqueues
// its job), then runs the job.
func request(t *testing.T, app core.App, f sgultest.Fixture, tipo, formato string, p map[string]any) *core.Record {
	t.Helper()
	admin, err := app.FindRecordById("users", f.Users["admin"])
	if err != nil {
		t.Fatal(err)
	}
	col, _ := app.FindCollectionByNameOrId("reportes")
	r := core.NewRecord(col)
	r.Set("tipo", tipo)
	r.Set("formato", formato)
	r.Set("parametros", p)
	if err := reports.Prepare(app, admin, r, "2026-01-31"); err != nil {
		t.Fatalf("%s: Prepare: %v", tipo, err)
	}
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	runJob(t, app, r.Id)
	fresh, err := app.FindRecordById("reportes", r.Id)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

func runJob(t *testing.T, app core.App, reporte string) {
	t.Helper()
	rec, err := app.FindFirstRecordByFilter("jobs", "clave = {:k}", dbx.Params{"k": "reporte:" + reporte})
	if err != nil {
		t.Fatalf("la creación del reporte no encoló su job: %v", err)
	}
	raw, _ := json.Marshal(rec.Get("payload"))
	if err := reports.HandleGenerate(context.Background(), app, &jobs.Job{Id: rec.Id, Tipo: reports.JobGenerar, Payload: raw, Attempt: 1, MaxAttempts: 3}); err != nil {
		t.Fatal(err)
	}
}

// file reads a report's stored file.
func file(t *testing.T, app core.App, r *core.Record) []byte {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	rd, err := fsys.GetReader(r.BaseFilesPath() + "/" + r.GetString("archivo"))
	if err != nil {
		t.Fatalf("archivo de %s: %v", r.GetString("tipo"), err)
	}
	defer rd.Close()
	b, _ := io.ReadAll(rd)
	return b
}

func xlsxRows(t *testing.T, raw []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out[s] = rows
	}
	return out
}

// Every report type generates, in both formats, and lands Listo with its file.
func TestEveryReportTypeGenerates(t *testing.T) {
	app, f := newApp(t)
	seedActivity(t, app, f)
	jan := map[string]any{"mes": "2026-01"}
	cases := []struct {
		tipo   string
		params map[string]any
		minRow int
		sheet  string // a sheet the XLSX must have
		text   string // text some cell must hold
	}{
		{reports.Balance, jan, 2, "Consolidado", "2026-01"},
		{reports.Ingresos, jan, 1, "Arequipa Virtual", "Pensión - Enfermería (Cuota 1)"},
		{reports.Gastos, jan, 1, "Arequipa Virtual", "Luz"},
		{reports.Morosidad, map[string]any{"hasta": "2026-12-31"}, 1, "Arequipa Virtual", "Enfermería"},
		{reports.EstadoCuenta, map[string]any{"matricula": f.Matricula1}, 4, "", "Pensión"},
		{reports.Leads, map[string]any{"desde": "2026-01-01", "hasta": "2030-12-31"}, 4, "Sede Principal Pedregal", "Lucía Quispe"},
		{reports.Matriculas, map[string]any{"desde": "2026-01-01", "hasta": "2030-12-31"}, 2, "Arequipa Virtual", "70000001"},
		{reports.Notas, map[string]any{"sede": f.SedeA}, 1, "Arequipa Virtual", "Fundamentos de Enfermería"},
		{reports.Asistencias, jan, 1, "Arequipa Virtual", "No"},
		{reports.Planillas, jan, 1, "Arequipa Virtual", "Huamán"},
	}
	for _, c := range cases {
		for _, formato := range []string{reports.XLSX, reports.CSV} {
			r := request(t, app, f, c.tipo, formato, c.params)
			if r.GetString("estado") != reports.Listo || r.GetString("archivo") == "" || r.GetDateTime("generado_en").IsZero() {
				t.Errorf("%s/%s: %v", c.tipo, formato, r.PublicExport())
				continue
			}
			if r.GetInt("filas") < c.minRow {
				t.Errorf("%s/%s: %d filas, quería ≥ %d", c.tipo, formato, r.GetInt("filas"), c.minRow)
			}
			if !strings.HasPrefix(r.GetString("archivo"), c.tipo+"_") || !strings.HasSuffix(r.GetString("archivo"), "."+formato) {
				t.Errorf("nombre del archivo: %q", r.GetString("archivo"))
			}
			raw := file(t, app, r)
			var all strings.Builder
			if formato == reports.XLSX {
				sheets := xlsxRows(t, raw)
				if _, ok := sheets[c.sheet]; c.sheet != "" && !ok {
					t.Errorf("%s: falta la hoja %q (%v)", c.tipo, c.sheet, keys(sheets))
				}
				for _, rows := range sheets {
					for _, row := range rows {
						all.WriteString(strings.Join(row, "|") + "\n")
					}
				}
			} else {
				recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF")))).ReadAll()
				if err != nil || !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
					t.Fatalf("%s: CSV inválido: %v", c.tipo, err)
				}
				for _, row := range recs {
					all.WriteString(strings.Join(row, "|") + "\n")
				}
			}
			if !strings.Contains(all.String(), c.text) {
				t.Errorf("%s/%s no contiene %q:\n%s", c.tipo, formato, c.text, all.String())
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A report that cannot be generated ends in Error with a Spanish reason; a report
// already Listo is not generated again.
func TestGenerateErrorsAndIdempotence(t *testing.T) {
	app, f := newApp(t)
	r := request(t, app, f, reports.Ingresos, reports.CSV, map[string]any{"mes": "2026-01"})
	name := r.GetString("archivo")
	runJob(t, app, r.Id)
	if again, _ := app.FindRecordById("reportes", r.Id); again.GetString("archivo") != name {
		t.Error("un reporte Listo se generó otra vez")
	}

	col, _ := app.FindCollectionByNameOrId("reportes")
	broken := core.NewRecord(col)
	broken.Load(map[string]any{"tipo": reports.Ingresos, "formato": "xlsx", "estado": "Pendiente", "parametros": map[string]any{}})
	if err := app.Save(broken); err != nil {
		t.Fatal(err)
	}
	runJob(t, app, broken.Id)
	broken, _ = app.FindRecordById("reportes", broken.Id)
	if broken.GetString("estado") != reports.Error || broken.GetString("error") == "" {
		t.Errorf("reporte sin sedes: %v", broken.PublicExport())
	}
}

// The monthly schedule creates one balance report per sede for the previous month, once.
func TestMonthlyReports(t *testing.T) {
	app, f := newApp(t)
	if got := reports.PreviousMonth(time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)); got != "2026-01" {
		// 04:00 UTC on March 1st is still February 28th in Lima
		t.Errorf("PreviousMonth = %s", got)
	}
	for range 2 {
		if err := reports.EnqueueMensual(app); err != nil {
			t.Fatal(err)
		}
	}
	js, _ := app.FindRecordsByFilter("jobs", "tipo = {:t}", "", 0, 0, dbx.Params{"t": reports.JobMensual})
	if len(js) != 1 {
		t.Fatalf("%d jobs mensuales", len(js))
	}
	raw, _ := json.Marshal(js[0].Get("payload"))
	job := &jobs.Job{Id: js[0].Id, Tipo: reports.JobMensual, Payload: raw, Attempt: 1, MaxAttempts: 3}
	for range 2 {
		if err := reports.HandleMensual(context.Background(), app, job); err != nil {
			t.Fatal(err)
		}
	}
	recs, _ := app.FindAllRecords("reportes")
	if len(recs) != 2 {
		t.Fatalf("%d reportes mensuales, quería 2 (uno por sede)", len(recs))
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.GetString("sede")] = true
		if r.GetString("tipo") != reports.Balance || r.GetString("solicitado_por") != "" || r.GetString("estado") != reports.Pendiente {
			t.Errorf("reporte mensual: %v", r.PublicExport())
		}
		if _, err := app.FindFirstRecordByFilter("jobs", "clave = {:k}", dbx.Params{"k": "reporte:" + r.Id}); err != nil {
			t.Errorf("el reporte mensual no encoló su generación")
		}
	}
	if !seen[f.SedeA] || !seen[f.SedeB] {
		t.Errorf("sedes: %v", seen)
	}
}
