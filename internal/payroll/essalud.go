package payroll

import "sgul/internal/money"

// RateFrom is a rate in force from Desde (YYYY-MM-DD, inclusive) until the
// Desde of the next entry.
type RateFrom struct {
	Desde string
	Rate  money.Rate
}

// EsSaludRates is the employer's contribution to EsSalud (Seguro Social de
// Salud) as a share of the worker's pay, oldest first. Source: Ley 26790, Ley
// de Modernización de la Seguridad Social en Salud, art. 6: 9 % of the
// remuneration of active workers. A change of law is a new entry, never an
// edit, so past payrolls recompute the same.
var EsSaludRates = []RateFrom{
	{Desde: "2000-01-01", Rate: 900}, // 9 %, Ley 26790
}

// EsSaludRate returns the EsSalud rate in force on date (YYYY-MM-DD). An
// empty date means the latest entry; a date before the first entry gets the
// first one, since the table starts before any SGUL data.
func EsSaludRate(date string) money.Rate {
	if date == "" {
		return EsSaludRates[len(EsSaludRates)-1].Rate
	}
	rate := EsSaludRates[0].Rate
	for _, e := range EsSaludRates {
		if e.Desde <= date { // ISO dates order as strings
			rate = e.Rate
		}
	}
	return rate
}
