package logparse

import (
	"errors"
	"testing"
)

// A compressed file cut within its magic number (a copy that had written
// only its first bytes) is a truncated stream that names the codec, as a
// file cut anywhere after it is, not text that fails to parse.
func TestStreamCodecsCutInMagic(t *testing.T) {
	text := codecLog("10.0.0", 10)
	for _, w := range codecWriters {
		t.Run(w.name, func(t *testing.T) {
			data := w.fn(t, text)
			from := 2
			if w.ext == "bzip2" {
				from = 4 // "BZ" and "BZh" are text
			}
			for n := from; n < 6; n++ {
				if w.legacy() && n == 4 {
					continue // the magic alone is an empty legacy file, as lz4 -dc reads it
				}
				_, _, err := readCodec(t, data[:n], StreamOptions{})
				if !errors.Is(err, ErrTruncated) || err.Error() != "truncated "+w.ext+" stream" {
					t.Errorf("first %d bytes %q: error %v, want %q", n, data[:n], err, "truncated "+w.ext+" stream")
				}
			}
		})
	}
}

// A log whose first host or virtual host starts with "BZh" is a log, not
// bzip2 data compressed twice: that needs the block size and a block's
// magic after "BZh", as sniffCodec reads it.
func TestSniffContentBZhText(t *testing.T) {
	for _, head := range []string{
		`BZhost.example.com - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5`,
		`BZh9 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5`,
	} {
		if got := SniffContent([]byte(head)); got != "" {
			t.Errorf("SniffContent(%q) = %q, want \"\"", head, got)
		}
	}
	for _, head := range []string{"BZh91AY&SY\x01\x02", "BZh1\x17rE8P\x90\x00\x00\x00\x00"} {
		if got, want := SniffContent([]byte(head)), "bzip2-compressed data (compressed twice)"; got != want {
			t.Errorf("SniffContent(%q) = %q, want %q", head, got, want)
		}
	}
}
