package academic

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"
)

func TestNotaFromFloatAndEstado(t *testing.T) {
	cases := []struct {
		in     float64
		want   Centesimas
		estado string
		bad    bool
	}{
		{0, 0, EstadoMuyBajo, false},
		{9.99, 999, EstadoMuyBajo, false},
		{10, 1000, EstadoDesaprobado, false},
		{13.99, 1399, EstadoDesaprobado, false},
		{14, 1400, EstadoAprobado, false},
		{20, 2000, EstadoAprobado, false},
		{0.1 + 0.2, 30, EstadoMuyBajo, false}, // float noise is not a third decimal
		{14.555, 0, "", true},
		{20.01, 0, "", true},
		{-0.01, 0, "", true},
	}
	for _, c := range cases {
		got, err := NotaFromFloat(c.in)
		if (err != nil) != c.bad {
			t.Errorf("NotaFromFloat(%v) error = %v, want bad=%v", c.in, err, c.bad)
			continue
		}
		if !c.bad && (got != c.want || got.Estado() != c.estado) {
			t.Errorf("NotaFromFloat(%v) = %d %s, want %d %s", c.in, got, got.Estado(), c.want, c.estado)
		}
	}
}

func TestPromedioRoundsHalfUp(t *testing.T) {
	cases := []struct {
		notas []Centesimas
		want  float64
	}{
		{[]Centesimas{1200, 1600, 950}, 12.5},
		{[]Centesimas{1000, 1001}, 10.01},    // 10.005 -> 10.01
		{[]Centesimas{1000, 1000, 1001}, 10}, // 10.0033
		{[]Centesimas{0}, 0},
	}
	for _, c := range cases {
		if got := promedio(c.notas); got == nil || *got != c.want {
			t.Errorf("promedio(%v) = %v, want %v", c.notas, got, c.want)
		}
	}
	if promedio(nil) != nil {
		t.Error("promedio of no grades must be null")
	}
}

func TestConteoPercentage(t *testing.T) {
	cases := []struct {
		total, asistidas int
		want             float64
	}{
		{0, 0, 0}, {3, 2, 66.7}, {3, 1, 33.3}, {8, 1, 12.5}, {200, 1, 0.5}, {7, 7, 100},
	}
	for _, c := range cases {
		if got := newConteo(c.total, c.asistidas); got.Porcentaje != c.want || got.Faltas != c.total-c.asistidas {
			t.Errorf("newConteo(%d, %d) = %+v, want %v%%", c.total, c.asistidas, got, c.want)
		}
	}
}

func TestClassDate(t *testing.T) {
	at := func(s string) types.DateTime {
		d, err := types.ParseDateTime(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := map[string]string{
		"2026-03-10 00:00:00.000Z": "2026-03-10", // a plain date stays that date
		"2026-03-11 02:30:00.000Z": "2026-03-10", // 21:30 in Lima
		"2026-03-10 15:00:00.000Z": "2026-03-10",
	}
	for in, want := range cases {
		if got := ClassDate(at(in)); got != want {
			t.Errorf("ClassDate(%s) = %s, want %s", in, got, want)
		}
	}
	if ClassDate(types.DateTime{}) != "" {
		t.Error("zero date")
	}
	if got := limaNoon("2026-03-10"); got.Format(time.RFC3339) != "2026-03-10T17:00:00Z" {
		t.Errorf("limaNoon = %v", got)
	}
}
