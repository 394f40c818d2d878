package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// The workload: every client is one member of staff or one student doing their job in a
// closed loop: cashiers register pagos (some sent two or three times at once with the
// same Idempotency-Key), void pagos and review vouchers; advisors create leads and
// convert them (some conversions repeated with their key); HR generates, pays and voids
// payroll; students upload payment vouchers; the director reads balances.

// stats counts the outcomes of one kind of action.
type stats struct {
	ok, refused, e5xx, down atomic.Int64
	nanos, max              atomic.Int64
}

// workload is the shared state of the clients.
type workload struct {
	api  *api
	refs refs
	seq  atomic.Int64 // unique DNIs, e-mails and keys
	salt string

	finanzas, ventas, rrhh, admin *session
	students                      []*session

	mu      sync.Mutex
	acts    map[string]*stats
	cuotas  []cuotaRef // open cuotas of active matrículas (refreshed)
	pagos   []string   // pagos registered by the run (to void)
	borr    []string   // Borrador planillas (refreshed)
	pagadas []string   // planillas paid by the run (to void)
	pend    []string   // Pendiente vouchers (refreshed)
	issues  []string   // contract breaks seen by the clients (idempotency, 5xx)
	downs   []time.Time
}

type refs struct {
	sedes             []string
	programas         map[string][]string // sede -> activos programas
	modalidades       []string
	efectivo, yape    string
	medioContacto     string
	campanaSubject    string
	campanaRecipients int
}

type cuotaRef struct {
	ID        string  `json:"id"`
	Matricula string  `json:"matricula"`
	Monto     float64 `json:"monto"`
	Pagado    float64 `json:"pagado"`
}

func (w *workload) stat(name string) *stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.acts[name]
	if s == nil {
		s = &stats{}
		w.acts[name] = s
	}
	return s
}

func (w *workload) issue(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.issues) < 100 {
		w.issues = append(w.issues, fmt.Sprintf(format, args...))
	}
}

// record counts one answer of action name and returns whether the server answered.
func (w *workload) record(name string, r reply, took time.Duration) bool {
	s := w.stat(name)
	s.nanos.Add(int64(took))
	for {
		m := s.max.Load()
		if int64(took) <= m || s.max.CompareAndSwap(m, int64(took)) {
			break
		}
	}
	switch {
	case r.err != nil:
		s.down.Add(1)
		w.mu.Lock()
		w.downs = append(w.downs, time.Now())
		w.mu.Unlock()
		return false
	case r.status >= 500:
		s.e5xx.Add(1)
		w.issue("%s answered %s", name, r)
	case r.status >= 400:
		s.refused.Add(1)
	default:
		s.ok.Add(1)
	}
	return true
}

// timed sends one request and records it.
func (w *workload) timed(ctx context.Context, name string, s *session, method, path string, body any, hdr map[string]string) reply {
	start := time.Now()
	r := s.call(ctx, method, path, body, hdr)
	if ctx.Err() != nil && r.err != nil {
		return r // the run ended: not an outage
	}
	w.record(name, r, time.Since(start))
	return r
}

