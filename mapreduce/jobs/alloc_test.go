package jobs

import (
	"testing"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/logparse/filter"
)

// The per-line path of the hosts job allocates nothing once a host is known:
// parse, filter, and the lookup of the logged spelling.
func TestHostsHotPathAllocatesNothing(t *testing.T) {
	line := []byte(`192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET /robots.txt?v=2 HTTP/1.1" 200 68 "-" "Googlebot/2.1"`)
	parser := logparse.NewParser(logparse.Combined)
	m, _ := filter.Filter{Paths: []string{"/robots.txt", "/ads.txt"}}.Compile()
	set := NewHostSet()
	var rec logparse.Record
	allocs := testing.AllocsPerRun(100, func() {
		if err := parser.Parse(line, &rec); err != nil || !m.Match(&rec) {
			t.Fatalf("Parse or match failed: %v", err)
		}
		set.Add(&rec)
	})
	if allocs != 0 || set.Len() != 1 {
		t.Errorf("parse+filter+HostSet.Add = %v allocations per line, %d hosts; want 0 and 1", allocs, set.Len())
	}
}
