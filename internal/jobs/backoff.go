package jobs

import (
	"math/rand/v2"
	"time"
)

// backoffCap is the upper bound of the delay after failed attempt number attempt (1-based):
// base, 2·base, 4·base ... never above limit.
func backoffCap(attempt int, base, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt; i++ {
		if d >= limit/2 {
			return limit
		}
		d *= 2
	}
	return min(d, limit)
}

// fullJitter picks a delay uniformly in [0, limit] ("full jitter"), so failing jobs
// enqueued together do not retry together.
func fullJitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(limit) + 1))
}
