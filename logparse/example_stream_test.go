package logparse_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"

	"github.com/logmr/logmr/logparse"
)

// A Stream inflates gzip with Intel ISA-L when libisal loads, else in Go:
// the text is the same either way.
func ExampleNewStreamWith() {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, "203.0.113.9 - - [02/Dec/2026:13:00:00 +0000] \"GET /robots.txt HTTP/1.1\" 200 68\n")
	zw.Close()

	which := logparse.InflateGo
	if logparse.LoadISAL() == nil {
		which = logparse.InflateISAL
	}
	s, err := logparse.NewStreamWith(&gz, logparse.StreamOptions{Inflater: which})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	text, err := io.ReadAll(s)
	fmt.Printf("%s%v %v\n", text, s.Compressed(), err)
	// Output:
	// 203.0.113.9 - - [02/Dec/2026:13:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 68
	// true <nil>
}

// Logs rotated with zstd (or xz, bzip2, lz4) are read as gzip ones are:
// the Stream sniffs the compression from the first bytes and says which
// decoder read it.
func ExampleNewStream_zstd() {
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	line := "203.0.113.9 - - [02/Dec/2026:13:00:00 +0000] \"GET /robots.txt HTTP/1.1\" 200 68\n"
	frame := enc.EncodeAll([]byte(line), nil)
	// Two frames, as "cat a.zst b.zst" makes: both are read.
	s, err := logparse.NewStream(bytes.NewReader(append(frame, frame...)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	text, err := io.ReadAll(s)
	fmt.Printf("%s%v %v %v\n", text, s.Compressed(), s.Inflater(), err)
	// Output:
	// 203.0.113.9 - - [02/Dec/2026:13:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 68
	// 203.0.113.9 - - [02/Dec/2026:13:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 68
	// true zstd <nil>
}
