// Package sgultest builds SGUL test apps: a migrated template data dir with a small
// institute (two sedes, every staff role, two students) is built once per test binary
// and cloned for each test, with the production wiring (hooks.Bind) applied.
package sgultest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"sgul/hooks"
	_ "sgul/migrations"
)

// Password is the password of every fixture account.
const Password = "demo12345"

// Fixture holds the ids and auth tokens of the template's records.
type Fixture struct {
	SedeA, SedeB                        string // Arequipa Virtual, Sede Principal Pedregal
	Presencial, Virtual, Semipresencial string
	Yape, Efectivo                      string // medios_pago (Yape requires a voucher)
	Facebook                            string // medio_contacto
	Distrito                            string
	Carrera, Especializacion, Curso     string // programas: Enfermería (A), Farmacia (A), Facturación Electrónica (B)
	CursoA                              string // a cursos record
	MallaCarrera1, MallaCarrera2        string // malla rows of Carrera (mes 1, 2)
	Roles                               map[string]string
	Users                               map[string]string // admin, ventas, finanzas, docente, rrhh, analista, ventasB, finanzasB, norole, inactive
	Tokens                              map[string]string // same keys + alumno1, alumno2, superuser
	Alumno1, Alumno2                    string
	Matricula1, Matricula2              string // alumno1 in Carrera (A, Virtual), alumno2 in Curso (B, Presencial)
	LeadA, LeadB                        string // Pendiente leads in sede A and B
	LeadConv1, LeadConv2                string // the converted leads of alumno1 and alumno2
	EmpleadoA                           string // RRHH's own employee record (sede A)
}

var (
	once        sync.Once
	templateDir string
	fixture     Fixture
	buildErr    error
)

// Config is the hooks configuration the test apps are wired with.
func Config() *hooks.Config { return &hooks.Config{DueDay: 5, DisableBackground: true} }

// NewApp returns a fresh clone of the template with hooks bound, and the fixture.
func NewApp(t testing.TB) (*tests.TestApp, Fixture) {
	t.Helper()
	return NewAppWith(t, nil)
}

// Factory adapts NewApp to tests.ApiScenario.TestAppFactory.
func Factory(t testing.TB) *tests.TestApp {
	app, _ := NewApp(t)
	return app
}

// Get returns the fixture without building an app (the template is built if needed).
func Get(t testing.TB) Fixture {
	t.Helper()
	once.Do(buildTemplate)
	if buildErr != nil {
		t.Fatalf("sgultest template: %v", buildErr)
	}
	return fixture
}

// Auth returns the Authorization header for a fixture actor ("" for anonymous).
func (f Fixture) Auth(actor string) map[string]string {
	if actor == "" || actor == "anonymous" {
		return nil
	}
	tok, ok := f.Tokens[actor]
	if !ok {
		panic("sgultest: unknown actor " + actor)
	}
	return map[string]string{"Authorization": tok}
}

func buildTemplate() {
	dir, err := os.MkdirTemp("", "sgul_template_*")
	if err != nil {
		buildErr = err
		return
	}
	templateDir = dir
	cachePath := filepath.Join(dir, "fixture.json")

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		buildErr = err
		return
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		buildErr = err
		return
	}
	s := app.Settings()
	s.RateLimits.Enabled = false // tests that check rate limiting enable it themselves
	if err := app.Save(s); err != nil {
		buildErr = err
		return
	}
	if err := hooks.Bind(app, Config()); err != nil {
		buildErr = err
		return
	}
	f, err := seed(app)
	if err != nil {
		buildErr = err
		return
	}
	fixture = f
	raw, _ := json.Marshal(f)
	_ = os.WriteFile(cachePath, raw, 0o600)
}

// tokenDuration keeps fixture tokens valid for the whole test run.
const tokenDuration = 6 * time.Hour

// Main runs a package's tests and removes the template afterwards; call it from TestMain:
//
//	func TestMain(m *testing.M) { sgultest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if templateDir != "" {
		_ = os.RemoveAll(templateDir)
	}
	os.Exit(code)
}
