package demo

import (
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"
)

// Scale sizes, per unit of --scale (the demo's own size): at N=500 about 100,000 leads,
// 25,000 students, 30,000 matrículas, 600,000 cuotas, 500,000 pagos with their ingresos
// and 5,000 planillas.
const (
	ScaleLeadsPerBlock      = 200 // leads entered per block
	ScaleStudentsPerBlock   = 50  // new students per block
	ScaleReenrolPerBlock    = 10  // students of the block who enrol in a second program
	ScaleYears              = 8   // history spread over the last 8 years
	scaleDomain             = "scale.sgul.pe"
	scaleEmpleadosPerUnit   = 6 // one employee per 6 units of scale
	scalePlanillaMonths     = 60
	scaleAdvisorsPerUnit    = 25 // one more Ventas advisor per 25 units
	scaleProgressEverySec   = 10
	scaleMatriculasPerBlock = ScaleStudentsPerBlock + ScaleReenrolPerBlock
)

// ScaleReport is what LoadScale did.
type ScaleReport struct {
	Blocks, BlocksDone int
	Elapsed            time.Duration
	Counts             map[string]int
}

// LoadScale grows the demo institute to n times its size through the same domain code
// as the API (conversions write cuotas, pagos write ingresos, monthly totals, audit and
// notifications, planillas write gastos). It first loads the plain demo (idempotent).
//
// The work is cut into n blocks (200 leads, 50 students and 60 matrículas with their
// payment history, spread over the last ScaleYears years); each block commits in one
// transaction and is deterministic (its random source is seeded with its number), so an
// interrupted run resumes at the first missing block, and running it again with the same
// n changes nothing. A larger n adds the missing blocks. Employees and their paid
// planillas for the last 60 months follow (idempotent per month).
//
// To keep years of history realistic, each block applies what the daily jobs would have
// done meanwhile: the push jobs of its (historical) payments are marked done and removed
// like finished jobs, and payment notifications older than notify's one-year retention
// are removed.
func LoadScale(app core.App, n int, out io.Writer) (*ScaleReport, error) {
	if n < 1 {
		return nil, fmt.Errorf("scale: n must be at least 1")
	}
	start := time.Now()
	// A bulk load allocates a lot of short-lived records: trade memory for less GC.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	if err := Load(app, Options{}, out); err != nil {
		return nil, err
	}
	s, err := newScaleLoader(app, out)
	if err != nil {
		return nil, err
	}
	rep := &ScaleReport{Blocks: n}
	rowsBefore, err := countRows(app, nil)
	if err != nil {
		return nil, err
	}
	if err := s.advisors(max(0, n/scaleAdvisorsPerUnit)); err != nil {
		return nil, err
	}
	done, err := s.blocksDone()
	if err != nil {
		return nil, err
	}
	rep.BlocksDone = done
	if done >= n {
		fmt.Fprintf(out, "scale: %d bloques ya cargados (pedidos %d); nada que agregar\n", done, n)
	} else {
		fmt.Fprintf(out, "scale: bloques %d..%d de %d (cada uno: %d leads, %d alumnos, %d matrículas con su historia de pagos)\n",
			done+1, n, n, ScaleLeadsPerBlock, ScaleStudentsPerBlock, scaleMatriculasPerBlock)
		if err := s.blocks(done, n); err != nil {
			return nil, err
		}
	}
	if err := s.payroll(max(demoEmpleados, n/scaleEmpleadosPerUnit), scalePlanillaMonths); err != nil {
		return nil, err
	}
	// The planner's statistics, as PocketBase's periodic PRAGMA optimize would leave them.
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		return nil, fmt.Errorf("scale: analyze: %w", err)
	}
	rep.Elapsed = time.Since(start)
	rep.Counts = map[string]int{}
	rowsAfter, err := countRows(app, rep.Counts)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "scale: listo en %s; %d filas nuevas (%.0f filas/s)\n", rep.Elapsed.Round(time.Second),
		rowsAfter-rowsBefore, float64(rowsAfter-rowsBefore)/rep.Elapsed.Seconds())
	for _, t := range scaleTables {
		fmt.Fprintf(out, "  %-17s %9d\n", t, rep.Counts[t])
	}
	return rep, nil
}

