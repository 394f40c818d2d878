package finance

import (
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/audit"
)

// AfterCreate moves the totals and writes the audit row of a new ledger row.
func AfterCreate(tx core.App, r *core.Record) error {
	mv, err := MovementOf(r)
	if err != nil {
		return err
	}
	if err := ApplyMovement(tx, r.Collection().Name, mv, +1); err != nil {
		return err
	}
	return audit.Write(tx, audit.Entry{Coleccion: r.Collection().Name, Registro: r.Id, Accion: "crear",
		Actor: audit.ActorOf(r), Despues: audit.Snapshot(r), Sede: mv.Sede})
}

// AfterUpdate moves the totals from the old to the new values of a manual row.
func AfterUpdate(tx core.App, r *core.Record) error {
	old, err := MovementOf(r.Original())
	if err != nil {
		return err
	}
	mv, err := MovementOf(r)
	if err != nil {
		return err
	}
	if err := ApplyMovement(tx, r.Collection().Name, old, -1); err != nil {
		return err
	}
	if err := ApplyMovement(tx, r.Collection().Name, mv, +1); err != nil {
		return err
	}
	return audit.Write(tx, audit.Entry{Coleccion: r.Collection().Name, Registro: r.Id, Accion: "actualizar",
		Actor: audit.ActorOf(r), Antes: audit.Snapshot(r.Original()), Despues: audit.Snapshot(r), Sede: mv.Sede})
}

// AfterDelete removes a manual row from the totals.
func AfterDelete(tx core.App, r *core.Record) error {
	mv, err := MovementOf(r)
	if err != nil {
		return err
	}
	if err := ApplyMovement(tx, r.Collection().Name, mv, -1); err != nil {
		return err
	}
	return audit.Write(tx, audit.Entry{Coleccion: r.Collection().Name, Registro: r.Id, Accion: "eliminar",
		Actor: audit.ActorOf(r), Antes: audit.Snapshot(r), Sede: mv.Sede})
}
