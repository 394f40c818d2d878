package reports

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"sgul/internal/money"
)

var testTable = Table{GroupTitle: "Sede", Columns: []Column{
	{Title: "Fecha"}, {Title: "Concepto"}, {Title: "Cantidad", Kind: Integer}, {Title: "Monto", Kind: Money},
}}

func writeSample(t *testing.T, w Writer) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Sheet("Arequipa Virtual"))
	must(w.Row("2026-01-05", "Pensión - Enfermería", 1, money.Cents(15000)))
	must(w.Row("2026-01-06", "=HYPERLINK(\"http://x\")", 2, money.Cents(123456)))
	must(w.Total("Total", "", 3, money.Cents(138456)))
	must(w.Sheet("Sede: Principal / Pedregal [B]")) // characters Excel forbids in sheet names
	must(w.Row("2026-01-07", "Matrícula", 1, money.Cents(-5)))
	must(w.Close())
	if w.Rows() != 3 {
		t.Errorf("Rows = %d", w.Rows())
	}
}

func TestXLSXWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.xlsx")
	w, err := NewXLSX(path, testTable)
	if err != nil {
		t.Fatal(err)
	}
	writeSample(t, w)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "Arequipa Virtual" || sheets[1] != "Sede- Principal - Pedregal -B-" {
		t.Fatalf("hojas = %q", sheets)
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][3] != "Monto" || rows[2][1] != `=HYPERLINK("http://x")` || rows[2][3] != "1234.56" || rows[3][3] != "1384.56" {
		t.Fatalf("filas = %q", rows)
	}
	// The formula-looking text is a string cell, not a formula.
	if fm, _ := f.GetCellFormula(sheets[0], "B3"); fm != "" {
		t.Errorf("se escribió una fórmula: %q", fm)
	}
	styleID, err := f.GetCellStyle(sheets[0], "D2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(styleID)
	if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != MoneyFormat {
		t.Errorf("formato de dinero = %+v, %v", st, err)
	}
	if shown, _ := f.GetCellValue(sheets[0], "D3"); shown != "S/ 1,234.56" {
		t.Errorf("D3 se muestra %q", shown)
	}
	if panes, _ := f.GetPanes(sheets[0]); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("la cabecera no quedó fija: %+v", panes)
	}
}

func TestCSVWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	w, err := NewCSV(path, testTable)
	if err != nil {
		t.Fatal(err)
	}
	writeSample(t, w)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatal("falta el BOM UTF-8")
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Sede", "Fecha", "Concepto", "Cantidad", "Monto"},
		{"Arequipa Virtual", "2026-01-05", "Pensión - Enfermería", "1", "150.00"},
		{"Arequipa Virtual", "2026-01-06", `'=HYPERLINK("http://x")`, "2", "1234.56"},
		{"Arequipa Virtual", "Total", "", "3", "1384.56"},
		{"Sede: Principal / Pedregal [B]", "2026-01-07", "Matrícula", "1", "-0.05"},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d filas: %q", len(recs), recs)
	}
	for i := range want {
		for j := range want[i] {
			if recs[i][j] != want[i][j] {
				t.Errorf("fila %d col %d = %q, quería %q", i, j, recs[i][j], want[i][j])
			}
		}
	}
	if !bytes.Contains(raw, []byte("\r\n")) {
		t.Error("sin fin de línea CRLF")
	}
}

// Memory stays flat: while 150,000 rows stream into an XLSX, the live heap stops growing
// once excelize's 16 MB buffer spills to a temporary file.
func TestXLSXMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("largo")
	}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	w, err := NewXLSX(path, testTable)
	if err != nil {
		t.Fatal(err)
	}
	live := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := live()
	samples := map[int]uint64{}
	_ = w.Sheet("Datos")
	for i := 1; i <= 150_000; i++ {
		if err := w.Row("2026-01-05", "Pensión - Enfermería (Cuota "+strconv.Itoa(i%12)+")", i, money.Cents(i*7)); err != nil {
			t.Fatal(err)
		}
		if i%75_000 == 0 || i == 100_000 {
			samples[i] = live() - min(base, live())
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("heap vivo: 75k filas %d MB, 100k %d MB, 150k %d MB", samples[75_000]>>20, samples[100_000]>>20, samples[150_000]>>20)
	for n, b := range samples {
		if b > 40<<20 {
			t.Errorf("%d filas: %d MB de heap vivo", n, b>>20)
		}
	}
	if grow := int64(samples[150_000]) - int64(samples[75_000]); grow > 4<<20 {
		t.Errorf("el heap creció %d MB entre 75k y 150k filas", grow>>20)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() < 1<<20 {
		t.Errorf("archivo: %v %v", fi, err)
	}
}
