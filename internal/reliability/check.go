package reliability

import (
	"database/sql"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	_ "modernc.org/sqlite" // the driver PocketBase already links ("sqlite")
)

// cents is the SQL expression of a money column in integer céntimos.
func cents(col string) string { return "CAST(ROUND(" + col + "*100) AS INTEGER)" }

// Check is the result of reading a data directory after a run: what was checked and
// every violation found.
type Check struct {
	Figures    map[string]int64 // rows and states counted
	Checked    map[string]int   // invariant -> items it was checked on
	Violations []string
}

func (c *Check) violate(format string, args ...any) {
	if len(c.Violations) < 200 {
		c.Violations = append(c.Violations, fmt.Sprintf(format, args...))
	}
}

// OK reports whether no invariant was violated.
func (c *Check) OK() bool { return len(c.Violations) == 0 }

// Summary is a one-line-per-invariant text of c.
func (c *Check) Summary() string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(c.Checked)) {
		fmt.Fprintf(&b, "  %-34s %7d checked\n", k, c.Checked[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.Figures)) {
		fmt.Fprintf(&b, "  %-34s %7d\n", k, c.Figures[k])
	}
	for _, v := range c.Violations {
		fmt.Fprintf(&b, "  VIOLATION %s\n", v)
	}
	return b.String()
}

// OpenData opens dir/data.db read-only.
func OpenData(dir string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro&_pragma=busy_timeout(10000)")
}

// CheckData verifies the money, payroll, voucher, audit and job invariants of a data
// directory by direct SQL, independently of the application code.
func CheckData(db *sql.DB) (*Check, error) {
	c := &Check{Figures: map[string]int64{}, Checked: map[string]int{}}
	steps := []func(*sql.DB, *Check) error{checkPagos, checkLedgerBySede, checkPlanillas, checkCuotas, checkTotals,
		checkDuplicates, checkVouchers, checkAudit, checkIdempotency, checkJobs, countFigures}
	for _, step := range steps {
		if err := step(db, c); err != nil {
			return c, err
		}
	}
	return c, nil
}

// rows runs q and calls fn with each row's scanned values.
func rows(db *sql.DB, q string, fn func(scan func(...any) error) error) error {
	rs, err := db.Query(q)
	if err != nil {
		return fmt.Errorf("%w: %s", err, q)
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs.Scan); err != nil {
			return err
		}
	}
	return rs.Err()
}

