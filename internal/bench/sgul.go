package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"sgul/internal/reliability"
)

// Demo logins (created by `sgul demo`) the scenarios act as.
const (
	DemoPassword  = "demo12345"
	AdminEmail    = "admin@demo.sgul.pe"
	VentasEmail   = "ventas@demo.sgul.pe"
	FinanzasEmail = "finanzas@demo.sgul.pe"
)

// SGUL holds what the SGUL scenarios need: tokens, catalogue ids and pools of records to
// act on (each pool item is used once by one client).
type SGUL struct {
	C          *Client
	Superuser  string // token
	Admin      string
	Ventas     string
	VentasID   string
	Finanzas   string
	Sedes      []string
	Channel    string
	Programas  []idSede
	Modalidad  map[string]string // sede -> a modalidad whose income goes to that sede
	Medios     []string          // medios de pago without voucher
	Matriculas []string

	sink     *reliability.Sink
	cuotas   []cuotaRef
	leads    []leadRef
	nextCuot atomic.Int64
	nextLead atomic.Int64
	seq      atomic.Int64
}

type idSede struct {
	ID   string `json:"id"`
	Sede string `json:"sede"`
}

type cuotaRef struct {
	ID        string  `json:"id"`
	Matricula string  `json:"matricula"`
	Monto     float64 `json:"monto"`
}

type leadRef struct {
	ID        string   `json:"id"`
	Sede      string   `json:"sede"`
	Intereses []string `json:"intereses"`
	Telefono  string   `json:"telefono"`
}

// PrepareSGUL signs in, turns the rate limiter off (on this copy of the data: the
// benchmark's clients all come from 127.0.0.1) and loads catalogues and pools: cuotas
// open to pay, leads to convert, matrículas to read.
func PrepareSGUL(ctx context.Context, c *Client, pools int) (*SGUL, error) {
	s := &SGUL{C: c, Modalidad: map[string]string{}}
	var err error
	if s.Superuser, _, err = c.SignIn(ctx, "_superusers", AdminEmail, DemoPassword); err != nil {
		return nil, fmt.Errorf("superuser sign-in: %w", err)
	}
	if err := c.Do(ctx, http.MethodPatch, "/api/settings", s.Superuser, map[string]any{"rateLimits": map[string]any{"enabled": false}}, nil); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	if s.Admin, _, err = c.SignIn(ctx, "users", AdminEmail, DemoPassword); err != nil {
		return nil, err
	}
	if s.Ventas, s.VentasID, err = c.SignIn(ctx, "users", VentasEmail, DemoPassword); err != nil {
		return nil, err
	}
	if s.Finanzas, _, err = c.SignIn(ctx, "users", FinanzasEmail, DemoPassword); err != nil {
		return nil, err
	}
	su := s.Superuser
	sedes, err := ListAll[idSede](ctx, c, su, "sedes", url.Values{"sort": {"nombre"}, "fields": {"id"}}, 100)
	if err != nil {
		return nil, err
	}
	for _, x := range sedes {
		s.Sedes = append(s.Sedes, x.ID)
	}
	ch, err := ListAll[idSede](ctx, c, su, "medios_contacto", url.Values{"fields": {"id"}}, 1)
	if err != nil || len(ch) == 0 {
		return nil, fmt.Errorf("medios_contacto: %v", err)
	}
	s.Channel = ch[0].ID
	if s.Programas, err = ListAll[idSede](ctx, c, su, "programas", url.Values{"filter": {"activo = true"}, "fields": {"id,sede"}}, 1000); err != nil {
		return nil, err
	}
	mods, err := ListAll[idSede](ctx, c, su, "modalidades", url.Values{"fields": {"id,sede"}, "sort": {"nombre"}}, 100)
	if err != nil {
		return nil, err
	}
	for _, m := range mods {
		if _, ok := s.Modalidad[m.Sede]; !ok && m.Sede != "" {
			s.Modalidad[m.Sede] = m.ID
		}
	}
	medios, err := ListAll[idSede](ctx, c, su, "medios_pago", url.Values{"filter": {"requiere_comprobante = false"}, "fields": {"id"}}, 100)
	if err != nil || len(medios) == 0 {
		return nil, fmt.Errorf("medios_pago: %v", err)
	}
	for _, m := range medios {
		s.Medios = append(s.Medios, m.ID)
	}
	mats, err := ListAll[idSede](ctx, c, su, "matriculas", url.Values{"fields": {"id"}, "sort": {"-fecha_inscripcion"}}, 5000)
	if err != nil {
		return nil, err
	}
	for _, m := range mats {
		s.Matriculas = append(s.Matriculas, m.ID)
	}
	// Pending cuotas of active matrículas, oldest due first (a payment never exceeds the saldo).
	if s.cuotas, err = ListAll[cuotaRef](ctx, c, su, "cuotas", url.Values{"filter": {"estado = 'Pendiente' && pagado = 0 && matricula.estado = 'Activo'"},
		"sort": {"vencimiento"}, "fields": {"id,matricula,monto"}}, pools); err != nil {
		return nil, fmt.Errorf("cuotas: %w", err)
	}
	if s.leads, err = ListAll[leadRef](ctx, c, su, "leads", url.Values{"filter": {"estado_lead = 'Pendiente'"},
		"sort": {"-fecha_ingreso"}, "fields": {"id,sede,intereses,telefono"}}, pools); err != nil {
		return nil, fmt.Errorf("leads: %w", err)
	}
	if len(s.cuotas) == 0 || len(s.leads) == 0 || len(s.Matriculas) == 0 {
		return nil, fmt.Errorf("the data set has no open cuotas, Pendiente leads or matrículas (load it with sgul demo --scale N)")
	}
	return s, nil
}

