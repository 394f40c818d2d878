package hooks_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"sgul/internal/sgultest"
)

// The auth e-mails of staff (users) and students (alumnos) are Spanish and link to the
// portal's public pages (pb_public: #/restablecer, #/verificar, #/confirmar-correo), never
// to PocketBase's superuser dashboard (/_/).

const amAppURL = "https://sgul.test"

// amEnglish are words of PocketBase's English templates that must not reach a person.
var amEnglish = []string{"Hello", "Thanks", "Click", "click on", "Reset", "Verify", "password", "ignore this", "team", "Login from", "OTP for"}

// amAccounts: one account of each auth collection, its fixture actor (for its token) and
// its name as the mail greets it.
func amAccounts(f sgultest.Fixture) []struct{ c, actor, id, email, name string } {
	return []struct{ c, actor, id, email, name string }{
		{"users", "ventas", f.Users["ventas"], "ventas@test.sgul.pe", "Usuario ventas"},
		{"alumnos", "alumno1", f.Alumno1, "alumno1@test.sgul.pe", ""}, // name read from the record
	}
}

type amClient struct {
	t    *testing.T
	app  *tests.TestApp
	base string
}

// amServe: a fresh fixture app with the application URL set, served on loopback.
func amServe(t *testing.T) (*amClient, sgultest.Fixture) {
	t.Helper()
	app, f := sgultest.NewApp(t)
	t.Cleanup(app.Cleanup)
	s := app.Settings()
	s.Meta.AppURL = amAppURL
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	return &amClient{t: t, app: app, base: sgultest.Serve(t, app)}, f
}

func (c *amClient) post(path, auth string, body any) (int, map[string]any) {
	c.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	out := map[string]any{}
	_ = json.Unmarshal(data, &out)
	return res.StatusCode, out
}

// mails waits for the background send (PocketBase mails auth requests in a goroutine) and
// returns the messages once no further one arrives.
func (c *amClient) mails(want int) []*mailer.Message {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.app.TestMailer.TotalSend() < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond) // a second (wrong) mail would show up now
	msgs := c.app.TestMailer.Messages()
	if len(msgs) != want {
		c.t.Fatalf("captured %d mails, want %d", len(msgs), want)
	}
	return msgs
}

// amCheckSpanish checks a rendered mail: Spanish, every placeholder resolved, no link to
// the dashboard, no English left from PocketBase's templates.
func amCheckSpanish(t *testing.T, msg *mailer.Message, to, name string, words ...string) string {
	t.Helper()
	if len(msg.To) != 1 || msg.To[0].Address != to {
		t.Errorf("mail to %v, want %s", msg.To, to)
	}
	body := html.UnescapeString(msg.HTML)
	for _, w := range words {
		if !strings.Contains(strings.ToLower(msg.Subject+" "+body), strings.ToLower(w)) {
			t.Errorf("mail lacks %q:\nsubject: %s\n%s", w, msg.Subject, body)
		}
	}
	if !strings.Contains(body, "Hola, "+name+":") {
		t.Errorf("mail does not greet %q:\n%s", name, body)
	}
	if !strings.Contains(body, "El equipo de SGUL") {
		t.Errorf("mail not signed by the app name:\n%s", body)
	}
	if strings.Contains(body, "/_/") {
		t.Errorf("mail links to the superuser dashboard:\n%s", body)
	}
	for _, p := range []string{"{APP_", "{TOKEN}", "{RECORD:", "{OTP", "{ALERT_INFO}"} {
		if strings.Contains(msg.Subject+body, p) {
			t.Errorf("unresolved placeholder %s in:\n%s\n%s", p, msg.Subject, body)
		}
	}
	for _, w := range amEnglish {
		if regexp.MustCompile(`\b` + w + `\b`).MatchString(msg.Subject + " " + body) {
			t.Errorf("English %q left in:\n%s\n%s", w, msg.Subject, body)
		}
	}
	return body
}

// amToken finds the portal link of page for collection c in body and returns its token.
func amToken(t *testing.T, body, page, c string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(amAppURL+"/#/"+page+"?token=") + `([\w-]+\.[\w-]+\.[\w-]+)&c=` + c + `"`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s link for %s in:\n%s", page, c, body)
	}
	return m[1]
}

