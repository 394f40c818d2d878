package migrations

import (
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Performance at scale (docs/benchmarks.md), found with EXPLAIN QUERY PLAN
// (hooks/queryplan_test.go) on the lists the clients use:
//
//  1. List and view rules test the actor's permissions and sedes without multiplying the
//     rows. `@request.auth.rol.permisos:each ?= 'x'` and `@request.auth.sedes.id ?= sede`
//     make PocketBase LEFT JOIN json_each() of the actor's arrays to every row of the
//     list, so a list of 500,000 pagos read 10 million row combinations (and counted them
//     for totalItems). The same tests are written as a LIKE on the actor's own JSON
//     array, which PocketBase evaluates once per row without a join:
//     `@request.auth.rol.permisos ~ '"x"'` (a permission code is an element of the JSON
//     array: codes are [a-z_] words, quoted) and
//     `(sede != ” && @request.auth.sedes ~ sede)` (record ids are 15 [a-z0-9]
//     characters, so one never matches inside another). Through a back-relation the
//     any-match form `?~` is kept. The manage rule of auth collections, checked on reads
//     too, gets the same rewrite. Create, update and delete rules (checked on one row,
//     and holding @request.body conditions) are left as they were.
//  2. Indexes for the sorts of the staff portal's lists (newest first), so that a page of
//     20 is read in index order and the scan stops at 20 rows instead of sorting the
//     table: leads by fecha_ingreso, matrículas by fecha_inscripcion, ingresos and gastos
//     by fecha, reportes and campañas by created. idx_matriculas_fecha is a prefix of the
//     new matrículas index and is dropped.
//  3. The balance sums the partial months at the edges of a period from the ledger rows:
//     (sede, fecha) becomes (sede, fecha, monto) on ingresos and gastos, so those sums
//     read only the index.
func init() {
	m.Register(upPerfIndexes, downPerfIndexes)
}

var perfIndexes = []struct{ collection, name, columns string }{
	{"leads", "idx_leads_fecha_created", "fecha_ingreso, created"},
	{"matriculas", "idx_matriculas_fecha_created", "fecha_inscripcion, created"},
	{"ingresos", "idx_ingresos_fecha_created", "fecha, created"},
	{"gastos", "idx_gastos_fecha_created", "fecha, created"},
	{"reportes", "idx_reportes_created", "created"},
	{"campanas", "idx_campanas_created", "created"},
	{"ingresos", "idx_ingresos_sede_fecha_monto", "sede, fecha, monto"},
	{"gastos", "idx_gastos_sede_fecha_monto", "sede, fecha, monto"},
}

// replacedIndexes are prefixes of a new index, dropped by upPerfIndexes (and restored by
// downPerfIndexes): new index name -> the old index and its columns.
var replacedIndexes = map[string][2]string{
	"idx_matriculas_fecha_created":  {"idx_matriculas_fecha", "fecha_inscripcion"},
	"idx_ingresos_sede_fecha_monto": {"idx_ingresos_sede_fecha", "sede, fecha"},
	"idx_gastos_sede_fecha_monto":   {"idx_gastos_sede_fecha", "sede, fecha"},
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
