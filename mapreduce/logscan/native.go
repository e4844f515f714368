package logscan

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"

	"github.com/logmr/logmr/subproc"
)

// Decompressor choices for FindDecompressor.
const (
	DecompressAuto  = "auto"  // igzip when on PATH, for inputs with 3 cores or more each; else Go
	DecompressGo    = "go"    // klauspost/compress, in this process
	DecompressIgzip = "igzip" // Intel ISA-L's igzip (Debian package isal)
	DecompressPigz  = "pigz"
)

// A Decompressor is a child process that inflates gzip inputs (see
// ScanOptions.Decompressor). The zero value inflates in Go.
type Decompressor struct {
	Command subproc.Stage // such as igzip -dc: gzip on stdin, text on stdout
	// SpareCoresOnly uses the child only for inputs that have three
	// cores or more each (at most a third as many inputs as workers, and
	// as GOMAXPROCS). With every core busy, moving the text through a
	// pipe costs about what igzip saves over Go: on 2 cores, 32 files took
	// 1.64 s with igzip and 1.65 s with Go (docs/performance.md). With
	// cores to spare, igzip inflates a big file about 3 times as fast as
	// Go, and its lines are parsed on the spare cores.
	SpareCoresOnly bool
}

// FindDecompressor resolves a choice of gzip decompressor. "auto" picks
// igzip, when it is on PATH, for inputs with cores to spare (see
// SpareCoresOnly), Go otherwise; "igzip" and "pigz" use that child for
// every gzip file of nativeMinBytes or more; pigz only when asked for, as
// its single-threaded inflate is slower than Go's.
func FindDecompressor(choice string) (Decompressor, error) {
	switch choice {
	case DecompressGo:
		return Decompressor{}, nil
	case DecompressAuto:
		if path, err := exec.LookPath(DecompressIgzip); err == nil {
			return Decompressor{Command: subproc.Stage{path, "-dc"}, SpareCoresOnly: true}, nil
		}
		return Decompressor{}, nil
	case DecompressIgzip, DecompressPigz:
		path, err := exec.LookPath(choice)
		if err != nil {
			return Decompressor{}, fmt.Errorf("%w: decompressor %s: not found on PATH (Debian/Ubuntu package %s)", ErrInvalidOptions, choice, map[string]string{DecompressIgzip: "isal", DecompressPigz: "pigz"}[choice])
		}
		return Decompressor{Command: subproc.Stage{path, "-dc"}}, nil
	}
	return Decompressor{}, fmt.Errorf("%w: decompressor %q: want auto, go, igzip or pigz", ErrInvalidOptions, choice)
}

// nativeMinBytes is the smallest file a child decompressor is started for:
// starting igzip costs about 1.5 ms, and on 40 files of 170 KB (1.6 MB of
// text each) Go and igzip took the same time on 2 cores; on 40 of 12 KB,
// igzip took twice as long.
var nativeMinBytes int64 = 256 << 10 // a variable for the tests

// errNativeFailed says that the decompressor child did not inflate an
// input to the end, or that what it wrote could not be vouched for: the
// input is then read again in Go (see logScanner.mapInput), which gives the
// same answer as if the child had not been tried, errors included.
var errNativeFailed = errors.New("native decompressor failed")

// scanNative is scanStream for a gzip file, inflated by the child process
// opts.Decompressor.Command. Its output is read as plain text: a file that
// is gzip inside gzip is inflated once, as in Go.
//
// A child that fails, output that does not read as a log, or output that
// does not end where the stream's last gzip trailer says it should, returns
// errNativeFailed. The trailer check is what keeps the answer Go's: igzip
// ignores data after the last member, where Go reports ErrTrailingData. It
// costs a multi-member file (whose last member is not all of the text) a
// second reading, in Go.
func scanNative(ctx context.Context, raw io.Reader, opts ScanOptions, readAhead bool, fn func(lines *lineSource) error) (readResult, error) {
	br := bufio.NewReaderSize(raw, 64<<10)
	if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return scanStream(br, opts, readAhead, fn) // not gzip: nothing to inflate
	}
	tail := &gzipTail{r: br}
	child, err := subproc.Start(ctx, []subproc.Stage{opts.Decompressor.Command}, tail, nil, subproc.Options{})
	if err != nil {
		return readResult{}, fmt.Errorf("%w: %v", errNativeFailed, err)
	}
	res, err := scanText(child.Stdout(), opts.Format, 0, func(lines *lineSource) error {
		lines.parsers = opts.parsers
		return fn(lines)
	})
	werr := child.Wait()
	switch {
	case ctx.Err() != nil:
		return readResult{}, ctx.Err()
	case werr != nil:
		return readResult{}, fmt.Errorf("%w: %v", errNativeFailed, werr)
	case err != nil:
		// Go decides what is wrong with the input, so that the error is
		// the one it would give alone.
		return readResult{}, fmt.Errorf("%w: %v", errNativeFailed, err)
	case !tail.endsWith(res.text):
		return readResult{}, fmt.Errorf("%w: its output does not end where the input's last gzip trailer says", errNativeFailed)
	}
	res.compressed = true
	return res, nil
}

// gzipTail watches a gzip stream go by for what its end must hold: the
// last member's trailer, whose last four bytes (ISIZE) are the member's
// text size mod 2^32, then possibly zero padding, which Go's reader and
// zcat ignore. As ISIZE may itself end in zero bytes, it keeps the four
// bytes up to the last non-zero byte, and how many zeros follow.
type gzipTail struct {
	r     io.Reader
	last  [4]byte // the four bytes ending at the last non-zero byte
	zeros int64   // zero bytes after it
}

func (t *gzipTail) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.see(p[:n])
	return n, err
}

func (t *gzipTail) see(b []byte) {
	j := len(b) - 1
	for j >= 0 && b[j] == 0 {
		j--
	}
	if j < 0 {
		t.zeros += int64(len(b))
		return
	}
	// The new window is the old one, then t.zeros zeros, then b[:j+1]:
	// fill it from its end.
	var w [4]byte
	k := len(w)
	for i := j; i >= 0 && k > 0; i-- {
		k--
		w[k] = b[i]
	}
	for z := t.zeros; z > 0 && k > 0; z-- {
		k--
		w[k] = 0
	}
	for i := len(t.last) - 1; k > 0; i-- {
		k--
		w[k] = t.last[i]
	}
	t.last, t.zeros = w, int64(len(b)-1-j)
}

// endsWith reports whether the stream seen ends with an ISIZE of size,
// possibly followed by zeros.
func (t *gzipTail) endsWith(size int64) bool {
	var want [4]byte
	binary.LittleEndian.PutUint32(want[:], uint32(size))
	for m := 0; m <= 4 && int64(m) <= t.zeros; m++ {
		// ISIZE is followed by the last zeros but m.
		var w [4]byte
		copy(w[:], t.last[m:])
		if w == want {
			return true
		}
	}
	return false
}