// keyed sends an idempotent request until the server answers (across a restart).
func (w *workload) keyed(ctx context.Context, name string, s *session, path string, body any, key string) reply {
	for {
		r := w.timed(ctx, name, s, "POST", path, body, map[string]string{"Idempotency-Key": key})
		if r.err == nil || ctx.Err() != nil {
			return r
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func pick[T any](rnd *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[rnd.IntN(len(xs))], true
}

// pickLocked is pick on a slice the clients share, read under mu.
func pickLocked[T any](mu *sync.Mutex, rnd *rand.Rand, xs *[]T) (T, bool) {
	mu.Lock()
	defer mu.Unlock()
	return pick(rnd, *xs)
}

func (w *workload) next() int64 { return w.seq.Add(1) }

// --- cashier -------------------------------------------------------------------------

func (w *workload) cashier(ctx context.Context, rnd *rand.Rand) {
	switch n := rnd.IntN(100); {
	case n < 55:
		w.pay(ctx, rnd, 1)
	case n < 70:
		w.pay(ctx, rnd, 2+rnd.IntN(2)) // the same request sent 2-3 times at once
	case n < 80:
		w.void(ctx, rnd)
	default:
		w.review(ctx, rnd)
	}
}

func (w *workload) pay(ctx context.Context, rnd *rand.Rand, copies int) {
	c, ok := pickLocked(&w.mu, rnd, &w.cuotas)
	if !ok {
		time.Sleep(50 * time.Millisecond)
		return
	}
	saldo := int64((c.Monto-c.Pagado)*100 + 0.5)
	if saldo <= 0 {
		return
	}
	monto := 1 + rnd.Int64N(saldo)
	if rnd.IntN(3) == 0 {
		monto = saldo // pay it off
	}
	body := map[string]any{"matricula": c.Matricula, "cuota": c.ID, "monto": float64(monto) / 100, "medio_pago": w.refs.efectivo}
	key := fmt.Sprintf("%s-pago-%d", w.salt, w.next())
	name := "pago"
	if copies > 1 {
		name = "pago (clave repetida)"
	}
	ids := make([]string, copies)
	var wg sync.WaitGroup
	for i := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.keyed(ctx, name, w.finanzas, "/api/collections/pagos/records", body, key)
			if r.status == http.StatusOK {
				var p struct{ ID string }
				_ = r.decode(&p)
				ids[i] = p.ID
			}
		}()
	}
	wg.Wait()
	first := ""
	for _, id := range ids {
		switch {
		case id == "":
		case first == "":
			first = id
		case id != first:
			w.issue("Idempotency-Key %s created two pagos: %s and %s", key, first, id)
		}
	}
	if first != "" {
		w.mu.Lock()
		w.pagos = append(w.pagos, first)
		w.mu.Unlock()
	}
}

func (w *workload) void(ctx context.Context, rnd *rand.Rand) {
	id, ok := pickLocked(&w.mu, rnd, &w.pagos)
	if !ok {
		return
	}
	w.timed(ctx, "anulación de pago", w.finanzas, "POST", "/api/pagos/"+id+"/anular", map[string]string{"motivo": "Prueba de carga"}, nil)
}

func (w *workload) review(ctx context.Context, rnd *rand.Rand) {
	id, ok := pickLocked(&w.mu, rnd, &w.pend)
	if !ok {
		time.Sleep(50 * time.Millisecond)
		return
	}
	if rnd.IntN(5) == 0 {
		w.timed(ctx, "rechazo de voucher", w.finanzas, "POST", "/api/vouchers/"+id+"/rechazar", map[string]string{"motivo": "Imagen ilegible"}, nil)
		return
	}
	// two cashiers approve the same voucher at once: one pago, the other answer agrees
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.timed(ctx, "aprobación de voucher", w.finanzas, "POST", "/api/vouchers/"+id+"/aprobar", nil, nil)
		}()
	}
	wg.Wait()
}

// --- advisor -------------------------------------------------------------------------

func (w *workload) advisor(ctx context.Context, rnd *rand.Rand) {
	sede, _ := pick(rnd, w.refs.sedes)
	prog, ok := pick(rnd, w.refs.programas[sede])
	if !ok {
		return
	}
	n := w.next()
	email := fmt.Sprintf("carga-%s-%d@carga.sgul.pe", w.salt, n)
	lead := map[string]any{"nombre_completo": fmt.Sprintf("Postulante %d", n), "telefono": fmt.Sprintf("9%08d", n%100000000),
		"email": email, "genero": "Femenino", "asesor": w.ventas.id, "medio_contacto": w.refs.medioContacto,
		"intereses": []string{prog}, "sede": sede}
	r := w.timed(ctx, "lead", w.ventas, "POST", "/api/collections/leads/records", lead, nil)
	if r.status != http.StatusOK {
		return
	}
	var l struct{ ID string }
	_ = r.decode(&l)
	mod, _ := pick(rnd, w.refs.modalidades)
	conv := map[string]any{"lead": l.ID, "programa": prog, "modalidad": mod, "dni": fmt.Sprintf("6%07d", n%10000000), "email": email}
	key := fmt.Sprintf("%s-conv-%d", w.salt, n)
	r = w.keyed(ctx, "conversión", w.ventas, "/api/matriculas/", conv, key)
	if r.status != http.StatusCreated && r.status != http.StatusOK {
		return
	}
	var first struct{ Matricula struct{ ID string } }
	_ = r.decode(&first)
	if rnd.IntN(4) == 0 { // the advisor's browser retries: the same enrolment comes back
		again := w.keyed(ctx, "conversión (reintento)", w.ventas, "/api/matriculas/", conv, key)
		var second struct {
			Matricula struct{ ID string }
			Reintento bool
		}
		_ = again.decode(&second)
		if ctx.Err() == nil && (again.status != http.StatusOK || !second.Reintento || second.Matricula.ID != first.Matricula.ID) {
			w.issue("conversion retry with key %s: %s (first matrícula %s)", key, again, first.Matricula.ID)
		}
	}
}

// --- HR ------------------------------------------------------------------------------

