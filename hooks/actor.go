package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
)

// bindActor carries the authenticated caller of every collection write into the model
// hooks (audit rows, registrado_por), whatever the collection.
func bindActor(app core.App) {
	app.OnRecordCreateRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		audit.SetActor(e.Record, audit.ActorFromAuth(e.Auth))
		return e.Next()
	})
	app.OnRecordUpdateRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		audit.SetActor(e.Record, audit.ActorFromAuth(e.Auth))
		return e.Next()
	})
	app.OnRecordDeleteRequest().BindFunc(func(e *core.RecordRequestEvent) error {
		audit.SetActor(e.Record, audit.ActorFromAuth(e.Auth))
		return e.Next()
	})
}