// scaleTables are the tables the scale load writes to (directly or through hooks).
var scaleTables = []string{"leads", "interacciones", "alumnos", "matriculas", "cuotas", "pagos", "ingresos", "gastos",
	"empleados", "planillas", "saldos_mensuales", "auditoria", "notificaciones", "jobs", "users"}

// countRows counts the rows of scaleTables (into counts when not nil) and their sum.
func countRows(app core.App, counts map[string]int) (int, error) {
	sum := 0
	for _, t := range scaleTables {
		var c int
		if err := app.DB().Select("COUNT(*)").From(t).Row(&c); err != nil {
			return 0, err
		}
		if counts != nil {
			counts[t] = c
		}
		sum += c
	}
	return sum, nil
}

// scaleLoader holds the catalogue ids every block uses.
type scaleLoader struct {
	app      core.App
	out      io.Writer
	hash     string // bcrypt of Password, computed once for every scale account
	now      time.Time
	admin    *core.Record
	finanzas string
	sedeA    string // Arequipa Virtual
	sedeB    string // Sede Principal Pedregal
	modByID  map[string]string
	mods     map[string]string // nombre -> id
	progs    []scaleProgram
	channels []string
	distrito []string
	medios   []string // medios de pago without voucher
	advisorA []string // Ventas advisors working in sede A
	advisorB []string
}

type scaleProgram struct {
	id, nombre, tipo, sede string
}

func newScaleLoader(app core.App, out io.Writer) (*scaleLoader, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	s := &scaleLoader{app: app, out: out, hash: string(hash), now: time.Now().UTC(), mods: map[string]string{}}
	if s.admin, err = app.FindAuthRecordByEmail("users", "admin@demo.sgul.pe"); err != nil {
		return nil, fmt.Errorf("scale: admin de la demo: %w", err)
	}
	fin, err := app.FindAuthRecordByEmail("users", "finanzas@demo.sgul.pe")
	if err != nil {
		return nil, fmt.Errorf("scale: finanzas de la demo: %w", err)
	}
	s.finanzas = fin.Id
	for _, x := range []struct {
		dst  *string
		name string
	}{{&s.sedeA, "Arequipa Virtual"}, {&s.sedeB, "Sede Principal Pedregal"}} {
		r, err := app.FindFirstRecordByFilter("sedes", "nombre = {:n}", dbx.Params{"n": x.name})
		if err != nil {
			return nil, fmt.Errorf("scale: sede %s: %w", x.name, err)
		}
		*x.dst = r.Id
	}
	mods, err := app.FindAllRecords("modalidades")
	if err != nil {
		return nil, err
	}
	for _, m := range mods {
		s.mods[m.GetString("nombre")] = m.Id
	}
	progs, err := app.FindRecordsByFilter("programas", "activo = true", "nombre,tipo", 0, 0)
	if err != nil {
		return nil, err
	}
	for _, p := range progs {
		s.progs = append(s.progs, scaleProgram{id: p.Id, nombre: p.GetString("nombre"), tipo: p.GetString("tipo"), sede: p.GetString("sede")})
	}
	if err := app.DB().Select("id").From("medios_contacto").OrderBy("nombre").Column(&s.channels); err != nil {
		return nil, err
	}
	if err := app.DB().Select("id").From("distritos").OrderBy("codigo").Column(&s.distrito); err != nil {
		return nil, err
	}
	if err := app.DB().Select("id").From("medios_pago").Where(dbx.HashExp{"requiere_comprobante": false}).OrderBy("nombre").Column(&s.medios); err != nil {
		return nil, err
	}
	if len(s.progs) == 0 || len(s.channels) == 0 || len(s.medios) == 0 {
		return nil, fmt.Errorf("scale: faltan catálogos (programas, medios de contacto o de pago)")
	}
	return s, s.loadAdvisors()
}

