// Package jobs is SGUL's durable in-process job queue: rows of the "jobs" collection
// that worker goroutines claim with a lease, run, retry with backoff and finally mark
// hecho or muerto. Enqueue inside the same transaction as the cause; job bodies must be
// idempotent, because a job whose worker dies runs again once its lease expires.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// CollectionName is the collection that stores the queue.
const CollectionName = "jobs"

// Field names of the jobs collection.
const (
	FieldTipo        = "tipo"
	FieldPayload     = "payload"
	FieldClave       = "clave"
	FieldEstado      = "estado"
	FieldIntentos    = "intentos"
	FieldMaxIntentos = "max_intentos"
	FieldEjecutarEn  = "ejecutar_en"
	FieldLeaseHasta  = "lease_hasta"
	FieldWorker      = "worker"
	FieldUltimoError = "ultimo_error"
	FieldTerminadoEn = "terminado_en"
)

// Job states (values of FieldEstado).
const (
	EstadoPendiente  = "pendiente"  // waiting for its first run
	EstadoEjecutando = "ejecutando" // claimed by a worker holding a lease
	EstadoHecho      = "hecho"      // finished successfully
	EstadoFallido    = "fallido"    // failed, waiting for a retry at ejecutar_en
	EstadoMuerto     = "muerto"     // out of attempts; only Retry revives it
)

// Handler runs one job. ctx is cancelled when the queue stops hard or the worker
// loses the job's lease; app is the queue's (non-transactional) app.
// A returned error or a panic counts as a failed attempt.
type Handler func(ctx context.Context, app core.App, job *Job) error

// Job is what a Handler sees of a claimed job.
type Job struct {
	Id          string          // stable record id: key external side effects on it
	Tipo        string          // handler name
	Key         string          // clave given with WithKey, "" if none
	Payload     json.RawMessage // payload as enqueued
	Attempt     int             // 1 on the first run
	MaxAttempts int             // attempts allowed before the job is muerto
}

// Decode unmarshals the job payload into v.
func (j *Job) Decode(v any) error {
	if len(j.Payload) == 0 {
		return nil
	}
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("jobs: payload de %s %s: %w", j.Tipo, j.Id, err)
	}
	return nil
}

// IdempotencyKey returns a key that is the same on every attempt of this job:
// its clave when it has one, otherwise its id.
func (j *Job) IdempotencyKey() string {
	if j.Key != "" {
		return j.Key
	}
	return j.Id
}
