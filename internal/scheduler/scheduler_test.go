package scheduler_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/internal/schedule"
	"sgul/internal/scheduler"
)

func newApp(t *testing.T) core.App {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

func TestNewRefusesBadTables(t *testing.T) {
	app := newApp(t)
	ok := func(core.App) error { return nil }
	cases := map[string][]scheduler.Entry{
		"bad cron":   {{Name: "a", Cron: "every day", Run: ok}},
		"six fields": {{Name: "a", Cron: "0 0 9 * * *", Run: ok}},
		"no name":    {{Cron: "0 9 * * *", Run: ok}},
		"no func":    {{Name: "a", Cron: "0 9 * * *"}},
		"duplicate":  {{Name: "a", Cron: "0 9 * * *", Run: ok}, {Name: "a", Cron: "0 8 * * *", Run: ok}},
	}
	for name, entries := range cases {
		if s, err := scheduler.New(app, schedule.LimaLocation(), entries); err == nil {
			_ = s.Shutdown()
			t.Errorf("%s: New aceptó la tabla", name)
		}
	}
	if _, err := scheduler.New(app, nil, nil); err == nil {
		t.Error("New sin zona horaria no falló")
	}
}

// Times are read in Lima (UTC-5, no DST): 09:00 Lima is 14:00 UTC.
func TestNextRunIsInLimaTime(t *testing.T) {
	app := newApp(t)
	s, err := scheduler.New(app, schedule.LimaLocation(), []scheduler.Entry{
		{Name: "diaria", Cron: "0 9 * * *", Run: func(core.App) error { return nil }},
		{Name: "mensual", Cron: "0 6 1 * *", Run: func(core.App) error { return nil }},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Shutdown()
	next, err := s.NextRun("diaria")
	if err != nil {
		t.Fatal(err)
	}
	if u := next.UTC(); u.Hour() != 14 || u.Minute() != 0 {
		t.Errorf("diaria corre a las %v UTC, quería 14:00", u)
	}
	if d := time.Until(next); d <= 0 || d > 24*time.Hour {
		t.Errorf("próxima ejecución en %v", d)
	}
	m, _ := s.NextRun("mensual")
	if l := m.In(schedule.LimaLocation()); l.Day() != 1 || l.Hour() != 6 {
		t.Errorf("mensual corre el %v", l)
	}
	if _, err := s.NextRun("otra"); err == nil {
		t.Error("NextRun de una tarea inexistente no falló")
	}
}

// RunNow runs the task; a failing task is logged, not fatal; Shutdown waits for it.
func TestRunNowAndShutdown(t *testing.T) {
	app := newApp(t)
	var runs atomic.Int32
	done := make(chan struct{}, 2)
	s, err := scheduler.New(app, schedule.LimaLocation(), []scheduler.Entry{
		{Name: "ok", Cron: "0 9 * * *", Run: func(a core.App) error {
			if a != app {
				t.Error("la tarea no recibió la app")
			}
			runs.Add(1)
			done <- struct{}{}
			return nil
		}},
		{Name: "falla", Cron: "0 9 * * *", Run: func(core.App) error {
			done <- struct{}{}
			return errors.New("boom")
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	for _, n := range []string{"ok", "falla"} {
		if err := s.RunNow(n); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("RunNow no ejecutó la tarea")
		}
	}
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if runs.Load() != 1 {
		t.Errorf("runs = %d", runs.Load())
	}
	if err := s.RunNow("nada"); err == nil {
		t.Error("RunNow de una tarea inexistente no falló")
	}
}
