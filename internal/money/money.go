// Package money holds amounts as integer céntimos of a sol and rates as integer
// ten-thousandths, so that no business rule does float arithmetic on money.
// Parsing, PocketBase float conversion and formatting live here and nowhere else.
package money

// Cents is an amount of money in céntimos of a Peruvian sol: S/ 1.00 is 100.
type Cents int64

// MaxCents is the largest magnitude accepted from people or from PocketBase
// number fields: one trillion (1e12) soles. Within it, every amount converts
// to float64 and back exactly, and products with a Rate fit in an int64.
const MaxCents Cents = 1e14

// Sum returns the total of amounts. It does not check for overflow: about
// 90,000 amounts within ±MaxCents can be added safely.
func Sum(amounts ...Cents) Cents {
	var total Cents
	for _, a := range amounts {
		total += a
	}
	return total
}
