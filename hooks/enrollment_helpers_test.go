package hooks_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/sgultest"
)

// The enrollment and money tests share these helpers; their names start with "em" so
// they cannot clash with the helpers of other areas in package hooks_test.

// emWorld is the sgultest fixture plus the ids of the cuotas its matrículas were born with.
type emWorld struct {
	sgultest.Fixture
	CuotaMat1                       string // Matrícula cuota of Matricula1 (100.00, sede A)
	CuotaPen1, CuotaPen2, CuotaPen3 string // Pensión 1..3 of Matricula1 (150.00 each)
	CuotaCursoB                     string // Pago Único of Matricula2 (150.00, sede B)
}

var (
	emOnce  sync.Once
	emFix   emWorld
	emFixOK bool
)

// emFixture returns the fixture with its cuota ids (read once from a clone of the template).
func emFixture(t testing.TB) emWorld {
	t.Helper()
	emOnce.Do(func() {
		app, f := sgultest.NewApp(t)
		defer app.Cleanup()
		w := emWorld{Fixture: f}
		cuota := func(mat, concepto string, n int) string {
			r, err := app.FindFirstRecordByFilter("cuotas", "matricula = {:m} && concepto = {:c} && numero = {:n}",
				dbx.Params{"m": mat, "c": concepto, "n": n})
			if err != nil {
				t.Fatalf("fixture cuota %s %s %d: %v", mat, concepto, n, err)
			}
			return r.Id
		}
		w.CuotaMat1 = cuota(f.Matricula1, "Matrícula", 1)
		w.CuotaPen1, w.CuotaPen2, w.CuotaPen3 = cuota(f.Matricula1, "Pensión", 1), cuota(f.Matricula1, "Pensión", 2), cuota(f.Matricula1, "Pensión", 3)
		w.CuotaCursoB = cuota(f.Matricula2, "Pago Único", 1)
		emFix, emFixOK = w, true
	})
	if !emFixOK {
		t.Fatal("emFixture failed in an earlier test")
	}
	return emFix
}

// emCase is one row of an API scenario table. Every case runs on a fresh clone, checks the
// money invariants afterwards, and, when Unchanged is set, that no row of the enrollment
// and money tables changed and no mail was sent.
type emCase struct {
	Name       string
	Method     string // default POST
	URL        string
	Actor      string // sgultest actor, "" = anonymous
	Body       any    // map/slice (JSON), string (raw) or io.Reader
	Headers    map[string]string
	Status     int
	Content    []string
	NotContent []string
	Events     map[string]int
	Unchanged  bool
	Before     func(t testing.TB, app *tests.TestApp)
	After      func(t testing.TB, app *tests.TestApp, res *http.Response)
}

// emLeaks must never appear in an answer: secrets and internals.
var emLeaks = []string{`"tokenKey"`, `"password"`, "sql:", "SQLITE", "constraint failed", "goroutine", ".go:"}

func emRun(t *testing.T, f sgultest.Fixture, cases []emCase) {
	t.Helper()
	for _, c := range cases {
		var before map[string]string
		method := c.Method
		if method == "" {
			method = http.MethodPost
		}
		headers := map[string]string{}
		for k, v := range f.Auth(c.Actor) {
			headers[k] = v
		}
		for k, v := range c.Headers {
			headers[k] = v
		}
		s := tests.ApiScenario{
			Name:               c.Name,
			Method:             method,
			URL:                c.URL,
			Body:               emBody(c.Body),
			Headers:            headers,
			ExpectedStatus:     c.Status,
			ExpectedContent:    c.Content,
			NotExpectedContent: append(append([]string{}, emLeaks...), c.NotContent...),
			ExpectedEvents:     c.Events,
			TestAppFactory:     sgultest.Factory,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				if c.Before != nil {
					c.Before(t, app)
				}
				if c.Unchanged {
					before = emFingerprint(t, app)
				}
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if c.Unchanged {
					emSame(t, before, emFingerprint(t, app))
				}
				if c.After != nil {
					c.After(t, app, res)
				}
				sgultest.CheckMoneyInvariants(t, app)
			},
		}
		s.Test(t)
	}
}

func emBody(b any) io.Reader {
	switch v := b.(type) {
	case nil:
		return nil
	case io.Reader:
		return v
	case string:
		return strings.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return bytes.NewReader(raw)
	}
}

// emTables are the tables a refused request must leave exactly as they were.
var emTables = []string{"leads", "interacciones", "alumnos", "matriculas", "cuotas", "pagos", "ingresos", "gastos",
	"auditoria", "saldos_mensuales", "idempotencia", "programas", "jobs"}

