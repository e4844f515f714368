package logscan_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/logmr/logmr/mapreduce/logscan"
)

// BenchmarkFollowLatency measures how long a line appended to a followed
// file takes to be handed out: the median over 100 lines, one at a time,
// with inotify and with polling every 100 ms (expect about half of it).
//
//	go test -run '^$' -bench FollowLatency -benchtime 1x -count 3 ./mapreduce/logscan
func BenchmarkFollowLatency(b *testing.B) {
	for _, mode := range []struct {
		name string
		poll time.Duration
	}{{"inotify", 0}, {"poll100ms", 100 * time.Millisecond}} {
		b.Run(mode.name, func(b *testing.B) {
			for range b.N {
				path := filepath.Join(b.TempDir(), "access.log")
				appendTo(b, path, "")
				lines, _ := follow(b, []string{path}, logscan.FollowOptions{Poll: mode.poll}, false)
				var took []time.Duration
				for i := range 100 {
					start := time.Now()
					appendTo(b, path, seqLine(i)+"\n")
					<-lines
					took = append(took, time.Since(start))
					// Out of step with the poll: the next line comes at
					// spread points of its interval.
					time.Sleep(time.Duration(i%7)*time.Millisecond + mode.poll*time.Duration(i*37%100)/100)
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[50].Microseconds()), "median-µs")
				b.ReportMetric(float64(took[98].Microseconds()), "p99-µs")
			}
		})
	}
}
