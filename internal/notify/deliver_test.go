package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/notify"
	"sgul/internal/push"
)

func notifyTx(t *testing.T, app core.App, ev notify.Event) *core.Record {
	t.Helper()
	var rec *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		rec, err = notify.Notify(tx, ev)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func entregas(t *testing.T, app core.App, notif string) map[string]*core.Record {
	t.Helper()
	recs, err := app.FindAllRecords("entregas_push", dbx.HashExp{"notificacion": notif})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*core.Record{}
	for _, r := range recs {
		dev, err := app.FindRecordById("dispositivos", r.GetString("dispositivo"))
		if err != nil {
			t.Fatal(err)
		}
		out[dev.GetString("token")] = r
	}
	return out
}

func isActive(t *testing.T, app core.App, id string) bool {
	t.Helper()
	r, err := app.FindRecordById("dispositivos", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetBool("activo")
}

// The whole delivery path: notification -> push job -> Expo (one batch, after a 429 with
// Retry-After) and FCM v1 (OAuth2 service account) -> one entrega per device -> tokens
// the providers report unregistered deactivated; a second run sends nothing; the Expo
// receipts job deactivates what Expo reports later.
func TestPushDeliveryPath(t *testing.T) {
	app, f := newApp(t)
	expo := newFakeExpo(t, "expo-secret")
	expo.rejectFirst429.Store(true)
	expo.ticket = func(to string) string {
		if to == "ExponentPushToken[gone]" {
			return "DeviceNotRegistered"
		}
		return "ok"
	}
	fcm := newFakeFCM(t)
	fcm.unregistered["fcm-token-gone-0123456789"] = true
	fcmClient, err := push.NewFCM(push.FCMConfig{ServiceAccountJSON: fcm.serviceAccount(), Endpoint: fcm.endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	d := notify.NewDeliverer(push.NewExpo(push.ExpoConfig{Endpoint: expo.endpoint(), AccessToken: "expo-secret"}), fcmClient, time.Minute)

	expoOK := device(t, app, f.Alumno1, "expo", "ExponentPushToken[ok-1]")
	expoGone := device(t, app, f.Alumno1, "expo", "ExponentPushToken[gone]")
	fcmOK := device(t, app, f.Alumno1, "fcm", "fcm-token-ok-0123456789")
	fcmGone := device(t, app, f.Alumno1, "fcm", "fcm-token-gone-0123456789")
	device(t, app, f.Alumno2, "expo", "ExponentPushToken[otro-alumno]")

	n := notifyTx(t, app, notify.Event{Alumno: f.Alumno1, Tipo: notify.TipoAnuncio, Titulo: "Clases", Mensaje: "Mañana no hay clases.", Key: "test:1"})
	job := onlyJob(t, app, notify.JobPush)
	if err := d.HandlePush(context.Background(), app, job); err != nil {
		t.Fatalf("HandlePush: %v", err)
	}

	if gap := expo.secondAt.Sub(expo.firstAt); expo.firstAt.IsZero() || gap < time.Second {
		t.Errorf("Retry-After: 1 no se respetó (reintento tras %v)", gap)
	}
	batches := expo.sent()
	if len(batches) != 1 || len(batches[0]) != 2 {
		t.Fatalf("Expo recibió %d lotes %v; quería 1 lote con los 2 dispositivos Expo del alumno", len(batches), batches)
	}
	m := batches[0][0]
	data, _ := m["data"].(map[string]any)
	if m["title"] != "Clases" || m["body"] != "Mañana no hay clases." || m["sound"] != "default" || data["notificacion"] != n.Id || data["tipo"] != "anuncio" {
		t.Errorf("mensaje Expo = %v", m)
	}
	for _, b := range batches[0] {
		if b["to"] == "ExponentPushToken[otro-alumno]" {
			t.Error("el push llegó al dispositivo de otro alumno")
		}
	}
	sentFCM := fcm.sent()
	if len(sentFCM) != 2 {
		t.Fatalf("FCM recibió %d mensajes, quería 2", len(sentFCM))
	}
	notif, _ := sentFCM[0]["notification"].(map[string]any)
	if notif["title"] != "Clases" || notif["body"] != "Mañana no hay clases." {
		t.Errorf("mensaje FCM = %v", sentFCM[0])
	}

	got := entregas(t, app, n.Id)
	want := map[string]string{
		"ExponentPushToken[ok-1]": "enviado", "ExponentPushToken[gone]": "token_invalido",
		"fcm-token-ok-0123456789": "enviado", "fcm-token-gone-0123456789": "token_invalido",
	}
	if len(got) != len(want) {
		t.Fatalf("%d entregas, quería %d", len(got), len(want))
	}
	for token, estado := range want {
		if e := got[token]; e == nil || e.GetString("estado") != estado || e.GetInt("intentos") != 1 {
			t.Errorf("entrega %s = %v, quería %s", token, e, estado)
		}
	}
	if got["ExponentPushToken[ok-1]"].GetString("proveedor_id") != "ticket-ExponentPushToken[ok-1]" ||
		got["fcm-token-ok-0123456789"].GetString("proveedor_id") != "projects/sgul-test/messages/fcm-token-ok-0123456789" {
		t.Error("no se guardó el id del proveedor")
	}
	if !isActive(t, app, expoOK.Id) || !isActive(t, app, fcmOK.Id) || isActive(t, app, expoGone.Id) || isActive(t, app, fcmGone.Id) {
		t.Error("solo los tokens no registrados debían desactivarse")
	}

	// A second run (the job retried after a crash) sends nothing again.
	if err := d.HandlePush(context.Background(), app, job); err != nil {
		t.Fatal(err)
	}
	if len(expo.sent()) != 1 || len(fcm.sent()) != 2 {
		t.Errorf("la segunda ejecución reenvió: expo %d lotes, fcm %d", len(expo.sent()), len(fcm.sent()))
	}

	// Expo reports the uninstalled app in the receipt, minutes later.
	expo.mu.Lock()
	expo.receipts["ticket-ExponentPushToken[ok-1]"] = "DeviceNotRegistered"
	expo.mu.Unlock()
	if err := d.HandleRecibos(context.Background(), app, onlyJob(t, app, notify.JobRecibos)); err != nil {
		t.Fatalf("HandleRecibos: %v", err)
	}
	if e := entregas(t, app, n.Id)["ExponentPushToken[ok-1]"]; e.GetString("recibo") != "token_invalido" {
		t.Errorf("recibo = %q", e.GetString("recibo"))
	}
	if isActive(t, app, expoOK.Id) {
		t.Error("el recibo DeviceNotRegistered no desactivó el dispositivo")
	}
}

// Without providers the job records sin_proveedor and succeeds: nothing to retry.
func TestPushWithoutProvider(t *testing.T) {
	app, f := newApp(t)
	d := notify.NewDeliverer(nil, nil, 0)
	device(t, app, f.Alumno1, "expo", "ExponentPushToken[x]")
	device(t, app, f.Alumno1, "fcm", "fcm-token-0123456789abc")
	n := notifyTx(t, app, notify.Event{Alumno: f.Alumno1, Tipo: notify.TipoAnuncio, Titulo: "Hola", Mensaje: "Mensaje"})
	job := onlyJob(t, app, notify.JobPush)
	for range 2 {
		if err := d.HandlePush(context.Background(), app, job); err != nil {
			t.Fatal(err)
		}
	}
	for token, e := range entregas(t, app, n.Id) {
		if e.GetString("estado") != "sin_proveedor" || e.GetInt("intentos") != 1 {
			t.Errorf("%s: %v", token, e)
		}
	}
	if n := countJobs(t, app, notify.JobRecibos); n != 0 {
		t.Errorf("%d jobs de recibos sin Expo", n)
	}
}

// A provider outage fails the job (the queue retries it); the retry sends only what
// failed, and a payment reminder is discreet on the lock screen.
func TestPushTemporaryFailureIsRetried(t *testing.T) {
	app, f := newApp(t)
	expo := newFakeExpo(t, "")
	expo.unavailable.Store(true)
	d := notify.NewDeliverer(push.NewExpo(push.ExpoConfig{Endpoint: expo.endpoint(), MaxRetries: -1}), nil, time.Minute)
	dev := device(t, app, f.Alumno1, "expo", "ExponentPushToken[a]")
	n := notifyTx(t, app, notify.Event{Alumno: f.Alumno1, Tipo: notify.TipoRecordatorio, Titulo: "Recordatorio de pago",
		Mensaje: "Le recordamos que la pensión 2 por S/ 150.00 vence el 05/03/2026."})
	job := onlyJob(t, app, notify.JobPush)

	if err := d.HandlePush(context.Background(), app, job); err == nil {
		t.Fatal("un 503 debía hacer fallar el job para reintentarlo")
	}
	e := entregas(t, app, n.Id)["ExponentPushToken[a]"]
	if e.GetString("estado") != "error" || e.GetInt("intentos") != 1 || !isActive(t, app, dev.Id) {
		t.Fatalf("tras el 503: %v", e)
	}

	expo.unavailable.Store(false)
	if err := d.HandlePush(context.Background(), app, job); err != nil {
		t.Fatal(err)
	}
	e = entregas(t, app, n.Id)["ExponentPushToken[a]"]
	if e.GetString("estado") != "enviado" || e.GetInt("intentos") != 2 {
		t.Fatalf("tras el reintento: %v", e)
	}
	b := expo.sent()
	if len(b) != 1 {
		t.Fatalf("lotes = %d", len(b))
	}
	if body, _ := b[0][0]["body"].(string); strings.Contains(body, "S/") || body == "" {
		t.Errorf("el push de un recordatorio muestra el monto en la pantalla bloqueada: %q", body)
	}
}
