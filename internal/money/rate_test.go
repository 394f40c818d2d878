package money

import (
	"errors"
	"math"
	"testing"
)

func TestRateFromFloat(t *testing.T) {
	tests := []struct {
		in      float64
		want    Rate
		wantErr error
	}{
		{0, 0, nil},
		{1, RateScale, nil},
		{0.125, 1250, nil},
		{0.09, 900, nil},
		{0.13, 1300, nil},
		{0.1235, 1235, nil},
		{0.0001, 1, nil},
		{0.9999, 9999, nil},

		{0.12345, 0, ErrRateDecimals},
		{0.00001, 0, ErrRateDecimals},
		{-0.01, 0, ErrRateRange},
		{1.0001, 0, ErrRateRange},
		{13, 0, ErrRateRange},
		{math.NaN(), 0, ErrRateRange},
		{math.Inf(1), 0, ErrRateRange},
	}
	for _, tt := range tests {
		got, err := RateFromFloat(tt.in)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("RateFromFloat(%v) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	for r := Rate(0); r <= RateScale; r++ {
		if got, err := RateFromFloat(r.Float()); err != nil || got != r {
			t.Fatalf("RateFromFloat(%v) = %d, %v; want %d", r.Float(), got, err, r)
		}
	}
}

func TestMulRate(t *testing.T) {
	tests := []struct {
		c    Cents
		r    Rate
		want Cents
	}{
		{150000, 1000, 15000}, // 10 % of 1500.00
		{150000, 900, 13500},  // EsSalud 9 %
		{1000, 1235, 124},     // 1.235 → 1.24: half rounds up
		{-1000, 1235, -124},   // half away from zero
		{1001, 1235, 124},     // 1.236235 → 1.24
		{999, 1235, 123},      // 1.233765 → 1.23
		{3, 5000, 2},          // 1.5 → 2
		{1, 4999, 0},          // 0.4999 → 0
		{0, 1300, 0},          // nothing
		{MaxCents, RateScale, MaxCents},
		{-MaxCents, 1, -10_000_000_000},
		{math.MaxInt64, RateScale, math.MaxInt64}, // overflow path through math/big
		{math.MinInt64, 5000, math.MinInt64 / 2},
	}
	for _, tt := range tests {
		if got := tt.c.MulRate(tt.r); got != tt.want {
			t.Errorf("Cents(%d).MulRate(%d) = %d; want %d", tt.c, tt.r, got, tt.want)
		}
	}
}

func TestMulDiv(t *testing.T) {
	tests := []struct {
		c        Cents
		num, den int64
		want     Cents
	}{
		{150000, 100, 24000, 625},   // 1500.00 / 240 h
		{240120, 100, 24000, 1001},  // 10.005 → 10.01
		{800, 3 * 1000, 200, 12000}, // 1.5 × 8.00 × 10 h
		{-5, 1, 2, -3},              // -2.5 → -3
		{5, 1, -2, -3},              // negative denominator
		{5, -1, -2, 3},              // both negative
		{math.MaxInt64, 2, 2, math.MaxInt64},
		{math.MinInt64, -1, -1, math.MinInt64},
	}
	for _, tt := range tests {
		if got := tt.c.MulDiv(tt.num, tt.den); got != tt.want {
			t.Errorf("Cents(%d).MulDiv(%d, %d) = %d; want %d", tt.c, tt.num, tt.den, got, tt.want)
		}
	}
}

func TestMulDivPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"zero denominator": func() { Cents(1).MulDiv(1, 0) },
		"overflow":         func() { Cents(math.MaxInt64).MulDiv(2, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
