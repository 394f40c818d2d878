package payroll

import (
	"errors"
	"math"
)

// Hundredths is a number of hours with two decimals: 150 is 1.5 h.
type Hundredths int64

const hundredthsPerHour = 100

// MaxHours is the most hours a month can hold, 31 days × 24 h, in hundredths.
const MaxHours Hundredths = 744 * hundredthsPerHour

// MinHorasContrato is the fewest monthly contract hours Validate accepts
// (other than zero, which means DefaultHorasContrato): 1.00 h.
const MinHorasContrato Hundredths = 1 * hundredthsPerHour

// DefaultHorasContrato is the monthly contract used to derive the hourly wage
// when the contract states none: 30 days × 8 h = 240.00 h.
const DefaultHorasContrato Hundredths = 240 * hundredthsPerHour

var (
	// ErrHoursRange reports hours that are not a number between 0 and 744.
	ErrHoursRange = errors.New("horas fuera de rango: deben estar entre 0 y 744")
	// ErrHoursDecimals reports hours with more than two decimals.
	ErrHoursDecimals = errors.New("horas inválidas: máximo 2 decimales")
)

// HoursFromFloat converts hours read from a PocketBase number field (7.5 for
// 7 h 30 min) to Hundredths, refusing more than two decimals and values
// outside 0..744.
func HoursFromFloat(f float64) (Hundredths, error) {
	if math.IsNaN(f) || f < 0 || f > 744 {
		return 0, ErrHoursRange
	}
	r := f * hundredthsPerHour
	n := math.Round(r)
	// Below 744 h one ulp is ~1e-11 hundredths, so a fixed tolerance is enough.
	if math.Abs(r-n) > 1e-6 {
		return 0, ErrHoursDecimals
	}
	return Hundredths(n), nil
}

// Float returns the hours to store in a PocketBase number field.
func (h Hundredths) Float() float64 {
	return float64(h) / hundredthsPerHour
}
