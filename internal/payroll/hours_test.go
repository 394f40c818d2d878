package payroll

import (
	"errors"
	"math"
	"testing"
)

func TestHoursFromFloat(t *testing.T) {
	tests := []struct {
		in      float64
		want    Hundredths
		wantErr error
	}{
		{0, 0, nil},
		{7.5, 750, nil},
		{0.29, 29, nil},
		{240, DefaultHorasContrato, nil},
		{743.99, 74399, nil},
		{744, MaxHours, nil},
		{1.005, 0, ErrHoursDecimals},
		{0.333, 0, ErrHoursDecimals},
		{-0.01, 0, ErrHoursRange},
		{744.01, 0, ErrHoursRange},
		{math.NaN(), 0, ErrHoursRange},
		{math.Inf(1), 0, ErrHoursRange},
	}
	for _, tt := range tests {
		got, err := HoursFromFloat(tt.in)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("HoursFromFloat(%v) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	for h := Hundredths(0); h <= MaxHours; h++ {
		if got, err := HoursFromFloat(h.Float()); err != nil || got != h {
			t.Fatalf("HoursFromFloat(%v) = %d, %v; want %d", h.Float(), got, err, h)
		}
	}
}
