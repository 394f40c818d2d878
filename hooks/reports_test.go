package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/xuri/excelize/v2"

	"sgul/internal/jobs"
	"sgul/internal/reports"
	"sgul/internal/sgultest"
)

const (
	bgRepFinanzas = "reportefinanza1" // finanzas' ingresos report, sede A
	bgRepSistemaA = "reportesistemaa" // the monthly balance of sede A (system)
	bgRepSistemaB = "reportesistemab" // the monthly balance of sede B (system)
	bgRepAdmin    = "reporteadminall" // admin's report of both sedes (no sede)
)

func bgSeedReports(t testing.TB, app *tests.TestApp) {
	f := emFixture(t)
	for id, v := range map[string][3]string{
		bgRepFinanzas: {reports.Ingresos, f.SedeA, f.Users["finanzas"]},
		bgRepSistemaA: {reports.Balance, f.SedeA, ""},
		bgRepSistemaB: {reports.Balance, f.SedeB, ""},
		bgRepAdmin:    {reports.Balance, "", f.Users["admin"]},
	} {
		emSave(t, app, "reportes", id, map[string]any{"tipo": v[0], "formato": "xlsx", "sede": v[1], "solicitado_por": v[2],
			"estado": "Pendiente", "parametros": map[string]any{"mes": "2026-01"}})
	}
}

func bgReportJob(t testing.TB, app core.App, id string) *jobs.Job {
	rec, err := app.FindFirstRecordByFilter("jobs", "clave = {:k}", dbx.Params{"k": "reporte:" + id})
	if err != nil {
		t.Fatalf("el reporte %s no encoló su generación: %v", id, err)
	}
	raw, _ := json.Marshal(rec.Get("payload"))
	return &jobs.Job{Id: rec.Id, Tipo: reports.JobGenerar, Key: rec.GetString("clave"), Payload: raw, Attempt: 1, MaxAttempts: 3}
}

