package logparse

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Helpers shared by the tests. They read inputs with the standard library,
// not with Stream and Scanner, so that tests of the parser do not lean on
// the code they would otherwise share a bug with.

const (
	realLogs     = "../testdata/realdata/apache_logs.gz"
	vhostLog     = "../testdata/realdata/vhost_combined.log"
	rotatedLogs  = "../testdata/logs/*"
	clfLayout    = "02/Jan/2006:15:04:05 -0700"
	stampText    = "21/Nov/2026:10:00:00 +0000"
	lineHead     = `192.0.2.1 - - [` + stampText + `] `
	requestGET   = `"GET /index.html HTTP/1.1"`
	commonLine   = lineHead + requestGET + ` 200 5120`
	combinedLine = commonLine + ` "http://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"`
)

// readLines returns the lines of a plain or gzip file (sniffed from its
// content) without "\n" and without a "\r" before it, as a Scanner would.
func readLines(tb testing.TB, path string) [][]byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(data)) // multistream by default
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
	}
	return splitLines(data)
}

func splitLines(data []byte) [][]byte {
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return nil
	}
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return lines
}

// rotatedLogFiles returns the small rotated logs in ../testdata/logs.
func rotatedLogFiles(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(rotatedLogs)
	if err != nil || len(paths) == 0 {
		tb.Fatalf("glob %s: %v, %d files", rotatedLogs, err, len(paths))
	}
	return paths
}

// clfTime returns what %t text means, by time.Parse.
func clfTime(tb testing.TB, s string) (unix int64, offset int32) {
	tb.Helper()
	t, err := time.Parse(clfLayout, s)
	if err != nil {
		tb.Fatalf("time.Parse(%q): %v", s, err)
	}
	_, off := t.Zone()
	return t.Unix(), int32(off)
}

// diffRecord lists the fields where got differs from want, each as
// "Field = got, want want". Text fields differ also when one is nil and
// the other is empty: "-" and "" are different things in a log.
func diffRecord(got, want *Record) []string {
	var d []string
	text := func(name string, g, w []byte) {
		if !bytes.Equal(g, w) || (g == nil) != (w == nil) {
			d = append(d, fmt.Sprintf("%s = %s, want %s", name, showText(g), showText(w)))
		}
	}
	num := func(name string, g, w int64) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %d, want %d", name, g, w))
		}
	}
	text("Host", got.Host, want.Host)
	text("Ident", got.Ident, want.Ident)
	text("User", got.User, want.User)
	num("Time", got.Time, want.Time)
	num("Offset", int64(got.Offset), int64(want.Offset))
	text("Request", got.Request, want.Request)
	text("Method", got.Method, want.Method)
	text("Target", got.Target, want.Target)
	text("Protocol", got.Protocol, want.Protocol)
	text("Path()", got.Path(), want.Path())
	num("Status", int64(got.Status), int64(want.Status))
	num("Bytes", got.Bytes, want.Bytes)
	text("Referer", got.Referer, want.Referer)
	text("UserAgent", got.UserAgent, want.UserAgent)
	return d
}

func showText(b []byte) string {
	if b == nil {
		return "nil"
	}
	return strconv.Quote(string(b))
}
