package pgmirror

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TestCoverageWritePaths writes through every path PocketBase offers and checks
// that PostgreSQL matches SQLite afterwards.
func TestCoverageWritePaths(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	sedes, items, comments := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Lima"})
	keep := newItem(t, app, items, "keep", 1, sede.Id)
	gone := newItem(t, app, items, "gone", 2, sede.Id)
	r := newRelay(t, app, cfg)
	drain(t, r)

	// record API
	h := apiServer(t, app)
	apiCall(t, h, "POST", "/api/collections/items/records", `{"id":"apicreated00001","title":"api","n":7,"monto":12.345,"sede":"`+sede.Id+`"}`, jsonHeader, 200, `"title":"api"`)
	apiCall(t, h, "PATCH", "/api/collections/items/records/"+keep.Id, `{"title":"patched","ok":true}`, jsonHeader, 200, `"patched"`)
	apiCall(t, h, "DELETE", "/api/collections/items/records/"+gone.Id, ``, nil, 204)

	// batch API
	s := app.Settings()
	s.Batch.Enabled, s.Batch.MaxRequests = true, 10
	must(t, app.Save(s))
	apiCall(t, h, "POST", "/api/batch", `{"requests":[
		{"method":"POST","url":"/api/collections/items/records","body":{"id":"batchcreated001","title":"b1","n":1}},
		{"method":"POST","url":"/api/collections/items/records","body":{"id":"batchcreated002","title":"b2","n":2}},
		{"method":"PATCH","url":"/api/collections/items/records/batchcreated001","body":{"title":"b1-updated"}},
		{"method":"DELETE","url":"/api/collections/items/records/batchcreated002"}]}`, jsonHeader, 200)

	// cascade delete: the item's comments go with it
	parent := newItem(t, app, items, "parent", 5, sede.Id)
	for i := 0; i < 3; i++ {
		newRecordWith(t, app, comments, map[string]any{"item": parent.Id, "body": fmt.Sprint("c", i)})
	}
	drain(t, r)
	conn := pgConn(t, cfg)
	if n := pgCount(t, conn, cfg, "comments"); n != 3 {
		t.Fatalf("comments before cascade = %d", n)
	}
	must(t, app.Delete(parent))

	// raw SQL, including a primary key change
	_, err := app.DB().NewQuery(`UPDATE items SET title = 'raw sql' WHERE id = {:id}`).Bind(dbx.Params{"id": keep.Id}).Execute()
	must(t, err)
	_, err = app.DB().NewQuery(`INSERT INTO items (id, title, n, monto, data) VALUES ('rawinserted0001', 'raw', 'not-a-number', 3, 'not json')`).Execute()
	must(t, err)
	_, err = app.DB().NewQuery(`UPDATE items SET id = 'renamedid000001' WHERE id = 'apicreated00001'`).Execute()
	must(t, err)

	// superuser SQL endpoint
	tok := superuserToken(t, app)
	apiCall(t, h, "POST", "/api/sql", `{"query":"UPDATE items SET n = 99 WHERE id = 'rawinserted0001'"}`, authHeader(tok), 200)

	// a migration writing with raw SQL and with the record API
	var list core.MigrationsList
	list.Register(func(tx core.App) error {
		if _, err := tx.DB().NewQuery(`INSERT INTO sedes (id, nombre) VALUES ('migsede00000001', 'from migration')`).Execute(); err != nil {
			return err
		}
		rec := core.NewRecord(items)
		rec.Set("title", "migrated")
		return tx.Save(rec)
	}, nil, "1999999999_test_write.go")
	_, err = core.NewMigrationsRunner(app, list).Up()
	must(t, err)

	mustVerify(t, app, cfg, r)
	if n := pgCount(t, conn, cfg, "comments"); n != 0 {
		t.Fatalf("cascade delete not mirrored: %d comments left", n)
	}
	var title string
	must(t, conn.QueryRow(context.Background(), `SELECT title FROM `+pgIdent(cfg.Schema)+`.items WHERE id = 'renamedid000001'`).Scan(&title))
	if title != "api" {
		t.Fatalf("id change: title = %q", title)
	}
	var old int
	must(t, conn.QueryRow(context.Background(), `SELECT count(*) FROM `+pgIdent(cfg.Schema)+`.items WHERE id IN ('apicreated00001', $1, 'batchcreated002')`, gone.Id).Scan(&old))
	if old != 0 {
		t.Fatalf("%d deleted rows still mirrored", old)
	}
}

// TestCoverageSchemaChanges adds, renames and drops fields, changes a
// relation to multiple values, renames and deletes a collection.
func TestCoverageSchemaChanges(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	sedes, items, comments := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Cusco"})
	var ids []string
	for i := 0; i < 30; i++ {
		it := newItem(t, app, items, fmt.Sprint("item", i), float64(i), sede.Id)
		newRecordWith(t, app, comments, map[string]any{"item": it.Id, "body": "hola"})
		ids = append(ids, it.Id)
	}
	r := newRelay(t, app, cfg)
	drain(t, r)

	// add + rename + drop in one save, then write through the new shape
	items, _ = app.FindCollectionByNameOrId("items")
	items.Fields.Add(&core.TextField{Name: "extra"})
	items.Fields.GetByName("n").SetName("cantidad")
	items.Fields.RemoveByName("ok")
	must(t, app.Save(items))
	rec, _ := app.FindRecordById("items", ids[0])
	rec.Set("extra", "nuevo")
	rec.Set("cantidad", 42)
	must(t, app.Save(rec))
	mustVerify(t, app, cfg, r)
	conn := pgConn(t, cfg)
	assertColumns(t, conn, cfg, "items", []string{"extra", "cantidad"}, []string{"n", "ok"})

	// single -> multiple relation changes the column type: resync of the collection
	items, _ = app.FindCollectionByNameOrId("items")
	items.Fields.GetByName("sede").(*core.RelationField).MaxSelect = 3
	must(t, app.Save(items))
	mustVerify(t, app, cfg, r)
	var typ string
	must(t, conn.QueryRow(context.Background(), `SELECT data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'items' AND column_name = 'sede'`, cfg.Schema).Scan(&typ))
	if typ != "jsonb" {
		t.Fatalf("sede column type = %s, want jsonb", typ)
	}

	// collection rename, then delete
	comments, _ = app.FindCollectionByNameOrId("comments")
	comments.Name = "comentarios"
	must(t, app.Save(comments))
	mustVerify(t, app, cfg, r)
	if n := pgCount(t, conn, cfg, "comentarios"); n != 30 {
		t.Fatalf("renamed table has %d rows", n)
	}
	must(t, app.Delete(comments))
	mustVerify(t, app, cfg, r)
	var archived int
	must(t, conn.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE '\_archived\_comentarios%'`, cfg.Schema).Scan(&archived))
	if archived != 1 {
		t.Fatalf("deleted collection: %d archived tables", archived)
	}
}

func assertColumns(t *testing.T, conn *pgx.Conn, cfg Config, table string, present, absent []string) {
	t.Helper()
	have := map[string]bool{}
	rows, err := conn.Query(context.Background(), `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`, cfg.Schema, table)
	must(t, err)
	for rows.Next() {
		var c string
		must(t, rows.Scan(&c))
		have[c] = true
	}
	rows.Close()
	for _, c := range present {
		if !have[c] {
			t.Errorf("column %s.%s missing", table, c)
		}
	}
	for _, c := range absent {
		if have[c] {
			t.Errorf("column %s.%s should be gone", table, c)
		}
	}
}
