package schedule

import (
	"testing"
	"time"
)

func TestLimaDate(t *testing.T) {
	tests := []struct {
		utc  string
		want string
	}{
		{"2026-03-01T03:30:00Z", "2026-02-28"},
		{"2026-03-01T04:59:59Z", "2026-02-28"},
		{"2026-03-01T05:00:00Z", "2026-03-01"},
		{"2027-01-01T04:00:00Z", "2026-12-31"},
	}
	for _, tt := range tests {
		ts, err := time.Parse(time.RFC3339, tt.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := LimaDate(ts); got != tt.want {
			t.Errorf("LimaDate(%s) = %s; want %s", tt.utc, got, tt.want)
		}
	}
}

func TestLimaLocation(t *testing.T) {
	if got := LimaLocation().String(); got != "America/Lima" {
		t.Errorf("LimaLocation() = %s; want America/Lima from the embedded tzdata", got)
	}
	fallback := loadLocation("Nowhere/Missing")
	if _, offset := time.Date(2026, 3, 1, 0, 0, 0, 0, fallback).Zone(); offset != -5*60*60 {
		t.Errorf("fallback offset = %d; want UTC-5", offset)
	}
}
