package pgmirror

import (
	"context"
	"testing"
	"time"
)

// TestMirrorTypes checks the typed columns a first sync produces.
func TestMirrorTypes(t *testing.T) {
	cfg := testConfig(t, false)
	app := mirroredApp(t, cfg)
	sedes, items, _ := fixture(t, app)
	sede := newRecordWith(t, app, sedes, map[string]any{"nombre": "Arequipa"})
	it := newItem(t, app, items, "uno", 4, sede.Id)
	it2 := newItem(t, app, items, "dos", 3, sede.Id) // n%3 == 0: empty date

	r := newRelay(t, app, cfg)
	mustVerify(t, app, cfg, r)

	conn := pgConn(t, cfg)
	var (
		monto           string
		n               float64
		ok              bool
		fecha           *time.Time
		data, tags, typ string
	)
	err := conn.QueryRow(context.Background(), `SELECT monto::text, n, ok, fecha, data::text, tags::text, pg_typeof(monto)::text
		FROM `+pgIdent(cfg.Schema)+`.items WHERE id = $1`, it.Id).Scan(&monto, &n, &ok, &fecha, &data, &tags, &typ)
	must(t, err)
	if monto != "6.00" || n != 4 || !ok || fecha == nil || fecha.UTC().Format(time.DateOnly) != "2025-03-05" ||
		data != `{"k": "uno", "v": 4}` || tags != `["a", "c"]` || typ != "numeric" {
		t.Fatalf("unexpected row: monto=%s n=%v ok=%v fecha=%v data=%s tags=%s type=%s", monto, n, ok, fecha, data, tags, typ)
	}
	if err := conn.QueryRow(context.Background(), `SELECT fecha FROM `+pgIdent(cfg.Schema)+`.items WHERE id = $1`, it2.Id).Scan(&fecha); err != nil || fecha != nil {
		t.Fatalf("empty date should be NULL, got %v (%v)", fecha, err)
	}
	var cols int
	must(t, conn.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = 'users' AND column_name IN ('password', 'tokenKey')`, cfg.Schema).Scan(&cols))
	if cols != 0 {
		t.Fatal("password/tokenKey must not be in the mirror schema")
	}
}