func TestReportRules(t *testing.T) {
	f := emFixture(t)
	list := "/api/collections/reportes/records"
	created := func(tipo, sede, by string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			body := emDecode(t, res)
			id, _ := body["id"].(string)
			r := emRecord(t, app, "reportes", id)
			if r.GetString("tipo") != tipo || r.GetString("sede") != sede || r.GetString("solicitado_por") != by || r.GetString("estado") != "Pendiente" {
				t.Errorf("reporte creado: %v", r.PublicExport())
			}
			bgReportJob(t, app, id)
		}
	}
	noReport := func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		if n := len(emFind(t, app, "reportes", "id != ''", nil)); n != 0 {
			t.Errorf("%d reportes creados", n)
		}
		if n := len(emFind(t, app, "jobs", "tipo = {:t}", dbx.Params{"t": reports.JobGenerar})); n != 0 {
			t.Errorf("%d jobs de reporte", n)
		}
	}
	pedir := func(tipo string, p map[string]any) map[string]any {
		return map[string]any{"tipo": tipo, "formato": "xlsx", "parametros": p}
	}
	cases := []emCase{
		// creating
		{Name: "pedir: anónimo", URL: list, Body: pedir("balance", nil), Status: 400, After: noReport},
		{Name: "pedir: alumno", URL: list, Actor: "alumno1", Body: pedir("balance", nil), Status: 400, After: noReport},
		{Name: "pedir: personal sin reportes", URL: list, Actor: "ventas", Body: pedir("leads", nil), Status: 400, After: noReport},
		{Name: "pedir: analista, detalle de ingresos (sin finanzas)", URL: list, Actor: "analista", Body: pedir("ingresos", nil), Status: 403, After: noReport},
		{Name: "pedir: finanzas, otra sede", URL: list, Actor: "finanzas", Body: pedir("ingresos", map[string]any{"sede": f.SedeB}), Status: 403, After: noReport},
		{Name: "pedir: estado de cuenta de una matrícula de otra sede", URL: list, Actor: "finanzas",
			Body: pedir("estado_cuenta", map[string]any{"matricula": f.Matricula2}), Status: 403, After: noReport},
		{Name: "pedir: mes inválido", URL: list, Actor: "finanzas", Body: pedir("ingresos", map[string]any{"mes": "2026-13"}), Status: 400,
			Content: []string{`"mes"`}, After: noReport},
		{Name: "pedir: tipo inexistente", URL: list, Actor: "finanzas", Body: pedir("sueldos", nil), Status: 400, After: noReport},
		{Name: "pedir: ya listo", URL: list, Actor: "finanzas", Body: map[string]any{"tipo": "balance", "formato": "xlsx", "estado": "Listo"},
			Status: 400, After: noReport},
		{Name: "pedir: analista, balance de su sede", URL: list, Actor: "analista", Body: pedir("balance", nil), Status: 200,
			After: created("balance", f.SedeA, f.Users["analista"])},
		{Name: "pedir: finanzas, ingresos", URL: list, Actor: "finanzas", Body: pedir("ingresos", map[string]any{"mes": "2026-01"}), Status: 200,
			After: created("ingresos", f.SedeA, f.Users["finanzas"])},
		{Name: "pedir: admin, ambas sedes", URL: list, Actor: "admin", Body: pedir("morosidad", nil), Status: 200,
			After: created("morosidad", "", f.Users["admin"])},

		// reading
		{Name: "lista: anónimo", Method: http.MethodGet, URL: list, Before: bgSeedReports, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "lista: alumno", Method: http.MethodGet, URL: list, Actor: "alumno1", Before: bgSeedReports, Status: 200, Content: []string{`"totalItems":0`}},
		{Name: "lista: finanzas ve el suyo y el mensual de su sede", Method: http.MethodGet, URL: list, Actor: "finanzas", Before: bgSeedReports,
			Status: 200, Content: []string{`"totalItems":2`, bgRepFinanzas, bgRepSistemaA}, NotContent: []string{bgRepSistemaB, bgRepAdmin}},
		{Name: "lista: finanzasB solo el mensual de su sede", Method: http.MethodGet, URL: list, Actor: "finanzasB", Before: bgSeedReports,
			Status: 200, Content: []string{`"totalItems":1`, bgRepSistemaB}},
		{Name: "lista: analista ve el balance pero no el detalle de ingresos", Method: http.MethodGet, URL: list, Actor: "analista",
			Before: bgSeedReports, Status: 200, Content: []string{`"totalItems":1`, bgRepSistemaA}, NotContent: []string{bgRepFinanzas}},
		{Name: "lista: personal sin reportes", Method: http.MethodGet, URL: list, Actor: "ventas", Before: bgSeedReports, Status: 200,
			Content: []string{`"totalItems":0`}},
		{Name: "ver: el de otra sede", Method: http.MethodGet, URL: list + "/" + bgRepSistemaB, Actor: "finanzas", Before: bgSeedReports, Status: 404},

		// changing
		{Name: "editar: nadie por la API", Method: http.MethodPatch, URL: list + "/" + bgRepFinanzas, Actor: "finanzas", Before: bgSeedReports,
			Body: map[string]any{"estado": "Listo"}, Status: 403},
		{Name: "borrar: el de un colega", Method: http.MethodDelete, URL: list + "/" + bgRepSistemaA, Actor: "finanzas", Before: bgSeedReports, Status: 404},
		{Name: "borrar: el propio", Method: http.MethodDelete, URL: list + "/" + bgRepFinanzas, Actor: "finanzas", Before: bgSeedReports, Status: 204},
	}
	emRun(t, f.Fixture, cases)
}

