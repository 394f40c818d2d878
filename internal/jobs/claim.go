package jobs

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

// claimSQL takes the next due job in ONE statement, so no two workers (goroutines or
// processes) can claim the same row: SQLite runs it under the write lock. Each UNION arm
// is an index seek (estado, ejecutar_en) or (estado, lease_hasta) with LIMIT 1, so the
// cost does not grow with the backlog. An 'ejecutando' row whose lease has expired
// belongs to a dead worker and is claimed again. intentos counts claims, so a job that
// keeps killing its worker still runs out of attempts.
const claimSQL = `UPDATE jobs SET
	estado = {:ejecutando}, intentos = intentos + 1, lease_hasta = {:lease}, worker = {:worker}, updated = {:now}
WHERE id = (
	SELECT id FROM (
		SELECT * FROM (SELECT id, ejecutar_en FROM jobs
			WHERE estado = {:pendiente} AND ejecutar_en <= {:now} ORDER BY ejecutar_en LIMIT 1)
		UNION ALL
		SELECT * FROM (SELECT id, ejecutar_en FROM jobs
			WHERE estado = {:fallido} AND ejecutar_en <= {:now} ORDER BY ejecutar_en LIMIT 1)
		UNION ALL
		SELECT * FROM (SELECT id, ejecutar_en FROM jobs
			WHERE estado = {:ejecutando} AND lease_hasta < {:now} ORDER BY lease_hasta LIMIT 1)
	) ORDER BY ejecutar_en LIMIT 1
)
RETURNING id, tipo, clave, payload, intentos, max_intentos`

// maxErrorRunes bounds ultimo_error (the field allows 8000) so the row stays editable.
const maxErrorRunes = 4000

type claimedRow struct {
	Id          string        `db:"id"`
	Tipo        string        `db:"tipo"`
	Clave       string        `db:"clave"`
	Payload     types.JSONRaw `db:"payload"`
	Intentos    float64       `db:"intentos"`
	MaxIntentos float64       `db:"max_intentos"`
}

// claim takes the next due job for worker n and returns it with its fencing token,
// or a nil job when nothing is due.
func (q *Queue) claim(n int) (*Job, string, error) {
	now := time.Now().UTC()
	token := fmt.Sprintf("%s-w%d-%d", q.id, n, q.seq.Add(1))
	var row claimedRow
	err := q.app.DB().NewQuery(claimSQL).Bind(dbx.Params{
		"pendiente":  EstadoPendiente,
		"fallido":    EstadoFallido,
		"ejecutando": EstadoEjecutando,
		"now":        dbTime(now),
		"lease":      dbTime(now.Add(q.cfg.Lease)),
		"worker":     token,
	}).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	maxAttempts := int(row.MaxIntentos)
	if maxAttempts <= 0 {
		maxAttempts = q.cfg.DefaultMaxAttempts
	}
	return &Job{
		Id:          row.Id,
		Tipo:        row.Tipo,
		Key:         row.Clave,
		Payload:     []byte(row.Payload),
		Attempt:     int(row.Intentos),
		MaxAttempts: maxAttempts,
	}, token, nil
}

// The writes below are fenced by the claim token: a worker that lost its lease to
// another one changes nothing. ok reports whether the row was still ours.

func (q *Queue) extendLease(id, token string) (bool, error) {
	now := time.Now().UTC()
	return q.update(id, token, dbx.Params{
		FieldLeaseHasta: dbTime(now.Add(q.cfg.Lease)),
		"updated":       dbTime(now),
	})
}

func (q *Queue) markDone(id, token string) (bool, error) {
	now := dbTime(time.Now().UTC())
	return q.update(id, token, dbx.Params{
		FieldEstado:      EstadoHecho,
		FieldLeaseHasta:  "",
		FieldTerminadoEn: now,
		"updated":        now,
	})
}

func (q *Queue) markFailed(id, token, msg string, delay time.Duration) (bool, error) {
	now := time.Now().UTC()
	return q.update(id, token, dbx.Params{
		FieldEstado:      EstadoFallido,
		FieldLeaseHasta:  "",
		FieldEjecutarEn:  dbTime(now.Add(delay)),
		FieldUltimoError: truncate(msg),
		"updated":        dbTime(now),
	})
}

func (q *Queue) markDead(id, token, msg string) (bool, error) {
	now := dbTime(time.Now().UTC())
	return q.update(id, token, dbx.Params{
		FieldEstado:      EstadoMuerto,
		FieldLeaseHasta:  "",
		FieldTerminadoEn: now,
		FieldUltimoError: truncate(msg),
		"updated":        now,
	})
}

func (q *Queue) update(id, token string, set dbx.Params) (bool, error) {
	res, err := q.app.DB().Update(CollectionName, set, dbx.HashExp{
		"id":        id,
		FieldWorker: token,
		FieldEstado: EstadoEjecutando,
	}).Execute()
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// dbTime formats t the way PocketBase stores DateField values, so that text
// comparisons in SQL order like times.
func dbTime(t time.Time) string {
	return t.UTC().Format(types.DefaultDateLayout)
}

func truncate(msg string) string {
	if utf8.RuneCountInString(msg) <= maxErrorRunes {
		return msg
	}
	r := []rune(msg)
	return string(r[:maxErrorRunes-1]) + "…"
}
