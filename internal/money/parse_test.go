package money

import (
	"errors"
	"testing"
)

func TestParseSoles(t *testing.T) {
	tests := []struct {
		in      string
		want    Cents
		wantErr error
	}{
		{"1234", 123400, nil},
		{"1234.5", 123450, nil},
		{"1234.50", 123450, nil},
		{"-3.10", -310, nil},
		{"+3.10", 310, nil},
		{"0", 0, nil},
		{"-0.05", -5, nil},
		{"  12.3  ", 1230, nil},
		{"S/ 1,234.50", 123450, nil},
		{"S/1234.50", 123450, nil},
		{"S/\u00a01,234.50", 123450, nil}, // non-breaking space from spreadsheets
		{"-S/ 1,234.50", -123450, nil},
		{"S/ -1,234.50", -123450, nil},
		{"1,234,567.89", 123456789, nil},
		{"007.01", 701, nil},
		{"1000000000000", MaxCents, nil},
		{"-1,000,000,000,000.00", -MaxCents, nil},

		{"", 0, ErrEmpty},
		{"   ", 0, ErrEmpty},
		{"1.234", 0, ErrDecimals},
		{"10.005", 0, ErrDecimals},
		{"1000000000000.01", 0, ErrRange},
		{"99999999999999999999999", 0, ErrRange},
		{"abc", 0, ErrSyntax},
		{"S/", 0, ErrSyntax},
		{"-", 0, ErrSyntax},
		{"--1", 0, ErrSyntax},
		{"-S/ -1", 0, ErrSyntax},
		{"S/ - 1", 0, ErrSyntax},
		{"1.", 0, ErrSyntax},
		{".5", 0, ErrSyntax},
		{"1.2.3", 0, ErrSyntax},
		{"1,23", 0, ErrSyntax},
		{"1234,567", 0, ErrSyntax},
		{",123", 0, ErrSyntax},
		{"1,234.5,0", 0, ErrSyntax},
		{"1.234,50", 0, ErrSyntax},
		{"1e3", 0, ErrSyntax},
		{"12 34", 0, ErrSyntax},
		{"١٢", 0, ErrSyntax}, // non-ASCII digits
		{"S/. 5", 0, ErrSyntax},
	}
	for _, tt := range tests {
		got, err := ParseSoles(tt.in)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("ParseSoles(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseSolesMessagesAreSpanish(t *testing.T) {
	_, err := ParseSoles("10.005")
	if err == nil || err.Error() != "monto inválido: máximo 2 decimales" {
		t.Fatalf("ParseSoles(10.005) error = %v", err)
	}
}
