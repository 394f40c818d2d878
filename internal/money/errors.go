package money

import "errors"

// The errors below are meant to be shown to people as they are (Spanish);
// compare them with errors.Is.
var (
	// ErrEmpty reports an empty amount.
	ErrEmpty = errors.New("monto vacío")
	// ErrSyntax reports an amount that is not a number in the accepted form.
	ErrSyntax = errors.New("monto inválido: use dígitos, punto decimal y comas de miles (ej. 1,234.50)")
	// ErrDecimals reports an amount with more than two decimals.
	ErrDecimals = errors.New("monto inválido: máximo 2 decimales")
	// ErrRange reports an amount whose magnitude exceeds MaxCents.
	ErrRange = errors.New("monto fuera de rango: máximo S/ 1,000,000,000,000.00")
	// ErrNotFinite reports a NaN or infinite float amount.
	ErrNotFinite = errors.New("monto inválido: no es un número finito")
	// ErrRateRange reports a rate that is not a finite number between 0 and 1.
	ErrRateRange = errors.New("tasa inválida: debe estar entre 0 y 1")
	// ErrRateDecimals reports a rate with more than four decimals.
	ErrRateDecimals = errors.New("tasa inválida: máximo 4 decimales")
)
