package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

func TestWorkerRunsJobOnce(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{PollInterval: 10 * time.Millisecond})
	type saludo struct{ Nombre string }
	var calls atomic.Int32
	seen := make(chan Job, 1)
	q.Register("saludo", func(ctx context.Context, _ core.App, job *Job) error {
		calls.Add(1)
		var p saludo
		if err := job.Decode(&p); err != nil || p.Nombre != "Ana" {
			t.Errorf("payload: %+v, %v", p, err)
		}
		seen <- *job
		return nil
	})
	rec := mustEnqueue(t, app, "saludo", saludo{Nombre: "Ana"}, WithKey("saludo:ana"))
	startQueue(t, q)

	waitFor(t, 5*time.Second, "job hecho", estadoIs(t, app, rec.Id, EstadoHecho))
	time.Sleep(100 * time.Millisecond) // room for a wrong second run
	if n := calls.Load(); n != 1 {
		t.Fatalf("handler llamado %d veces", n)
	}
	job := <-seen
	if job.Id != rec.Id || job.Tipo != "saludo" || job.Key != "saludo:ana" || job.Attempt != 1 ||
		job.MaxAttempts != 8 || job.IdempotencyKey() != "saludo:ana" {
		t.Errorf("job = %+v", job)
	}
	done := findJob(t, app, rec.Id)
	if done.GetInt(FieldIntentos) != 1 || done.GetString(FieldLeaseHasta) != "" ||
		done.GetDateTime(FieldTerminadoEn).IsZero() || !strings.HasPrefix(done.GetString(FieldWorker), q.id+"-w") {
		t.Errorf("fila final: %v", done.PublicExport())
	}
}

func TestWakeRunsNewJobsWithoutWaitingForThePoll(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{PollInterval: time.Hour})
	Bind(app, q)
	q.Register("x", ok)
	startQueue(t, q)
	time.Sleep(50 * time.Millisecond) // workers found nothing and went idle

	rec := mustEnqueue(t, app, "x", nil)
	waitFor(t, 2*time.Second, "job despertado", estadoIs(t, app, rec.Id, EstadoHecho))

	// a delayed job is not run early
	later := mustEnqueue(t, app, "x", nil, WithDelay(time.Hour))
	time.Sleep(100 * time.Millisecond)
	if got := findJob(t, app, later.Id).GetString(FieldEstado); got != EstadoPendiente {
		t.Fatalf("job diferido en estado %q", got)
	}
}

func TestFailedJobWaitsForItsRetry(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{PollInterval: 10 * time.Millisecond, BaseBackoff: time.Hour})
	q.Register("falla", func(context.Context, core.App, *Job) error { return errors.New("smtp caído") })
	rec := mustEnqueue(t, app, "falla", nil)
	before := time.Now()
	startQueue(t, q)

	waitFor(t, 5*time.Second, "job fallido", estadoIs(t, app, rec.Id, EstadoFallido))
	got := findJob(t, app, rec.Id)
	next := got.GetDateTime(FieldEjecutarEn).Time()
	if next.Before(before.Add(-time.Millisecond)) || next.After(time.Now().Add(time.Hour)) {
		t.Errorf("reintento en %v: fuera de [ahora, ahora+1h]", next)
	}
	if got.GetString(FieldUltimoError) != "smtp caído" || got.GetInt(FieldIntentos) != 1 ||
		got.GetString(FieldLeaseHasta) != "" || !got.GetDateTime(FieldTerminadoEn).IsZero() {
		t.Errorf("fila fallida: %v", got.PublicExport())
	}
}

func TestFailingJobBacksOffDiesAndRetryRevivesIt(t *testing.T) {
	app := newTestApp(t)
	const base = 40 * time.Millisecond
	q := New(app, Config{PollInterval: 5 * time.Millisecond, BaseBackoff: base, MaxBackoff: time.Second})
	q.jitter = func(limit time.Duration) time.Duration { return limit } // no randomness: the cap itself

	var mu sync.Mutex
	var runs []time.Time
	var failing atomic.Bool
	failing.Store(true)
	q.Register("falla", func(_ context.Context, _ core.App, job *Job) error {
		mu.Lock()
		runs = append(runs, time.Now())
		mu.Unlock()
		if failing.Load() {
			return fmt.Errorf("boom %d", job.Attempt)
		}
		return nil
	})
	rec := mustEnqueue(t, app, "falla", nil, WithMaxAttempts(4))
	startQueue(t, q)

	waitFor(t, 10*time.Second, "job muerto", estadoIs(t, app, rec.Id, EstadoMuerto))
	dead := findJob(t, app, rec.Id)
	if dead.GetInt(FieldIntentos) != 4 || dead.GetString(FieldUltimoError) != "boom 4" || dead.GetDateTime(FieldTerminadoEn).IsZero() {
		t.Errorf("fila muerta: %v", dead.PublicExport())
	}
	mu.Lock()
	if len(runs) != 4 {
		t.Fatalf("%d ejecuciones, quería 4", len(runs))
	}
	for i := 1; i < len(runs); i++ {
		want := base << (i - 1) // 40, 80, 160 ms
		if gap := runs[i].Sub(runs[i-1]); gap < want-2*time.Millisecond {
			t.Errorf("espera antes del intento %d = %v, quería ≥ %v", i+1, gap, want)
		}
	}
	mu.Unlock()

	// Retry refuses what it cannot revive
	if err := Retry(app, "noexiste0000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Retry(desconocido) = %v", err)
	}
	other := mustEnqueue(t, app, "otro", nil, WithDelay(time.Hour))
	if err := Retry(app, other.Id); !errors.Is(err, ErrNotRetryable) {
		t.Errorf("Retry(pendiente) = %v", err)
	}

	failing.Store(false)
	if err := Retry(app, rec.Id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, "job revivido hecho", estadoIs(t, app, rec.Id, EstadoHecho))
	if got := findJob(t, app, rec.Id).GetInt(FieldIntentos); got != 1 {
		t.Errorf("intentos tras Retry = %d, quería 1", got)
	}
	if err := Retry(app, rec.Id); !errors.Is(err, ErrNotRetryable) {
		t.Errorf("Retry(hecho) = %v", err)
	}
}

