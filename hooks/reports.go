package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/finance"
	"sgul/internal/reports"
)

// bindReports checks each requested report against the caller's permissions and sedes
// and enqueues its generation in the record's own transaction (also for the reports the
// monthly schedule creates).
func bindReports(app core.App) {
	app.OnRecordCreateRequest(reports.ColReportes).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := reports.Prepare(e.App, e.Auth, e.Record, finance.Today()); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordCreateExecute(reports.ColReportes).BindFunc(func(e *core.RecordEvent) error {
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return reports.Enqueue(tx, e.Record.Id)
		})
	})
}
