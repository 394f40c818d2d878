package money

import (
	"errors"
	"math"
	"testing"
)

func TestFromFloat(t *testing.T) {
	tests := []struct {
		in      float64
		want    Cents
		wantErr error
	}{
		{0, 0, nil},
		{math.Copysign(0, -1), 0, nil},
		{0.29, 29, nil},
		{0.01, 1, nil},
		{-0.01, -1, nil},
		{1.15, 115, nil},
		{4.35, 435, nil},
		{1688.00, 168800, nil},
		{1234.56, 123456, nil},
		{0.1 + 0.2, 30, nil}, // JavaScript float noise is still 0.30
		{123456789.99, 12345678999, nil},
		{999999999999.99, 99999999999999, nil},
		{-999999999999.99, -99999999999999, nil},
		{1e12, MaxCents, nil},

		{10.005, 0, ErrDecimals},
		{0.001, 0, ErrDecimals},
		{1.0000001, 0, ErrDecimals},
		{999999999999.995, 0, ErrDecimals},
		{1e12 + 0.01, 0, ErrRange},
		{-1e13, 0, ErrRange},
		{math.NaN(), 0, ErrNotFinite},
		{math.Inf(1), 0, ErrNotFinite},
		{math.Inf(-1), 0, ErrNotFinite},
	}
	for _, tt := range tests {
		got, err := FromFloat(tt.in)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("FromFloat(%v) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestFromFloatEveryCentNearBounds checks exactness on every céntimo of a few
// windows, including the top of the range where one ulp is ~0.012 céntimos.
func TestFromFloatEveryCentNearBounds(t *testing.T) {
	starts := []Cents{0, 99_999_000, 1 << 40, MaxCents - 100_000}
	for _, start := range starts {
		for c := start; c <= start+100_000 && c <= MaxCents; c++ {
			for _, v := range []Cents{c, -c} {
				if got, err := FromFloat(v.Float()); err != nil || got != v {
					t.Fatalf("FromFloat(%v) = %d, %v; want %d", v.Float(), got, err, v)
				}
				if got, err := ParseSoles(v.String()); err != nil || got != v {
					t.Fatalf("ParseSoles(%q) = %d, %v; want %d", v.String(), got, err, v)
				}
			}
		}
	}
}

func TestMustFromFloat(t *testing.T) {
	if got := MustFromFloat(1500); got != 150000 {
		t.Errorf("MustFromFloat(1500) = %d", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustFromFloat(10.005) did not panic")
		}
	}()
	MustFromFloat(10.005)
}
