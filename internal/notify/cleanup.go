package notify

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Retention of notification data, applied by the daily cleanup.
const (
	RetencionLeidas       = 90 * 24 * time.Hour  // read notifications
	RetencionTodas        = 365 * 24 * time.Hour // any notification
	RetencionDispositivos = 90 * 24 * time.Hour  // devices deactivated by their provider
)

const cleanupPage = 200

// Cleanup deletes read notifications older than RetencionLeidas, every notification
// older than RetencionTodas (their entregas go with them) and devices deactivated more
// than RetencionDispositivos ago. Records are deleted through the record API in small
// pages, so cascades run and the write lock is held briefly. It returns how many
// records it deleted.
func Cleanup(app core.App, now time.Time) (int, error) {
	ts := func(d time.Duration) string { return now.UTC().Add(-d).Format("2006-01-02 15:04:05.000Z") }
	passes := []struct {
		collection string
		where      dbx.Expression
	}{
		{ColNotificaciones, dbx.NewExp("leida = TRUE AND created < {:t}", dbx.Params{"t": ts(RetencionLeidas)})},
		{ColNotificaciones, dbx.NewExp("created < {:t}", dbx.Params{"t": ts(RetencionTodas)})},
		{ColDispositivos, dbx.NewExp("activo = FALSE AND desactivado_en != '' AND desactivado_en < {:t}", dbx.Params{"t": ts(RetencionDispositivos)})},
	}
	total := 0
	for _, p := range passes {
		for {
			page := []*core.Record{}
			err := app.RecordQuery(p.collection).AndWhere(p.where).Limit(cleanupPage).All(&page)
			if err != nil {
				return total, fmt.Errorf("notify: limpieza de %s: %w", p.collection, err)
			}
			for _, r := range page {
				if err := app.Delete(r); err != nil {
					return total, fmt.Errorf("notify: limpieza de %s: %w", p.collection, err)
				}
			}
			total += len(page)
			if len(page) < cleanupPage {
				break
			}
		}
	}
	return total, nil
}
