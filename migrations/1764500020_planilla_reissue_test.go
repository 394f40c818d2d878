package migrations_test

import (
	"strings"
	"testing"
)

// TestPlanillaReissueRoundTrip: after up the period index is unique over live planillas
// only; down restores the unique index over every planilla.
func TestPlanillaReissueRoundTrip(t *testing.T) {
	app := newApp(t)
	index := func() (name, where string) {
		c, err := app.FindCollectionByNameOrId("planillas")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"idx_planillas_periodo_vigente", "idx_planillas_periodo"} {
			if ix := c.GetIndex(n); ix != "" {
				return n, ix
			}
		}
		return "", ""
	}
	check := func(when, wantName string, wantPartial bool) {
		t.Helper()
		name, sql := index()
		if name != wantName || !containsAll(sql, "UNIQUE", "empleado", "mes", "anio") || containsAll(sql, "Anulada") != wantPartial {
			t.Errorf("%s: index %s = %q", when, name, sql)
		}
	}
	check("after up", "idx_planillas_periodo_vigente", true)
	runner := revertFrom(t, app, "1764500020_planilla_reissue")
	check("after down", "idx_planillas_periodo", false)
	if _, err := runner.Up(); err != nil {
		t.Fatal(err)
	}
	check("after up again", "idx_planillas_periodo_vigente", true)
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
