package money

import "math"

// FromFloat converts an amount in soles read from a PocketBase number field
// (a float64) to céntimos, rounding to the nearest céntimo. It refuses NaN,
// infinities, magnitudes above 1e12 soles and values with more than two
// decimals (10.005), while accepting the float noise of JSON and JavaScript
// (0.1+0.2). Every two-decimal amount up to 1e12 soles converts exactly.
func FromFloat(f float64) (Cents, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, ErrNotFinite
	}
	if math.Abs(f) > float64(MaxCents/100) {
		return 0, ErrRange
	}
	n, ok := nearestUnit(f, 100)
	if !ok {
		return 0, ErrDecimals
	}
	return Cents(n), nil
}

// MustFromFloat is FromFloat for constants and tests; it panics on error.
func MustFromFloat(f float64) Cents {
	c, err := FromFloat(f)
	if err != nil {
		panic(err)
	}
	return c
}

// Float returns the amount in soles to store in a PocketBase number field:
// the float64 nearest to c/100, so FromFloat(c.Float()) == c for every
// |c| <= MaxCents.
func (c Cents) Float() float64 {
	// float64(c) is exact below 2^53 and the division is correctly rounded.
	return float64(c) / 100
}

// nearestUnit returns the integer nearest to f×scale and whether f×scale is
// within float error of it. The tolerance is the larger of 1e-6 units and
// 4 ulps of f: the ulp term keeps amounts near 1e12 soles exact (one ulp is
// about 0.012 céntimos there) while still refusing half céntimos. The caller
// bounds |f×scale| well below 2^63.
func nearestUnit(f, scale float64) (int64, bool) {
	r := f * scale
	n := math.Round(r)
	// FMA gives the rounding error of f*scale, so dist is the exact distance.
	dist := math.Abs((r - n) + math.FMA(f, scale, -r))
	a := math.Abs(f)
	ulp := (math.Nextafter(a, math.Inf(1)) - a) * scale
	return int64(n), dist <= max(1e-6, 4*ulp)
}
