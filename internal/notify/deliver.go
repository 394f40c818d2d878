package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/jobs"
	"sgul/internal/push"
)

// Platforms (values of dispositivos.plataforma and entregas_push.plataforma).
const (
	PlataformaExpo = "expo"
	PlataformaFCM  = "fcm"
)

// Delivery states (values of entregas_push.estado). push.Status* values are stored as is.
const (
	EntregaEnviado       = push.StatusEnviado
	EntregaError         = push.StatusError
	EntregaTokenInvalido = push.StatusTokenInvalido
	EntregaSinProveedor  = "sin_proveedor"
)

// DefaultReceiptDelay is how long after sending Expo receipts are polled: Expo reports
// most uninstalled apps there, some minutes after accepting the message.
const DefaultReceiptDelay = 15 * time.Minute

// ReceiptFetcher is the part of the Expo client that reads delivery receipts.
type ReceiptFetcher interface {
	GetReceipts(ctx context.Context, ids []string) (map[string]push.Receipt, error)
}

// Deliverer sends notifications to devices. A nil sender for a platform means that
// provider is not configured: its devices get an entrega "sin_proveedor" and the job
// succeeds (nothing to retry).
type Deliverer struct {
	senders      map[string]push.Sender
	receipts     ReceiptFetcher
	receiptDelay time.Duration
}

// NewDeliverer returns a Deliverer for the given senders (either may be nil). If expo
// can fetch receipts (the push.Expo client can), they are polled receiptDelay after each
// send (0 means DefaultReceiptDelay).
func NewDeliverer(expo, fcm push.Sender, receiptDelay time.Duration) *Deliverer {
	d := &Deliverer{senders: map[string]push.Sender{}, receiptDelay: receiptDelay}
	if receiptDelay <= 0 {
		d.receiptDelay = DefaultReceiptDelay
	}
	if expo != nil {
		d.senders[PlataformaExpo] = expo
		if rf, ok := expo.(ReceiptFetcher); ok {
			d.receipts = rf
		}
	}
	if fcm != nil {
		d.senders[PlataformaFCM] = fcm
	}
	return d
}

// target is one (notification, device) pair to deliver.
type target struct {
	notif, device, entrega *core.Record
}

// finished reports whether an earlier attempt settled the pair for good.
func (t target) finished() bool {
	if t.entrega == nil {
		return false
	}
	switch t.entrega.GetString("estado") {
	case EntregaEnviado, EntregaTokenInvalido, EntregaSinProveedor:
		return true
	}
	return false
}

// HandlePush is the JobPush handler: it sends each notification of the job to every
// active device of its student, in provider-sized batches, and records one entrega per
// device before returning. Pairs already settled by an earlier attempt are skipped, so
// a retry only resends what failed temporarily. Tokens the provider reports unknown are
// deactivated. Temporary failures make the job fail, so the queue retries it later.
func (d *Deliverer) HandlePush(ctx context.Context, app core.App, job *jobs.Job) error {
	var p pushPayload
	if err := job.Decode(&p); err != nil {
		return err
	}
	groups, err := d.targets(app, p.Notificaciones)
	if err != nil {
		return err
	}
	var temporary int
	var sendErr error
	var tickets bool
	for plat, ts := range groups {
		sender := d.senders[plat]
		if sender == nil {
			for _, t := range ts {
				if err := record(app, t, EntregaSinProveedor, "", "No hay un proveedor push configurado para "+plat+"."); err != nil {
					return err
				}
			}
			continue
		}
		msgs := make([]push.Message, len(ts))
		for i, t := range ts {
			msgs[i] = message(t.notif, t.device.GetString("token"))
		}
		results, err := sender.Send(ctx, msgs)
		if err != nil {
			sendErr = errors.Join(sendErr, fmt.Errorf("%s: %w", plat, err))
		}
		for i, r := range results {
			if r.Status == "" {
				continue
			}
			if err := record(app, ts[i], r.Status, r.ProviderID, r.Error); err != nil {
				return err
			}
			if r.Status == push.StatusError && r.Temporary {
				temporary++
			}
			if plat == PlataformaExpo && r.Status == push.StatusEnviado && r.ProviderID != "" {
				tickets = true
			}
		}
	}
	if tickets && d.receipts != nil {
		_, err := jobs.Enqueue(app, JobRecibos, pushPayload{Notificaciones: p.Notificaciones},
			jobs.WithKey("recibos:"+job.IdempotencyKey()), jobs.WithDelay(d.receiptDelay), jobs.WithMaxAttempts(4))
		if err != nil {
			return err
		}
	}
	if sendErr != nil {
		return sendErr
	}
	if temporary > 0 {
		return fmt.Errorf("notify: %d entregas con error temporal; se reintentarán", temporary)
	}
	return nil
}

