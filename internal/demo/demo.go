// Package demo loads a realistic demo institute through the same domain code as the
// API: record hooks book cuotas, ingresos and audit rows exactly as in production.
package demo

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/enrollment"
)

// Password is the password of every demo login.
const Password = "demo12345"

// Options size the demo.
type Options struct {
	Leads    int // default 200
	Students int // default 50
}

type loader struct {
	app      core.App
	out      io.Writer
	rnd      *rand.Rand
	ids      map[string]string // "sede:Arequipa Virtual", "user:ventas@...", "prog:Nombre|Tipo", ...
	advisors []string
}

// Load creates the demo institute in app. It is idempotent: when the demo admin exists
// it changes nothing.
func Load(app core.App, opts Options, out io.Writer) error {
	if opts.Leads == 0 {
		opts.Leads = 200
	}
	if opts.Students == 0 {
		opts.Students = 50
	}
	if _, err := app.FindAuthRecordByEmail("users", "admin@demo.sgul.pe"); err == nil {
		fmt.Fprintln(out, "demo: ya cargado (admin@demo.sgul.pe existe); nada que hacer")
		return nil
	}
	l := &loader{app: app, out: out, rnd: rand.New(rand.NewPCG(2026, 11)), ids: map[string]string{}}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"sedes y modalidades", l.sedes},
		{"programas y mallas", l.programs},
		{"personal", l.staff},
		{fmt.Sprintf("%d leads", opts.Leads), func() error { return l.leads(opts.Leads) }},
		{fmt.Sprintf("%d alumnos con matrícula", opts.Students), func() error { return l.students(opts.Students) }},
		{"pagos", l.payments},
		{"gastos del local", l.expenses},
		{fmt.Sprintf("%d empleados y sus planillas pagadas de %d meses", demoEmpleados, demoPlanillaMonths), func() error { return loadPayroll(app) }},
	}
	for i, s := range steps {
		start := time.Now()
		fmt.Fprintf(out, "demo [%d/%d] %s...", i+1, len(steps), s.name)
		if err := s.fn(); err != nil {
			fmt.Fprintln(out, " error")
			return fmt.Errorf("demo %s: %w", s.name, err)
		}
		fmt.Fprintf(out, " listo (%s)\n", time.Since(start).Round(time.Millisecond))
	}
	if err := l.superuser(); err != nil {
		return err
	}
	for _, ext := range extensions {
		if err := ext(app, l.ids, out); err != nil {
			return err
		}
	}
	return nil
}

// Extension adds more demo data after the core (e.g. grades, payroll) using the ids map.
type Extension func(app core.App, ids map[string]string, out io.Writer) error

var extensions []Extension

// Register adds a demo extension (called from the wiring of later capabilities).
func Register(ext Extension) { extensions = append(extensions, ext) }

func (l *loader) save(collection string, data map[string]any) (*core.Record, error) {
	col, err := l.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(data)
	if col.IsAuth() {
		r.SetPassword(Password)
		r.SetVerified(true)
	}
	if err := l.app.Save(r); err != nil {
		return nil, fmt.Errorf("%s: %w", collection, err)
	}
	return r, nil
}

func (l *loader) find(collection, field, value string) (string, error) {
	r, err := l.app.FindFirstRecordByFilter(collection, field+" = {:v}", map[string]any{"v": value})
	if err != nil {
		return "", fmt.Errorf("%s %s=%s: %w", collection, field, value, err)
	}
	return r.Id, nil
}

func (l *loader) pick(xs []string) string { return xs[l.rnd.IntN(len(xs))] }

var _ = enrollment.LeadPendiente

// superuser gives the demo a dashboard login (/_/) with the demo credentials.
func (l *loader) superuser() error {
	if _, err := l.app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "admin@demo.sgul.pe"); err == nil {
		return nil
	}
	_, err := l.save(core.CollectionNameSuperusers, map[string]any{"email": "admin@demo.sgul.pe"})
	return err
}
