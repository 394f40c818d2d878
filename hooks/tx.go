package hooks

import "github.com/pocketbase/pocketbase/core"

// inTx runs fn (which must call e.Next()) inside a transaction, so the record write and
// everything fn derives from it commit or roll back together, whatever the path that
// saved the record (REST, batch, dashboard, Go code). Nested calls join the outer tx.
func inTx(e *core.RecordEvent, fn func(tx core.App) error) error {
	orig := e.App
	defer func() { e.App = orig }() // after-success hooks must get the non-tx app (pitfall P3)
	return orig.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return fn(tx)
	})
}