// targets loads the pairs still to deliver, grouped by platform.
func (d *Deliverer) targets(app core.App, ids []string) (map[string][]target, error) {
	groups := map[string][]target{}
	if len(ids) == 0 {
		return groups, nil
	}
	notifs, err := app.FindRecordsByIds(ColNotificaciones, ids)
	if err != nil {
		return nil, fmt.Errorf("notify: notificaciones: %w", err)
	}
	if len(notifs) == 0 {
		return groups, nil // deleted meanwhile: nothing to send
	}
	alumnos := make([]any, 0, len(notifs))
	notifIDs := make([]any, 0, len(notifs))
	for _, n := range notifs {
		alumnos = append(alumnos, n.GetString("alumno"))
		notifIDs = append(notifIDs, n.Id)
	}
	devices, err := app.FindAllRecords(ColDispositivos, dbx.In("alumno", alumnos...), dbx.HashExp{"activo": true})
	if err != nil {
		return nil, fmt.Errorf("notify: dispositivos: %w", err)
	}
	byAlumno := map[string][]*core.Record{}
	for _, dev := range devices {
		byAlumno[dev.GetString("alumno")] = append(byAlumno[dev.GetString("alumno")], dev)
	}
	entregas, err := app.FindAllRecords(ColEntregas, dbx.In("notificacion", notifIDs...))
	if err != nil {
		return nil, fmt.Errorf("notify: entregas: %w", err)
	}
	existing := map[string]*core.Record{}
	for _, e := range entregas {
		existing[e.GetString("notificacion")+"|"+e.GetString("dispositivo")] = e
	}
	for _, n := range notifs {
		for _, dev := range byAlumno[n.GetString("alumno")] {
			t := target{notif: n, device: dev, entrega: existing[n.Id+"|"+dev.Id]}
			if t.finished() {
				continue
			}
			plat := dev.GetString("plataforma")
			groups[plat] = append(groups[plat], t)
		}
	}
	return groups, nil
}

// record writes the outcome of one pair and deactivates a token reported invalid.
func record(app core.App, t target, estado, providerID, errText string) error {
	e := t.entrega
	if e == nil {
		col, err := app.FindCachedCollectionByNameOrId(ColEntregas)
		if err != nil {
			return err
		}
		e = core.NewRecord(col)
		e.Set("notificacion", t.notif.Id)
		e.Set("dispositivo", t.device.Id)
		e.Set("plataforma", t.device.GetString("plataforma"))
	}
	e.Set("estado", estado)
	e.Set("proveedor_id", clip(providerID, 500))
	e.Set("error", clip(errText, 2000))
	e.Set("intentos", e.GetInt("intentos")+1)
	if err := app.Save(e); err != nil {
		return fmt.Errorf("notify: guardar entrega: %w", err)
	}
	if estado == EntregaTokenInvalido {
		return Deactivate(app, t.device, errText)
	}
	return nil
}

// Deactivate marks a device inactive because its provider rejected the token.
func Deactivate(app core.App, dev *core.Record, reason string) error {
	if !dev.GetBool("activo") {
		return nil
	}
	dev.Set("activo", false)
	dev.Set("desactivado_en", time.Now().UTC())
	dev.Set("ultimo_error", clip(reason, 1000))
	if err := app.Save(dev); err != nil {
		return fmt.Errorf("notify: desactivar dispositivo %s: %w", dev.Id, err)
	}
	return nil
}

// reminderPushBody keeps payment reminders discreet on a lock screen: the details are
// only in the app.
const reminderPushBody = "Tiene un aviso sobre sus pagos. Abra la app para ver el detalle."

// message renders the push for one device.
func message(n *core.Record, token string) push.Message {
	m := push.Message{
		Token: token, Title: n.GetString("titulo"), Body: n.GetString("mensaje"), Sound: "default",
		Data: map[string]string{"notificacion": n.Id, "tipo": n.GetString("tipo")},
	}
	if n.GetString("tipo") == TipoRecordatorio {
		m.Body = reminderPushBody
	}
	return m
}
