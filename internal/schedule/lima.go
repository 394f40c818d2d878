package schedule

import (
	"sync"
	"time"
	_ "time/tzdata" // the static binary must know America/Lima without system tzdata
)

var limaLocation = sync.OnceValue(func() *time.Location {
	return loadLocation("America/Lima")
})

// loadLocation loads name or falls back to a fixed UTC-5 zone: Peru has not
// used daylight saving time since 1994.
func loadLocation(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.FixedZone("-05", -5*60*60)
}

// LimaLocation returns the America/Lima time zone, or a fixed UTC-5 zone if
// the time zone database is missing.
func LimaLocation() *time.Location {
	return limaLocation()
}

// LimaDate returns the calendar date (YYYY-MM-DD) in Lima at instant t:
// 2026-03-01T03:30:00Z is 2026-02-28.
func LimaDate(t time.Time) string {
	return t.In(LimaLocation()).Format(time.DateOnly)
}
