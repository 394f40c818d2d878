package money

import "strconv"

// String returns the amount in soles with two decimals and no grouping:
// "1234.50", "-0.05". ParseSoles reads it back.
func (c Cents) String() string {
	return c.format("", false)
}

// Soles is String, named for templates and reports.
func (c Cents) Soles() string {
	return c.String()
}

// Format returns the amount for people: "S/ 1,234.50", "-S/ 1,234.50".
// ParseSoles reads it back.
func (c Cents) Format() string {
	return c.format("S/ ", true)
}

func (c Cents) format(symbol string, grouped bool) string {
	u := uint64(c)
	sign := ""
	if c < 0 {
		u = -u // two's complement: also right for math.MinInt64
		sign = "-"
	}
	whole := strconv.FormatUint(u/100, 10)
	if grouped {
		whole = groupThousands(whole)
	}
	frac := u % 100
	return sign + symbol + whole + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
}

// groupThousands inserts commas every three digits from the right.
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	out := make([]byte, 0, len(digits)+len(digits)/3)
	out = append(out, digits[:head]...)
	for i := head; i < len(digits); i += 3 {
		out = append(out, ',')
		out = append(out, digits[i:i+3]...)
	}
	return string(out)
}
