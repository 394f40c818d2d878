package money

import (
	"math"
	"math/big"
	"testing"
)

// clampCents folds any int64 into [-MaxCents, MaxCents].
func clampCents(n int64) Cents {
	return Cents(n % (int64(MaxCents) + 1))
}

func FuzzParseSoles(f *testing.F) {
	for _, s := range []string{"1234.50", "S/ 1,234.50", "-S/ 0.05", "10.005", "1,23", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseSoles(s)
		if err != nil {
			return
		}
		if c > MaxCents || c < -MaxCents {
			t.Fatalf("ParseSoles(%q) = %d: out of range", s, c)
		}
		for _, back := range []string{c.String(), c.Format()} {
			if got, err := ParseSoles(back); err != nil || got != c {
				t.Fatalf("ParseSoles(%q) = %d, %v; want %d (from %q)", back, got, err, c, s)
			}
		}
	})
}

func FuzzFromFloat(f *testing.F) {
	for _, v := range []float64{0.29, 1688, 10.005, 999999999999.99, math.NaN()} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		c, err := FromFloat(v)
		if err != nil {
			return
		}
		if c > MaxCents || c < -MaxCents {
			t.Fatalf("FromFloat(%v) = %d: out of range", v, c)
		}
		// Accepted floats lie well within half a céntimo of the result.
		if d := math.Abs(v*100 - float64(c)); d > 0.05 {
			t.Fatalf("FromFloat(%v) = %d: %v céntimos away", v, c, d)
		}
		if got, err := FromFloat(c.Float()); err != nil || got != c {
			t.Fatalf("FromFloat(%v) = %d, %v; want %d", c.Float(), got, err, c)
		}
	})
}

func FuzzFloatRoundTrip(f *testing.F) {
	for _, n := range []int64{0, 29, -5, 168800, 99999999999999, math.MinInt64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		c := clampCents(n)
		if got, err := FromFloat(c.Float()); err != nil || got != c {
			t.Fatalf("FromFloat(%v) = %d, %v; want %d", c.Float(), got, err, c)
		}
		if got, err := ParseSoles(c.String()); err != nil || got != c {
			t.Fatalf("ParseSoles(%q) = %d, %v; want %d", c.String(), got, err, c)
		}
	})
}

func FuzzMulDiv(f *testing.F) {
	f.Add(int64(1000), int64(1235), int64(10000))
	f.Add(int64(-5), int64(1), int64(2))
	f.Add(int64(math.MaxInt64), int64(3), int64(7))
	f.Fuzz(func(t *testing.T, c, num, den int64) {
		if den == 0 {
			return
		}
		// Reference: round(c×num/den) half away from zero with rationals.
		q := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(c), big.NewInt(num)), big.NewInt(den))
		half := big.NewRat(int64(q.Sign()), 2)
		want := new(big.Int).Quo(new(big.Rat).Add(q, half).Num(), new(big.Rat).Add(q, half).Denom())
		if !want.IsInt64() {
			return // MulDiv panics by contract
		}
		if got := Cents(c).MulDiv(num, den); int64(got) != want.Int64() {
			t.Fatalf("Cents(%d).MulDiv(%d, %d) = %d; want %s", c, num, den, got, want)
		}
	})
}
