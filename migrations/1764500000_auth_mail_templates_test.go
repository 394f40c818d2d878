package migrations_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	_ "sgul/migrations"
)

// TestAuthMailTemplatesRoundTrip: after the migration the five auth mails of users and
// alumnos are Spanish and link to the portal; its down step restores PocketBase's defaults
// and a second up gives the same templates again.
func TestAuthMailTemplatesRoundTrip(t *testing.T) {
	app := newApp(t)

	templates := func(name string) []core.EmailTemplate {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		return []core.EmailTemplate{c.VerificationTemplate, c.ResetPasswordTemplate, c.ConfirmEmailChangeTemplate,
			c.OTP.EmailTemplate, c.AuthAlert.EmailTemplate}
	}
	d := core.NewAuthCollection("defaults")
	defaults := []core.EmailTemplate{d.VerificationTemplate, d.ResetPasswordTemplate, d.ConfirmEmailChangeTemplate,
		d.OTP.EmailTemplate, d.AuthAlert.EmailTemplate}

	resetDuration := func(name string) int64 {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		return c.PasswordResetToken.Duration
	}
	if got := resetDuration("alumnos"); got != 72*3600 {
		t.Errorf("alumnos reset (welcome) link lasts %d s, want 72 h", got)
	}
	if got := resetDuration("users"); got != d.PasswordResetToken.Duration {
		t.Errorf("staff reset link lasts %d s, want PocketBase's %d", got, d.PasswordResetToken.Duration)
	}

	after := map[string][]core.EmailTemplate{}
	for _, c := range []string{"users", "alumnos"} {
		after[c] = templates(c)
		pages := []string{"verificar", "restablecer", "confirmar-correo", "", ""}
		for i, tpl := range after[c] {
			if tpl == defaults[i] || strings.Contains(tpl.Body, "/_/") || strings.Contains(tpl.Body, "Hello") || strings.Contains(tpl.Subject, "Hello") {
				t.Errorf("%s template %d is not the Spanish one: %+v", c, i, tpl)
			}
			if !strings.Contains(tpl.Body, "Hola, {RECORD:") {
				t.Errorf("%s template %d has no greeting: %s", c, i, tpl.Body)
			}
			if p := pages[i]; p != "" && !strings.Contains(tpl.Body, `href="{APP_URL}/#/`+p+`?token={TOKEN}&amp;c=`+c+`"`) {
				t.Errorf("%s template %d has no link to #/%s: %s", c, i, p, tpl.Body)
			}
		}
		if !strings.Contains(after[c][3].Body, "{OTP}") || !strings.Contains(after[c][4].Body, "{ALERT_INFO}") {
			t.Errorf("%s: OTP or alert template lacks its placeholder", c)
		}
	}

	// revert this migration and the ones after it (if any), then apply them again
	runner := revertFrom(t, app, "1764500000_auth_mail_templates")
	for _, c := range []string{"users", "alumnos"} {
		if got := templates(c); !slices.Equal(got, defaults) {
			t.Errorf("%s after down = %+v, want PocketBase's defaults", c, got)
		}
	}
	if got := resetDuration("alumnos"); got != d.PasswordResetToken.Duration {
		t.Errorf("alumnos reset link after down lasts %d s", got)
	}
	if _, err := runner.Up(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"users", "alumnos"} {
		if got := templates(c); !slices.Equal(got, after[c]) {
			t.Errorf("%s after down and up differs", c)
		}
	}
}
