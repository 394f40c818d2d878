// Package dashboard computes the KPI dashboard of one or more sedes with indexed
// aggregate SQL: every figure is one query (no per-row lookups), money is summed in
// integer céntimos, and months are Lima months.
package dashboard

import (
	"errors"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"sgul/internal/money"
	"sgul/internal/schedule"
)

// TopProgramas and TopAsesores bound the rankings.
const (
	TopProgramas = 5
	TopAsesores  = 10
	MesesLeads   = 12
)

// Totales are counts over the whole history of the sedes.
type Totales struct {
	Leads             int `json:"leads"`
	Alumnos           int `json:"alumnos"` // students with at least one matrícula in the sedes
	Matriculas        int `json:"matriculas"`
	MatriculasActivas int `json:"matriculas_activas"`
}

// Programa is a program ranked by matrículas.
type Programa struct {
	ID         string `db:"id" json:"id"`
	Nombre     string `db:"nombre" json:"nombre"`
	Tipo       string `db:"tipo" json:"tipo"`
	Matriculas int    `db:"matriculas" json:"matriculas"`
}

// Asesor is a sales advisor's funnel: leads assigned, leads converted and the rate (%).
type Asesor struct {
	ID           string  `db:"id" json:"id"`
	Nombre       string  `db:"nombre" json:"nombre"`
	Leads        int     `db:"leads" json:"leads"`
	Conversiones int     `db:"conversiones" json:"conversiones"`
	Tasa         float64 `json:"tasa"`
}

// MesLeads is the number of leads that entered in a Lima month (YYYY-MM).
type MesLeads struct {
	Mes   string `json:"mes"`
	Leads int    `json:"leads"`
}

// Concepto is the count and total (soles) of payments of one concepto.
type Concepto struct {
	Concepto string  `json:"concepto"`
	Cantidad int     `json:"cantidad"`
	Total    float64 `json:"total"`
}

// Dashboard is the response of GET /api/dashboard. Rates are percentages with two
// decimals; money is in soles, summed exactly in céntimos.
type Dashboard struct {
	Sedes            []string   `json:"sedes"`
	Fecha            string     `json:"fecha"` // Lima date the figures refer to
	Totales          Totales    `json:"totales"`
	LeadsMes         int        `json:"leads_mes"`
	TasaConversion   float64    `json:"tasa_conversion"` // Convertido leads / leads
	TasaRetencion    float64    `json:"tasa_retencion"`  // Activo matrículas / matrículas
	Recaudado        float64    `json:"recaudado"`       // payments not voided
	RecaudadoMes     float64    `json:"recaudado_mes"`
	DeudaVencida     float64    `json:"deuda_vencida"` // unpaid balance of cuotas past due
	TopProgramas     []Programa `json:"top_programas"`
	Asesores         []Asesor   `json:"asesores"`
	LeadsPorMes      []MesLeads `json:"leads_por_mes"` // the last 12 Lima months, oldest first
	PagosPorConcepto []Concepto `json:"pagos_por_concepto"`
}

// period holds the bounds the queries use, derived from now in Lima.
type period struct {
	today        string // YYYY-MM-DD (date fields such as cuotas.vencimiento)
	monthStartTS string // UTC instants bounding the Lima month (instant fields)
	nextMonthTS  string
	firstMonthTS string // start of the oldest month of the leads series
	months       []string
}

const tsLayout = "2006-01-02 15:04:05.000Z"

func newPeriod(now time.Time) period {
	lima := now.In(schedule.LimaLocation())
	start := time.Date(lima.Year(), lima.Month(), 1, 0, 0, 0, 0, schedule.LimaLocation())
	next := start.AddDate(0, 1, 0)
	first := start.AddDate(0, -(MesesLeads - 1), 0)
	p := period{
		today:        lima.Format(time.DateOnly),
		monthStartTS: start.UTC().Format(tsLayout),
		nextMonthTS:  next.UTC().Format(tsLayout),
		firstMonthTS: first.UTC().Format(tsLayout),
	}
	for m := first; m.Before(next); m = m.AddDate(0, 1, 0) {
		p.months = append(p.months, m.Format("2006-01"))
	}
	return p
}

// Compute returns the dashboard of sedes as of now. With no sedes every figure is zero.
func Compute(app core.App, sedes []string, now time.Time) (*Dashboard, error) {
	p := newPeriod(now)
	d := &Dashboard{Sedes: sedes, Fecha: p.today, TopProgramas: []Programa{}, Asesores: []Asesor{},
		PagosPorConcepto: []Concepto{}, LeadsPorMes: make([]MesLeads, len(p.months))}
	for i, m := range p.months {
		d.LeadsPorMes[i].Mes = m
	}
	if d.Sedes == nil {
		d.Sedes = []string{}
	}
	if len(sedes) == 0 {
		return d, nil
	}
	q := &querier{app: app, sedes: sedes, p: p}
	// The aggregates are independent reads, each filling its own fields of d: they run
	// side by side on the app's concurrent (read) connections, or one after the other on
	// a transaction's single connection.
	steps := []func(*Dashboard) error{q.leads, q.leadsPorMes, q.matriculas, q.topProgramas, q.asesores, q.pagos, q.deuda}
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		if app.IsTransactional() {
			errs[i] = step(d)
			continue
		}
		wg.Go(func() { errs[i] = step(d) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// percent is part / whole × 100 rounded half-up to two decimals (0 when whole is 0).
func percent(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return float64((2*10000*int64(part)+int64(whole))/(2*int64(whole))) / 100
}

func soles(c int64) float64 { return money.Cents(c).Float() }
