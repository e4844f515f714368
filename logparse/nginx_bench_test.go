package logparse

import (
	"bytes"
	"testing"
	"time"
)

// nginxMainExt is testdata/nginx/main_ext.conf's format: combined, the
// forwarded-for header, the host, the request time and upstream lists,
// unquoted.
const nginxMainExt = `log_format main_ext '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for" '
                    '$host rt=$request_time urt=$upstream_response_time '
                    'us=$upstream_status ua=$upstream_addr';`

// mainExtLine turns a combined line of the real log into a main_ext one.
func mainExtLine(l []byte) []byte {
	return append(bytes.Clone(l), ` "10.1.2.3" shop.example.com rt=0.052 urt=0.011, 0.040 us=502, 200 ua=10.0.0.5:8080, 10.0.0.6:8080`...)
}

// BenchmarkParseNginxMainExt parses the real log rewritten as main_ext
// lines, every field needed.
func BenchmarkParseNginxMainExt(b *testing.B) {
	benchParse(b, mustCompileNginx(b, nginxMainExt), mainExtLine, nil)
}

// BenchmarkNginxVsCombined parses the real log as combined and the same
// lines as main_ext in turn, every field needed, and reports each one's
// throughput per CPU second and the ratio (nginx over combined, in MB/s):
// on a loaded machine the two see the same load.
func BenchmarkNginxVsCombined(b *testing.B) {
	lines := readLines(b, realLogs)
	ext := make([][]byte, len(lines))
	var nComb, nExt int64
	for i, l := range lines {
		ext[i] = mainExtLine(l)
		nComb, nExt = nComb+int64(len(l))+1, nExt+int64(len(ext[i]))+1
	}
	comb, ng := NewParser(Combined), NewParser(mustCompileNginx(b, nginxMainExt))
	comb.Need(AllFields)
	ng.Need(AllFields)
	clock := func() time.Duration {
		if d, ok := processCPUTime(); ok {
			return d
		}
		return time.Duration(time.Now().UnixNano())
	}
	var rec Record
	var tComb, tExt time.Duration
	bad := 0
	for b.Loop() {
		bad = 0
		t0 := clock()
		for _, l := range lines {
			_ = comb.Parse(l, &rec)
		}
		t1 := clock()
		for _, l := range ext {
			if ng.Parse(l, &rec) != nil {
				bad++
			}
		}
		tComb, tExt = tComb+t1-t0, tExt+clock()-t1
	}
	if bad > 1 { // line 8899 of the real log is malformed
		b.Fatalf("%d of %d main_ext lines malformed", bad, len(ext))
	}
	n := float64(b.N) / 1e6
	combMB, extMB := float64(nComb)*n/tComb.Seconds(), float64(nExt)*n/tExt.Seconds()
	b.ReportMetric(combMB, "combined-MB/s")
	b.ReportMetric(extMB, "nginx-MB/s")
	b.ReportMetric(extMB/combMB, "ratio")
	b.ReportMetric(float64(len(lines))*n/tExt.Seconds(), "nginx-Mlines/s")
}

func mustCompileNginx(tb testing.TB, s string) *Format {
	tb.Helper()
	f, err := CompileNginx(s)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// BenchmarkParseNginxCombined parses the real log with nginx's combined
// log_format: the same steps as Apache's compiled combined
// (BenchmarkParseCombinedCompiled), [$time_local] read as %t.
func BenchmarkParseNginxCombined(b *testing.B) {
	benchParse(b, mustCompileNginx(b, nginxCombinedDirective), nil, nil)
}

// BenchmarkParseApacheMainExtShape is an Apache format of main_ext's shape
// (the lists without their spaces, which Apache's %e could not hold) on
// the same lines: what BenchmarkParseNginxMainExt costs beyond the compiled
// steps themselves.
func BenchmarkParseApacheMainExtShape(b *testing.B) {
	f := mustCompile(b, `%h - %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i" %v rt=%{us}T urt=%{A}e us=%{B}e ua=%{C}e`)
	benchParse(b, f, func(l []byte) []byte {
		return append(bytes.Clone(l), ` "10.1.2.3" shop.example.com rt=52000 urt=0.011,0.040 us=502,200 ua=10.0.0.5:8080,10.0.0.6:8080`...)
	}, nil)
}
