package money

import (
	"strings"
	"unicode"
)

// ParseSoles reads an amount in soles typed by a person: "1234", "1234.5",
// "-3.10", "1,234.50", "S/ 1,234.50" or "-S/ 1,234.50". The sign may go
// before or after "S/"; commas must group thousands; at most two decimals.
func ParseSoles(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ErrEmpty
	}
	neg, signed := false, false
	cutSign := func() {
		if !signed && s != "" && (s[0] == '-' || s[0] == '+') {
			neg, signed = s[0] == '-', true
			s = s[1:]
		}
	}
	cutSign()
	if rest, ok := strings.CutPrefix(s, "S/"); ok {
		s = strings.TrimLeftFunc(rest, unicode.IsSpace)
		cutSign()
	}

	intPart, fracPart, hasDot := strings.Cut(s, ".")
	if !validInteger(intPart) || (hasDot && (fracPart == "" || !allDigits(fracPart))) {
		return 0, ErrSyntax
	}
	if len(fracPart) > 2 {
		return 0, ErrDecimals
	}

	var c Cents
	for _, d := range intPart {
		if d == ',' {
			continue
		}
		c = c*10 + Cents(d-'0')
		if c > MaxCents/100 {
			return 0, ErrRange
		}
	}
	frac := fracPart + "00"[len(fracPart):]
	c = c*100 + Cents(frac[0]-'0')*10 + Cents(frac[1]-'0')
	if c > MaxCents {
		return 0, ErrRange
	}
	if neg {
		c = -c
	}
	return c, nil
}

// validInteger accepts plain digits or digits grouped by thousands with commas.
func validInteger(s string) bool {
	groups := strings.Split(s, ",")
	if len(groups[0]) == 0 || !allDigits(groups[0]) || (len(groups) > 1 && len(groups[0]) > 3) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
