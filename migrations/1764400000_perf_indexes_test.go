package migrations_test

import (
	"strings"
	"testing"

	_ "sgul/migrations"
)

// TestPerfRulesRoundTrip checks that the perf migration leaves no json_each-style
// permission or sede test in list/view rules, and that its down step restores every rule
// exactly.
func TestPerfRulesRoundTrip(t *testing.T) {
	app := newApp(t)
	rules := func() map[string]string {
		cols, err := app.FindAllCollections()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, c := range cols {
			for kind, r := range map[string]*string{"list": c.ListRule, "view": c.ViewRule, "create": c.CreateRule, "update": c.UpdateRule, "manage": c.ManageRule} {
				if r != nil {
					out[c.Name+"/"+kind] = *r
				}
			}
		}
		return out
	}
	after := rules()
	for k, r := range after {
		if (strings.HasSuffix(k, "/list") || strings.HasSuffix(k, "/view")) &&
			(strings.Contains(r, "permisos:each") || strings.Contains(r, "permisos_extra:each") || strings.Contains(r, "@request.auth.sedes.id")) {
			t.Errorf("%s still multiplies rows: %s", k, r)
		}
	}
	if !strings.Contains(after["pagos/list"], `@request.auth.rol.permisos ~ '"pagos"'`) ||
		!strings.Contains(after["pagos/list"], "(sede != '' && @request.auth.sedes ~ sede)") {
		t.Errorf("pagos list rule not rewritten: %s", after["pagos/list"])
	}
	if !strings.Contains(after["alumnos/list"], "@request.auth.sedes ?~ matriculas_via_alumno.sede") {
		t.Errorf("alumnos list rule: %s", after["alumnos/list"])
	}

	// revert down to the perf migration, whatever later migrations there are
	runner := revertFrom(t, app, "1764400000_perf_indexes")
	before := rules()
	for k, r := range before {
		if strings.Contains(r, `~ '"`) || strings.Contains(r, "@request.auth.sedes ~") {
			t.Errorf("down left a rewritten rule in %s: %s", k, r)
		}
	}
	if _, err := runner.Up(); err != nil {
		t.Fatal(err)
	}
	for k, r := range rules() {
		if r != after[k] {
			t.Errorf("%s differs after down and up:\n%s\n%s", k, after[k], r)
		}
	}
}
