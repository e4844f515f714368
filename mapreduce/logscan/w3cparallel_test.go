package logscan_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/logmr/logmr/mapreduce/jobs"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// TestW3CParsedAsOne: a W3C log whose #Fields change every few thousand
// lines gives, with parsers to spare, what one parser gives: its lines
// are never split among parsers, each of which would lack the #Fields
// before its chunk.
func TestW3CParsedAsOne(t *testing.T) {
	var text strings.Builder
	for i := range 30000 {
		if i%3000 == 0 {
			fields := "date time c-ip cs-method cs-uri-stem sc-status sc-bytes"
			if i%6000 == 0 {
				fields = "date time sc-status c-ip sc-bytes cs-method cs-uri-stem"
			}
			fmt.Fprintf(&text, "#Software: Microsoft Internet Information Services 10.0\n#Fields: %s\n", fields)
		}
		host, status := fmt.Sprintf("10.0.%d.%d", i/250%250, i%250), 200+i%3
		if i/3000%2 == 0 {
			fmt.Fprintf(&text, "2024-01-15 08:00:00 %d %s %d GET /p%d\n", status, host, i, i%7)
		} else {
			fmt.Fprintf(&text, "2024-01-15 08:00:00 %s GET /p%d %d %d\n", host, i%7, status, i)
		}
	}
	newCounter, err := jobs.NewCounterFunc(jobs.CountOptions{By: []jobs.CountField{jobs.ByHost, jobs.ByStatus}})
	if err != nil {
		t.Fatal(err)
	}
	scan, err := logscan.ScanTextForTest(logscan.ScanOptions{CheckAllLines: true}, newCounter, true)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, parsers := range []int{1, 3} {
		agg, st, err := scan(strings.NewReader(text.String()), "u_ex.log", parsers, 2000)
		if err != nil {
			t.Fatal(err)
		}
		if st.Matched != 30000 || st.Malformed != 0 {
			t.Errorf("%d parsers: %d matched, %d malformed; want 30000, 0", parsers, st.Matched, st.Malformed)
		}
		got, _ := agg.AppendPartial(nil)
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("%d parsers: counts differ from one parser's", parsers)
		}
	}
}
