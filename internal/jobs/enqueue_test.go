package jobs

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

func TestEnqueueFollowsItsTransaction(t *testing.T) {
	app := newTestApp(t)
	q := New(app, Config{})
	Bind(app, q) // never started: only its wake hook matters here

	boom := errors.New("pago inválido")
	err := app.RunInTransaction(func(tx core.App) error {
		if _, err := Enqueue(tx, "recibo", map[string]string{"pago": "p1"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, quería %v", err, boom)
	}
	if n := countJobs(t, app); n != 0 {
		t.Fatalf("rollback dejó %d jobs", n)
	}
	if len(q.wake) != 0 {
		t.Fatal("un rollback despertó a la cola")
	}

	var id string
	err = app.RunInTransaction(func(tx core.App) error {
		rec, err := Enqueue(tx, "recibo", map[string]string{"pago": "p2"})
		if err != nil {
			return err
		}
		id = rec.Id
		if len(q.wake) != 0 {
			t.Error("la cola despertó antes del commit")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countJobs(t, app); n != 1 {
		t.Fatalf("commit dejó %d jobs, quería 1", n)
	}
	if len(q.wake) != 1 {
		t.Fatal("el commit no despertó a la cola")
	}

	rec := findJob(t, app, id)
	if got := rec.GetString(FieldEstado); got != EstadoPendiente {
		t.Errorf("estado = %q", got)
	}
	if got := rec.GetInt(FieldIntentos); got != 0 {
		t.Errorf("intentos = %d", got)
	}
	if got := rec.GetString(FieldPayload); got != `{"pago":"p2"}` {
		t.Errorf("payload = %s", got)
	}
	if d := time.Since(rec.GetDateTime(FieldEjecutarEn).Time()); d < 0 || d > 10*time.Second {
		t.Errorf("ejecutar_en a %v de ahora", d)
	}
}

func TestEnqueueWithKeyIsIdempotent(t *testing.T) {
	app := newTestApp(t)

	first := mustEnqueue(t, app, "recibo", 1, WithKey("recibo:p1"))
	again := mustEnqueue(t, app, "recibo", 2, WithKey("recibo:p1"))
	if again.Id != first.Id {
		t.Fatalf("la misma clave creó otro job: %s != %s", again.Id, first.Id)
	}
	if got := again.GetString(FieldPayload); got != "1" {
		t.Errorf("el segundo enqueue cambió el payload: %s", got)
	}

	// twice inside one transaction
	err := app.RunInTransaction(func(tx core.App) error {
		a, err := Enqueue(tx, "recibo", nil, WithKey("recibo:p2"))
		if err != nil {
			return err
		}
		b, err := Enqueue(tx, "recibo", nil, WithKey("recibo:p2"))
		if err != nil {
			return err
		}
		if a.Id != b.Id {
			t.Errorf("misma clave en una transacción: %s != %s", a.Id, b.Id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// racing enqueues of one key: one row, everyone gets it
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			rec, err := Enqueue(app, "recibo", nil, WithKey("recibo:p3"))
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = rec.Id
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Fatalf("enqueues concurrentes devolvieron ids distintos: %v", ids)
		}
	}

	// no key: no dedup (the unique index only covers non-empty claves)
	mustEnqueue(t, app, "recibo", nil)
	mustEnqueue(t, app, "recibo", nil)

	if n := countJobs(t, app); n != 5 {
		t.Fatalf("hay %d jobs, quería 5 (3 claves + 2 sin clave)", n)
	}
}

func TestEnqueueOptionsAndRefusals(t *testing.T) {
	app := newTestApp(t)

	at := time.Date(2031, 3, 1, 12, 0, 0, 0, time.FixedZone("PET", -5*3600))
	rec := mustEnqueue(t, app, "x", nil, WithAt(at), WithMaxAttempts(3))
	if got := rec.GetDateTime(FieldEjecutarEn).Time(); !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("WithAt: ejecutar_en = %v, quería %v en UTC", got, at.UTC())
	}
	if got := rec.GetInt(FieldMaxIntentos); got != 3 {
		t.Errorf("max_intentos = %d", got)
	}

	rec = mustEnqueue(t, app, "x", json.RawMessage(`{"a":1}`), WithDelay(time.Hour))
	if d := time.Until(rec.GetDateTime(FieldEjecutarEn).Time()); d < 59*time.Minute || d > time.Hour {
		t.Errorf("WithDelay(1h): ejecutar_en dentro de %v", d)
	}
	if got := rec.GetString(FieldPayload); got != `{"a":1}` {
		t.Errorf("payload crudo = %s", got)
	}

	for name, call := range map[string]func() error{
		"tipo vacío":      func() error { _, err := Enqueue(app, "  ", nil); return err },
		"json inválido":   func() error { _, err := Enqueue(app, "x", json.RawMessage(`{`)); return err },
		"no serializable": func() error { _, err := Enqueue(app, "x", make(chan int)); return err },
	} {
		if call() == nil {
			t.Errorf("%s: se aceptó", name)
		}
	}
	if n := countJobs(t, app); n != 2 {
		t.Fatalf("hay %d jobs, quería 2", n)
	}
}