// bgHTTP does one request against a served app and decodes a JSON answer.
func bgHTTP(t *testing.T, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

// The balance report, opened back with excelize, shows the same totals as GET
// /api/finanzas/balance; only staff allowed to read it can download the protected file.
func TestReportBalanceMatchesEndpoint(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	balanceLedger(t, app)
	base := sgultest.Serve(t, app)
	q := "desde=2026-01-01&hasta=2026-03-31"

	status, raw := bgHTTP(t, http.MethodGet, base+"/api/finanzas/balance?"+q, f.Tokens["admin"], nil)
	if status != 200 {
		t.Fatalf("balance: %d %s", status, raw)
	}
	var bal struct {
		Sedes []struct {
			Nombre                    string
			Ingresos, Gastos, Balance json.Number
		}
		Totales struct{ Ingresos, Gastos, Balance json.Number }
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&bal); err != nil {
		t.Fatal(err)
	}

	status, raw = bgHTTP(t, http.MethodPost, base+"/api/collections/reportes/records", f.Tokens["admin"],
		map[string]any{"tipo": "balance", "formato": "xlsx", "parametros": map[string]any{"desde": "2026-01-01", "hasta": "2026-03-31"}})
	if status != 200 {
		t.Fatalf("pedir el reporte: %d %s", status, raw)
	}
	var created struct{ Id string }
	_ = json.Unmarshal(raw, &created)
	if err := reports.HandleGenerate(context.Background(), app, bgReportJob(t, app, created.Id)); err != nil {
		t.Fatal(err)
	}
	rep := emRecord(t, app, "reportes", created.Id)
	if rep.GetString("estado") != "Listo" {
		t.Fatalf("reporte: %v", rep.PublicExport())
	}

	// download: a file token of the requester
	fileURL := fmt.Sprintf("%s/api/files/reportes/%s/%s", base, rep.Id, rep.GetString("archivo"))
	fileToken := func(actor string) string {
		status, raw := bgHTTP(t, http.MethodPost, base+"/api/files/token", f.Tokens[actor], nil)
		if status != 200 {
			t.Fatalf("file token %s: %d", actor, status)
		}
		var tok struct{ Token string }
		_ = json.Unmarshal(raw, &tok)
		return tok.Token
	}
	if status, _ := bgHTTP(t, http.MethodGet, fileURL, "", nil); status != 404 {
		t.Errorf("descarga sin token: %d", status)
	}
	if status, _ := bgHTTP(t, http.MethodGet, fileURL+"?token="+fileToken("finanzas"), "", nil); status != 404 {
		t.Errorf("descarga por finanzas de un reporte de dos sedes ajeno: %d", status)
	}
	status, xlsx := bgHTTP(t, http.MethodGet, fileURL+"?token="+fileToken("admin"), "", nil)
	if status != 200 {
		t.Fatalf("descarga del solicitante: %d", status)
	}

	xf, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	totalRow := func(sheet string) []string {
		rows, err := xf.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil || len(rows) < 2 {
			t.Fatalf("hoja %q: %v %v", sheet, rows, err)
		}
		last := rows[len(rows)-1]
		if last[0] != "Total" {
			t.Fatalf("hoja %q termina en %q", sheet, last)
		}
		return last[1:4]
	}
	same := func(what, cell string, want json.Number) {
		a, _ := new(big.Rat).SetString(cell)
		b, _ := new(big.Rat).SetString(want.String())
		if a == nil || b == nil || a.Cmp(b) != 0 {
			t.Errorf("%s: XLSX %s, endpoint %s", what, cell, want)
		}
	}
	for _, s := range bal.Sedes {
		row := totalRow(s.Nombre)
		same(s.Nombre+" ingresos", row[0], s.Ingresos)
		same(s.Nombre+" gastos", row[1], s.Gastos)
		same(s.Nombre+" balance", row[2], s.Balance)
	}
	row := totalRow("Consolidado")
	same("total ingresos", row[0], bal.Totales.Ingresos)
	same("total gastos", row[1], bal.Totales.Gastos)
	same("total balance", row[2], bal.Totales.Balance)
	if len(bal.Sedes) != 2 {
		t.Errorf("el balance trae %d sedes", len(bal.Sedes))
	}
	if !strings.HasPrefix(rep.GetString("archivo"), "balance_2026_01_01_2026_03_31") {
		t.Errorf("archivo = %q", rep.GetString("archivo"))
	}
}