func TestPanicsAndUnknownTiposFailWithoutSpinning(t *testing.T) {
	app := newTestApp(t)
	const base = 30 * time.Millisecond
	q := New(app, Config{PollInterval: 5 * time.Millisecond, BaseBackoff: base})
	q.jitter = func(limit time.Duration) time.Duration { return limit }
	q.Register("explota", func(context.Context, core.App, *Job) error { panic("kaput") })

	boom := mustEnqueue(t, app, "explota", nil, WithMaxAttempts(1))
	unknown := mustEnqueue(t, app, "desconocido", nil, WithMaxAttempts(2))
	startQueue(t, q)

	waitFor(t, 5*time.Second, "panic muerto", estadoIs(t, app, boom.Id, EstadoMuerto))
	if got := findJob(t, app, boom.Id).GetString(FieldUltimoError); got != "panic: kaput" {
		t.Errorf("ultimo_error del panic = %q", got)
	}

	waitFor(t, 5*time.Second, "desconocido muerto", estadoIs(t, app, unknown.Id, EstadoMuerto))
	got := findJob(t, app, unknown.Id)
	if msg := got.GetString(FieldUltimoError); msg != `no hay handler registrado para el tipo "desconocido"` {
		t.Errorf("ultimo_error del tipo desconocido = %q", msg)
	}
	if got.GetInt(FieldIntentos) != 2 {
		t.Errorf("intentos = %d", got.GetInt(FieldIntentos))
	}
	// the second attempt waited for its backoff
	if took := got.GetDateTime(FieldTerminadoEn).Time().Sub(got.GetDateTime("created").Time()); took < base {
		t.Errorf("murió en %v: no respetó el backoff de %v", took, base)
	}
}

func TestBackoffCapGrowsAndIsCapped(t *testing.T) {
	base, limit := 5*time.Second, 30*time.Minute
	want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second}
	for i, w := range want {
		if got := backoffCap(i+1, base, limit); got != w {
			t.Errorf("backoffCap(%d) = %v, quería %v", i+1, got, w)
		}
	}
	for _, attempt := range []int{10, 11, 64, 1000} {
		if got := backoffCap(attempt, base, limit); got != limit {
			t.Errorf("backoffCap(%d) = %v, quería el tope %v", attempt, got, limit)
		}
	}
	for range 1000 {
		if d := fullJitter(time.Second); d < 0 || d > time.Second {
			t.Fatalf("fullJitter fuera de [0, 1s]: %v", d)
		}
	}
	if d := fullJitter(0); d != 0 {
		t.Errorf("fullJitter(0) = %v", d)
	}
}

func TestExpiredClaimOfADeadProcessRunsAgain(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{PollInterval: 5 * time.Millisecond})
	var calls atomic.Int32
	q.Register("x", func(context.Context, core.App, *Job) error { calls.Add(1); return nil })

	// what kill -9 leaves behind: rows claimed by a worker that is gone
	crashed := mustEnqueue(t, app, "x", nil)
	exhausted := mustEnqueue(t, app, "x", nil, WithMaxAttempts(2))
	stillLeased := mustEnqueue(t, app, "x", nil)
	now := time.Now().UTC()
	claimAs(t, app, crashed.Id, 1, now.Add(-time.Second))
	claimAs(t, app, exhausted.Id, 2, now.Add(-time.Second))
	claimAs(t, app, stillLeased.Id, 1, now.Add(time.Hour))
	startQueue(t, q)

	waitFor(t, 5*time.Second, "job rescatado", estadoIs(t, app, crashed.Id, EstadoHecho))
	if got := findJob(t, app, crashed.Id).GetInt(FieldIntentos); got != 2 {
		t.Errorf("intentos del rescatado = %d, quería 2", got)
	}
	waitFor(t, 5*time.Second, "job sin intentos", estadoIs(t, app, exhausted.Id, EstadoMuerto))
	if msg := findJob(t, app, exhausted.Id).GetString(FieldUltimoError); !strings.Contains(msg, "lease") {
		t.Errorf("ultimo_error = %q", msg)
	}
	time.Sleep(50 * time.Millisecond)
	if got := findJob(t, app, stillLeased.Id).GetString(FieldEstado); got != EstadoEjecutando {
		t.Errorf("un lease vigente fue robado: estado %q", got)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("handler llamado %d veces, quería 1", n)
	}
}

// claimAs marks a job as claimed by a worker that no longer exists.
func claimAs(t *testing.T, app core.App, id string, intentos int, leaseHasta time.Time) {
	t.Helper()
	_, err := app.DB().Update(CollectionName, dbx.Params{
		FieldEstado:     EstadoEjecutando,
		FieldIntentos:   intentos,
		FieldLeaseHasta: dbTime(leaseHasta),
		FieldWorker:     "muerto-w1-1",
	}, dbx.HashExp{"id": id}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}
