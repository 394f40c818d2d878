package notify_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"sgul/internal/notify"
)

func TestCleanup(t *testing.T) {
	app, f := newApp(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ts := func(days int) string { return now.AddDate(0, 0, -days).Format("2006-01-02 15:04:05.000Z") }
	mk := func(leida bool, ageDays int) string {
		n := notifyTx(t, app, notify.Event{Alumno: f.Alumno1, Tipo: notify.TipoAnuncio, Titulo: "Aviso", Mensaje: "Texto"})
		setRow(t, app, "notificaciones", n.Id, dbx.Params{"leida": leida, "created": ts(ageDays)})
		return n.Id
	}
	oldRead := mk(true, 100)
	oldUnread := mk(false, 100)
	ancient := mk(false, 400)
	recentRead := mk(true, 10)
	dev := device(t, app, f.Alumno1, "expo", "ExponentPushToken[viejo]")
	setRow(t, app, "dispositivos", dev.Id, dbx.Params{"activo": false, "desactivado_en": ts(120)})
	live := device(t, app, f.Alumno1, "expo", "ExponentPushToken[vivo]")
	// an entrega of a notification that goes must go with it
	if _, err := app.DB().Insert("entregas_push", dbx.Params{"id": "entrega0000test", "notificacion": oldRead, "dispositivo": live.Id,
		"plataforma": "expo", "estado": "enviado", "created": ts(100), "updated": ts(100)}).Execute(); err != nil {
		t.Fatal(err)
	}

	n, err := notify.Cleanup(app, now)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("borró %d, quería 3 (leída vieja, antiquísima, dispositivo muerto)", n)
	}
	for id, keep := range map[string]bool{oldRead: false, oldUnread: true, ancient: false, recentRead: true} {
		_, err := app.FindRecordById("notificaciones", id)
		if (err == nil) != keep {
			t.Errorf("notificación %s: conservada = %v, quería %v", id, err == nil, keep)
		}
	}
	if _, err := app.FindRecordById("dispositivos", dev.Id); err == nil {
		t.Error("el dispositivo desactivado hace 120 días sigue")
	}
	if _, err := app.FindRecordById("dispositivos", live.Id); err != nil {
		t.Error("se borró un dispositivo activo")
	}
	if _, err := app.FindRecordById("entregas_push", "entrega0000test"); err == nil {
		t.Error("la entrega de una notificación borrada sigue")
	}
}