// errPoolEmpty ends a write scenario that used up its pool.
var errPoolEmpty = fmt.Errorf("pool agotado: aumente --pool")

// searchTerms are what staff type in the lead search box (names and surnames).
var searchTerms = []string{"Quispe", "Mamani", "Lucía", "Flores", "Rojas", "Mateo", "Vargas", "Camila", "Torres", "Apaza"}
var leadStates = []string{"", "Pendiente", "Atendido", "No Atendido", "Convertido"}

// SignIn is staff sign-in (bcrypt-bound by design).
func (s *SGUL) SignIn(ctx context.Context, _ int) error {
	_, _, err := s.C.SignIn(ctx, "users", VentasEmail, DemoPassword)
	return err
}

// LeadList is the leads screen as docs/benchmarks.md proposes it: a search term and a
// state filter (sometimes none), the screen's sort, 20 per page, as ventas (both sedes),
// without the total count (skipTotal) and without expands: the screen already holds the
// catalogues (canales, asesores, programas, sedes) the expands would repeat 20 times.
func (s *SGUL) LeadList(ctx context.Context, w int) error {
	return s.leadList(ctx, url.Values{"skipTotal": {"1"},
		"fields": {"id,nombre_completo,estado_lead,telefono,email,medio_contacto,asesor,intereses,sede,fecha_ingreso,created"}})
}

// LeadListExpand is LeadList with the expands but still without the count.
func (s *SGUL) LeadListExpand(ctx context.Context, w int) error {
	return s.leadList(ctx, url.Values{"skipTotal": {"1"}, "expand": {"asesor,medio_contacto,sede,intereses"}})
}

// LeadListTotal is the request the portal sent until 2026-11-26: expands and the total
// count (it now sends LeadList's request: skipTotal, names from its catalogues).
func (s *SGUL) LeadListTotal(ctx context.Context, w int) error {
	return s.leadList(ctx, url.Values{"expand": {"asesor,medio_contacto,sede,intereses"}})
}

func (s *SGUL) leadList(ctx context.Context, q url.Values) error {
	n := s.seq.Add(1)
	term := searchTerms[int(n)%len(searchTerms)]
	filter := fmt.Sprintf("(nombre_completo ~ '%s' || email ~ '%s' || telefono ~ '%s')", term, term, term)
	if st := leadStates[int(n/int64(len(searchTerms)))%len(leadStates)]; st != "" {
		filter += " && estado_lead = '" + st + "'"
	}
	q.Set("page", "1")
	q.Set("perPage", "20")
	q.Set("filter", filter)
	q.Set("sort", "-fecha_ingreso,-created")
	_, err := List[map[string]any](ctx, s.C, s.Ventas, "leads", q)
	return err
}

