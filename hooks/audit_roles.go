package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/audit"
	"sgul/internal/enrollment"
)

// accessFields are the users fields that decide what a staff member may do.
var accessFields = []string{"rol", "permisos_extra", "sedes", "activo", "verified", "email"}

// bindAuditTrail completes the audit trail where no domain code writes it: roles and
// the access fields of users (who may do what), and edits of a pago's non-money fields
// (its creation and void write their own rows). Rows are written in the change's
// transaction. The trail itself is append-only through the API, superusers included.
func bindAuditTrail(app core.App) {
	noSede := func(core.App, *core.Record) string { return "" }
	auditWrites(app, "roles", noSede, nil)
	auditWrites(app, "users", noSede, func(r *core.Record) bool {
		return !r.IsNew() && !changed(r, accessFields...) // create and delete always, updates of access only
	})
	app.OnRecordUpdateExecute("pagos").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("estado") == enrollment.PagoAnulado && e.Record.Original().GetString("estado") != enrollment.PagoAnulado {
			return e.Next() // the void writes its own "anular" row
		}
		before := audit.Snapshot(e.Record.Original())
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return audit.Write(tx, audit.Entry{Coleccion: "pagos", Registro: e.Record.Id, Accion: "actualizar",
				Actor: audit.ActorOf(e.Record), Antes: before, Despues: audit.Snapshot(e.Record), Sede: e.Record.GetString("sede")})
		})
	})

	refuse := func(e *core.RecordRequestEvent) error {
		return router.NewForbiddenError("La auditoría solo la escribe el sistema; no se crea, edita ni elimina.", nil)
	}
	app.OnRecordCreateRequest("auditoria").BindFunc(refuse)
	app.OnRecordUpdateRequest("auditoria").BindFunc(refuse)
	app.OnRecordDeleteRequest("auditoria").BindFunc(refuse)
}

// changed reports whether any of fields differs from the record's original value.
func changed(r *core.Record, fields ...string) bool {
	for _, f := range fields {
		if fmt.Sprint(r.Get(f)) != fmt.Sprint(r.Original().Get(f)) {
			return true
		}
	}
	return false
}
