package pgmirror

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"
)

// toPG converts a raw SQLite column value into the Go value written to
// PostgreSQL. Money is returned as a decimal string with two places, json as
// raw JSON text, dates as time.Time (empty = nil).
func toPG(c column, v any) any {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch c.PGType {
	case "double precision":
		return toFloat(v)
	case "numeric(14,2)":
		return money(toFloat(v))
	case "boolean":
		return toBool(v)
	case "timestamptz":
		s := strings.TrimSpace(toString(v))
		if s == "" {
			return nil
		}
		dt, err := types.ParseDateTime(s)
		if err != nil || dt.IsZero() {
			return nil
		}
		return dt.Time().UTC().Truncate(time.Microsecond)
	case "jsonb":
		return toJSON(v)
	default:
		return toString(v)
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(types.DefaultDateLayout)
	default:
		return fmt.Sprint(x)
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	default:
		f, err := strconv.ParseFloat(strings.TrimSpace(toString(v)), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0
		}
		return f
	}
}

// money formats f with exactly two decimals, the text PostgreSQL prints for numeric(14,2).
func money(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	if s == "-0.00" {
		return "0.00"
	}
	return s
}

func toBool(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0
	default:
		b, _ := strconv.ParseBool(strings.TrimSpace(toString(v)))
		return b
	}
}

func toJSON(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64, float64, bool:
		b, _ := json.Marshal(x)
		return string(b)
	}
	s := toString(v)
	if json.Valid([]byte(s)) {
		return s
	}
	b, _ := json.Marshal(s) // not JSON (raw SQL write): keep it as a JSON string
	return string(b)
}

// canon renders a toPG value (SQLite side) or a scanned PostgreSQL value in one
// canonical text, so that both sides hash the same.
func canon(c column, v any) string {
	if v == nil {
		return "\x00"
	}
	switch x := v.(type) {
	case bool:
		if x {
			return "t"
		}
		return "f"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	s := toString(v)
	if c.PGType == "jsonb" {
		var j any
		if json.Unmarshal([]byte(s), &j) == nil {
			b, _ := json.Marshal(j)
			return string(b)
		}
	}
	return s
}

// fromPG converts a scanned PostgreSQL value (see pgSelect) back into the value
// PocketBase stores in SQLite, for the disaster-recovery rebuild.
func fromPG(c column, v any) any {
	switch c.PGType {
	case "double precision", "numeric(14,2)":
		return toFloat(v)
	case "boolean":
		return toBool(v)
	case "timestamptz":
		t, ok := v.(time.Time)
		if !ok {
			return ""
		}
		return t.UTC().Format(types.DefaultDateLayout)
	case "jsonb":
		if v == nil {
			if c.Multiple {
				return "[]"
			}
			return nil
		}
		return toString(v)
	default:
		return toString(v)
	}
}

// pgSelect is the select expression of a mirrored column; numeric and jsonb are
// read as text to keep their exact value.
func pgSelect(c column) string {
	if c.PGType == "numeric(14,2)" || c.PGType == "jsonb" {
		return pgIdent(c.Name) + "::text"
	}
	return pgIdent(c.Name)
}

func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
