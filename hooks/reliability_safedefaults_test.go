package hooks_test

import (
	"archive/zip"
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"sgul/hooks"
	"sgul/internal/sgultest"
)

// rlRateLimits are the rate-limit rules a fresh install has (label -> max requests per
// seconds); README's "Safe defaults" and docs/reliability.md document these figures.
var rlRateLimits = map[string][2]int{
	"*:auth": {2, 3}, "*:create": {20, 5}, "/api/batch": {3, 1}, "/api/": {300, 10},
	"*:update": {60, 10}, "*:delete": {30, 10},
	"*:requestPasswordReset": {3, 60}, "*:requestVerification": {3, 60}, "*:requestEmailChange": {3, 60}, "*:requestOTP": {3, 60},
	"POST /api/matriculas/": {20, 10}, "POST /api/pagos/": {20, 10}, "POST /api/planillas/": {20, 10},
	"POST /api/vouchers/": {30, 10}, "POST /api/asistencias/": {30, 10}, "POST /api/notificaciones/": {5, 10},
	"GET /api/campanas/": {10, 10}, "POST /api/campanas/": {10, 10},
}

// TestSafeDefaultRateLimits turns the migrations' rate limits back on (the test template
// switches them off) and shows each class of request being cut off with a Spanish 429,
// while superusers are exempt.
func TestSafeDefaultRateLimits(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	s := app.Settings()
	got := map[string][2]int{}
	for _, r := range s.RateLimits.Rules {
		got[r.Label+r.Audience] = [2]int{r.MaxRequests, int(r.Duration)}
	}
	for label, want := range rlRateLimits {
		if got[label] != want {
			t.Errorf("rate limit %q = %v, want %v requests / s", label, got[label], want)
		}
	}
	for label := range got {
		if _, ok := rlRateLimits[label]; !ok {
			t.Errorf("rate limit %q is not documented in rlRateLimits", label)
		}
	}
	s.RateLimits.Enabled = true
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	c := rlServe(t, app, f)

	burst := func(name, actor, method, path string, body any, n int) []int {
		var out []int
		for range n {
			r := c.do(actor, method, path, body, nil)
			out = append(out, r.Status)
			if r.Status == http.StatusTooManyRequests {
				rlSpanishError(t, name, r)
			}
		}
		return out
	}
	// PocketBase's windows are fixed and start at a client's first request (whole
	// seconds), so a window may end inside a burst and give a few more requests: the
	// burst is three requests longer than the limit, and none before the limit may fail.
	cutAt := func(name string, statuses []int, at int) {
		t.Helper()
		limited := false
		for i, st := range statuses {
			if st == http.StatusTooManyRequests {
				limited = true
				if i+1 < at {
					t.Errorf("%s: request %d was rate limited; the limit allows %d (%v)", name, i+1, at-1, statuses)
				}
			}
		}
		if !limited {
			t.Errorf("%s: %d requests, none rate limited (%v)", name, len(statuses), statuses)
		}
	}
	wrong := obj{"identity": "ventas@test.sgul.pe", "password": "no-es-la-clave"}
	cutAt("sign-in", burst("sign-in", "", "POST", "/api/collections/users/auth-with-password", wrong, 6), 3)
	cutAt("student sign-in through /api/token", burst("token", "", "POST", "/api/token/", obj{"email": "alumno1@test.sgul.pe", "password": "x"}, 6), 3)
	cutAt("password reset mails", burst("reset", "", "POST", "/api/collections/alumnos/request-password-reset", obj{"email": "alumno1@test.sgul.pe"}, 7), 4)
	cutAt("record creates", burst("create", "ventas", "POST", "/api/collections/leads/records", obj{}, 24), 21)
	cutAt("record deletes", burst("delete", "ventas", "DELETE", "/api/collections/leads/records/"+tid("missing"), nil, 34), 31)
	cutAt("pago voids", burst("void", "finanzas", "POST", "/api/pagos/"+tid("missing")+"/anular", obj{"motivo": "x"}, 24), 21)
	cutAt("conversions", burst("convert", "ventas", "POST", "/api/matriculas/", obj{}, 24), 21)
	cutAt("payroll", burst("payroll", "rrhh", "POST", "/api/planillas/generar", obj{}, 24), 21)
	for _, st := range burst("superuser", "superuser", "POST", "/api/collections/leads/records", obj{}, 40) {
		if st == http.StatusTooManyRequests {
			t.Fatal("a superuser was rate limited")
		}
	}
}

