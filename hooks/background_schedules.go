package hooks

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
	"sgul/internal/notify"
	"sgul/internal/reports"
	"sgul/internal/schedule"
	"sgul/internal/scheduler"
)

// JobLimpieza is the daily cleanup job.
const JobLimpieza = "mantenimiento.limpieza"

// Schedules is SGUL's table of periodic tasks, in Lima time. Each one only enqueues a job
// keyed on its period (day or month), so running it twice enqueues nothing new; the work
// runs in the queue.
func Schedules() []scheduler.Entry {
	return []scheduler.Entry{
		{Name: "recordatorios_pension", Cron: "0 9 * * *", Run: notify.EnqueueRecordatorios},
		{Name: "reporte_mensual_finanzas", Cron: "0 6 1 * *", Run: reports.EnqueueMensual},
		{Name: "limpieza", Cron: "30 3 * * *", Run: enqueueLimpieza},
	}
}

func enqueueLimpieza(app core.App) error {
	hoy := schedule.LimaDate(time.Now())
	_, err := jobs.Enqueue(app, JobLimpieza, nil, jobs.WithKey("limpieza:"+hoy))
	return err
}

// bindSchedules starts the scheduler once serving is set up and stops it on terminate;
// never when Config.DisableBackground is set.
func bindSchedules(app core.App, cfg *Config) {
	if cfg.DisableBackground {
		return
	}
	var mu sync.Mutex
	var running *scheduler.Scheduler
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := se.Next(); err != nil {
			return err
		}
		s, err := scheduler.New(se.App, schedule.LimaLocation(), Schedules())
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if running != nil {
			_ = s.Shutdown()
			return nil
		}
		running = s
		s.Start()
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		mu.Lock()
		s := running
		running = nil
		mu.Unlock()
		if s != nil {
			if err := s.Shutdown(); err != nil {
				e.App.Logger().Error("scheduler: no se detuvo limpiamente", "error", err)
			}
		}
		return e.Next()
	})
}
