package jobs

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/logmr/logmr/mapreduce/cache"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// reportInputs are real logs: the project's samples and 10,000 real lines.
var reportInputs = []string{"../../testdata/logs", "../../testdata/realdata/apache_logs.gz", "../../testdata/realdata/vhost_combined.log"}

// The report's numbers are count's and hosts' on the same inputs: each
// table is count --by FIELD --top N, the hosts are hosts, the hours are
// count --by hour,status_class and the days count --by day,host.
func TestReportEqualsCountAndHosts(t *testing.T) {
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	ro := ReportOptions{Top: 7, TZ: paris}
	res, err := RunReport(ctx, reportInputs, ro, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := Hosts(ctx, reportInputs, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.DistinctHosts != int64(len(hosts.Hosts)) {
		t.Errorf("DistinctHosts = %d, hosts finds %d", res.DistinctHosts, len(hosts.Hosts))
	}
	if res.Stats.Matched != res.Requests || res.Stats.Malformed != hosts.Stats.Malformed {
		t.Errorf("Requests %d, Malformed %d; the scan matched %d, hosts found %d malformed", res.Requests, res.Stats.Malformed, res.Stats.Matched, hosts.Stats.Malformed)
	}
	for i, table := range res.Tables {
		co := CountOptions{By: []CountField{reportTableBy[i]}, Top: ro.Top, Sort: SortRequests}
		opts := logscan.ScanOptions{}
		if table.Name == TableNotFound {
			opts.Filter.Statuses = []string{"404"}
		}
		count, err := Count(ctx, reportInputs, co, opts)
		if err != nil {
			t.Fatal(err)
		}
		var want []ReportRow
		for _, r := range count.Rows() {
			want = append(want, ReportRow{Key: r.Key[0], Absent: r.Absent[0], Requests: r.Requests, Bytes: r.Bytes})
		}
		if !reflect.DeepEqual(table.Rows, want) {
			t.Errorf("table %s = %v\ncount --by %s --top %d = %v", table.Name, table.Rows, co.By[0], ro.Top, want)
		}
	}
	if len(res.Tables[0].Rows) != ro.Top || res.Tables[0].Distinct < int64(ro.Top) {
		t.Errorf("paths: %d rows of %d distinct, want %d rows", len(res.Tables[0].Rows), res.Tables[0].Distinct, ro.Top)
	}
	hourly, err := Count(ctx, reportInputs, CountOptions{By: []CountField{ByHour, ByStatusClass}, TZ: paris}, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var total, fromHours int64
	perHour := map[string]int64{}
	for _, r := range hourly.Rows() {
		total += r.Requests
		perHour[r.Key[0]] += r.Requests
	}
	for _, h := range res.Hours {
		var n int64
		for _, c := range h.Requests {
			n += c
		}
		fromHours += n
		if key := h.Start.Format(time.RFC3339); perHour[key] != n {
			t.Errorf("hour %s: %d requests, count says %d", key, n, perHour[key])
		}
	}
	if fromHours+res.Untimed != total || total != res.Requests {
		t.Errorf("hours hold %d + %d untimed requests; count %d, report %d", fromHours, res.Untimed, total, res.Requests)
	}
	daily, err := Count(ctx, reportInputs, CountOptions{By: []CountField{ByDay, ByHost}, TZ: paris}, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hostsPerDay := map[string]int64{}
	for _, r := range daily.Rows() {
		if !r.Absent[0] && !r.Absent[1] {
			hostsPerDay[r.Key[0]]++
		}
	}
	if len(res.Days) != len(hostsPerDay) {
		t.Errorf("%d days, count finds %d", len(res.Days), len(hostsPerDay))
	}
	for _, d := range res.Days {
		if d.Hosts != hostsPerDay[d.Day] {
			t.Errorf("day %s: %d hosts, count --by day,host finds %d", d.Day, d.Hosts, hostsPerDay[d.Day])
		}
	}
	if res.First.Location() != paris || res.First.After(res.Last) || res.First.IsZero() {
		t.Errorf("period %v to %v, want times in Europe/Paris", res.First, res.Last)
	}
}

// comparable drops what differs between runs that agree: the Stats'
// per-file timings and cache counts.
func comparable(r *ReportResult) *ReportResult {
	c := *r
	c.Stats = logscan.Stats{}
	c.Location = nil
	return &c
}

// Shards written as partial files, read back and merged give a single
// run's report; so does a second run from the cache, and a run whose
// counts spilled to temporary files.
func TestReportPartialCacheAndSpill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	generate(t, dir, 4, 1)
	inputs := append([]string{dir}, reportInputs...)
	ro := ReportOptions{Top: 5}
	want, err := RunReport(ctx, inputs, ro, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var parts []*Partial
	var names []string
	for i := range 3 {
		opts := logscan.ScanOptions{Selection: logscan.Selection{Shard: logscan.Shard{Index: i, Count: 3}}}
		p, _, err := ReportPartial(ctx, inputs, ro, opts)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, roundTrip(t, p))
		names = append(names, fmt.Sprint("shard", i))
	}
	merged, err := MergePartials(parts, names)
	if err != nil {
		t.Fatal(err)
	}
	got, err := merged.ReportResult(ctx, ro)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(comparable(got), comparable(want)) {
		t.Errorf("merged partials:\n%+v\nwant one run's:\n%+v", comparable(got), comparable(want))
	}
	store, err := cache.Open(filepath.Join(t.TempDir(), "cache"))
	if err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		got, err := RunReport(ctx, inputs, ro, logscan.ScanOptions{Cache: store})
		if err != nil {
			t.Fatal(err)
		}
		if run == 1 && got.Stats.Cache.Hits == 0 {
			t.Errorf("second run: no input from the cache: %+v", got.Stats.Cache)
		}
		if !reflect.DeepEqual(comparable(got), comparable(want)) {
			t.Errorf("run %d with the cache differs from one without", run)
		}
	}
	small := ReportOptions{Top: 5, Memory: 1 << 20}
	spills := &spillFile{}
	defer spills.close()
	r, _, err := logscan.ScanLogs(ctx, inputs, small.newReports(spills, 0), logscan.ScanOptions{})
	if err != nil || !r.spilled() {
		t.Fatalf("a report within %d bytes did not spill (err %v)", small.Memory, err)
	}
	spilled, err := RunReport(ctx, inputs, small, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(comparable(spilled), comparable(want)) {
		t.Errorf("a report that spilled differs from one that did not")
	}
}

// Partials of reports in different zones bucket differently: they never merge.
func TestReportPartialKindHasZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	if ReportTables[hostsIndex] != TableHosts || reportTableBy[hostsIndex] != ByHost {
		t.Fatalf("hostsIndex %d is %s, not the hosts table", hostsIndex, ReportTables[hostsIndex])
	}
	a := NewReportFunc(ReportOptions{})().PartialKind()
	b := NewReportFunc(ReportOptions{TZ: paris})().PartialKind()
	if a == b {
		t.Errorf("PartialKind %q for UTC and Europe/Paris", a)
	}
}

// A report partial's payload, changed anywhere, is refused or read into a
// report whose result can be taken: never a panic.
func FuzzReportReadPartial(f *testing.F) {
	r, _, err := logscan.ScanLogs(context.Background(), reportInputs[:1], NewReportFunc(ReportOptions{}), logscan.ScanOptions{})
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := r.AppendPartial(nil)
	f.Add(seed)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReportFunc(ReportOptions{})()
		if err := r.ReadPartial(data); err != nil {
			return
		}
		if _, err := r.result(context.Background(), ReportOptions{Top: 3}, logscan.Stats{}); err != nil {
			t.Fatalf("result of a partial read back: %v", err)
		}
	})
}
