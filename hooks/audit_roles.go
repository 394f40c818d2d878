package hooks

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/audit"
	"sgul/internal/enrollment"
)

// accessFields are the users fields that decide what a staff member may do.
var accessFields = []string{"rol", "permisos_extra", "sedes", "activo", "verified", "email"}

// bindAuditTrail completes the audit trail where no domain code writes it: roles and
// the access fields of users (who may do what), and edits of a pago's non-money fields
// (its creation and void write their own rows). Rows are written in the change's
// transaction. The trail itself is append-only through the API, superusers included, and
// PocketBase's SQL console is off.
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

	// Refused before any other request hook runs (they would only prepare a write).
	refuse := &hook.Handler[*core.RecordRequestEvent]{
		Id:       "sgulAuditAppendOnly",
		Priority: -1000,
		Func: func(e *core.RecordRequestEvent) error {
			return router.NewForbiddenError("La auditoría solo la escribe el sistema; no se crea, edita ni elimina.", nil)
		},
	}
	app.OnRecordCreateRequest("auditoria").Bind(refuse)
	app.OnRecordUpdateRequest("auditoria").Bind(refuse)
	app.OnRecordDeleteRequest("auditoria").Bind(refuse)

	// PocketBase's SQL console (POST /api/sql, superusers) runs any statement outside the
	// record hooks: it could rewrite the trail, the ledger and its totals. SGUL turns it off.
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "sgulNoSQLConsole",
			Priority: -999,
			Func: func(e *core.RequestEvent) error {
				if strings.TrimSuffix(e.Request.URL.Path, "/") == "/api/sql" {
					return router.NewForbiddenError("La consola SQL está desactivada en SGUL: los cambios pasan por la API, "+
						"que valida, audita y mantiene los totales.", nil)
				}
				return e.Next()
			},
		})
		return se.Next()
	})
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