// TestSafeDefaultPasswords: staff, students and superusers need passwords of 8 or more
// characters, checked on every path that sets one.
func TestSafeDefaultPasswords(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	for _, name := range []string{"users", "alumnos", core.CollectionNameSuperusers} {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		pf, ok := col.Fields.GetByName(core.FieldNamePassword).(*core.PasswordField)
		if !ok || pf.Min < 8 {
			t.Errorf("%s: password minimum is %v, want 8 or more", name, pf)
		}
	}
	c := rlServe(t, app, f)
	newUser := func(pass string) obj {
		return obj{"email": "nuevo@test.sgul.pe", "password": pass, "passwordConfirm": pass, "nombre": "Nuevo", "sedes": []string{f.SedeA}, "activo": true}
	}
	snap := rlSnapshot(t, app)
	r := c.do("admin", "POST", "/api/collections/users/records", newUser("corta12"), nil)
	if r.Status != 400 || !strings.Contains(string(r.Raw), `"password"`) {
		t.Errorf("7-character staff password: %d %s", r.Status, r.Raw)
	}
	rlSpanishError(t, "staff password", r)
	r = c.do("alumno1", "PATCH", "/api/collections/alumnos/records/"+f.Alumno1,
		obj{"oldPassword": sgultest.Password, "password": "corta12", "passwordConfirm": "corta12"}, nil)
	if r.Status != 400 || !strings.Contains(string(r.Raw), `"password"`) {
		t.Errorf("7-character student password: %d %s", r.Status, r.Raw)
	}
	rlSpanishError(t, "student password", r)
	r = c.do("superuser", "POST", "/api/collections/_superusers/records", obj{"email": "root2@test.sgul.pe", "password": "corta12", "passwordConfirm": "corta12"}, nil)
	if r.Status != 400 {
		t.Errorf("7-character superuser password: %d %s", r.Status, r.Raw)
	}
	if d := snap.diff(rlSnapshot(t, app)); len(d) > 0 {
		t.Errorf("short passwords were stored: %v", d)
	}
	if r := c.do("admin", "POST", "/api/collections/users/records", newUser("larga123"), nil); r.Status != 200 {
		t.Errorf("8-character staff password refused: %d %s", r.Status, r.Raw)
	}
}

// TestSafeDefaultBackups: daily backups are scheduled by default with a retention, and a
// backup restored the documented way (unzip into an empty data dir) boots with the same
// rows and files.
func TestSafeDefaultBackups(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	b := app.Settings().Backups
	if b.Cron != "0 4 * * *" || b.CronMaxKeep != 14 {
		t.Errorf("backups = %q keep %d; want a daily backup at 04:00 kept 14 times", b.Cron, b.CronMaxKeep)
	}
	scheduled := false
	for _, j := range app.Cron().Jobs() {
		scheduled = scheduled || (j.Id() == "__pbAutoBackup__" && j.Expression() == b.Cron)
	}
	if !scheduled {
		t.Error("the automatic backup job is not scheduled")
	}

	c := rlServe(t, app, f)
	em := emFixture(t)
	if r := c.do("finanzas", "POST", "/api/collections/pagos/records",
		obj{"matricula": f.Matricula1, "cuota": em.CuotaMat1, "monto": 60, "medio_pago": f.Efectivo}, nil); r.Status != 200 {
		t.Fatalf("pago: %d %s", r.Status, r.Raw)
	}
	alumno, _ := app.FindRecordById("alumnos", f.Alumno1)
	file, _ := filesystem.NewFileFromBytes([]byte("%PDF-1.4\n%%EOF\n"), "dni.pdf")
	alumno.Set("archivo_dni", file)
	if err := app.Save(alumno); err != nil {
		t.Fatal(err)
	}
	before := rlCounts(t, app)
	if err := app.CreateBackup(context.Background(), "prueba_restauracion.zip"); err != nil {
		t.Fatal(err)
	}

	// The README procedure: stop, unzip the backup into an empty directory, start on it.
	dir := t.TempDir()
	rlUnzip(t, filepath.Join(app.DataDir(), core.LocalBackupsDirName, "prueba_restauracion.zip"), dir)
	restored := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := restored.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer restored.ResetBootstrapState()
	if err := restored.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	if err := hooks.Bind(restored, sgultest.Config()); err != nil {
		t.Fatal(err)
	}
	after := rlCounts(t, restored)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("restored %s has %d rows, the original %d", k, after[k], v)
		}
	}
	ra, err := restored.FindRecordById("alumnos", f.Alumno1)
	if err != nil || !ra.ValidatePassword(sgultest.Password) {
		t.Errorf("restored alumno1 cannot sign in: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "storage", ra.BaseFilesPath(), ra.GetString("archivo_dni"))); err != nil {
		t.Errorf("restored DNI scan: %v", err)
	}
	sgultest.CheckMoneyInvariants(t, restored)
}

// rlCounts counts the rows of every collection.
func rlCounts(t testing.TB, app core.App) map[string]int64 {
	t.Helper()
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, c := range cols {
		if c.IsView() {
			continue
		}
		n, err := app.CountRecords(c.Name)
		if err != nil {
			t.Fatal(err)
		}
		out[c.Name] = n
	}
	return out
}

func rlUnzip(t testing.TB, src, dst string) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		p := filepath.Join(dst, zf.Name)
		if !strings.HasPrefix(p, filepath.Clean(dst)+string(os.PathSeparator)) {
			t.Fatalf("zip entry outside the target: %s", zf.Name)
		}
		if zf.FileInfo().IsDir() {
			_ = os.MkdirAll(p, 0o755)
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		in, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
}

