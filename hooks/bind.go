// Package hooks says WHEN things happen: it wires record hooks, routes, jobs and static
// files onto a PocketBase app. Bind is used by main and by the tests alike.
package hooks

import (
	"io/fs"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/pgmirror"
)

// Config holds the settings that enter the program once, in main.go.
type Config struct {
	AdminEmail    string // SGUL_ADMIN_EMAIL: superuser created on first start
	AdminPassword string // SGUL_ADMIN_PASSWORD
	DueDay        int    // day of the month pensiones fall due

	// DisableBackground keeps queue workers and schedules from starting on serve
	// (tests start them explicitly).
	DisableBackground bool

	Workers           int           // job queue workers (0 = default 2)
	JobLease          time.Duration // job claim lease (0 = default 2m); a crashed job is retried after it
	MailRatePerMinute int           // mass e-mail rate limit (0 = default 120)
	ExpoURL           string        // Expo Push endpoint (empty = Expo's)
	ExpoAccessToken   string        // optional Expo access token
	FCMCredentials    string        // path to the FCM service account JSON (empty = FCM off)
	FCMURL            string        // FCM HTTP v1 endpoint override (tests, proxies)

	PG pgmirror.Config // PostgreSQL mirror; zero value = minimal mode

	Public fs.FS // the staff portal served at / (nil = none)
}

// Bind wires every SGUL hook, route and background job onto app.
func Bind(app core.App, cfg *Config) error {
	if cfg == nil {
		cfg = &Config{}
	}
	if cfg.DueDay < 1 || cfg.DueDay > 28 {
		cfg.DueDay = 5
	}
	if err := pgmirror.Register(app, cfg.PG); err != nil {
		return err
	}
	bindActor(app)
	bindFirstSuperuser(app, cfg)
	q := bindJobs(app, cfg)
	bindBackground(app, cfg, q)
	bindEnrollment(app, cfg, q)
	bindFinance(app, cfg)
	bindAcademic(app, cfg)
	bindDashboard(app)
	bindPayroll(app, cfg)
	bindAPIDocs(app)
	bindAuditTrail(app)
	bindInputGuards(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		bindSecurityHeaders(se)
		bindSpanishErrors(se)
		bindCustomerPaths(se)
		bindPortal(se, cfg)
		return se.Next()
	})
	return nil
}
