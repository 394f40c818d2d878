package jobs

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// sender is an idempotent job body: it "sends" once per job key, however often it runs.
type sender struct {
	mu    sync.Mutex
	sent  map[string]int
	tries atomic.Int32
}

func (s *sender) send(key string) {
	s.tries.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sent[key] == 0 {
		s.sent[key]++
	}
}

func (s *sender) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[key]
}

func TestLeaseExpiryRerunsTheJobOfAWedgedWorker(t *testing.T) {
	app := newTestApp(t)
	const lease = 300 * time.Millisecond
	s := &sender{sent: map[string]int{}}

	// A claims the job and wedges: its handler ignores ctx and never gets to send.
	release := make(chan struct{})
	claimed := make(chan struct{})
	a := New(app, Config{Workers: 1, Lease: lease, PollInterval: 10 * time.Millisecond, DrainTimeout: 20 * time.Millisecond})
	a.Register("envio", func(_ context.Context, _ core.App, job *Job) error {
		close(claimed)
		<-release
		s.send(job.IdempotencyKey())
		return nil
	})
	rec := mustEnqueue(t, app, "envio", nil)
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-claimed
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	err := a.Stop(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop con un handler colgado = %v, quería DeadlineExceeded", err)
	}
	wedged := findJob(t, app, rec.Id)
	if wedged.GetString(FieldEstado) != EstadoEjecutando || !strings.HasPrefix(wedged.GetString(FieldWorker), a.id) {
		t.Fatalf("tras el Stop de A: %v", wedged.PublicExport())
	}

	// B (the restarted process) takes it only once A's lease has expired.
	b := New(app, Config{Workers: 2, Lease: lease, PollInterval: 10 * time.Millisecond})
	b.Register("envio", func(_ context.Context, _ core.App, job *Job) error {
		s.send(job.IdempotencyKey())
		return nil
	})
	startQueue(t, b)
	leaseEnd := wedged.GetDateTime(FieldLeaseHasta).Time()
	waitFor(t, 5*time.Second, "B termina el job", estadoIs(t, app, rec.Id, EstadoHecho))
	if time.Now().Before(leaseEnd) {
		t.Errorf("B tomó el job antes de que venciera el lease (%v)", leaseEnd)
	}
	done := findJob(t, app, rec.Id)
	if !strings.HasPrefix(done.GetString(FieldWorker), b.id) || done.GetInt(FieldIntentos) != 2 {
		t.Errorf("fila tras B: %v", done.PublicExport())
	}

	// A wakes up late: its send is a no-op and its result is fenced off.
	close(release)
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := findJob(t, app, rec.Id); got.GetString(FieldWorker) != done.GetString(FieldWorker) || got.GetString(FieldEstado) != EstadoHecho {
		t.Errorf("A pisó el resultado de B: %v", got.PublicExport())
	}
	if s.count(rec.Id) != 1 || s.tries.Load() != 2 {
		t.Errorf("envíos = %d (intentos de envío %d), quería 1 (2)", s.count(rec.Id), s.tries.Load())
	}
}

func TestHeartbeatKeepsALongJobLeased(t *testing.T) {
	app := newTestApp(t)
	var calls atomic.Int32
	slow := func(context.Context, core.App, *Job) error {
		calls.Add(1)
		time.Sleep(1200 * time.Millisecond) // > 2 leases
		return nil
	}
	cfg := Config{Workers: 1, Lease: 500 * time.Millisecond, PollInterval: 10 * time.Millisecond}
	a, b := New(app, cfg), New(app, cfg)
	a.Register("lento", slow)
	b.Register("lento", slow)
	rec := mustEnqueue(t, app, "lento", nil)
	startQueue(t, a)
	startQueue(t, b)

	waitFor(t, 5*time.Second, "job lento hecho", estadoIs(t, app, rec.Id, EstadoHecho))
	if n := calls.Load(); n != 1 {
		t.Fatalf("el job lento corrió %d veces: el heartbeat no sostuvo el lease", n)
	}
}

func TestStopDrainsInFlightJobs(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{Workers: 2, PollInterval: 10 * time.Millisecond, DrainTimeout: 5 * time.Second})
	started := make(chan struct{})
	q.Register("lento", func(context.Context, core.App, *Job) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return nil
	})
	q.Register("x", ok)
	rec := mustEnqueue(t, app, "lento", nil)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-started

	stopped := make(chan error)
	t0 := time.Now()
	go func() { stopped <- q.Stop(context.Background()) }()
	time.Sleep(50 * time.Millisecond)
	late := mustEnqueue(t, app, "x", nil) // enqueued while draining: not claimed
	q.Wake()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(t0); took < 200*time.Millisecond {
		t.Errorf("Stop volvió en %v, antes de que terminara el job", took)
	}
	if got := findJob(t, app, rec.Id).GetString(FieldEstado); got != EstadoHecho {
		t.Errorf("job en vuelo quedó %q tras Stop", got)
	}
	if got := findJob(t, app, late.Id).GetString(FieldEstado); got != EstadoPendiente {
		t.Errorf("se reclamó un job durante el drenado: %q", got)
	}
	assertNoWorkers(t)

	// the queue can start again and picks the late job up
	startQueue(t, q)
	waitFor(t, 5*time.Second, "job tardío hecho", estadoIs(t, app, late.Id, EstadoHecho))
}