// TestSafeDefaultHeaders: the security headers are on every kind of answer, refusals
// and errors included.
func TestSafeDefaultHeaders(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	c := rlServe(t, app, f)
	for _, r := range []struct{ actor, method, path string }{
		{"", "GET", "/api/health"},
		{"", "GET", "/api/collections/pagos/records"},
		{"", "GET", "/api/collections/pagos/records/" + tid("missing")},
		{"ventas", "POST", "/api/pagos/" + tid("missing") + "/anular"},
		{"finanzas", "GET", "/api/finanzas/balance?desde=ayer"},
		{"", "GET", "/api/files/alumnos/" + f.Alumno1 + "/dni.pdf"},
		{"", "GET", "/no-existe"},
	} {
		res := c.do(r.actor, r.method, r.path, nil, nil)
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("%s %s (%d): %s = %q, want %q", r.method, r.path, res.Status, h, got, want)
			}
		}
		wantCSP := "default-src 'self'"
		if strings.HasPrefix(r.path, "/api/files/") {
			wantCSP = "sandbox" // a served file never runs as a page
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), wantCSP) {
			t.Errorf("%s %s: Content-Security-Policy %q lacks %q", r.method, r.path, res.Header.Get("Content-Security-Policy"), wantCSP)
		}
	}
	res := c.do("", "GET", "/_/", nil, nil)
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("the dashboard lacks nosniff")
	}
	https := c.do("", "GET", "/api/health", nil, map[string]string{"X-Forwarded-Proto": "https"})
	if !strings.Contains(https.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS behind a TLS proxy")
	}
}

// rlSecretPatterns are credentials that must never be committed.
var rlSecretPatterns = map[string]*regexp.Regexp{
	"private key":          regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	"AWS key":              regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`),
	"GitHub token":         regexp.MustCompile(`\b(ghp|gho|ghs|ghu)_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}`),
	"Slack token":          regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`),
	"Google API key":       regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`),
	"Stripe key":           regexp.MustCompile(`\b[sr]k_live_[0-9a-zA-Z]{16,}`),
	"Expo access token":    regexp.MustCompile(`(?i)expo[_-]?access[_-]?token\s*[:=]\s*"[A-Za-z0-9_-]{20,}"`),
	"URL with a password":  regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@"'<>]+:[^/\s:@"'<>]{3,}@`),
	"hard-coded secret":    regexp.MustCompile(`(?i)\b(secret_?key|api_?key|client_?secret|auth_?token)\b\s*[:=]\s*["'][^"'\s]{12,}["']`),
	"hard-coded password":  regexp.MustCompile(`(?i)\b[a-z_]*password\b\s*[:=]\s*"[^"\s]{6,}"`),
	"service account JSON": regexp.MustCompile(`"type"\s*:\s*"service_account"`),
}

// rlSecretAllowed are literals that look like passwords but are not secret: the demo,
// benchmark and test logins (README documents them) and field names.
var rlSecretAllowed = []string{`"demo12345"`, `"bench12345"`, `= "password"`, `= "passwordConfirm"`, `= "oldPassword"`}

// TestSafeDefaultNoSecrets scans every file of the repository (tracked or not ignored)
// for credentials, and refuses committed databases, backups and key files.
func TestSafeDefaultNoSecrets(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-co", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("git ls-files: %v (not a git checkout)", err)
	}
	scanned := 0
	for _, name := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if name == "" || strings.Contains(name, "node_modules/") || strings.Contains(name, "/testdata/fuzz/") {
			continue
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".db", ".sqlite", ".sqlite3", ".zip", ".pem", ".key", ".p12", ".pfx", ".env", ".jks":
			t.Errorf("%s: databases, backups and key files do not belong in the repository", name)
			continue
		case ".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".pdf":
			continue
		}
		fh, err := os.Open(filepath.Join(root, name))
		if err != nil {
			continue // deleted in the work tree
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		isTest := strings.HasSuffix(name, "_test.go") || strings.HasPrefix(name, "e2e/")
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			for what, re := range rlSecretPatterns {
				m := re.FindString(line)
				fake := what == "hard-coded password" || what == "hard-coded secret" || what == "service account JSON"
				if m == "" || (isTest && fake) || rlAllowed(m) {
					continue
				}
				t.Errorf("%s:%d: %s in the repository: %.80s", name, n, what, m)
			}
		}
		fh.Close()
		scanned++
	}
	if scanned < 50 {
		t.Fatalf("only %d files scanned", scanned)
	}
	t.Logf("%d files scanned for credentials", scanned)
}

func rlAllowed(match string) bool {
	for _, a := range rlSecretAllowed {
		if strings.Contains(match, a) {
			return true
		}
	}
	return strings.Contains(match, "${") || strings.Contains(match, "...") || strings.Contains(match, "example")
}
