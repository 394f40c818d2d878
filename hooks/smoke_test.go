package hooks_test

import (
	"testing"

	"sgul/internal/sgultest"
)

func TestFixtureBuilds(t *testing.T) {
	app, f := sgultest.NewApp(t)
	defer app.Cleanup()
	if f.Matricula1 == "" || f.Tokens["ventas"] == "" || f.Tokens["alumno1"] == "" {
		t.Fatalf("incomplete fixture: %+v", f)
	}
	if n, _ := app.CountRecords("users"); n != 10 {
		t.Fatalf("users = %d", n)
	}
}
