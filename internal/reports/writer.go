package reports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"sgul/internal/money"
)

// Kind is how a column's values are written.
type Kind int

// Column kinds.
const (
	Text    Kind = iota // strings (CSV cells that look like formulas are defused)
	Money               // money.Cents: a number in soles, formatted "S/ #,##0.00" in XLSX
	Integer             // counts
	Decimal             // grades, hours
)

// Column is one column of a report.
type Column struct {
	Title string
	Kind  Kind
	Width float64 // XLSX column width in characters (0 = 14)
}

// Table is the shape of a report: its columns and, when its rows are grouped into
// sheets (one per sede), the title of the column that carries the group in CSV.
type Table struct {
	Columns    []Column
	GroupTitle string
}

// Writer receives a report's rows in order. Values are string, money.Cents, int,
// int64, float64, bool or nil, matching the columns.
type Writer interface {
	// Sheet starts a new group of rows (an XLSX sheet; in CSV, the group column's value).
	Sheet(name string) error
	// Row writes one data row.
	Row(values ...any) error
	// Total writes a summary row (bold in XLSX); it is not counted as a data row.
	Total(values ...any) error
	// Close completes the file.
	Close() error
	// Rows is the number of data rows written.
	Rows() int
}

// MoneyFormat is the Excel number format of money cells.
const MoneyFormat = `"S/ "#,##0.00`

// xlsxWriter streams rows into an XLSX file with excelize's StreamWriter: rows go to a
// buffer that spills to a temporary file, so memory stays flat however many rows.
type xlsxWriter struct {
	f      *excelize.File
	path   string
	table  Table
	sw     *excelize.StreamWriter
	row    int
	n      int
	sheets map[string]bool
	styles struct{ head, money, totalText, totalMoney int }
}

// NewXLSX returns a Writer that creates an XLSX file at path on Close.
func NewXLSX(path string, t Table) (Writer, error) {
	f := excelize.NewFile()
	w := &xlsxWriter{f: f, path: path, table: t, sheets: map[string]bool{}}
	moneyFmt := MoneyFormat
	var err error
	styles := []struct {
		dst *int
		s   *excelize.Style
	}{
		{&w.styles.head, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}},
		{&w.styles.money, &excelize.Style{CustomNumFmt: &moneyFmt}},
		{&w.styles.totalText, &excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&w.styles.totalMoney, &excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &moneyFmt}},
	}
	for _, s := range styles {
		if *s.dst, err = f.NewStyle(s.s); err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	return w, nil
}

func (w *xlsxWriter) Sheet(name string) error {
	if w.sw != nil {
		if err := w.sw.Flush(); err != nil {
			return err
		}
	}
	name = w.uniqueName(name)
	if len(w.sheets) == 0 {
		if err := w.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := w.f.NewSheet(name); err != nil {
		return err
	}
	w.sheets[name] = true
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range w.table.Columns {
		width := c.Width
		if width <= 0 {
			width = 14
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(w.table.Columns))
	for i, c := range w.table.Columns {
		head[i] = excelize.Cell{StyleID: w.styles.head, Value: c.Title}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	w.sw, w.row = sw, 1
	return nil
}

// uniqueName makes a valid sheet name: at most 31 characters, none of []:*?/\, unique.
func (w *xlsxWriter) uniqueName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if name == "" {
		name = "Reporte"
	}
	base := truncRunes(name, 31)
	name = base
	for i := 2; w.sheets[name]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		name = truncRunes(base, 31-len(suffix)) + suffix
	}
	return name
}

func (w *xlsxWriter) Row(values ...any) error {
	if err := w.write(values, false); err != nil {
		return err
	}
	w.n++
	return nil
}

func (w *xlsxWriter) Total(values ...any) error { return w.write(values, true) }

func (w *xlsxWriter) write(values []any, total bool) error {
	if w.sw == nil {
		if err := w.Sheet("Reporte"); err != nil {
			return err
		}
	}
	w.row++
	cells := make([]any, len(values))
	for i, v := range values {
		style := 0
		if total {
			style = w.styles.totalText
		}
		switch x := v.(type) {
		case nil:
			cells[i] = nil
			continue
		case money.Cents:
			style = w.styles.money
			if total {
				style = w.styles.totalMoney
			}
			v = float64(x) / 100
		case bool:
			v = siNo(x)
		}
		if style != 0 {
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		} else {
			cells[i] = v
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, cells)
}

func (w *xlsxWriter) Close() error {
	defer w.f.Close()
	if w.sw == nil {
		if err := w.Sheet("Reporte"); err != nil {
			return err
		}
	}
	if err := w.sw.Flush(); err != nil {
		return err
	}
	return w.f.SaveAs(w.path)
}

func (w *xlsxWriter) Rows() int { return w.n }

// csvWriter writes UTF-8 CSV with a byte order mark, which Excel needs to read accents
// correctly, and CRLF line ends.
type csvWriter struct {
	file  *os.File
	buf   *bufio.Writer
	w     *csv.Writer
	table Table
	group string
	n     int
}

// NewCSV returns a Writer that streams a CSV file to path.
func NewCSV(path string, t Table) (Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(f, 64<<10)
	if _, err := buf.WriteString("\uFEFF"); err != nil {
		_ = f.Close()
		return nil, err
	}
	w := &csvWriter{file: f, buf: buf, w: csv.NewWriter(buf), table: t}
	w.w.UseCRLF = true
	head := make([]string, 0, len(t.Columns)+1)
	if t.GroupTitle != "" {
		head = append(head, t.GroupTitle)
	}
	for _, c := range t.Columns {
		head = append(head, c.Title)
	}
	if err := w.w.Write(head); err != nil {
		_ = f.Close()
		return nil, err
	}
	return w, nil
}

func (w *csvWriter) Sheet(name string) error { w.group = name; return nil }

func (w *csvWriter) Row(values ...any) error {
	if err := w.write(values); err != nil {
		return err
	}
	w.n++
	return nil
}

func (w *csvWriter) Total(values ...any) error { return w.write(values) }

func (w *csvWriter) write(values []any) error {
	rec := make([]string, 0, len(values)+1)
	if w.table.GroupTitle != "" {
		rec = append(rec, defuse(w.group))
	}
	for _, v := range values {
		rec = append(rec, csvValue(v))
	}
	return w.w.Write(rec)
}

func (w *csvWriter) Close() error {
	w.w.Flush()
	err := errors.Join(w.w.Error(), w.buf.Flush())
	return errors.Join(err, w.file.Close())
}

func (w *csvWriter) Rows() int { return w.n }

func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return defuse(x)
	case money.Cents:
		return x.String()
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return siNo(x)
	}
	return defuse(fmt.Sprint(v))
}

// defuse keeps spreadsheet programs from running a text cell as a formula (CSV
// injection): names and notes come from people.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func siNo(b bool) string {
	if b {
		return "Sí"
	}
	return "No"
}

func truncRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
