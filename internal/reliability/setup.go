package reliability

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// employeesPerSede are hired at setup so payroll has people to pay.
const employeesPerSede = 10

// setup prepares a served demo for the load: rate limits off and SMTP pointed at the
// sink (as a superuser, the way an operator would in Settings), the staff and student
// sessions, the reference ids, and employees to pay.
func setup(ctx context.Context, base string, sinkPort int, o Options) (*workload, error) {
	a := newAPI(base)
	w := &workload{api: a, acts: map[string]*stats{}, salt: strconv.FormatInt(time.Now().Unix()%1_000_000, 36)}
	su, err := a.login(ctx, "_superusers", "admin"+demoDomain, demoPassword)
	if err != nil {
		return nil, err
	}
	settings := map[string]any{
		// one IP plays 200 people: PocketBase's per-IP limits would refuse most of them
		"rateLimits": map[string]any{"enabled": false},
		"smtp":       map[string]any{"enabled": true, "host": "127.0.0.1", "port": sinkPort, "tls": false},
		"meta":       map[string]any{"senderAddress": "secretaria" + demoDomain, "senderName": "SGUL"},
	}
	if r := su.call(ctx, "PATCH", "/api/settings", settings, nil); r.status != http.StatusOK {
		return nil, fmt.Errorf("settings: %s", r)
	}
	for _, s := range []struct {
		dst  **session
		user string
	}{{&w.admin, "admin"}, {&w.ventas, "ventas"}, {&w.finanzas, "finanzas"}, {&w.rrhh, "rrhh"}} {
		if *s.dst, err = a.login(ctx, "users", s.user+demoDomain, demoPassword); err != nil {
			return nil, err
		}
	}

	var sedes, mods, contactos []struct{ ID string }
	var progs []struct{ ID, Sede string }
	var medios []struct {
		ID                  string
		RequiereComprobante bool `json:"requiere_comprobante"`
	}
	for _, l := range []struct {
		coll, query string
		dst         any
	}{
		{"sedes", "perPage=50&fields=id", &sedes},
		{"programas", "perPage=500&fields=id,sede&filter=" + escape("activo=true&&sede!=''"), &progs},
		{"modalidades", "perPage=50&fields=id", &mods},
		{"medios_pago", "perPage=50&fields=id,requiere_comprobante", &medios},
		{"medios_contacto", "perPage=50&fields=id", &contactos},
	} {
		if err := w.admin.list(ctx, l.coll, l.query, l.dst); err != nil {
			return nil, err
		}
	}
	w.refs.sedes, w.refs.modalidades = ids(sedes), ids(mods)
	w.refs.programas = map[string][]string{}
	for _, p := range progs {
		w.refs.programas[p.Sede] = append(w.refs.programas[p.Sede], p.ID)
	}
	for _, m := range medios {
		if m.RequiereComprobante && w.refs.yape == "" {
			w.refs.yape = m.ID
		}
		if !m.RequiereComprobante && w.refs.efectivo == "" {
			w.refs.efectivo = m.ID
		}
	}
	if len(contactos) == 0 || w.refs.yape == "" || w.refs.efectivo == "" || len(w.refs.sedes) == 0 {
		return nil, fmt.Errorf("demo reference data incomplete: %+v", w.refs)
	}
	w.refs.medioContacto = contactos[0].ID

	for _, sede := range w.refs.sedes {
		for i := range employeesPerSede {
			n := w.next()
			emp := map[string]any{"nombres": fmt.Sprintf("Empleado %d", n), "apellidos": "Carga", "cargo": "Asistente",
				"regimen_pension": "ONP", "tasa_pension": 0.13, "sueldo_basico": 1200 + 50*i, "sede": sede, "activo": true,
				"dni": fmt.Sprintf("5%07d", (time.Now().UnixNano()/1000+n)%10000000)}
			if r := w.rrhh.call(ctx, "POST", "/api/collections/empleados/records", emp, nil); r.status != http.StatusOK {
				return nil, fmt.Errorf("employee: %s", r)
			}
		}
	}

	var alumnos []struct{ Email string } // staff do not see students' e-mails; the superuser does
	if err := su.list(ctx, "alumnos", fmt.Sprintf("perPage=%d&fields=email&filter=%s", o.Students, escape("email~'"+demoDomain+"'")), &alumnos); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, al := range alumnos {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if s, err := a.login(ctx, "alumnos", al.Email, demoPassword); err == nil {
				mu.Lock()
				w.students = append(w.students, s)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(w.students) == 0 {
		return nil, fmt.Errorf("no demo student could sign in")
	}
	return w, nil
}