func amName(t *testing.T, app core.App, c, id, name string) string {
	if name != "" {
		return name
	}
	r, err := app.FindRecordById(c, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("nombre_completo")
}

// TestAuthMailPasswordReset: a reset requested through the API sends one Spanish mail
// whose portal link carries a token that sets the new password, once.
func TestAuthMailPasswordReset(t *testing.T) {
	for _, a := range amAccounts(sgultest.Get(t)) {
		t.Run(a.c, func(t *testing.T) {
			cl, f := amServe(t)
			name := amName(t, cl.app, a.c, a.id, a.name)
			base := "/api/collections/" + a.c
			if st, _ := cl.post(base+"/request-password-reset", "", map[string]any{"email": a.email}); st != 204 {
				t.Fatalf("request-password-reset: %d", st)
			}
			msg := cl.mails(1)[0]
			if !strings.Contains(msg.Subject, "contraseña") {
				t.Errorf("subject %q", msg.Subject)
			}
			body := amCheckSpanish(t, msg, a.email, name, "contraseña", "Elegir mi contraseña")
			token := amToken(t, body, "restablecer", a.c)

			const nueva = "ClaveNueva2026"
			st, res := cl.post(base+"/confirm-password-reset", "", map[string]any{"token": token, "password": nueva, "passwordConfirm": nueva})
			if st != 204 {
				t.Fatalf("confirm-password-reset: %d %v", st, res)
			}
			st, res = cl.post(base+"/auth-with-password", "", map[string]any{"identity": a.email, "password": nueva})
			if st != 200 || res["token"] == "" {
				t.Fatalf("sign-in with the new password: %d %v", st, res)
			}
			if st, _ := cl.post(base+"/auth-with-password", "", map[string]any{"identity": a.email, "password": sgultest.Password}); st != 400 {
				t.Errorf("the old password still signs in: %d", st)
			}
			// the portal page says the sessions opened with the old password were closed
			if st, _ := cl.post(base+"/auth-refresh", f.Tokens[a.actor], nil); st != 401 {
				t.Errorf("a session of the old password still refreshes: %d", st)
			}
			// the mail says the link works once: the portal page shows "Enlace vencido" on data.token
			st, res = cl.post(base+"/confirm-password-reset", "", map[string]any{"token": token, "password": "OtraClave2026", "passwordConfirm": "OtraClave2026"})
			if data, _ := res["data"].(map[string]any); st != 400 || data["token"] == nil {
				t.Errorf("second use of the token: %d %v", st, res)
			}
		})
	}
}

// TestAuthMailVerification: the verification mail is Spanish and its portal link verifies.
func TestAuthMailVerification(t *testing.T) {
	for _, a := range amAccounts(sgultest.Get(t)) {
		t.Run(a.c, func(t *testing.T) {
			cl, _ := amServe(t)
			rec, err := cl.app.FindRecordById(a.c, a.id)
			if err != nil {
				t.Fatal(err)
			}
			rec.SetVerified(false)
			if err := cl.app.Save(rec); err != nil {
				t.Fatal(err)
			}
			base := "/api/collections/" + a.c
			if st, _ := cl.post(base+"/request-verification", "", map[string]any{"email": a.email}); st != 204 {
				t.Fatalf("request-verification: %d", st)
			}
			msg := cl.mails(1)[0]
			if !strings.Contains(msg.Subject, "Confirme su correo") {
				t.Errorf("subject %q", msg.Subject)
			}
			body := amCheckSpanish(t, msg, a.email, amName(t, cl.app, a.c, a.id, a.name), "correo", "Confirmar mi correo")
			token := amToken(t, body, "verificar", a.c)
			if st, res := cl.post(base+"/confirm-verification", "", map[string]any{"token": token}); st != 204 {
				t.Fatalf("confirm-verification: %d %v", st, res)
			}
			if rec, _ = cl.app.FindRecordById(a.c, a.id); !rec.Verified() {
				t.Error("the account is not verified after confirming")
			}
		})
	}
}

// TestAuthMailEmailChange: the confirmation goes to the new address, in Spanish, and its
// portal link (with the current password) changes the sign-in e-mail.
func TestAuthMailEmailChange(t *testing.T) {
	f := sgultest.Get(t)
	for _, a := range amAccounts(f) {
		t.Run(a.c, func(t *testing.T) {
			cl, f := amServe(t)
			base := "/api/collections/" + a.c
			newEmail := "nuevo." + a.c + "@correo.pe"
			if st, res := cl.post(base+"/request-email-change", f.Tokens[a.actor], map[string]any{"newEmail": newEmail}); st != 204 {
				t.Fatalf("request-email-change: %d %v", st, res)
			}
			msg := cl.mails(1)[0]
			body := amCheckSpanish(t, msg, newEmail, amName(t, cl.app, a.c, a.id, a.name), "nuevo correo", "contraseña actual")
			token := amToken(t, body, "confirmar-correo", a.c)
			st, res := cl.post(base+"/confirm-email-change", "", map[string]any{"token": token, "password": "incorrecta"})
			if data, _ := res["data"].(map[string]any); st != 400 || data["password"] == nil {
				t.Errorf("wrong password: %d %v", st, res)
			}
			if st, res := cl.post(base+"/confirm-email-change", "", map[string]any{"token": token, "password": sgultest.Password}); st != 204 {
				t.Fatalf("confirm-email-change: %d %v", st, res)
			}
			if st, res := cl.post(base+"/auth-with-password", "", map[string]any{"identity": newEmail, "password": sgultest.Password}); st != 200 {
				t.Fatalf("sign-in with the new e-mail: %d %v", st, res)
			}
		})
	}
}

// TestAuthMailOTPAndAlert: the one-time code and new sign-in alert mails are Spanish too.
func TestAuthMailOTPAndAlert(t *testing.T) {
	for _, a := range amAccounts(sgultest.Get(t)) {
		t.Run(a.c, func(t *testing.T) {
			cl, _ := amServe(t)
			rec, err := cl.app.FindRecordById(a.c, a.id)
			if err != nil {
				t.Fatal(err)
			}
			name := amName(t, cl.app, a.c, a.id, a.name)
			if err := mails.SendRecordOTP(cl.app, rec, "otp1", "493817"); err != nil {
				t.Fatal(err)
			}
			if err := mails.SendRecordAuthAlert(cl.app, rec, "Chrome en Android, IP 190.1.2.3"); err != nil {
				t.Fatal(err)
			}
			msgs := cl.mails(2)
			body := amCheckSpanish(t, msgs[0], a.email, name, "código", "493817")
			if !strings.Contains(body, "<strong>493817</strong>") {
				t.Errorf("OTP not shown:\n%s", body)
			}
			amCheckSpanish(t, msgs[1], a.email, name, "Nuevo inicio de sesión", "Chrome en Android, IP 190.1.2.3", "cambie su contraseña")
		})
	}
}

// TestAuthMailPortalPages: the pages the mails link to are public routes of the portal, and
// the portal's password limits are the collections' (the page checks them before sending).
func TestAuthMailPortalPages(t *testing.T) {
	app, _ := sgultest.NewApp(t)
	defer app.Cleanup()
	appJS, err := os.ReadFile("../pb_public/app.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"restablecer", "verificar", "confirmar-correo"} {
		if !strings.Contains(string(appJS), "'/"+page+"': '"+page+"'") {
			t.Errorf("app.js has no public route /%s", page)
		}
		if _, err := os.Stat("../pb_public/js/screens/" + page + ".js"); err != nil {
			t.Error(err)
		}
	}
	cuenta, err := os.ReadFile("../pb_public/js/cuenta.js")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^\s*(\w+): \{[^}]*passwordMin: (\d+), passwordMax: (\d+) \}`)
	found := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(cuenta), -1) {
		found[m[1]] = true
		col, err := app.FindCollectionByNameOrId(m[1])
		if err != nil || !col.IsAuth() {
			t.Errorf("cuenta.js names %s, not an auth collection: %v", m[1], err)
			continue
		}
		pf, _ := col.Fields.GetByName(core.FieldNamePassword).(*core.PasswordField)
		wantMax := pf.Max
		if wantMax <= 0 {
			wantMax = 71 // PocketBase's bcrypt limit when Max is unset
		}
		if strconv.Itoa(pf.Min) != m[2] || strconv.Itoa(wantMax) != m[3] {
			t.Errorf("%s: portal password limits %s-%s, collection %d-%d", m[1], m[2], m[3], pf.Min, wantMax)
		}
	}
	if len(found) != 2 || !found["users"] || !found["alumnos"] {
		t.Errorf("cuenta.js accounts = %v, want exactly users and alumnos", found)
	}
}
