package hooks

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
)

// bindJobs creates the job queue, starts it on serve and stops it on terminate.
func bindJobs(app core.App, cfg *Config) *jobs.Queue {
	jc := jobs.Config{Workers: cfg.Workers, Lease: cfg.JobLease}
	if cfg.DisableBackground {
		jc.Workers = -1
		jc.DrainTimeout = time.Second
	}
	q := jobs.New(app, jc)
	jobs.Bind(app, q)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		jobs.BindAdminRoutes(se, q)
		return se.Next()
	})
	return q
}