// emFingerprint summarises the full content of every row of emTables, the mails sent and
// the stored files.
func emFingerprint(t testing.TB, app *tests.TestApp) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tbl := range emTables {
		cols, err := app.TableColumns(tbl)
		if err != nil {
			t.Fatalf("fingerprint %s: %v", tbl, err)
		}
		sort.Strings(cols)
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = "quote([[" + c + "]])"
		}
		var s string
		err = app.DB().NewQuery("SELECT COUNT(*) || ':' || COALESCE(group_concat(r, ','), '') FROM (SELECT " +
			strings.Join(quoted, " || '|' || ") + " AS r FROM {{" + tbl + "}} ORDER BY id)").Row(&s)
		if err != nil {
			t.Fatalf("fingerprint %s: %v", tbl, err)
		}
		out[tbl] = s
	}
	out["mails"] = strings.Repeat("m", app.TestMailer.TotalSend())
	out["files"] = strings.Join(emStoredFiles(t, app), ",")
	return out
}

func emSame(t testing.TB, before, after map[string]string) {
	t.Helper()
	for k, b := range before {
		if after[k] != b {
			t.Errorf("%s changed although the request was refused:\nbefore %.300s\nafter  %.300s", k, b, after[k])
		}
	}
}

// emStoredFiles lists the files in the app's storage.
func emStoredFiles(t testing.TB, app core.App) []string {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	objs, err := fsys.List("")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		out = append(out, o.Key)
	}
	sort.Strings(out)
	return out
}

// emDecode reads a JSON answer.
func emDecode(t testing.TB, res *http.Response) map[string]any {
	t.Helper()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("answer is not a JSON object: %v\n%s", err, raw)
	}
	return out
}

// emRecord loads a record or fails the test.
func emRecord(t testing.TB, app core.App, coll, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(coll, id)
	if err != nil {
		t.Fatalf("%s %q: %v", coll, id, err)
	}
	return r
}

// emFind returns the records of coll matching filter (sorted by created).
func emFind(t testing.TB, app core.App, coll, filter string, params dbx.Params) []*core.Record {
	t.Helper()
	rs, err := app.FindRecordsByFilter(coll, filter, "created", 0, 0, params)
	if err != nil {
		t.Fatalf("%s %s: %v", coll, filter, err)
	}
	return rs
}

// emCents reads a money field in céntimos.
func emCents(r *core.Record, field string) int64 {
	f := r.GetFloat(field) * 100
	if f < 0 {
		return int64(f - 0.5)
	}
	return int64(f + 0.5)
}

// emSave saves a record through the production hooks (the Go path) or fails the test.
func emSave(t testing.TB, app core.App, coll, id string, data map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(coll)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	if id != "" {
		r.Id = id
	}
	r.Load(data)
	if err := app.Save(r); err != nil {
		t.Fatalf("save %s %s: %v", coll, id, err)
	}
	return r
}

// emPago registers a pago from Go code (cash unless medio is given).
func emPago(t testing.TB, app core.App, id, cuota string, monto float64, fechaPago string) *core.Record {
	t.Helper()
	f := emFixture(t)
	c := emRecord(t, app, "cuotas", cuota)
	data := map[string]any{"matricula": c.GetString("matricula"), "cuota": cuota, "monto": monto, "medio_pago": f.Efectivo}
	if fechaPago != "" {
		data["fecha_pago"] = fechaPago
	}
	return emSave(t, app, "pagos", id, data)
}

// emPatch changes fields of a record from Go code (hooks run) or fails the test.
func emPatch(t testing.TB, app core.App, coll, id string, data map[string]any) *core.Record {
	t.Helper()
	r := emRecord(t, app, coll, id)
	for k, v := range data {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("update %s %s: %v", coll, id, err)
	}
	return r
}

// emPNG is a valid 2x2 PNG image (vouchers and DNI scans must be PDF, JPEG or PNG).
func emPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// emMultipart builds a multipart body with text fields and PNG files; it returns the body
// and the headers (actor's auth is added by emRun).
func emMultipart(fields map[string]string, pngFields ...string) (io.Reader, map[string]string) {
	buf := new(bytes.Buffer)
	mp := multipart.NewWriter(buf)
	for k, v := range fields {
		_ = mp.WriteField(k, v)
	}
	for _, name := range pngFields {
		w, _ := mp.CreateFormFile(name, name+".png")
		_, _ = w.Write(emPNG())
	}
	_ = mp.Close()
	return buf, map[string]string{"Content-Type": mp.FormDataContentType()}
}

// emAudit returns the audit rows of a record.
func emAudit(t testing.TB, app core.App, coll, id string) []*core.Record {
	t.Helper()
	return emFind(t, app, "auditoria", "coleccion = {:c} && registro = {:r}", dbx.Params{"c": coll, "r": id})
}

// emMerge copies maps left to right into a new map.
func emMerge(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