func TestStopCancelsJobsThatOutlastTheDrain(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{Workers: 1, PollInterval: 10 * time.Millisecond, DrainTimeout: 100 * time.Millisecond})
	started := make(chan struct{})
	q.Register("eterno", func(ctx context.Context, _ core.App, _ *Job) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	rec := mustEnqueue(t, app, "eterno", nil)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-started
	t0 := time.Now()
	if err := q.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(t0); took < 100*time.Millisecond || took > 2*time.Second {
		t.Errorf("Stop tardó %v con DrainTimeout 100ms", took)
	}
	assertNoWorkers(t)

	got := findJob(t, app, rec.Id)
	if got.GetString(FieldEstado) != EstadoEjecutando || got.GetInt(FieldIntentos) != 1 ||
		got.GetString(FieldUltimoError) != "" || !got.GetDateTime(FieldTerminadoEn).IsZero() {
		t.Errorf("job cancelado: %v", got.PublicExport())
	}
	if lease := got.GetDateTime(FieldLeaseHasta).Time(); !lease.After(time.Now()) {
		t.Errorf("lease_hasta %v ya venció: el job no queda esperando su vencimiento", lease)
	}
}

func TestStartAndStopAreSafeToRepeat(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{PollInterval: 10 * time.Millisecond})
	if err := q.Stop(context.Background()); err != nil {
		t.Fatalf("Stop sin Start: %v", err)
	}
	startQueue(t, q)
	if err := q.Start(context.Background()); !errors.Is(err, ErrRunning) {
		t.Fatalf("segundo Start = %v, quería ErrRunning", err)
	}

	off := New(app, Config{Workers: -1})
	if err := off.Start(context.Background()); err != nil || off.running() {
		t.Fatalf("Workers -1: Start = %v, running = %v", err, off.running())
	}
}

func TestManyJobsRunExactlyOnce(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{Workers: 4, PollInterval: 20 * time.Millisecond})
	Bind(app, q)
	var mu sync.Mutex
	runs := map[string]int{}
	q.Register("n", func(_ context.Context, _ core.App, job *Job) error {
		mu.Lock()
		runs[job.Id]++
		mu.Unlock()
		return nil
	})

	const total = 200
	for range total / 2 {
		mustEnqueue(t, app, "n", nil)
	}
	startQueue(t, q)
	for range total / 2 { // the rest while the workers are busy
		mustEnqueue(t, app, "n", nil)
	}
	waitFor(t, 30*time.Second, "200 jobs hechos", func() bool {
		s, err := Stats(app)
		return err == nil && s.Hechos == total
	})
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != total {
		t.Fatalf("%d jobs distintos ejecutados, quería %d", len(runs), total)
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("job %s ejecutado %d veces", id, n)
		}
	}
}

// Two apps on one data dir stand for two processes: separate connection pools racing
// for the same rows through SQLite's own locking.
func TestTwoProcessesNeverClaimTheSameJob(t *testing.T) {
	app := newTestApp(t)
	other := core.NewBaseApp(core.BaseAppConfig{DataDir: app.DataDir(), EncryptionEnv: "pb_test_env"})
	if err := other.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.ResetBootstrapState() })

	var mu sync.Mutex
	runs := map[string]int{}
	count := func(_ context.Context, _ core.App, job *Job) error {
		mu.Lock()
		runs[job.Id]++
		mu.Unlock()
		return nil
	}
	const total = 100
	for range total {
		mustEnqueue(t, app, "n", nil)
	}
	for _, a := range []core.App{app, other} {
		q := New(a, Config{Workers: 2, PollInterval: 10 * time.Millisecond})
		q.Register("n", count)
		startQueue(t, q)
	}
	waitFor(t, 30*time.Second, "jobs hechos", func() bool {
		s, err := Stats(app)
		return err == nil && s.Hechos == total
	})
	mu.Lock()
	defer mu.Unlock()
	for id, n := range runs {
		if n != 1 {
			t.Errorf("job %s ejecutado %d veces", id, n)
		}
	}
	if len(runs) != total {
		t.Errorf("%d jobs ejecutados, quería %d", len(runs), total)
	}
}

func TestBindStartsAfterServeAndStopsOnTerminate(t *testing.T) {
	app, err := tests.NewTestApp(templateDir)
	if err != nil {
		t.Fatal(err)
	}
	q := New(app, Config{PollInterval: time.Hour})
	Bind(app, q)
	ran := make(chan struct{})
	q.Register("x", func(context.Context, core.App, *Job) error { close(ran); return nil })

	// a failing serve setup does not start the queue
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	setupErr := errors.New("puerto ocupado")
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(*core.ServeEvent) error { return setupErr })
	if !errors.Is(err, setupErr) || q.running() {
		t.Fatalf("OnServe fallido: err = %v, running = %v", err, q.running())
	}

	mustEnqueue(t, app, "x", nil)
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(*core.ServeEvent) error {
		if q.running() {
			t.Error("la cola arrancó antes de se.Next()")
		}
		return nil
	})
	if err != nil || !q.running() {
		t.Fatalf("OnServe: err = %v, running = %v", err, q.running())
	}
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("la cola no ejecutó el job")
	}

	app.Cleanup() // fires OnTerminate
	if q.running() {
		t.Fatal("la cola sigue en marcha tras OnTerminate")
	}
	assertNoWorkers(t)
}
