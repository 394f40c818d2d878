package migrations

import (
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Performance at scale (docs/benchmarks.md), found with EXPLAIN QUERY PLAN
// (hooks/queryplan_test.go) on the lists the clients use and the pprof profiles of the
// load benchmark:
//
//  1. List, view and manage rules test the actor's permissions and sedes without
//     multiplying the rows. A permission test through the role's multi-select, or a
//     sede test through the actor's sedes relation, with the any-of operator, makes
//     PocketBase LEFT JOIN json_each() of the actor's arrays to every row of the list:
//     a list of 500,000 pagos read 10 million row combinations (and counted them for
//     totalItems). The same tests are written as a LIKE on the actor's own JSON array,
//     which PocketBase evaluates per row without a join (permission codes are quoted
//     [a-z_] words; record ids are 15 [a-z0-9] characters, so one never matches inside
//     another; an empty sede never matches, as before). Through a back-relation the
//     any-match LIKE is used. Create, update and delete rules (checked on one row, and
//     holding request body conditions) are left as they were (examples below).
//
//  2. Indexes for the sorts of the staff portal's lists (newest first), alone and after
//     each equality filter of the screens, so that a page of 20 is read in index order
//     and the scan stops at 20 rows instead of reading and sorting every match: leads by
//     fecha_ingreso (also after estado, canal, asesor; the search box's columns ride
//     along, so a search reads only the index), matrículas by fecha_inscripcion (also
//     after sede+estado and programa), ingresos and gastos by fecha, reportes and
//     campañas by created. The indexes they extend are dropped (replacedIndexes).
//
//  3. The balance sums the partial months at the edges of a period from the ledger rows:
//     (sede, fecha) becomes (sede, fecha, monto) on ingresos and gastos, so those sums
//     read only the index.
//
// The rule rewrite, by example:
//
//	@request.auth.rol.permisos:each ?= 'pagos'            -> @request.auth.rol.permisos ~ '"pagos"'
//	@request.auth.sedes.id ?= matricula.sede              -> (matricula.sede != '' && @request.auth.sedes ~ matricula.sede)
//	@request.auth.sedes.id ?= matriculas_via_alumno.sede  -> @request.auth.sedes ?~ matriculas_via_alumno.sede
func init() {
	m.Register(upPerfIndexes, downPerfIndexes)
}

var perfIndexes = []struct{ collection, name, columns string }{
	// leads: the search box's columns ride along, so a search reads only the index
	{"leads", "idx_leads_fecha_busqueda", "fecha_ingreso, created, estado_lead, sede, nombre_completo, email, telefono"},
	{"leads", "idx_leads_estado_busqueda", "estado_lead, fecha_ingreso, created, sede, nombre_completo, email, telefono"},
	{"leads", "idx_leads_medio_fecha", "medio_contacto, fecha_ingreso, created"},
	{"leads", "idx_leads_asesor_fecha", "asesor, fecha_ingreso, created"},
	{"matriculas", "idx_matriculas_fecha_created", "fecha_inscripcion, created"},
	{"matriculas", "idx_matriculas_sede_estado_fecha", "sede, estado, fecha_inscripcion, created"},
	{"matriculas", "idx_matriculas_programa_fecha", "programa, fecha_inscripcion, created"},
	{"ingresos", "idx_ingresos_fecha_created", "fecha, created"},
	{"gastos", "idx_gastos_fecha_created", "fecha, created"},
	{"reportes", "idx_reportes_created", "created"},
	{"campanas", "idx_campanas_created", "created"},
	{"ingresos", "idx_ingresos_sede_fecha_monto", "sede, fecha, monto"},
	{"gastos", "idx_gastos_sede_fecha_monto", "sede, fecha, monto"},
}

// replacedIndexes are prefixes of a new index, dropped by upPerfIndexes (and restored by
// downPerfIndexes): new index name -> the old index and its columns. A filter column
// indexed alone makes SQLite read every matching row and sort them when the value is a
// bound parameter (PocketBase binds every value); with the sort columns appended it reads
// the page in order and stops.
var replacedIndexes = map[string][2]string{
	"idx_leads_estado_busqueda":        {"idx_leads_estado", "estado_lead, sede"},
	"idx_leads_medio_fecha":            {"idx_leads_medio", "medio_contacto"},
	"idx_leads_asesor_fecha":           {"idx_leads_asesor", "asesor"},
	"idx_matriculas_fecha_created":     {"idx_matriculas_fecha", "fecha_inscripcion"},
	"idx_matriculas_sede_estado_fecha": {"idx_matriculas_sede_estado", "sede, estado"},
	"idx_matriculas_programa_fecha":    {"idx_matriculas_programa", "programa"},
	"idx_ingresos_sede_fecha_monto":    {"idx_ingresos_sede_fecha", "sede, fecha"},
	"idx_gastos_sede_fecha_monto":      {"idx_gastos_sede_fecha", "sede, fecha"},
}

var (
	slowPermRule = regexp.MustCompile(`@request\.auth\.(rol\.permisos|permisos_extra):each \?= '([a-z_]+)'`)
	fastPermRule = regexp.MustCompile(`@request\.auth\.(rol\.permisos|permisos_extra) ~ '"([a-z_]+)"'`)
	slowSedeRule = regexp.MustCompile(`@request\.auth\.sedes\.id \?= ([A-Za-z0-9_.]+)`)
	fastSedeRule = regexp.MustCompile(`\(([A-Za-z0-9_.]+) != '' && @request\.auth\.sedes ~ ([A-Za-z0-9_.]+)\)`)
	fastSedeVia  = regexp.MustCompile(`@request\.auth\.sedes \?~ ([A-Za-z0-9_.]+_via_[A-Za-z0-9_.]+)`)
)

// fastReadRule rewrites a list/view rule's permission and sede tests without json_each.
func fastReadRule(rule string) string {
	rule = slowPermRule.ReplaceAllString(rule, `@request.auth.$1 ~ '"$2"'`)
	return slowSedeRule.ReplaceAllStringFunc(rule, func(match string) string {
		field := slowSedeRule.FindStringSubmatch(match)[1]
		if strings.Contains(field, "_via_") {
			return "@request.auth.sedes ?~ " + field
		}
		return "(" + field + " != '' && @request.auth.sedes ~ " + field + ")"
	})
}

// slowReadRule is fastReadRule's inverse (down migration).
func slowReadRule(rule string) string {
	rule = fastPermRule.ReplaceAllString(rule, `@request.auth.$1:each ?= '$2'`)
	rule = fastSedeRule.ReplaceAllString(rule, `@request.auth.sedes.id ?= $1`)
	return fastSedeVia.ReplaceAllString(rule, `@request.auth.sedes.id ?= $1`)
}

func rewriteReadRules(app core.App, rewrite func(string) string) error {
	cols, err := app.FindAllCollections()
	if err != nil {
		return err
	}
	for _, c := range cols {
		if c.System {
			continue
		}
		changed := false
		for _, rule := range []**string{&c.ListRule, &c.ViewRule, &c.ManageRule} {
			if *rule == nil {
				continue
			}
			if r := rewrite(**rule); r != **rule {
				*rule = &r
				changed = true
			}
		}
		if changed {
			if err := app.Save(c); err != nil {
				return err
			}
		}
	}
	return nil
}

func upPerfIndexes(app core.App) error {
	if err := rewriteReadRules(app, fastReadRule); err != nil {
		return err
	}
	for _, ix := range perfIndexes {
		c, err := app.FindCollectionByNameOrId(ix.collection)
		if err != nil {
			return err
		}
		c.AddIndex(ix.name, false, ix.columns, "")
		if old, ok := replacedIndexes[ix.name]; ok {
			c.RemoveIndex(old[0])
		}
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return nil
}

func downPerfIndexes(app core.App) error {
	for _, ix := range perfIndexes {
		c, err := app.FindCollectionByNameOrId(ix.collection)
		if err != nil {
			return err
		}
		c.RemoveIndex(ix.name)
		if old, ok := replacedIndexes[ix.name]; ok {
			c.AddIndex(old[0], false, old[1], "")
		}
		if err := app.Save(c); err != nil {
			return err
		}
	}
	return rewriteReadRules(app, slowReadRule)
}
