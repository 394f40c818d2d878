// Package scheduler runs SGUL's periodic tasks with gocron: one scheduler in the Lima
// time zone, every task in singleton mode so that a run never overlaps the previous one.
//
// Tasks only enqueue durable jobs (internal/jobs): the work itself runs in the queue,
// where it is retried and survives restarts. A missed tick (the server was down) is not
// replayed here; each task's job key makes a late manual run harmless instead.
package scheduler

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/pocketbase/pocketbase/core"
)

// Entry is one row of the schedule table.
type Entry struct {
	// Name identifies the task in logs; unique within a table.
	Name string
	// Cron is a standard 5-field expression (minute hour day month weekday) read in the
	// scheduler's location.
	Cron string
	// Run must only enqueue jobs: it gets the non-transactional app and should return fast.
	Run func(app core.App) error
}

// Scheduler is a started-or-stopped gocron scheduler bound to one app.
type Scheduler struct {
	s    gocron.Scheduler
	jobs map[string]gocron.Job
}

// New validates the table and registers every entry on a new scheduler in loc. It does
// not start it.
func New(app core.App, loc *time.Location, entries []Entry) (*Scheduler, error) {
	if loc == nil {
		return nil, errors.New("scheduler: falta la zona horaria")
	}
	s, err := gocron.NewScheduler(
		gocron.WithLocation(loc),
		gocron.WithGlobalJobOptions(gocron.WithSingletonMode(gocron.LimitModeReschedule)),
		gocron.WithStopTimeout(10*time.Second),
	)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	out := &Scheduler{s: s, jobs: make(map[string]gocron.Job, len(entries))}
	for _, e := range entries {
		if e.Name == "" || e.Run == nil {
			_ = s.Shutdown()
			return nil, errors.New("scheduler: cada entrada necesita nombre y función")
		}
		if _, dup := out.jobs[e.Name]; dup {
			_ = s.Shutdown()
			return nil, fmt.Errorf("scheduler: entrada duplicada %q", e.Name)
		}
		run := e.Run
		name := e.Name
		j, err := s.NewJob(
			gocron.CronJob(e.Cron, false),
			gocron.NewTask(func() {
				if err := run(app); err != nil {
					app.Logger().Error("scheduler: la tarea falló", "tarea", name, "error", err)
				}
			}),
			gocron.WithName(name),
		)
		if err != nil {
			_ = s.Shutdown()
			return nil, fmt.Errorf("scheduler: tarea %q (%s): %w", name, e.Cron, err)
		}
		out.jobs[name] = j
	}
	return out, nil
}

// Start begins running the tasks at their times.
func (s *Scheduler) Start() { s.s.Start() }

// Shutdown stops the scheduler, waiting for running tasks (bounded by a stop timeout).
func (s *Scheduler) Shutdown() error { return s.s.Shutdown() }

// NextRun returns when the named task runs next (only meaningful once started).
func (s *Scheduler) NextRun(name string) (time.Time, error) {
	j, ok := s.jobs[name]
	if !ok {
		return time.Time{}, fmt.Errorf("scheduler: no existe la tarea %q", name)
	}
	return j.NextRun()
}

// RunNow runs the named task once, now, outside its schedule (admin tools and tests).
func (s *Scheduler) RunNow(name string) error {
	j, ok := s.jobs[name]
	if !ok {
		return fmt.Errorf("scheduler: no existe la tarea %q", name)
	}
	return j.RunNow()
}
