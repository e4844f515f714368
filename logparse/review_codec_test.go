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
