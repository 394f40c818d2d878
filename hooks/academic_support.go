package hooks

import (
	"database/sql"
	"errors"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"sgul/internal/audit"
)

// checkOnValidate runs check next to the schema validation of collection's records and
// reports both as one set of field errors (ours win on the same field). Record saves
// that skip validation (SaveNoValidate) skip check too.
func checkOnValidate(app core.App, collection string, check func(core.App, *core.Record) validation.Errors) {
	app.OnRecordValidate(collection).BindFunc(func(e *core.RecordEvent) error {
		ours := check(e.App, e.Record)
		return mergeFieldErrors(e.Next(), ours)
	})
}

func mergeFieldErrors(schemaErr error, ours validation.Errors) error {
	if len(ours) == 0 {
		return schemaErr
	}
	var theirs validation.Errors
	if schemaErr != nil && !errors.As(schemaErr, &theirs) {
		return schemaErr
	}
	out := validation.Errors{}
	for k, v := range theirs {
		out[k] = v
	}
	for k, v := range ours {
		out[k] = v
	}
	return out
}

// auditWrites keeps every create, update and delete of collection in auditoria (who,
// before, after), written in the same transaction as the change. sedeOf gives the
// sede the row belongs to; skip (optional) leaves out writes audited elsewhere.
func auditWrites(app core.App, collection string, sedeOf func(core.App, *core.Record) string, skip func(*core.Record) bool) {
	write := func(tx core.App, r *core.Record, accion string, antes, despues map[string]any) error {
		return audit.Write(tx, audit.Entry{Coleccion: collection, Registro: r.Id, Accion: accion,
			Actor: audit.ActorOf(r), Antes: antes, Despues: despues, Sede: sedeOf(tx, r)})
	}
	skipped := func(r *core.Record) bool { return skip != nil && skip(r) }
	app.OnRecordCreateExecute(collection).BindFunc(func(e *core.RecordEvent) error {
		if skipped(e.Record) {
			return e.Next()
		}
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return write(tx, e.Record, "crear", nil, audit.Snapshot(e.Record))
		})
	})
	app.OnRecordUpdateExecute(collection).BindFunc(func(e *core.RecordEvent) error {
		if skipped(e.Record) {
			return e.Next()
		}
		before := audit.Snapshot(e.Record.Original())
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return write(tx, e.Record, "actualizar", before, audit.Snapshot(e.Record))
		})
	})
	app.OnRecordDeleteExecute(collection).BindFunc(func(e *core.RecordEvent) error {
		before := audit.Snapshot(e.Record)
		return inTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return write(tx, e.Record, "eliminar", before, nil)
		})
	})
}

// sedeVia returns a sedeOf function reading the sede of the record that field points
// to in collection (e.g. the matrícula of a grade).
func sedeVia(collection, field string) func(core.App, *core.Record) string {
	return func(app core.App, r *core.Record) string {
		if target, err := app.FindRecordById(collection, r.GetString(field)); err == nil {
			return target.GetString("sede")
		}
		return ""
	}
}

// apiError maps a business error to its HTTP answer: field errors are a 400 with
// badRequest as message, a missing row a 404, an ApiError passes as is, anything else
// is a 500 without internals.
func apiError(err error, badRequest string) error {
	var apiErr *router.ApiError
	var fields validation.Errors
	switch {
	case errors.As(err, &apiErr):
		return apiErr
	case errors.As(err, &fields):
		return router.NewBadRequestError(badRequest, fields)
	case errors.Is(err, sql.ErrNoRows):
		return router.NewNotFoundError("No se encontró el registro solicitado.", nil)
	default:
		return router.NewInternalServerError("Ocurrió un error al procesar la solicitud.", err)
	}
}

// bodyHas reports whether the request body sent a non-empty value for field (under its
// name or a modifier of it): not missing, null, nor a blank string. It reads the body as
// sent, so a multipart "" or a JSON null for a number field is not taken for the 0
// PocketBase turns it into.
func bodyHas(e *core.RecordRequestEvent, field string) bool {
	vs := bodyValues(e, field)
	return len(vs) > 0 && !slices.ContainsFunc(vs, blank)
}

// bodyClears reports whether the request body sent field (or a modifier of it) empty:
// null or a blank string.
func bodyClears(e *core.RecordRequestEvent, field string) bool {
	return slices.ContainsFunc(bodyValues(e, field), blank)
}

// bodyValues returns the values the request body sent for field under its name or a
// modifier ("field+", "+field", "field-"). In record request hooks RequestInfo().Body
// already holds the values coerced to the field types (a number field's "" or null reads
// 0 there), so the body is bound again: PocketBase keeps it re-readable, and a multipart
// form (also a batch sub-request's) stays parsed.
func bodyValues(e *core.RecordRequestEvent, field string) []any {
	raw := map[string]any{}
	if err := e.BindBody(&raw); err != nil {
		info, err := e.RequestInfo()
		if err != nil {
			return nil
		}
		raw = info.Body
	}
	var out []any
	for _, k := range []string{field, field + "+", "+" + field, field + "-"} {
		if v, ok := raw[k]; ok {
			out = append(out, v)
		}
	}
	return out
}

func blank(v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && strings.TrimSpace(s) == ""
}
