package hooks_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"

	"sgul/internal/sgultest"
)

// emResult is one answer of a parallel request.
type emResult struct {
	status int
	body   map[string]any
	raw    string
}

// emParallel fires n identical requests at once (after a common start signal).
func emParallel(t *testing.T, n int, method, url, token string, body any, headers map[string]string) []emResult {
	t.Helper()
	raw, _ := json.Marshal(body)
	out := make([]emResult, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(method, url, bytes.NewReader(raw))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", token)
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			<-start
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				out[i] = emResult{raw: err.Error()}
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			r := emResult{status: res.StatusCode, raw: string(b), body: map[string]any{}}
			_ = json.Unmarshal(b, &r.body)
			out[i] = r
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// TestPagoConcurrentPaymentsNeverOverpay: 50 cashiers pay 40.00 of one 150.00 cuota at
// the same instant over real HTTP: exactly 3 succeed, the cuota is never overpaid.
func TestPagoConcurrentPaymentsNeverOverpay(t *testing.T) {
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	base := sgultest.Serve(t, app)
	w := emFixture(t)

	results := emParallel(t, 50, http.MethodPost, base+pagosURL, f.Tokens["finanzas"],
		map[string]any{"matricula": f.Matricula1, "cuota": w.CuotaPen1, "monto": 40, "medio_pago": f.Efectivo}, nil)
	var ok, refused int
	for _, r := range results {
		switch {
		case r.status == 200:
			ok++
		case r.status == 400 && strings.Contains(r.raw, "El monto supera el saldo de la cuota"):
			refused++
		default:
			t.Errorf("unexpected answer %d: %s", r.status, r.raw)
		}
	}
	if ok != 3 || refused != 47 {
		t.Fatalf("%d paid, %d refused; want 3 and 47", ok, refused)
	}
	c := emRecord(t, app, "cuotas", w.CuotaPen1)
	if emCents(c, "pagado") != 12000 || emCents(c, "pagado") > emCents(c, "monto") || c.GetString("estado") != "Parcial" {
		t.Fatalf("cuota pagado=%d of %d, %s; want 12000 Parcial", emCents(c, "pagado"), emCents(c, "monto"), c.GetString("estado"))
	}
	pagos := emFind(t, app, "pagos", "cuota = {:c}", dbx.Params{"c": w.CuotaPen1})
	if len(pagos) != 3 {
		t.Fatalf("pagos = %d, want 3", len(pagos))
	}
	for _, p := range pagos {
		if n := len(emAudit(t, app, "pagos", p.Id)); n != 1 {
			t.Errorf("pago %s has %d audit rows", p.Id, n)
		}
	}
	sgultest.CheckMoneyInvariants(t, app)
}

// TestIdempotencyPagoParallelAndRetried: one Idempotency-Key sent by parallel requests
// and by a later retry yields one pago; every answer names it.
func TestIdempotencyPagoParallelAndRetried(t *testing.T) {
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	base := sgultest.Serve(t, app)
	w := emFixture(t)
	body := map[string]any{"matricula": f.Matricula1, "cuota": w.CuotaPen1, "monto": 40, "medio_pago": f.Efectivo}
	key := map[string]string{"Idempotency-Key": "caja-1-000123"}

	results := emParallel(t, 8, http.MethodPost, base+pagosURL, f.Tokens["finanzas"], body, key)
	results = append(results, emParallel(t, 1, http.MethodPost, base+pagosURL, f.Tokens["finanzas"], body, key)...)
	ids := map[any]int{}
	for _, r := range results {
		if r.status != 200 {
			t.Fatalf("answer %d: %s", r.status, r.raw)
		}
		ids[r.body["id"]]++
	}
	if len(ids) != 1 {
		t.Fatalf("answers name %d pagos: %v", len(ids), ids)
	}
	if n, _ := app.CountRecords("pagos", dbx.HashExp{"cuota": w.CuotaPen1}); n != 1 {
		t.Fatalf("pagos = %d, want 1", n)
	}
	if c := emRecord(t, app, "cuotas", w.CuotaPen1); emCents(c, "pagado") != 4000 {
		t.Fatalf("cuota pagado = %d, want 4000", emCents(c, "pagado"))
	}

	// another key is another pago; the same key from another cashier too
	other := emParallel(t, 1, http.MethodPost, base+pagosURL, f.Tokens["finanzas"], body, map[string]string{"Idempotency-Key": "caja-1-000124"})
	admin := emParallel(t, 1, http.MethodPost, base+pagosURL, f.Tokens["admin"], body, key)
	if other[0].status != 200 || admin[0].status != 200 || other[0].body["id"] == admin[0].body["id"] || ids[other[0].body["id"]] > 0 {
		t.Fatalf("other key %d %v, other cashier %d %v", other[0].status, other[0].body["id"], admin[0].status, admin[0].body["id"])
	}
	if n, _ := app.CountRecords("pagos", dbx.HashExp{"cuota": w.CuotaPen1}); n != 3 {
		t.Fatalf("pagos = %d, want 3", n)
	}
	sgultest.CheckMoneyInvariants(t, app)
}

// TestIdempotencyConvertParallelAndRetried: one Idempotency-Key sent by parallel
// conversions and by a later retry yields one alumno, one matrícula, one schedule.
func TestIdempotencyConvertParallelAndRetried(t *testing.T) {
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	base := sgultest.Serve(t, app)
	w := emFixture(t)
	key := map[string]string{"Idempotency-Key": "conv-lucia-quispe"}
	before := map[string]int64{}
	for _, c := range []string{"alumnos", "matriculas", "cuotas", "interacciones", "jobs"} {
		before[c], _ = app.CountRecords(c)
	}

	results := emParallel(t, 8, http.MethodPost, base+convertURL, f.Tokens["ventas"], convertBody(w, nil), key)
	results = append(results, emParallel(t, 1, http.MethodPost, base+convertURL, f.Tokens["ventas"], convertBody(w, nil), key)...)
	var created int
	ids := map[any]bool{}
	for _, r := range results {
		switch {
		case r.status == 201 && r.body["reintento"] == false:
			created++
		case r.status == 200 && r.body["reintento"] == true:
		default:
			t.Fatalf("answer %d: %s", r.status, r.raw)
		}
		m, _ := r.body["matricula"].(map[string]any)
		ids[m["id"]] = true
	}
	if created != 1 || len(ids) != 1 {
		t.Fatalf("%d answers created a matrícula, answers name %d matrículas; want 1 and 1", created, len(ids))
	}
	for c, want := range map[string]int64{"alumnos": 1, "matriculas": 1, "cuotas": 4, "interacciones": 1, "jobs": 1} {
		if n, _ := app.CountRecords(c); n-before[c] != want {
			t.Errorf("%s grew by %d, want %d", c, n-before[c], want)
		}
	}
	sgultest.CheckMoneyInvariants(t, app)
}
