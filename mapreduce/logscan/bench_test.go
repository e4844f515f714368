package logscan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// benchCorpus is a directory of logs for the whole-job benchmarks: the one
// scripts/bench generates, or $LOGMR_BENCH_CORPUS. They are skipped when it
// is missing, so that go test ./... stays quick.
//
//	scripts/bench -runs 1   # once, to generate it
//	go test -run XXX -bench Corpus -cpuprofile cpu.out ./mapreduce
func benchCorpus(b *testing.B) (string, int64) {
	dir := os.Getenv("LOGMR_BENCH_CORPUS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "logmr-bench", "corpus")
	}
	inputs, _, err := logscan.FindInputs([]string{dir}, logscan.Selection{})
	if err != nil || len(inputs) == 0 {
		b.Skipf("no corpus in %s (run scripts/bench, or set LOGMR_BENCH_CORPUS)", dir)
	}
	// SetBytes wants the text's size: read it once, as the job would.
	_, stats, err := logscan.ScanLogs(context.Background(), []string{dir}, jobs.NewHostSet, logscan.ScanOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return dir, stats.Bytes
}

func BenchmarkCorpusHosts(b *testing.B) { benchCorpusHosts(b, logscan.Decompressor{}) }

func BenchmarkCorpusHostsIgzip(b *testing.B) {
	igzip, err := logscan.FindDecompressor(logscan.DecompressIgzip)
	if err != nil {
		b.Skip(err)
	}
	benchCorpusHosts(b, igzip)
}

func benchCorpusHosts(b *testing.B, d logscan.Decompressor) {
	dir, text := benchCorpus(b)
	opts := logscan.ScanOptions{Filter: filter.Filter{Paths: []string{"/robots.txt"}}, Decompressor: d}
	b.SetBytes(text)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := logscan.ScanLogs(context.Background(), []string{dir}, jobs.NewHostSet, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCorpusCountStatus(b *testing.B) {
	dir, text := benchCorpus(b)
	b.SetBytes(text)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jobs.Count(context.Background(), []string{dir}, jobs.CountOptions{By: []jobs.CountField{jobs.ByStatus}}, logscan.ScanOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// hotText is 16 MiB of generated log text in memory, for the per-line
// benchmarks: the work of one worker once inflating is done.
var hotText = sync.OnceValue(func() []byte {
	dir, err := os.MkdirTemp("", "mapreduce-bench")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	truth, err := loggen.Generate(loggen.Config{Dir: dir, Files: 1, BytesPerFile: 16 << 20, Seed: 1, MalformedFraction: 0.002, RobotsFraction: 0.001})
	if err != nil {
		panic(err)
	}
	text, err := os.ReadFile(truth.Files[0])
	if err != nil {
		panic(err)
	}
	return text
})

// benchHotPath runs one worker's per-line work over hotText: scan, parse,
// filter, aggregate.
func benchHotPath[A logscan.Aggregate[A]](b *testing.B, f filter.Filter, newAggregate func() A) {
	text := hotText()
	scan, err := logscan.ScanTextForTest(logscan.ScanOptions{Filter: f}, newAggregate, false)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var lines int64
	reportCPU := reportCPUThroughput(b, int64(len(text)))
	for b.Loop() {
		_, st, err := scan(bytes.NewReader(text), "bench", 0, 0)
		if err != nil {
			b.Fatal(err)
		}
		lines = st.Lines
	}
	reportCPU()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*lines), "ns/line")
}

// reportCPUThroughput returns a function that reports, as cpu-MB/s, the
// bytes per op over the CPU time the process spent since the call: call
// it just before b.Loop and the function after it. On a machine shared
// with other work wall-clock MB/s move with the load; this much less.
// Where process CPU time is not measured it reports nothing.
func reportCPUThroughput(b *testing.B, bytesPerOp int64) func() {
	start, ok := processCPUTime()
	return func() {
		end, _ := processCPUTime()
		if ok && end > start {
			b.ReportMetric(float64(bytesPerOp)*float64(b.N)/1e6/(end-start).Seconds(), "cpu-MB/s")
		}
	}
}

func BenchmarkHotPathHostsPath(b *testing.B) {
	benchHotPath(b, filter.Filter{Paths: []string{"/robots.txt"}}, jobs.NewHostSet)
}

func BenchmarkHotPathHostsAll(b *testing.B) { benchHotPath(b, filter.Filter{}, jobs.NewHostSet) }

func BenchmarkHotPathCountStatus(b *testing.B) {
	benchHotPath(b, filter.Filter{}, mustCounters(b, jobs.ByStatus))
}

// BenchmarkHotPathStatusArray is HotPathCountStatus with the cheapest
// aggregate that counts by status (an array indexed by it): the part of
// the hot path that is not the aggregate's, and what a counter specialised
// for --by status alone could reach.
func BenchmarkHotPathStatusArray(b *testing.B) {
	benchHotPath(b, filter.Filter{}, func() *statusArray { return &statusArray{} })
}

// statusArray counts requests and bytes per status; [1000] is "-".
type statusArray struct{ requests, bytes [1001]int64 }

func (a *statusArray) Add(rec *logparse.Record) {
	i := rec.Status
	if i < 0 || i > 999 {
		i = 1000
	}
	a.requests[i]++
	if rec.Bytes > 0 {
		a.bytes[i] += rec.Bytes
	}
}

func (a *statusArray) Merge(o *statusArray) {
	for i := range a.requests {
		a.requests[i] += o.requests[i]
		a.bytes[i] += o.bytes[i]
	}
}

func (a *statusArray) Fields() logparse.Fields { return 0 }

// hotRecords parses the first well-formed lines of hotText once, so that
// the filter and aggregate benchmarks time those alone. They are few
// enough to stay in the cache, as a record just parsed is.
var hotRecords = sync.OnceValues(func() ([]logparse.Record, int64) {
	text := hotText()
	p := logparse.NewParser(logparse.Combined)
	var recs []logparse.Record
	var size int64
	for line := range bytes.Lines(text) {
		line = bytes.Clone(bytes.TrimSuffix(line, []byte("\n")))
		var rec logparse.Record
		if p.Parse(line, &rec) == nil {
			recs = append(recs, rec)
			size += int64(len(line)) + 1
		}
		if len(recs) == 2048 {
			break
		}
	}
	return recs, size
})

// benchRecords times fn over hotRecords, reporting MB/s of their lines.
func benchRecords(b *testing.B, fn func(rec *logparse.Record)) {
	recs, size := hotRecords()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for i := range recs {
			fn(&recs[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(int64(b.N)*int64(len(recs))), "ns/record")
}

func BenchmarkFilterPath(b *testing.B) {
	m, _ := filter.Filter{Paths: []string{"/robots.txt"}}.Compile()
	benchRecords(b, func(rec *logparse.Record) { m.Stage(rec) })
}

func BenchmarkFilterStatusSinceHost(b *testing.B) {
	m, err := filter.Filter{Statuses: []string{"4xx", "5xx"}, Since: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		Hosts: []string{"10.0.0.0/8", "2001:db8::/32"}}.Compile()
	if err != nil {
		b.Fatal(err)
	}
	benchRecords(b, func(rec *logparse.Record) { m.Stage(rec) })
}

func BenchmarkFilterUserAgentRegexp(b *testing.B) {
	m, _ := filter.Filter{UserAgentRegexps: []string{`(?i)bot|crawler|spider`}}.Compile()
	benchRecords(b, func(rec *logparse.Record) { m.Stage(rec) })
}

// The aggregates start empty each round: the host set's and the counter's
// first sight of each key is part of the work.
func BenchmarkAggregateHostSet(b *testing.B) {
	var set *jobs.HostSet
	benchRecords(b, func(rec *logparse.Record) {
		if set == nil || set.Len() > 1<<20 {
			set = jobs.NewHostSet()
		}
		set.Add(rec)
	})
}

func BenchmarkAggregateCountStatus(b *testing.B) {
	c := mustCounters(b, jobs.ByStatus)()
	benchRecords(b, c.Add)
}

func BenchmarkAggregateCountHostPath(b *testing.B) {
	c := mustCounters(b, jobs.ByHost, jobs.ByPath)()
	benchRecords(b, c.Add)
}

func mustCounters(b *testing.B, by ...jobs.CountField) func() *jobs.Counter {
	newCounter, err := jobs.NewCounterFunc(jobs.CountOptions{By: by})
	if err != nil {
		b.Fatal(err)
	}
	return newCounter
}
