package money

import (
	"math"
	"math/big"
)

// Rate is a fraction in ten-thousandths: 10000 is 1 (100 %), 1250 is 0.125
// (12.5 %), 900 is 0.09 (9 %).
type Rate int64

// RateScale is the Rate that stands for 1 (100 %).
const RateScale Rate = 10000

// RateFromFloat converts a fraction between 0 and 1 with at most four
// decimals, as stored in a PocketBase number field (0.1235 for 12.35 %).
func RateFromFloat(f float64) (Rate, error) {
	if math.IsNaN(f) || f < 0 || f > 1 {
		return 0, ErrRateRange
	}
	n, ok := nearestUnit(f, float64(RateScale))
	if !ok {
		return 0, ErrRateDecimals
	}
	return Rate(n), nil
}

// Float returns the fraction to store in a PocketBase number field; it
// converts back with RateFromFloat exactly.
func (r Rate) Float() float64 {
	return float64(r) / float64(RateScale)
}

// MulRate returns c×r rounded half away from zero to the céntimo
// (S/ 10.00 × 0.1235 = 1.235 → 1.24; -1.235 → -1.24), with exact integer math.
func (c Cents) MulRate(r Rate) Cents {
	return c.MulDiv(int64(r), int64(RateScale))
}

// MulDiv returns c×num/den rounded half away from zero, computed exactly
// (through math/big when c×num overflows int64). It panics when den is zero
// or the result does not fit in Cents: both are programming errors, since
// inputs within MaxCents never get there.
func (c Cents) MulDiv(num, den int64) Cents {
	if den == 0 {
		panic("money: MulDiv by zero")
	}
	if p, ok := mul64(int64(c), num); ok && den > 0 {
		return Cents(divHalfAway(p, den))
	}
	return mulDivBig(c, num, den)
}

// mul64 returns a×b and whether it fits in an int64.
func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || p/b != a {
		return 0, false
	}
	return p, true
}

// divHalfAway divides n by d > 0 rounding half away from zero.
func divHalfAway(n, d int64) int64 {
	q, r := n/d, n%d
	if r < 0 {
		r = -r
	}
	if r >= d-r { // 2r >= d without overflow
		if n < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

func mulDivBig(c Cents, num, den int64) Cents {
	p := new(big.Int).Mul(big.NewInt(int64(c)), big.NewInt(num))
	d := big.NewInt(den)
	if d.Sign() < 0 {
		d.Neg(d)
		p.Neg(p)
	}
	q, r := new(big.Int).QuoRem(p, d, new(big.Int))
	if r.Abs(r).Lsh(r, 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(int64(p.Sign())))
	}
	if !q.IsInt64() {
		panic("money: MulDiv result overflows Cents")
	}
	return Cents(q.Int64())
}
