// Package notify tells students what happened to them: a notificación row (which the
// student reads and marks read through the SDK, and receives live through realtime) and
// a push job that delivers it to the student's registered devices through Expo or FCM,
// keeping the outcome of every device in entregas_push.
//
// Notifications are written with the caller's app: pass the transaction of the event
// that causes them, so the notificación and its push job commit or roll back with it.
package notify

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
)

// Collections of this package.
const (
	ColNotificaciones = "notificaciones"
	ColDispositivos   = "dispositivos"
	ColEntregas       = "entregas_push"
)

// Notification types (values of notificaciones.tipo).
const (
	TipoPago         = "pago"
	TipoVoucher      = "voucher"
	TipoNota         = "nota"
	TipoAsistencia   = "asistencia"
	TipoRecordatorio = "recordatorio"
	TipoAnuncio      = "anuncio"
)

// Job types handled by this package.
const (
	JobPush          = "notify.push"
	JobRecibos       = "notify.recibos_expo"
	JobAnuncio       = "notify.anuncio"
	JobRecordatorios = "notify.recordatorios"
)

// Event is one notification for one student.
type Event struct {
	Alumno  string
	Tipo    string
	Titulo  string
	Mensaje string
	Data    map[string]any
	// Key makes the event idempotent: while a notificación with this key exists, Notify
	// returns it instead of writing another. Empty means no deduplication.
	Key string
}

// Notify writes the notificación of ev and enqueues its push job, both with app (the
// transaction of the cause). It returns the existing notificación, and enqueues
// nothing, when ev.Key was already notified.
func Notify(app core.App, ev Event) (*core.Record, error) {
	rec, created, err := Create(app, ev)
	if err != nil || !created {
		return rec, err
	}
	return rec, EnqueuePush(app, rec.Id)
}

// Create writes the notificación of ev without a push job (fan-outs enqueue one push job
// per page with EnqueuePush). created is false when ev.Key already existed.
func Create(app core.App, ev Event) (rec *core.Record, created bool, err error) {
	if ev.Alumno == "" || ev.Tipo == "" || strings.TrimSpace(ev.Titulo) == "" || strings.TrimSpace(ev.Mensaje) == "" {
		return nil, false, errors.New("notify: evento incompleto")
	}
	if ev.Key != "" {
		existing := &core.Record{}
		err := app.RecordQuery(ColNotificaciones).
			AndWhere(dbx.HashExp{"clave": ev.Key}).AndWhere(dbx.NewExp("clave != ''")).
			Limit(1).One(existing)
		if err == nil {
			return existing, false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, false, fmt.Errorf("notify: buscar clave %q: %w", ev.Key, err)
		}
	}
	col, err := app.FindCachedCollectionByNameOrId(ColNotificaciones)
	if err != nil {
		return nil, false, fmt.Errorf("notify: %w", err)
	}
	rec = core.NewRecord(col)
	rec.Set("alumno", ev.Alumno)
	rec.Set("tipo", ev.Tipo)
	rec.Set("titulo", clip(ev.Titulo, 200))
	rec.Set("mensaje", clip(ev.Mensaje, 2000))
	rec.Set("leida", false)
	if ev.Data != nil {
		rec.Set("data", ev.Data)
	}
	rec.Set("clave", ev.Key)
	if err := app.Save(rec); err != nil {
		return nil, false, fmt.Errorf("notify: guardar notificación: %w", err)
	}
	return rec, true, nil
}

// pushPayload is the payload of JobPush.
type pushPayload struct {
	Notificaciones []string `json:"notificaciones"`
}

// EnqueuePush enqueues one push job for the given notificaciones (at most a few hundred:
// the job sends them in provider-sized batches). Its key is derived from the ids, so
// repeating it (a retried fan-out page) enqueues nothing new.
func EnqueuePush(app core.App, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	key := "push:" + ids[0]
	if len(ids) > 1 {
		sorted := slices.Clone(ids)
		slices.Sort(sorted)
		sum := sha256.Sum256([]byte(strings.Join(sorted, ",")))
		key = "push:lote:" + hex.EncodeToString(sum[:12])
	}
	_, err := jobs.Enqueue(app, JobPush, pushPayload{Notificaciones: ids}, jobs.WithKey(key), jobs.WithMaxAttempts(10))
	return err
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
