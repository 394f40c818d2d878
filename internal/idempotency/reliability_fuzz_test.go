package idempotency

import (
	"strings"
	"testing"
)

// FuzzValid: Valid accepts exactly the keys of 1-255 visible ASCII characters, whatever
// the bytes (invalid UTF-8, control characters, spaces, non-ASCII letters).
func FuzzValid(f *testing.F) {
	for _, k := range []string{"", "a", "pago-2026-000001", "con espacio", "ñandú", "\x7f", "\x00", "tab\tkey",
		strings.Repeat("k", 255), strings.Repeat("k", 256), "\xff\xfe", "550e8400-e29b-41d4-a716-446655440000"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		want := len(key) >= 1 && len(key) <= 255
		for i := 0; i < len(key) && want; i++ {
			want = key[i] >= 0x21 && key[i] <= 0x7e
		}
		if got := Valid(key); got != want {
			t.Fatalf("Valid(%q) = %v, want %v", key, got, want)
		}
	})
}
