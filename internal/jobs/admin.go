package jobs

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// ErrNotFound is returned by Retry for an unknown job id.
var ErrNotFound = errors.New("jobs: trabajo no encontrado")

// ErrNotRetryable is returned by Retry for a job that is not muerto or fallido.
var ErrNotRetryable = errors.New("jobs: solo se reintentan trabajos muertos o fallidos")

// Snapshot is what Stats reports: jobs per state and the queue lag.
// (The type cannot share the name of the Stats function.)
type Snapshot struct {
	Pendientes int `json:"pendientes"`
	Ejecutando int `json:"ejecutando"`
	Fallidos   int `json:"fallidos"`
	Muertos    int `json:"muertos"`
	Hechos     int `json:"hechos"`
	// OldestPendingAge is how long the most overdue pendiente or fallido job has been
	// due without being claimed (0 when none is due): the queue's lag.
	OldestPendingAge time.Duration `json:"-"`
}

// Stats counts jobs by state and measures the queue lag.
func Stats(app core.App) (Snapshot, error) {
	var rows []struct {
		Estado string `db:"estado"`
		N      int    `db:"n"`
	}
	err := app.DB().Select(FieldEstado, "COUNT(*) AS n").From(CollectionName).GroupBy(FieldEstado).All(&rows)
	if err != nil {
		return Snapshot{}, fmt.Errorf("jobs: contar por estado: %w", err)
	}
	var s Snapshot
	for _, r := range rows {
		switch r.Estado {
		case EstadoPendiente:
			s.Pendientes = r.N
		case EstadoEjecutando:
			s.Ejecutando = r.N
		case EstadoFallido:
			s.Fallidos = r.N
		case EstadoMuerto:
			s.Muertos = r.N
		case EstadoHecho:
			s.Hechos = r.N
		}
	}

	now := time.Now().UTC()
	var oldest sql.NullString
	err = app.DB().Select("MIN(ejecutar_en)").From(CollectionName).
		Where(dbx.In(FieldEstado, EstadoPendiente, EstadoFallido)).
		AndWhere(dbx.NewExp("ejecutar_en <= {:now}", dbx.Params{"now": dbTime(now)})).
		Row(&oldest)
	if err != nil {
		return Snapshot{}, fmt.Errorf("jobs: antigüedad del pendiente más viejo: %w", err)
	}
	if oldest.Valid && oldest.String != "" {
		t, err := types.ParseDateTime(oldest.String)
		if err == nil && !t.IsZero() {
			s.OldestPendingAge = max(now.Sub(t.Time()), 0)
		}
	}
	return s, nil
}

// Retry puts a muerto (or fallido) job back to pendiente, due now, with its attempts
// reset. ultimo_error is kept for reference. The queue picks it up at its next poll;
// call Queue.Wake to run it sooner.
func Retry(app core.App, id string) error {
	now := dbTime(time.Now().UTC())
	res, err := app.DB().Update(CollectionName, dbx.Params{
		FieldEstado:      EstadoPendiente,
		FieldIntentos:    0,
		FieldEjecutarEn:  now,
		FieldLeaseHasta:  "",
		FieldWorker:      "",
		FieldTerminadoEn: "",
		"updated":        now,
	}, dbx.And(
		dbx.HashExp{"id": id},
		dbx.In(FieldEstado, EstadoMuerto, EstadoFallido),
	)).Execute()
	if err != nil {
		return fmt.Errorf("jobs: reintentar %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := app.FindRecordById(CollectionName, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return fmt.Errorf("jobs: reintentar %s: %w", id, err)
	}
	return ErrNotRetryable
}

// cleanupBatch bounds each DELETE so Cleanup never holds the write lock for long.
const cleanupBatch = 500

// Cleanup deletes hecho jobs that finished more than olderThan ago and returns how many
// it deleted. Jobs in any other state are kept.
func Cleanup(app core.App, olderThan time.Duration) (int, error) {
	cutoff := dbTime(time.Now().UTC().Add(-olderThan))
	total := 0
	for {
		res, err := app.DB().NewQuery(`DELETE FROM jobs WHERE id IN (
			SELECT id FROM jobs WHERE estado = {:hecho} AND terminado_en != '' AND terminado_en < {:cutoff}
			LIMIT {:limit})`).Bind(dbx.Params{
			"hecho":  EstadoHecho,
			"cutoff": cutoff,
			"limit":  cleanupBatch,
		}).Execute()
		if err != nil {
			return total, fmt.Errorf("jobs: limpiar: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("jobs: limpiar: %w", err)
		}
		total += int(n)
		if n < cleanupBatch {
			return total, nil
		}
	}
}
