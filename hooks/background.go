package hooks

import (
	"context"
	"os"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/campaigns"
	"sgul/internal/jobs"
	"sgul/internal/notify"
	"sgul/internal/push"
	"sgul/internal/reports"
)

// defaultMailRate is the campaign rate limit when Config.MailRatePerMinute is 0.
const defaultMailRate = 120

// jobRetention is how long finished jobs are kept (for the dashboard) before cleanup.
const jobRetention = 14 * 24 * time.Hour

// bindBackground wires schedules, notifications, campaigns and reports onto the queue.
func bindBackground(app core.App, cfg *Config, q *jobs.Queue) {
	RegisterJobs(app, cfg, q)
	bindNotifyEvents(app)
	bindDevices(app)
	bindCampaigns(app)
	bindReports(app)
	bindSchedules(app, cfg)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindNotifyRoutes(se)
		bindCampaignRoutes(se)
		return se.Next()
	})
}

// RegisterJobs registers the handlers of SGUL's background jobs on q: push delivery and
// Expo receipts, announcements, pension reminders, campaign sending, report generation,
// the monthly reports and the cleanup. Bind uses it for the production queue; tests use
// it on a queue they start themselves.
func RegisterJobs(app core.App, cfg *Config, q *jobs.Queue) {
	d := notify.NewDeliverer(expoSender(cfg), fcmSender(app, cfg), 0)
	q.Register(notify.JobPush, d.HandlePush)
	q.Register(notify.JobRecibos, d.HandleRecibos)
	q.Register(notify.JobAnuncio, notify.HandleAnuncio)
	q.Register(notify.JobRecordatorios, notify.HandleRecordatorios)

	rate := cfg.MailRatePerMinute
	if rate == 0 {
		rate = defaultMailRate
	}
	q.Register(campaigns.JobEnviar, campaigns.NewRunner(rate).HandleSend)

	q.Register(reports.JobGenerar, reports.HandleGenerate)
	q.Register(reports.JobMensual, reports.HandleMensual)
	q.Register(JobLimpieza, handleLimpieza)
}

// expoSender is the Expo client, unless Config.ExpoURL is "off".
func expoSender(cfg *Config) push.Sender {
	if cfg.ExpoURL == "off" {
		return nil
	}
	return push.NewExpo(push.ExpoConfig{Endpoint: cfg.ExpoURL, AccessToken: cfg.ExpoAccessToken})
}

// fcmSender is the FCM client when Config.FCMCredentials names a readable service
// account file; otherwise FCM devices get entregas "sin_proveedor".
func fcmSender(app core.App, cfg *Config) push.Sender {
	if cfg.FCMCredentials == "" {
		return nil
	}
	raw, err := os.ReadFile(cfg.FCMCredentials)
	if err == nil {
		var f *push.FCM
		if f, err = push.NewFCM(push.FCMConfig{ServiceAccountJSON: raw, Endpoint: cfg.FCMURL}); err == nil {
			return f
		}
	}
	app.Logger().Error("push: FCM desactivado: no se pudo leer la cuenta de servicio", "archivo", cfg.FCMCredentials, "error", err)
	return nil
}

// handleLimpieza deletes finished jobs and old notifications.
func handleLimpieza(ctx context.Context, app core.App, job *jobs.Job) error {
	n, err := jobs.Cleanup(app, jobRetention)
	if err != nil {
		return err
	}
	m, err := notify.Cleanup(app, time.Now())
	if err != nil {
		return err
	}
	app.Logger().Info("limpieza diaria", "jobs", n, "notificaciones_y_dispositivos", m)
	return nil
}