func (w *workload) hr(ctx context.Context, rnd *rand.Rand) {
	switch n := rnd.IntN(100); {
	case n < 8:
		body := map[string]any{"mes": 1 + rnd.IntN(12), "anio": 2024 + rnd.IntN(3)}
		w.timed(ctx, "generación de planillas", w.rrhh, "POST", "/api/planillas/generar", body, nil)
	case n < 85:
		id, ok := pickLocked(&w.mu, rnd, &w.borr)
		if !ok {
			time.Sleep(50 * time.Millisecond)
			return
		}
		if r := w.timed(ctx, "pago de planilla", w.rrhh, "POST", "/api/planillas/"+id+"/pagar", nil, nil); r.status == http.StatusOK {
			w.mu.Lock()
			w.pagadas = append(w.pagadas, id)
			w.mu.Unlock()
		}
	default:
		id, ok := pickLocked(&w.mu, rnd, &w.pagadas)
		if ok {
			w.timed(ctx, "anulación de planilla", w.rrhh, "POST", "/api/planillas/"+id+"/anular", map[string]string{"motivo": "Prueba de carga"}, nil)
		}
	}
}

// --- student -------------------------------------------------------------------------

func (w *workload) student(ctx context.Context, rnd *rand.Rand, s *session) {
	var page struct{ Items []cuotaRef }
	q := "perPage=20&sort=@random&fields=id,matricula,monto,pagado&filter=" +
		escape("(estado='Pendiente'||estado='Parcial')&&matricula.estado='Activo'")
	if r := w.timed(ctx, "cuotas del alumno", s, "GET", "/api/collections/cuotas/records?"+q, nil, nil); r.status == http.StatusOK {
		_ = r.decode(&page)
	}
	c, ok := pick(rnd, page.Items)
	if !ok {
		time.Sleep(200 * time.Millisecond)
		return
	}
	if rnd.IntN(4) == 0 {
		w.timed(ctx, "estado de cuenta", s, "GET", "/api/matriculas/"+c.Matricula+"/estado-cuenta", nil, nil)
		return
	}
	saldo := int64((c.Monto-c.Pagado)*100 + 0.5)
	if saldo <= 0 {
		return
	}
	f := &form{fields: map[string]string{"matricula": c.Matricula, "cuota": c.ID, "monto": fmt.Sprintf("%.2f", float64(1+rnd.Int64N(saldo))/100),
		"medio_pago": w.refs.yape, "fecha": time.Now().UTC().Format("2006-01-02")}, fileField: "imagen", fileName: "voucher.png", file: voucherPNG}
	w.timed(ctx, "voucher", s, "POST", "/api/collections/vouchers/records", f, nil)
}

// --- director ------------------------------------------------------------------------

func (w *workload) reader(ctx context.Context, rnd *rand.Rand) {
	switch rnd.IntN(3) {
	case 0:
		w.timed(ctx, "balance", w.admin, "GET", "/api/finanzas/balance", nil, nil)
	case 1:
		w.timed(ctx, "tablero", w.admin, "GET", "/api/dashboard", nil, nil)
	default:
		c, ok := pickLocked(&w.mu, rnd, &w.cuotas)
		if ok {
			w.timed(ctx, "estado de cuenta", w.admin, "GET", "/api/matriculas/"+c.Matricula+"/estado-cuenta", nil, nil)
		}
	}
}

// refresh reloads the shared pools every interval until ctx ends.
func (w *workload) refresh(ctx context.Context, every time.Duration) {
	for {
		var cuotas []cuotaRef
		_ = w.finanzas.list(ctx, "cuotas", "perPage=400&sort=@random&fields=id,matricula,monto,pagado&filter="+
			escape("(estado='Pendiente'||estado='Parcial')&&matricula.estado='Activo'"), &cuotas)
		var borr, pend []struct{ ID string }
		_ = w.rrhh.list(ctx, "planillas", "perPage=300&sort=@random&fields=id&filter="+escape("estado='Borrador'"), &borr)
		_ = w.finanzas.list(ctx, "vouchers", "perPage=200&sort=@random&fields=id&filter="+escape("estado='Pendiente'"), &pend)
		w.mu.Lock()
		if len(cuotas) > 0 {
			w.cuotas = cuotas
		}
		if borr != nil {
			w.borr = ids(borr)
		}
		if pend != nil {
			w.pend = ids(pend)
		}
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

func ids(xs []struct{ ID string }) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.ID
	}
	return out
}

// actions is a stable, sorted view of the action statistics.
func (w *workload) actions() []ActionStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]ActionStats, 0, len(w.acts))
	for name, s := range w.acts {
		a := ActionStats{Name: name, OK: s.ok.Load(), Refused: s.refused.Load(), ServerErrors: s.e5xx.Load(), Down: s.down.Load(),
			Max: time.Duration(s.max.Load())}
		if n := a.OK + a.Refused + a.ServerErrors; n > 0 {
			a.Mean = time.Duration(s.nanos.Load() / n)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func escape(s string) string { return url.QueryEscape(s) }
