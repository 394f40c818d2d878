package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// stopGrace is how long OnTerminate waits, after DrainTimeout, for cancelled handlers.
const stopGrace = 5 * time.Second

// Bind wires q onto app: every committed job insert wakes the workers, the queue starts
// once serving is set up (after se.Next(), so not if another OnServe handler fails) and
// drains on terminate. In tests, OnServe fires inside every tests.ApiScenario after the
// request has been served, and OnTerminate on app.Cleanup(): workers run only between
// the response and the cleanup (use Config.Workers = -1 to keep them off).
func Bind(app core.App, q *Queue) {
	app.OnRecordAfterCreateSuccess(CollectionName).BindFunc(func(e *core.RecordEvent) error {
		q.Wake()
		return e.Next()
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := se.Next(); err != nil {
			return err
		}
		if err := q.Start(context.Background()); err != nil && !errors.Is(err, ErrRunning) {
			return err
		}
		return nil
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		ctx, cancel := context.WithTimeout(context.Background(), q.cfg.DrainTimeout+stopGrace)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			e.App.Logger().Error("jobs: la cola no se detuvo limpiamente", "error", err)
		}
		return e.Next()
	})
}
