package mailer

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// produce streams n messages without holding them all in memory, the way a
// caller pages through envío records.
func produce(ctx context.Context, n int) <-chan Message {
	ch := make(chan Message, 64)
	go func() {
		defer close(ch)
		for i := range n {
			m := Message{
				Key:     fmt.Sprintf("envio-%05d", i),
				To:      alumno(i % 50),
				Subject: "Comunicado de la Dirección Académica",
				HTML:    "<p>" + strings.Repeat("Estimado estudiante, le recordamos el cronograma. ", 40) + "</p>",
				Text:    strings.Repeat("Estimado estudiante, le recordamos el cronograma. ", 40),
				Headers: map[string]string{"List-Unsubscribe": fmt.Sprintf("<https://sgul.example.pe/baja?t=%d>", i)},
			}
			select {
			case ch <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// procStatus reads a field such as VmRSS or VmHWM (peak RSS) from /proc; "" elsewhere.
func procStatus(field string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// memReport is what measureSendAll observed.
type memReport struct {
	elapsed      time.Duration
	heaps        []uint64 // live heap after GC, sampled every `every` messages
	bytesPerMsg  uint64
	allocsPerMsg uint64
	rss, peakRSS string
}

// growth is how much the live heap grew from the first sample to the last.
func (r memReport) growth() int64 { return int64(r.heaps[len(r.heaps)-1]) - int64(r.heaps[0]) }

// measureSendAll streams total messages to a local sink over one connection,
// sampling the live heap every `every` reports.
func measureSendAll(tb testing.TB, total, every int) memReport {
	tb.Helper()
	s := &sink{}
	s.start(tb)
	snd := newTestSender(tb, s, 0)

	var r memReport
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	startAlloc, startMallocs := ms.TotalAlloc, ms.Mallocs
	start := time.Now()
	sent := 0
	err := snd.SendAll(context.Background(), produce(context.Background(), total), func(o Outcome) error {
		if !o.Sent {
			return fmt.Errorf("%s not sent: %v", o.Key, o.Err)
		}
		if sent++; sent%every == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			r.heaps = append(r.heaps, ms.HeapAlloc)
		}
		return nil
	})
	r.elapsed = time.Since(start)
	if err != nil {
		tb.Fatal(err)
	}
	runtime.ReadMemStats(&ms)
	if sent != total || s.delivered.Load() != int64(total) || s.conns.Load() != 1 {
		tb.Fatalf("sent %d, delivered %d over %d connections", sent, s.delivered.Load(), s.conns.Load())
	}
	r.bytesPerMsg = (ms.TotalAlloc - startAlloc) / uint64(total)
	r.allocsPerMsg = (ms.Mallocs - startMallocs) / uint64(total)
	r.rss, r.peakRSS = procStatus("VmRSS"), procStatus("VmHWM")

	mib := func(b uint64) string { return fmt.Sprintf("%.2f MiB", float64(b)/(1<<20)) }
	var line []string
	for i, h := range r.heaps {
		line = append(line, fmt.Sprintf("%d=%s", (i+1)*every, mib(h)))
	}
	tb.Logf("%d messages in %v (%.0f/s) over 1 connection", total, r.elapsed.Round(time.Millisecond), float64(total)/r.elapsed.Seconds())
	tb.Logf("live heap after GC: %s", strings.Join(line, " "))
	tb.Logf("per message: %d B allocated, %d allocations (client and in-process server together)", r.bytesPerMsg, r.allocsPerMsg)
	tb.Logf("process RSS %s, peak RSS %s", r.rss, r.peakRSS)
	return r
}

// maxHeapGrowth is how much the live heap may grow over a run: nothing may be
// retained per message.
const maxHeapGrowth = 2 << 20

// TestSendAllMemoryStaysFlat is the quick version of BenchmarkSendAll10k.
func TestSendAllMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 2,000 messages")
	}
	if r := measureSendAll(t, 2_000, 200); r.growth() > maxHeapGrowth {
		t.Errorf("live heap grew by %d bytes", r.growth())
	}
}

// BenchmarkSendAll10k proves memory stays flat over 10,000 messages and
// reports the figures (run it once):
//
//	go test -run '^$' -bench SendAll10k -benchtime 1x -v ./internal/mailer/
func BenchmarkSendAll10k(b *testing.B) {
	for range b.N {
		r := measureSendAll(b, 10_000, 1_000)
		if r.growth() > maxHeapGrowth {
			b.Errorf("live heap grew by %d bytes between 1,000 and 10,000 messages", r.growth())
		}
		b.ReportMetric(float64(r.growth()), "heap-growth-B")
		b.ReportMetric(float64(r.bytesPerMsg), "B/msg")
		b.ReportMetric(float64(r.allocsPerMsg), "allocs/msg")
		b.ReportMetric(10_000/r.elapsed.Seconds(), "msgs/s")
	}
}

// BenchmarkSendAll measures one message over the reused connection:
//
//	go test -run '^$' -bench 'SendAll$' -benchmem ./internal/mailer/
func BenchmarkSendAll(b *testing.B) {
	s := &sink{}
	s.start(b)
	snd := newTestSender(b, s, 0)
	msgs := produce(context.Background(), b.N)
	b.ReportAllocs()
	b.ResetTimer()
	err := snd.SendAll(context.Background(), msgs, func(o Outcome) error {
		if !o.Sent {
			return o.Err
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