// loadAdvisors reads the active Ventas staff of each sede (the demo's and the scale's).
func (s *scaleLoader) loadAdvisors() error {
	rol, err := s.app.FindFirstRecordByFilter("roles", "nombre = 'Ventas'")
	if err != nil {
		return err
	}
	users, err := s.app.FindAllRecords("users", dbx.HashExp{"rol": rol.Id, "activo": true})
	if err != nil {
		return err
	}
	s.advisorA, s.advisorB = nil, nil
	for _, u := range users {
		for _, sede := range u.GetStringSlice("sedes") {
			switch sede {
			case s.sedeA:
				s.advisorA = append(s.advisorA, u.Id)
			case s.sedeB:
				s.advisorB = append(s.advisorB, u.Id)
			}
		}
	}
	if len(s.advisorA) == 0 || len(s.advisorB) == 0 {
		return fmt.Errorf("scale: cada sede necesita al menos un asesor de Ventas")
	}
	return nil
}

// advisors adds Ventas staff (asesorNNN@scale.sgul.pe) up to extra accounts, alternating
// sedes, so that the leads of a large institute are spread over a realistic team.
func (s *scaleLoader) advisors(extra int) error {
	rol, err := s.app.FindFirstRecordByFilter("roles", "nombre = 'Ventas'")
	if err != nil {
		return err
	}
	col, err := s.app.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	added := 0
	err = s.app.RunInTransaction(func(tx core.App) error {
		for i := 1; i <= extra; i++ {
			email := fmt.Sprintf("asesor%03d@%s", i, scaleDomain)
			if _, err := tx.FindAuthRecordByEmail("users", email); err == nil {
				continue
			}
			sedes := []string{s.sedeA}
			if i%2 == 0 {
				sedes = []string{s.sedeB}
			}
			u := core.NewRecord(col)
			u.Load(map[string]any{"email": email, "nombre": fmt.Sprintf("%s %s (asesor %d)", firstNames[i%len(firstNames)], lastNames[(i*7)%len(lastNames)], i),
				"rol": rol.Id, "sedes": sedes, "activo": true, "emailVisibility": true})
			s.setHash(u)
			if err := tx.Save(u); err != nil {
				return fmt.Errorf("scale: asesor %s: %w", email, err)
			}
			added++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if added > 0 {
		fmt.Fprintf(s.out, "scale: %d asesores de ventas agregados\n", added)
	}
	return s.loadAdvisors()
}

// setHash gives a new scale account the demo password without running bcrypt again.
func (s *scaleLoader) setHash(r *core.Record) {
	r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: s.hash})
	r.RefreshTokenKey()
	r.SetVerified(true)
}

// blocksDone counts the committed blocks: each commits its 200 leads atomically.
func (s *scaleLoader) blocksDone() (int, error) {
	var n int
	err := s.app.DB().Select("COUNT(*)").From("leads").
		Where(dbx.Like("email", "@"+scaleDomain).Match(true, false)).Row(&n)
	return n / ScaleLeadsPerBlock, err
}

// blocks loads blocks [from, to), printing progress with throughput and ETA.
func (s *scaleLoader) blocks(from, to int) error {
	start := time.Now()
	last := start
	var tot blockStats
	for k := from; k < to; k++ {
		var st blockStats
		err := s.app.RunInTransaction(func(tx core.App) error {
			var err error
			st, err = s.block(tx, k)
			return err
		})
		if err != nil {
			return fmt.Errorf("scale: bloque %d: %w", k+1, err)
		}
		tot.add(st)
		if time.Since(last) >= scaleProgressEverySec*time.Second || k == to-1 || k == from {
			last = time.Now()
			el := time.Since(start)
			doneBlocks := k + 1 - from
			eta := time.Duration(float64(el) / float64(doneBlocks) * float64(to-k-1))
			fmt.Fprintf(s.out, "scale [%d/%d] %d leads, %d matrículas, %d cuotas, %d pagos (%d anulados) · %.0f operaciones/s, %.0f pagos/s · %s transcurrido, faltan ~%s\n",
				k+1, to, tot.leads, tot.matriculas, tot.cuotas, tot.pagos, tot.anulados,
				float64(tot.ops())/el.Seconds(), float64(tot.pagos)/el.Seconds(),
				el.Round(time.Second), eta.Round(time.Second))
		}
	}
	return nil
}
