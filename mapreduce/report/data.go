package report

import (
	"cmp"
	"time"
	"unicode/utf8"

	"github.com/logmr/logmr/mapreduce/jobs"
)

// Options say what a page shows besides the result.
type Options struct {
	Title     string    // the page's heading; "" means "logmr report"; past MaxTitle characters, cut
	Top       int       // rows per table; 0 or past MaxTop means MaxTop (the result's Top cuts first)
	Failed    int       // inputs that could not be read
	Generated time.Time // when the page was made, shown and in the data; zero: not shown
}

// MaxTop is the most rows a table of the page holds, whatever Options.Top
// asks: with MaxValue, it keeps the page under 2 MiB for any input.
const MaxTop = 100

// MaxTitle is the most characters of Options.Title a page shows (in its
// title, heading and data): a longer one is cut, ending in "…", so that
// no title breaks the page's 2 MiB bound.
const MaxTitle = 200

// MaxValue bounds a table's value as kept in the data (and shown in a
// tooltip): its bytes, where each character HTML or JSON escapes (< > & ' "
// and control characters) counts 6. A longer value is cut at a character
// boundary and its row marked truncated.
const MaxValue = 256

// Data is the object the page embeds as JSON in
// <script type="application/json" id="logmr-data">, and what WriteJSON
// writes. Times are RFC 3339 in the report's zone.
type Data struct {
	Title         string           `json:"title"`
	Zone          string           `json:"zone"`
	First         string           `json:"first,omitempty"` // the earliest request's time
	Last          string           `json:"last,omitempty"`
	Generated     string           `json:"generated,omitempty"` // Options.Generated
	Requests      int64            `json:"requests"`
	Bytes         int64            `json:"bytes"`
	DistinctHosts int64            `json:"distinct_hosts"`
	Malformed     int64            `json:"malformed"`
	Lines         int64            `json:"lines"`
	InputsRead    int              `json:"inputs_read"`
	InputsFailed  int              `json:"inputs_failed"`
	Untimed       int64            `json:"untimed_requests"` // requests without a time, in no bucket
	Tables        map[string]Table `json:"tables"`
	Series        Series           `json:"series"`
}

// A Table is one of the report's tables: its rows with the most requests.
type Table struct {
	Title    string `json:"title"`
	Distinct int64  `json:"distinct"` // values in all, the absent one not counted
	Rows     []Row  `json:"rows"`
}

// A Row is one value of a table.
type Row struct {
	Value     string  `json:"value"`
	Absent    bool    `json:"absent,omitempty"`    // logged as "-"
	Truncated bool    `json:"truncated,omitempty"` // Value is its first MaxValue bytes
	Requests  int64   `json:"requests"`
	Share     float64 `json:"share"` // of all requests, 0 to 1
	Bytes     int64   `json:"bytes"`
}

// Series are the charts' data.
type Series struct {
	// Step is the width of a traffic bucket: "hour" up to a week, "day"
	// up to 400 days, else "month".
	Step    string   `json:"step"`
	Classes []string `json:"classes"` // the status classes of Bucket.Requests
	Traffic []Bucket `json:"traffic"`
	// Days are the distinct client hosts per day (the last 400 days).
	Days []Day `json:"days"`
	// Omitted counts the earliest buckets and days left out past the
	// caps, 0 normally.
	Omitted int `json:"omitted,omitempty"`
}

// A Bucket is one step of traffic.
type Bucket struct {
	Start    string  `json:"start"`
	Requests []int64 `json:"requests"` // per class, in Series.Classes order
	Bytes    int64   `json:"bytes"`
}

// A Day is one day's distinct client hosts.
type Day struct {
	Day      string `json:"day"`
	Requests int64  `json:"requests"`
	Hosts    int64  `json:"hosts"`
}

// tableTitles are the headings of the tables.
var tableTitles = map[jobs.ReportTable]string{
	jobs.TablePaths:      "Top paths",
	jobs.TableNotFound:   "Top 404 paths",
	jobs.TableHosts:      "Top client hosts",
	jobs.TableReferers:   "Top referrers",
	jobs.TableUserAgents: "Top user agents",
	jobs.TableStatus:     "Status codes",
	jobs.TableMethods:    "Methods",
	jobs.TableVHosts:     "Virtual hosts",
}

// NewData turns a report result into the page's data: at most top rows
// per table (0: all the result has, at most MaxTop), values cut to
// MaxValue bytes, the series bucketed (see Series).
func NewData(res *jobs.ReportResult, o Options) *Data {
	top, generated := o.Top, o.Generated
	if top <= 0 || top > MaxTop {
		top = MaxTop
	}
	loc := res.Location
	if loc == nil {
		loc = time.UTC
	}
	d := &Data{Title: cutTitle(cmp.Or(o.Title, "logmr report")), Zone: res.Zone, Requests: res.Requests, Bytes: res.Bytes, DistinctHosts: res.DistinctHosts,
		Malformed: res.Stats.Malformed, Lines: res.Stats.Lines, InputsRead: res.Stats.Inputs, InputsFailed: o.Failed,
		Untimed: res.Untimed, Tables: map[string]Table{}}
	if !res.First.IsZero() {
		d.First, d.Last = res.First.In(loc).Format(time.RFC3339), res.Last.In(loc).Format(time.RFC3339)
	}
	if !generated.IsZero() {
		d.Generated = generated.In(loc).Format(time.RFC3339)
	}
	for _, t := range res.Tables {
		out := Table{Title: tableTitles[t.Name], Distinct: t.Distinct, Rows: []Row{}}
		for _, r := range t.Rows[:min(len(t.Rows), top)] {
			value, cut := truncate(r.Key, MaxValue)
			share := 0.0
			if res.Requests > 0 {
				share = float64(r.Requests) / float64(res.Requests)
			}
			out.Rows = append(out.Rows, Row{Value: value, Absent: r.Absent, Truncated: cut, Requests: r.Requests, Share: share, Bytes: r.Bytes})
		}
		d.Tables[string(t.Name)] = out
	}
	d.Series = newSeries(res, loc)
	return d
}

// truncate cuts s at a character boundary where its escaped size (see
// MaxValue) would pass n.
func truncate(s string, n int) (string, bool) {
	cost := 0
	for i, r := range s {
		switch {
		case r == '<' || r == '>' || r == '&' || r == '\'' || r == '"' || r < 0x20 || r == utf8.RuneError:
			cost += 6
		default:
			cost += utf8.RuneLen(r)
		}
		if cost > n {
			return s[:i], true
		}
	}
	return s, false
}

// cutTitle cuts title to MaxTitle characters, the last of them "…".
func cutTitle(title string) string {
	if utf8.RuneCountInString(title) <= MaxTitle {
		return title
	}
	n := 0
	for i := range title {
		if n == MaxTitle-1 {
			return title[:i] + "…"
		}
		n++
	}
	return title
}