// checkPagos: every pago has exactly one ingreso of origen Pago of its amount and sede;
// a voided one exactly one Anulación of the opposite amount; no ingreso points to a
// missing pago.
func checkPagos(db *sql.DB, c *Check) error {
	q := `SELECT p.id, p.estado, p.sede, ` + cents("p.monto") + `,
		(SELECT COUNT(*) FROM ingresos i WHERE i.pago = p.id AND i.origen = 'Pago'),
		(SELECT COALESCE(SUM(` + cents("i.monto") + `), 0) FROM ingresos i WHERE i.pago = p.id AND i.origen = 'Pago'),
		(SELECT COUNT(*) FROM ingresos i WHERE i.pago = p.id AND i.origen = 'Anulación'),
		(SELECT COALESCE(SUM(` + cents("i.monto") + `), 0) FROM ingresos i WHERE i.pago = p.id AND i.origen = 'Anulación'),
		(SELECT COUNT(*) FROM ingresos i WHERE i.pago = p.id AND i.sede != p.sede)
		FROM pagos p`
	err := rows(db, q, func(scan func(...any) error) error {
		var id, estado, sede string
		var m, np, sp, na, sa, wrongSede int64
		if err := scan(&id, &estado, &sede, &m, &np, &sp, &na, &sa, &wrongSede); err != nil {
			return err
		}
		c.Checked["pago -> one ingreso"]++
		if np != 1 || sp != m {
			c.violate("pago %s (%d céntimos) has %d ingresos of origen Pago adding up to %d", id, m, np, sp)
		}
		switch {
		case estado == "Anulado" && (na != 1 || sa != -m):
			c.violate("voided pago %s (%d) has %d reversals adding up to %d", id, m, na, sa)
		case estado != "Anulado" && na != 0:
			c.violate("pago %s (%s) has %d reversals", id, estado, na)
		}
		if wrongSede > 0 {
			c.violate("pago %s of sede %s is booked in another sede", id, sede)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return rows(db, `SELECT i.id, i.pago FROM ingresos i WHERE i.pago != '' AND NOT EXISTS (SELECT 1 FROM pagos p WHERE p.id = i.pago)`,
		func(scan func(...any) error) error {
			var id, pago string
			if err := scan(&id, &pago); err != nil {
				return err
			}
			c.violate("ingreso %s points to missing pago %s", id, pago)
			return nil
		})
}

// checkLedgerBySede: per sede, ingresos of origen Pago minus reversals = registered
// pagos, and gastos of payroll minus reversals = paid (not voided) payroll cost.
func checkLedgerBySede(db *sql.DB, c *Check) error {
	type pair struct{ want, got int64 }
	sedes := map[string]*pair{}
	add := func(q string, into func(*pair, int64)) error {
		return rows(db, q, func(scan func(...any) error) error {
			var sede string
			var v int64
			if err := scan(&sede, &v); err != nil {
				return err
			}
			if sedes[sede] == nil {
				sedes[sede] = &pair{}
			}
			into(sedes[sede], v)
			return nil
		})
	}
	if err := add(`SELECT sede, COALESCE(SUM(`+cents("monto")+`),0) FROM pagos WHERE estado = 'Registrado' GROUP BY sede`,
		func(p *pair, v int64) { p.want += v }); err != nil {
		return err
	}
	if err := add(`SELECT sede, COALESCE(SUM(`+cents("monto")+`),0) FROM ingresos WHERE pago != '' AND origen IN ('Pago','Anulación') GROUP BY sede`,
		func(p *pair, v int64) { p.got += v }); err != nil {
		return err
	}
	for sede, p := range sedes {
		c.Checked["sede: ingresos = pagos - voids"]++
		if p.want != p.got {
			c.violate("sede %s: registered pagos %d céntimos, their ingresos net of voids %d", sede, p.want, p.got)
		}
	}
	sedes = map[string]*pair{}
	if err := add(`SELECT e.sede, COALESCE(SUM(`+cents("p.remuneracion_bruta")+` + `+cents("p.aporte_empleador")+`),0)
		FROM planillas p JOIN empleados e ON e.id = p.empleado WHERE p.estado = 'Pagada' GROUP BY e.sede`,
		func(p *pair, v int64) { p.want += v }); err != nil {
		return err
	}
	if err := add(`SELECT sede, COALESCE(SUM(`+cents("monto")+`),0) FROM gastos WHERE planilla != '' GROUP BY sede`,
		func(p *pair, v int64) { p.got += v }); err != nil {
		return err
	}
	for sede, p := range sedes {
		c.Checked["sede: gastos = paid payroll - voids"]++
		if p.want != p.got {
			c.violate("sede %s: paid payroll cost %d céntimos, its gastos net of voids %d", sede, p.want, p.got)
		}
	}
	return nil
}

// checkPlanillas: a Pagada planilla has one gasto of its cost; an Anulada one also its
// reversal; a Borrador none.
func checkPlanillas(db *sql.DB, c *Check) error {
	q := `SELECT p.id, p.estado, ` + cents("p.remuneracion_bruta") + ` + ` + cents("p.aporte_empleador") + `,
		(SELECT COUNT(*) FROM gastos g WHERE g.planilla = p.id AND g.origen = 'Planilla'),
		(SELECT COALESCE(SUM(` + cents("g.monto") + `),0) FROM gastos g WHERE g.planilla = p.id AND g.origen = 'Planilla'),
		(SELECT COUNT(*) FROM gastos g WHERE g.planilla = p.id AND g.origen = 'Anulación'),
		(SELECT COALESCE(SUM(` + cents("g.monto") + `),0) FROM gastos g WHERE g.planilla = p.id AND g.origen = 'Anulación')
		FROM planillas p`
	return rows(db, q, func(scan func(...any) error) error {
		var id, estado string
		var cost, ng, sg, na, sa int64
		if err := scan(&id, &estado, &cost, &ng, &sg, &na, &sa); err != nil {
			return err
		}
		c.Checked["planilla -> its gastos"]++
		wantG, wantA := int64(0), int64(0)
		switch estado {
		case "Pagada":
			wantG = 1
		case "Anulada":
			wantG, wantA = 1, 1
		}
		if ng != wantG || na != wantA || (ng == 1 && sg != cost) || (na == 1 && sa != -sg) {
			c.violate("planilla %s (%s, cost %d) has %d gastos (%d) and %d reversals (%d)", id, estado, cost, ng, sg, na, sa)
		}
		return nil
	})
}

// checkCuotas: pagado is the sum of the registered pagos, never above monto, and the
// estado agrees.
func checkCuotas(db *sql.DB, c *Check) error {
	q := `SELECT c.id, c.estado, ` + cents("c.monto") + `, ` + cents("c.pagado") + `,
		(SELECT COALESCE(SUM(` + cents("p.monto") + `),0) FROM pagos p WHERE p.cuota = c.id AND p.estado = 'Registrado')
		FROM cuotas c`
	return rows(db, q, func(scan func(...any) error) error {
		var id, estado string
		var monto, pagado, sum int64
		if err := scan(&id, &estado, &monto, &pagado, &sum); err != nil {
			return err
		}
		c.Checked["cuota pagado = its pagos"]++
		if pagado != sum || pagado > monto {
			c.violate("cuota %s: pagado %d, its registered pagos %d, monto %d", id, pagado, sum, monto)
		}
		want := "Pendiente"
		switch {
		case estado == "Anulada" && pagado == 0:
			want = "Anulada"
		case pagado >= monto:
			want = "Pagada"
		case pagado > 0:
			want = "Parcial"
		}
		if estado != want {
			c.violate("cuota %s is %s with %d of %d paid", id, estado, pagado, monto)
		}
		return nil
	})
}

// checkTotals: saldos_mensuales equals a GROUP BY of the ledger.
func checkTotals(db *sql.DB, c *Check) error {
	type key struct {
		sede      string
		anio, mes int64
	}
	want := map[key][3]int64{}
	for i, coll := range []string{"ingresos", "gastos"} {
		err := rows(db, `SELECT sede, CAST(substr(fecha,1,4) AS INTEGER), CAST(substr(fecha,6,2) AS INTEGER), SUM(`+cents("monto")+`), COUNT(*)
			FROM `+coll+` GROUP BY 1, 2, 3`, func(scan func(...any) error) error {
			var k key
			var total, n int64
			if err := scan(&k.sede, &k.anio, &k.mes, &total, &n); err != nil {
				return err
			}
			v := want[k]
			v[i] += total
			v[2] += n
			want[k] = v
			return nil
		})
		if err != nil {
			return err
		}
	}
	got := map[key][3]int64{}
	err := rows(db, `SELECT sede, anio, mes, ingresos_centimos, gastos_centimos, movimientos FROM saldos_mensuales`,
		func(scan func(...any) error) error {
			var k key
			var v [3]int64
			if err := scan(&k.sede, &k.anio, &k.mes, &v[0], &v[1], &v[2]); err != nil {
				return err
			}
			if v != [3]int64{} {
				got[k] = v
			}
			return nil
		})
	if err != nil {
		return err
	}
	for k, w := range want {
		c.Checked["saldos_mensuales = ledger"]++
		if got[k] != w {
			c.violate("saldos_mensuales %v = %v, the ledger gives %v", k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			c.violate("saldos_mensuales %v = %v without ledger rows", k, g)
		}
	}
	return nil
}

// checkDuplicates: no derived row exists twice.
func checkDuplicates(db *sql.DB, c *Check) error {
	for _, q := range []string{
		`SELECT 'ingresos', pago || '/' || origen, COUNT(*) FROM ingresos WHERE pago != '' GROUP BY pago, origen`,
		`SELECT 'gastos', planilla || '/' || origen, COUNT(*) FROM gastos WHERE planilla != '' GROUP BY planilla, origen`,
		`SELECT 'vouchers', pago, COUNT(*) FROM vouchers WHERE pago != '' GROUP BY pago`,
		`SELECT 'cuotas', matricula || '/' || concepto || '/' || numero, COUNT(*) FROM cuotas GROUP BY matricula, concepto, numero`,
		// a voided planilla stays as history; the month may be generated again (one live planilla)
		`SELECT 'planillas', empleado || '/' || anio || '/' || mes, COUNT(*) FROM planillas WHERE estado != 'Anulada' GROUP BY empleado, anio, mes`,
	} {
		err := rows(db, q, func(scan func(...any) error) error {
			var coll, k string
			var n int64
			if err := scan(&coll, &k, &n); err != nil {
				return err
			}
			c.Checked["no duplicate derived rows"]++
			if n > 1 {
				c.violate("%s: %d rows for %s", coll, n, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkVouchers: an approved voucher has exactly its pago (same cuota and amount); the
// others none.
func checkVouchers(db *sql.DB, c *Check) error {
	q := `SELECT v.id, v.estado, v.pago, v.cuota, ` + cents("v.monto") + `, COALESCE(p.cuota, ''), COALESCE(` + cents("p.monto") + `, -1)
		FROM vouchers v LEFT JOIN pagos p ON p.id = v.pago`
	return rows(db, q, func(scan func(...any) error) error {
		var id, estado, pago, cuota, pcuota string
		var m, pm int64
		if err := scan(&id, &estado, &pago, &cuota, &m, &pcuota, &pm); err != nil {
			return err
		}
		c.Checked["voucher approved -> one pago"]++
		switch {
		case estado == "Aprobado" && (pago == "" || pcuota != cuota || pm != m):
			c.violate("approved voucher %s: pago %q (cuota %s, %d céntimos), voucher cuota %s, %d", id, pago, pcuota, pm, cuota, m)
		case estado != "Aprobado" && pago != "":
			c.violate("voucher %s is %s with pago %s", id, estado, pago)
		}
		return nil
	})
}

// checkAudit: every pago and every paid planilla has its audit rows (written in the
// same transaction).
func checkAudit(db *sql.DB, c *Check) error {
	q := `SELECT 'pagos', p.id, p.estado,
		(SELECT COUNT(*) FROM auditoria a WHERE a.coleccion = 'pagos' AND a.registro = p.id AND a.accion = 'crear'),
		(SELECT COUNT(*) FROM auditoria a WHERE a.coleccion = 'pagos' AND a.registro = p.id AND a.accion = 'anular')
		FROM pagos p
		UNION ALL
		SELECT 'planillas', p.id, p.estado,
		(SELECT COUNT(*) FROM auditoria a WHERE a.coleccion = 'planillas' AND a.registro = p.id AND a.accion = 'pagar'),
		(SELECT COUNT(*) FROM auditoria a WHERE a.coleccion = 'planillas' AND a.registro = p.id AND a.accion = 'anular')
		FROM planillas p WHERE p.estado IN ('Pagada', 'Anulada')`
	return rows(db, q, func(scan func(...any) error) error {
		var coll, id, estado string
		var first, void int64
		if err := scan(&coll, &id, &estado, &first, &void); err != nil {
			return err
		}
		c.Checked["audit row per money write"]++
		wantVoid := int64(0)
		if estado == "Anulado" || estado == "Anulada" {
			wantVoid = 1
		}
		if first != 1 || void != wantVoid {
			c.violate("%s %s (%s): %d audit rows of its creation/payment, %d of its void", coll, id, estado, first, void)
		}
		return nil
	})
}

// checkIdempotency: every key points to the record it created.
func checkIdempotency(db *sql.DB, c *Check) error {
	return rows(db, `SELECT i.clave, i.coleccion, i.registro,
		CASE i.coleccion WHEN 'pagos' THEN (SELECT COUNT(*) FROM pagos p WHERE p.id = i.registro)
		WHEN 'matriculas' THEN (SELECT COUNT(*) FROM matriculas m WHERE m.id = i.registro) ELSE 1 END
		FROM idempotencia i`, func(scan func(...any) error) error {
		var key, coll, id string
		var n int64
		if err := scan(&key, &coll, &id, &n); err != nil {
			return err
		}
		c.Checked["idempotency key -> its record"]++
		if n != 1 {
			c.violate("idempotency key %s points to missing %s %s", key, coll, id)
		}
		return nil
	})
}

// checkJobs: every job finished (hecho) or gave up (muerto, a violation).
func checkJobs(db *sql.DB, c *Check) error {
	return rows(db, `SELECT id, tipo, estado, intentos, ultimo_error FROM jobs`, func(scan func(...any) error) error {
		var id, tipo, estado, lastErr string
		var intentos int64
		if err := scan(&id, &tipo, &estado, &intentos, &lastErr); err != nil {
			return err
		}
		c.Checked["job finished"]++
		c.Figures["jobs "+tipo+" "+estado]++
		if intentos > 1 {
			c.Figures["jobs run more than once (resumed)"]++
		}
		if estado != "hecho" {
			c.violate("job %s (%s) is %s after %d attempts: %.200s", id, tipo, estado, intentos, lastErr)
		}
		return nil
	})
}

func countFigures(db *sql.DB, c *Check) error {
	for name, q := range map[string]string{
		"pagos registrados":   `SELECT COUNT(*) FROM pagos WHERE estado = 'Registrado'`,
		"pagos anulados":      `SELECT COUNT(*) FROM pagos WHERE estado = 'Anulado'`,
		"ingresos":            `SELECT COUNT(*) FROM ingresos`,
		"gastos":              `SELECT COUNT(*) FROM gastos`,
		"planillas pagadas":   `SELECT COUNT(*) FROM planillas WHERE estado = 'Pagada'`,
		"planillas anuladas":  `SELECT COUNT(*) FROM planillas WHERE estado = 'Anulada'`,
		"vouchers aprobados":  `SELECT COUNT(*) FROM vouchers WHERE estado = 'Aprobado'`,
		"vouchers rechazados": `SELECT COUNT(*) FROM vouchers WHERE estado = 'Rechazado'`,
		"matriculas":          `SELECT COUNT(*) FROM matriculas`,
		"cuotas":              `SELECT COUNT(*) FROM cuotas`,
		"auditoria":           `SELECT COUNT(*) FROM auditoria`,
		"idempotency keys":    `SELECT COUNT(*) FROM idempotencia`,
	} {
		var n int64
		if err := db.QueryRow(q).Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		c.Figures[name] = n
	}
	return nil
}
