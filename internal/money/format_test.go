package money

import (
	"math"
	"testing"
)

func TestStringAndFormat(t *testing.T) {
	tests := []struct {
		in         Cents
		str, human string
	}{
		{0, "0.00", "S/ 0.00"},
		{5, "0.05", "S/ 0.05"},
		{-5, "-0.05", "-S/ 0.05"},
		{100, "1.00", "S/ 1.00"},
		{99999, "999.99", "S/ 999.99"},
		{123450, "1234.50", "S/ 1,234.50"},
		{-123450, "-1234.50", "-S/ 1,234.50"},
		{12345678901, "123456789.01", "S/ 123,456,789.01"},
		{MaxCents, "1000000000000.00", "S/ 1,000,000,000,000.00"},
		{math.MinInt64, "-92233720368547758.08", "-S/ 92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.str {
			t.Errorf("Cents(%d).String() = %q; want %q", tt.in, got, tt.str)
		}
		if got := tt.in.Soles(); got != tt.str {
			t.Errorf("Cents(%d).Soles() = %q; want %q", tt.in, got, tt.str)
		}
		if got := tt.in.Format(); got != tt.human {
			t.Errorf("Cents(%d).Format() = %q; want %q", tt.in, got, tt.human)
		}
	}
}

func TestSum(t *testing.T) {
	if got := Sum(); got != 0 {
		t.Errorf("Sum() = %d", got)
	}
	if got := Sum(150000, 12000, -3200, 10000); got != 168800 {
		t.Errorf("Sum(...) = %d; want 168800", got)
	}
}
