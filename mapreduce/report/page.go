package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logmr/logmr/mapreduce/jobs"
)

//go:embed page.html.tmpl
var pageText string

//go:embed sort.js
var sortScript string

// displayRunes is the most characters of a table value shown in its cell;
// the cell's tooltip has the value as the data holds it.
const displayRunes = 80

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"num":   groupThousands,
	"bytes": humanBytes,
	"pct":   func(share float64) string { return strconv.FormatFloat(share*100, 'f', 1, 64) + " %" },
	"width": func(share float64) string { return strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64) },
	"short": func(s string) string {
		if utf8.RuneCountInString(s) <= displayRunes {
			return s
		}
		return string([]rune(s)[:displayRunes-1]) + "…"
	},
	"inc": func(i int) int { return i + 1 },
}).Parse(pageText))

// scriptHash is the Content-Security-Policy source of the page's one
// script: the browser runs no other, whatever a page's text holds.
var scriptHash = func() string {
	sum := sha256.Sum256([]byte(sortScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// pageData is what the template is executed with.
type pageData struct {
	*Data
	CSP      string
	JSON     template.JS // Data as JSON: < > & written \u003c \u003e \u0026
	Script   template.JS
	Period   string
	Charts   []pageChart
	Tables   []pageTable
	Classes  []string
	Omitted  int
	StepWord string
}

type pageChart struct {
	Title   string
	Note    string
	Class   string // the CSS class that colours it
	SVG     template.HTML
	Legend  []string
	Caption string
}

type pageTable struct {
	Name string
	Table
}

// WriteJSON writes d as one JSON object and a newline: the object the
// page embeds.
func WriteJSON(w io.Writer, d *Data) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// WriteHTML writes d as one self-contained HTML page: inline CSS, charts
// as inline SVG, the data as JSON in <script type="application/json"
// id="logmr-data">, and a short script that only sorts the tables. Every
// text from the logs is escaped; a Content-Security-Policy lets no other
// script run.
func WriteHTML(w io.Writer, d *Data) error {
	raw, err := json.Marshal(d) // escapes <, > and & for HTML
	if err != nil {
		return err
	}
	pd := pageData{Data: d, JSON: template.JS(raw), Script: template.JS(sortScript), Omitted: d.Series.Omitted,
		CSP: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src " + scriptHash}
	pd.Period = period(d)
	pd.Charts = charts(d)
	for _, name := range jobs.ReportTables {
		if t, ok := d.Tables[string(name)]; ok {
			pd.Tables = append(pd.Tables, pageTable{Name: string(name), Table: t})
		}
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, pd); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// period says what times the report covers, in its zone.
func period(d *Data) string {
	if d.First == "" {
		return "no request had a time"
	}
	first, _ := time.Parse(time.RFC3339, d.First)
	last, _ := time.Parse(time.RFC3339, d.Last)
	const layout = "2006-01-02 15:04:05"
	return first.Format(layout) + " to " + last.Format(layout) + " (UTC" + first.Format("-07:00") + ")"
}

// charts are the page's three charts.
func charts(d *Data) []pageChart {
	s := d.Series
	n := len(s.Traffic)
	labels, ticks := make([]string, n), make([]string, n)
	requests, sent := make([][]float64, n), make([][]float64, n)
	starts := make([]time.Time, n)
	for i, b := range s.Traffic {
		starts[i], _ = time.Parse(time.RFC3339, b.Start)
		requests[i] = make([]float64, len(b.Requests))
		for c, v := range b.Requests {
			requests[i][c] = float64(v)
		}
		sent[i] = []float64{float64(b.Bytes)}
	}
	bucketLabels(starts, s.Step, labels, ticks)
	zone := " (" + d.Zone + ")"
	count := func(v float64) string { return groupThousands(int64(v)) }
	out := []pageChart{
		{Title: "Requests per " + s.Step, Class: "status", Legend: s.Classes, SVG: chart{
			title: "Requests per " + s.Step + ", stacked by status class", yTitle: "requests per " + s.Step, xTitle: s.Step + zone,
			labels: labels, ticks: ticks, bars: requests, layers: s.Classes, format: count}.svg()},
		{Title: "Bytes sent per " + s.Step, Class: "bytes", SVG: chart{
			title: "Bytes sent per " + s.Step, yTitle: "bytes per " + s.Step, xTitle: s.Step + zone,
			labels: labels, ticks: ticks, bars: sent, layers: []string{"bytes"}, format: func(v float64) string { return humanBytes(int64(v)) }, bytes: true}.svg()},
	}
	dn := len(s.Days)
	dlabels, dticks, hosts := make([]string, dn), make([]string, dn), make([][]float64, dn)
	dstarts := make([]time.Time, dn)
	for i, day := range s.Days {
		dstarts[i], _ = time.Parse(time.DateOnly, day.Day)
		hosts[i] = []float64{float64(day.Hosts)}
	}
	bucketLabels(dstarts, "day", dlabels, dticks)
	out = append(out, pageChart{Title: "Distinct client hosts per day", Class: "hosts", SVG: chart{
		title: "Distinct client hosts per day", yTitle: "hosts per day", xTitle: "day" + zone,
		labels: dlabels, ticks: dticks, bars: hosts, layers: []string{"hosts"}, format: count}.svg()})
	return out
}

// bucketLabels fills each bucket's tooltip name and, for every few
// buckets, its axis label.
func bucketLabels(starts []time.Time, step string, labels, ticks []string) {
	every := max(1, (len(starts)+maxXLabels-1)/maxXLabels)
	if step == "hour" && every > 1 { // on whole hours of the day: 2, 3, 4, 6, 12 or 24
		for _, h := range []int{2, 3, 4, 6, 12, 24} {
			if h >= every {
				every = h
				break
			}
		}
	}
	for i, t := range starts {
		switch step {
		case "hour":
			labels[i] = t.Format("Mon 2006-01-02 15:04")
		case "month":
			labels[i] = t.Format("January 2006")
		default:
			labels[i] = t.Format("Mon 2006-01-02")
		}
		if (step == "hour" && t.Hour()%every == 0 && every <= 24) || (step != "hour" && i%every == 0) {
			switch {
			case step == "hour" && (t.Hour() == 0 || i == 0):
				ticks[i] = t.Format("Jan 2 15h")
			case step == "hour":
				ticks[i] = t.Format("15h")
			case step == "month":
				ticks[i] = t.Format("Jan 2006")
			default:
				ticks[i] = t.Format("Jan 2")
			}
		}
	}
}

// groupThousands writes n with thin spaces between groups of three digits.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	return b.String()
}

// humanBytes writes n in B, KiB, MiB, GiB, TiB.
func humanBytes(n int64) string {
	v := float64(n)
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB"} {
		if v < 1024 || u == "TiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", n)
			}
			return strconv.FormatFloat(v, 'f', 1, 64) + " " + u
		}
		v /= 1024
	}
	return ""
}
