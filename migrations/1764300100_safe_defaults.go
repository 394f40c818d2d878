package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Rate limits for the writes PocketBase's default rules leave under the generic
// "/api/" rule (300 / 10 s): record updates and deletes, the auth requests that send
// e-mail (password reset, verification, e-mail change, OTP), and SGUL's business
// endpoints (conversion, voids, payroll, voucher review, attendance, announcements,
// unsubscribe).
// Limits are per client IP; superusers are exempt; operators tune them in
// Settings > Rate limits. Labels ending in "/" are prefixes ("POST /api/pagos/" covers
// POST /api/pagos/{id}/anular).
var safeDefaultRateLimits = []core.RateLimitRule{
	{Label: "*:update", MaxRequests: 60, Duration: 10},
	{Label: "*:delete", MaxRequests: 30, Duration: 10},
	{Label: "*:requestPasswordReset", MaxRequests: 3, Duration: 60},
	{Label: "*:requestVerification", MaxRequests: 3, Duration: 60},
	{Label: "*:requestEmailChange", MaxRequests: 3, Duration: 60},
	{Label: "*:requestOTP", MaxRequests: 3, Duration: 60},
	{Label: "POST /api/matriculas/", MaxRequests: 20, Duration: 10},
	{Label: "POST /api/pagos/", MaxRequests: 20, Duration: 10},
	{Label: "POST /api/planillas/", MaxRequests: 20, Duration: 10},
	{Label: "POST /api/vouchers/", MaxRequests: 30, Duration: 10},
	{Label: "POST /api/asistencias/", MaxRequests: 30, Duration: 10},
	{Label: "POST /api/notificaciones/", MaxRequests: 5, Duration: 10},
	{Label: "GET /api/campanas/", MaxRequests: 10, Duration: 10},
	{Label: "POST /api/campanas/", MaxRequests: 10, Duration: 10},
}

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		for _, r := range safeDefaultRateLimits {
			if !slices.ContainsFunc(s.RateLimits.Rules, func(x core.RateLimitRule) bool { return x.Label == r.Label && x.Audience == r.Audience }) {
				s.RateLimits.Rules = append(s.RateLimits.Rules, r)
			}
		}
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Rules = slices.DeleteFunc(s.RateLimits.Rules, func(x core.RateLimitRule) bool {
			return slices.ContainsFunc(safeDefaultRateLimits, func(r core.RateLimitRule) bool { return x.Label == r.Label && x.Audience == r.Audience })
		})
		return app.Save(s)
	})
}
