package jobs

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Option changes how Enqueue stores a job.
type Option func(*enqueueOptions)

type enqueueOptions struct {
	key         string
	at          time.Time
	delay       time.Duration
	maxAttempts int
}

// WithKey sets the job's idempotency key (clave): while a job with that key exists,
// enqueueing another one is a no-op that returns the existing job, whatever its state.
func WithKey(key string) Option {
	return func(o *enqueueOptions) { o.key = strings.TrimSpace(key) }
}

// WithDelay makes the job run no sooner than d from now.
func WithDelay(d time.Duration) Option {
	return func(o *enqueueOptions) { o.delay = d }
}

// WithAt makes the job run no sooner than t. It wins over WithDelay.
func WithAt(t time.Time) Option {
	return func(o *enqueueOptions) { o.at = t }
}

// WithMaxAttempts sets how many runs the job gets before it is muerto.
// Zero (the default) means the queue's Config.DefaultMaxAttempts.
func WithMaxAttempts(n int) Option {
	return func(o *enqueueOptions) { o.maxAttempts = max(n, 0) }
}

// Enqueue stores a new pendiente job of type tipo with payload marshalled as JSON.
//
// It writes through app: pass the tx app inside RunInTransaction and the job commits or
// rolls back with its cause. Never pass the outer app from inside a transaction: that
// waits for the write connection the transaction holds.
func Enqueue(app core.App, tipo string, payload any, opts ...Option) (*core.Record, error) {
	tipo = strings.TrimSpace(tipo)
	if tipo == "" {
		return nil, errors.New("jobs: tipo vacío")
	}
	var o enqueueOptions
	for _, opt := range opts {
		opt(&o)
	}
	raw, err := marshalPayload(payload)
	if err != nil {
		return nil, fmt.Errorf("jobs: payload de %s: %w", tipo, err)
	}

	if o.key != "" {
		existing, err := findByKey(app, o.key)
		if err == nil {
			return existing, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("jobs: buscar clave %q: %w", o.key, err)
		}
	}

	col, err := app.FindCachedCollectionByNameOrId(CollectionName)
	if err != nil {
		return nil, fmt.Errorf("jobs: colección %s: %w", CollectionName, err)
	}
	runAt := time.Now().UTC()
	switch {
	case !o.at.IsZero():
		runAt = o.at.UTC()
	case o.delay > 0:
		runAt = runAt.Add(o.delay)
	}

	rec := core.NewRecord(col)
	rec.Set(FieldTipo, tipo)
	rec.Set(FieldPayload, raw)
	rec.Set(FieldClave, o.key)
	rec.Set(FieldEstado, EstadoPendiente)
	rec.Set(FieldIntentos, 0)
	rec.Set(FieldMaxIntentos, o.maxAttempts)
	rec.Set(FieldEjecutarEn, runAt)
	if err := app.Save(rec); err != nil {
		// Lost a race with another enqueue of the same key: return the winner.
		if o.key != "" {
			if existing, findErr := findByKey(app, o.key); findErr == nil {
				return existing, nil
			}
		}
		return nil, fmt.Errorf("jobs: guardar %s: %w", tipo, err)
	}
	return rec, nil
}

// findByKey repeats the partial index's own condition (a non-empty clave) so that
// SQLite can use idx_jobs_clave instead of scanning the table.
func findByKey(app core.App, key string) (*core.Record, error) {
	rec := &core.Record{}
	err := app.RecordQuery(CollectionName).
		AndWhere(dbx.HashExp{FieldClave: key}).
		AndWhere(dbx.NewExp("[[clave]] != ''")).
		Limit(1).
		One(rec)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func marshalPayload(payload any) (types.JSONRaw, error) {
	switch p := payload.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		if !json.Valid(p) {
			return nil, errors.New("json.RawMessage inválido")
		}
		return types.JSONRaw(p), nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return types.JSONRaw(b), nil
}