// LeadCreate registers a lead as ventas.
func (s *SGUL) LeadCreate(ctx context.Context, w int) error {
	n := s.seq.Add(1)
	p := s.Programas[int(n)%len(s.Programas)]
	return s.C.Do(ctx, http.MethodPost, "/api/collections/leads/records", s.Ventas, map[string]any{
		"nombre_completo": fmt.Sprintf("Bench Lead %d", n), "telefono": fmt.Sprintf("9%08d", 10000000+n%89999999),
		"email": fmt.Sprintf("bench.lead.%d@bench.sgul.pe", n), "genero": "Otro", "asesor": s.VentasID,
		"medio_contacto": s.Channel, "intereses": []string{p.ID}, "sede": p.Sede, "observaciones": "Consulta por horarios.",
	}, nil)
}

// Convert converts a Pendiente lead into a student with a matrícula (POST /api/matriculas/).
func (s *SGUL) Convert(ctx context.Context, w int) error {
	i := s.nextLead.Add(1) - 1
	if int(i) >= len(s.leads) {
		return errPoolEmpty
	}
	l := s.leads[i]
	prog := l.Intereses[0]
	sede := l.Sede
	for _, p := range s.Programas {
		if p.ID == prog {
			sede = p.Sede
		}
	}
	tel := l.Telefono
	if tel == "" {
		tel = "987654321"
	}
	return s.C.Do(ctx, http.MethodPost, "/api/matriculas/", s.Ventas, map[string]any{
		"lead": l.ID, "programa": prog, "modalidad": s.Modalidad[sede], "dni": fmt.Sprintf("%08d", 30000000+i),
		"email": fmt.Sprintf("bench.alumno.%d@bench.sgul.pe", i), "telefono": tel,
	}, nil)
}

// PagoCreate pays a whole open cuota as finanzas (POST /api/collections/pagos/records),
// which runs every automation: ingreso, monthly totals, cuota, audit, notification.
func (s *SGUL) PagoCreate(ctx context.Context, w int) error {
	i := s.nextCuot.Add(1) - 1
	if int(i) >= len(s.cuotas) {
		return errPoolEmpty
	}
	c := s.cuotas[i]
	return s.C.Do(ctx, http.MethodPost, "/api/collections/pagos/records", s.Finanzas, map[string]any{
		"matricula": c.Matricula, "cuota": c.ID, "monto": c.Monto, "medio_pago": s.Medios[int(i)%len(s.Medios)],
	}, nil)
}

// PagosList is the matrícula screen's list of payments (filter by matrícula, newest
// first, 20, skipTotal) as finanzas, through the API rule.
func (s *SGUL) PagosList(ctx context.Context, w int) error {
	id := s.Matriculas[rand.IntN(len(s.Matriculas))]
	_, err := List[map[string]any](ctx, s.C, s.Finanzas, "pagos", url.Values{"page": {"1"}, "perPage": {"20"}, "skipTotal": {"1"},
		"filter": {"matricula = '" + id + "'"}, "sort": {"-fecha_pago,-created"}})
	return err
}

// Balance is GET /api/finanzas/balance for one sede (the year to date), as finanzas.
func (s *SGUL) Balance(ctx context.Context, w int) error {
	n := s.seq.Add(1)
	return s.C.Do(ctx, http.MethodGet, "/api/finanzas/balance?sede_id="+s.Sedes[int(n)%len(s.Sedes)], s.Finanzas, nil, nil)
}

// Dashboard is GET /api/dashboard for all the admin's sedes.
func (s *SGUL) Dashboard(ctx context.Context, w int) error {
	return s.C.Do(ctx, http.MethodGet, "/api/dashboard", s.Admin, nil, nil)
}

// EstadoCuenta is a student's statement (GET /api/matriculas/{id}/estado-cuenta), as finanzas.
func (s *SGUL) EstadoCuenta(ctx context.Context, w int) error {
	id := s.Matriculas[rand.IntN(len(s.Matriculas))]
	return s.C.Do(ctx, http.MethodGet, "/api/matriculas/"+id+"/estado-cuenta", s.Finanzas, nil, nil)
}

// Used reports how many pool items the write scenarios consumed.
func (s *SGUL) Used() (cuotas, leads int) {
	return int(min(s.nextCuot.Load(), int64(len(s.cuotas)))), int(min(s.nextLead.Load(), int64(len(s.leads))))
}

// pollEvery is how often job scenarios poll their record.
const pollEvery = 50 * time.Millisecond
