package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"sgul/internal/notify"
)

// notifyPriority runs the notification handlers after the priority-0 handlers of the
// pagos, notas, asistencias and vouchers hooks: inside the transaction those open
// around the write (and inside our own when there is none), so a notification and its
// push job exist only if their cause commits.
const notifyPriority = 10

// bindNotifyEvents notifies students of payments, reviewed vouchers, grades and absences.
func bindNotifyEvents(app core.App) {
	onCreate := func(collection, id string, fn func(tx core.App, r *core.Record) error) {
		app.OnRecordCreateExecute(collection).Bind(&hook.Handler[*core.RecordEvent]{
			Id: id, Priority: notifyPriority,
			Func: func(e *core.RecordEvent) error {
				return inTx(e, func(tx core.App) error {
					if err := e.Next(); err != nil {
						return err
					}
					return fn(tx, e.Record)
				})
			},
		})
	}
	onUpdate := func(collection, id string, fn func(tx core.App, before, after *core.Record) error) {
		app.OnRecordUpdateExecute(collection).Bind(&hook.Handler[*core.RecordEvent]{
			Id: id, Priority: notifyPriority,
			Func: func(e *core.RecordEvent) error {
				before := e.Record.Original()
				return inTx(e, func(tx core.App) error {
					if err := e.Next(); err != nil {
						return err
					}
					return fn(tx, before, e.Record)
				})
			},
		})
	}

	onCreate("pagos", "sgulNotifyPago", notify.PagoRegistrado)
	onCreate("notas", "sgulNotifyNota", func(tx core.App, r *core.Record) error {
		return notify.NotaPublicada(tx, r, false)
	})
	onUpdate("notas", "sgulNotifyNotaCorregida", func(tx core.App, before, after *core.Record) error {
		if before.GetFloat("nota") == after.GetFloat("nota") && before.GetString("tipo") == after.GetString("tipo") {
			return nil
		}
		return notify.NotaPublicada(tx, after, true)
	})
	onCreate("asistencias", "sgulNotifyInasistencia", func(tx core.App, r *core.Record) error {
		if r.GetBool("asistio") {
			return nil
		}
		return notify.InasistenciaRegistrada(tx, r)
	})
	onUpdate("asistencias", "sgulNotifyInasistenciaCorregida", func(tx core.App, before, after *core.Record) error {
		if after.GetBool("asistio") || !before.GetBool("asistio") {
			return nil
		}
		return notify.InasistenciaRegistrada(tx, after)
	})
	onUpdate("vouchers", "sgulNotifyVoucher", func(tx core.App, before, after *core.Record) error {
		if before.GetString("estado") == after.GetString("estado") {
			return nil
		}
		return notify.VoucherRevisado(tx, after)
	})
}
