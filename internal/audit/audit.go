// Package audit writes the append-only `auditoria` trail: who changed what, before and
// after. Rows are written with the app the caller passes, so inside a transaction they
// commit or roll back with the change they describe.
package audit

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// actorKey is the custom (never persisted, never exported) record key that carries the
// acting user from request hooks into model hooks.
const actorKey = "@sgul_actor"

// Actor identifies who caused a change.
type Actor struct {
	UserID string // users record id ("" for superusers, students and the system)
	Label  string // e.g. "users:ventas@x.pe", "_superusers:root@x.pe", "sistema"
}

// System is the actor of automated changes (schedules, demo loader, migrations).
var System = Actor{Label: "sistema"}

// ActorFromAuth builds the actor of an authenticated request (nil auth = system).
func ActorFromAuth(auth *core.Record) Actor {
	if auth == nil {
		return System
	}
	a := Actor{Label: auth.Collection().Name + ":" + auth.Email()}
	if auth.Collection().Name == "users" {
		a.UserID = auth.Id
	}
	return a
}

// SetActor stores the actor on a record so its model hooks can attribute the change.
func SetActor(r *core.Record, a Actor) {
	r.Set(actorKey, a)
}

// ActorOf returns the actor stored on r, or System.
func ActorOf(r *core.Record) Actor {
	if a, ok := r.Get(actorKey).(Actor); ok {
		return a
	}
	return System
}

// Entry is one audit row.
type Entry struct {
	Coleccion string
	Registro  string
	Accion    string // crear | actualizar | eliminar | anular | pagar | aprobar | rechazar
	Actor     Actor
	Antes     any
	Despues   any
	Sede      string
}

// Write inserts the audit row with app (pass the transaction's app).
func Write(app core.App, e Entry) error {
	col, err := app.FindCachedCollectionByNameOrId("auditoria")
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	r := core.NewRecord(col)
	r.Set("coleccion", e.Coleccion)
	r.Set("registro", e.Registro)
	r.Set("accion", e.Accion)
	r.Set("usuario", e.Actor.UserID)
	r.Set("actor", e.Actor.Label)
	if e.Antes != nil {
		r.Set("antes", e.Antes)
	}
	if e.Despues != nil {
		r.Set("despues", e.Despues)
	}
	r.Set("sede", e.Sede)
	if err := app.SaveNoValidate(r); err != nil {
		return fmt.Errorf("audit %s/%s: %w", e.Coleccion, e.Registro, err)
	}
	return nil
}

// Snapshot is the auditable state of a record: its field values without secrets.
func Snapshot(r *core.Record) map[string]any {
	if r == nil {
		return nil
	}
	out := make(map[string]any, len(r.Collection().Fields))
	for _, f := range r.Collection().Fields {
		switch f.Type() {
		case core.FieldTypePassword:
			continue
		}
		if f.GetName() == core.FieldNameTokenKey {
			continue
		}
		out[f.GetName()] = r.Get(f.GetName())
	}
	return out
}
