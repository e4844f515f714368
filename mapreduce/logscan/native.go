package logscan

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/subproc"
)

// A DecompressorChoice names what inflates gzip inputs, for
// FindDecompressor.
type DecompressorChoice string

// Decompressor choices for FindDecompressor.
const (
	DecompressAuto  DecompressorChoice = "auto"  // ISA-L in this process when it loads, else Go; and igzip, when on PATH, for inputs with 3 cores or more each
	DecompressGo    DecompressorChoice = "go"    // klauspost/compress, in this process
	DecompressISAL  DecompressorChoice = "isal"  // Intel ISA-L's libisal, in this process (Debian package libisal2)
	DecompressIgzip DecompressorChoice = "igzip" // Intel ISA-L's igzip, a child process (Debian package isal)
	DecompressPigz  DecompressorChoice = "pigz"
)

// An Inflater says what turned an input's stored bytes into the log text
// read (see FileStats.Inflater): NotCompressed, InflatedByGo,
// InflatedByISAL, one of the other compressions' decoders (InflatedByZstd
// ...), AnsweredByCache, or the name of a child decompressor
// (InflatedByChild).
type Inflater string

const (
	NotCompressed   Inflater = "none"   // plain text, read as stored or as an input filter wrote it
	InflatedByGo    Inflater = "go"     // gzip inflated in this process by Go, also after a child decompressor failed
	InflatedByISAL  Inflater = "isal"   // gzip inflated in this process by Intel ISA-L, also after a child decompressor failed
	InflatedByZstd  Inflater = "zstd"   // zstd decompressed in this process (klauspost/compress/zstd)
	InflatedByXZ    Inflater = "xz"     // xz decompressed in this process (ulikunitz/xz)
	InflatedByBzip2 Inflater = "bzip2"  // bzip2 decompressed in this process (compress/bzip2)
	InflatedByLZ4   Inflater = "lz4"    // lz4 frames decompressed in this process (pierrec/lz4)
	AnsweredByCache Inflater = "cached" // the cache answered for the whole input: nothing was read
)

// streamInflater is the Inflater of a Stream's content.
func streamInflater(s *logparse.Stream) Inflater {
	if !s.Compressed() {
		return NotCompressed
	}
	switch s.Inflater() {
	case logparse.InflateISAL:
		return InflatedByISAL
	case logparse.InflateZstd:
		return InflatedByZstd
	case logparse.InflateXZ:
		return InflatedByXZ
	case logparse.InflateBzip2:
		return InflatedByBzip2
	case logparse.InflateLZ4:
		return InflatedByLZ4
	}
	return InflatedByGo
}

// InflatedByChild is the Inflater of an input that the child decompressor
// command (a path, such as /usr/bin/igzip) inflated: its base name.
func InflatedByChild(command string) Inflater { return Inflater(filepath.Base(command)) }

// Inflated reports whether the input was compressed, and decompressed in
// this process or by a child.
func (i Inflater) Inflated() bool { return i != "" && i != NotCompressed && i != AnsweredByCache }

// A Decompressor says what inflates gzip inputs (see
// ScanOptions.Decompressor): in this process, and possibly a child process
// for big files. The zero value inflates in this process, with ISA-L when
// it loads. Inputs in the other compressions (zstd, xz, bzip2, lz4) are
// always decompressed in this process, by their one decoder each,
// whatever the Decompressor.
type Decompressor struct {
	// InProcess inflates what no child does: every gzip input read
	// directly, from standard input or from an input filter, and the
	// files a failed child leaves to be read again. The zero value,
	// logparse.InflateAuto, is ISA-L when it loads, else Go.
	InProcess logparse.Inflater
	Command   subproc.Stage // such as igzip -dc: gzip on stdin, text on stdout
	// SpareCoresOnly uses the child only for inputs that have three
	// cores or more each (at most a third as many inputs as workers, and
	// as GOMAXPROCS). With every core busy, moving the text through a
	// pipe costs more than the child saves: on 2 cores, 16 files of 16
	// MiB took 2.04 s (1.3 CPU s) with igzip, 1.46 s (0.76) with ISA-L in
	// this process and 2.18 s (1.0) with Go (docs/performance.md). With
	// cores to spare, igzip inflates a big file while its lines are
	// parsed on the spare cores; in this process they are parsed on one.
	SpareCoresOnly bool
}

// FindDecompressor resolves a choice of gzip decompressor. "auto" inflates
// in this process, with ISA-L when libisal loads (a third of Go's CPU
// time), and picks igzip, when it is on PATH, for inputs with cores to
// spare (see SpareCoresOnly); "go" and "isal" inflate everything in this
// process, with that inflater ("isal" fails where libisal does not load);
// "igzip" and "pigz" use that child for every gzip file of nativeMinBytes
// or more; pigz only when asked for, as its single-threaded inflate is
// slower than Go's.
func FindDecompressor(choice DecompressorChoice) (Decompressor, error) {
	switch choice {
	case DecompressGo:
		return Decompressor{InProcess: logparse.InflateGo}, nil
	case DecompressISAL:
		if err := logparse.LoadISAL(); err != nil {
			return Decompressor{}, fmt.Errorf("%w: decompressor isal: %v", ErrInvalidOptions, err)
		}
		return Decompressor{InProcess: logparse.InflateISAL}, nil
	case DecompressAuto:
		if path, err := exec.LookPath(string(DecompressIgzip)); err == nil {
			return Decompressor{Command: subproc.Stage{path, "-dc"}, SpareCoresOnly: true}, nil
		}
		return Decompressor{}, nil
	case DecompressIgzip, DecompressPigz:
		path, err := exec.LookPath(string(choice))
		if err != nil {
			return Decompressor{}, fmt.Errorf("%w: decompressor %s: not found on PATH (Debian/Ubuntu package %s)", ErrInvalidOptions, choice, map[DecompressorChoice]string{DecompressIgzip: "isal", DecompressPigz: "pigz"}[choice])
		}
		return Decompressor{Command: subproc.Stage{path, "-dc"}}, nil
	}
	return Decompressor{}, fmt.Errorf("%w: decompressor %q: want auto, go, isal, igzip or pigz", ErrInvalidOptions, choice)
}

// nativeMinBytes is the smallest file a child decompressor is started for:
// starting igzip costs about 1.5 ms, and on 40 files of 170 KB (1.6 MB of
// text each) Go and igzip took the same time on 2 cores; on 40 of 12 KB,
// igzip took twice as long.
var nativeMinBytes int64 = 256 << 10 // a variable for the tests

// errNativeFailed says that the decompressor child did not inflate an
// input to the end, or that what it wrote could not be vouched for: the
// input is then read again in Go (see readWithFallback), which gives the
// same answer as if the child had not been tried, errors included.
var errNativeFailed = errors.New("native decompressor failed")

// readWithFallback reads in once with read, and again if need be. The
// policy, in one place: a child decompressor (plan.decompressor) is tried
// only on a regular file of nativeMinBytes or more (Size is -1 for
// others: a pipe or FIFO would be empty, or block, the second time). If
// it fails (errNativeFailed, see closeChild) and the run goes on, what it
// read is dropped and the input is read again from the start in this
// process; if ISA-L then fails to read a regular file, Go reads it once
// more, giving the answer, or the error, it would have given alone.
// Progress counts the input's bytes once.
func readWithFallback[T any](ctx context.Context, in Input, plan readPlan, read func(readPlan) (T, error)) (T, error) {
	// The readings to try, in order, each while the one before failed
	// with errNativeFailed: the child, ISA-L in this process, Go.
	var plans []readPlan
	if plan.decompressor != nil && in.Size >= nativeMinBytes && in.Open == nil {
		plans = append(plans, plan)
	}
	inProcess := plan
	inProcess.decompressor = nil
	// ISA-L's read errors are read again in Go where the input can be
	// read twice: not through an input filter, whose children may not
	// give the same bytes twice.
	inProcess.rereadInGo = inProcess.inProcess != logparse.InflateGo && in.Size >= 0 && in.Open == nil && len(plan.inputFilter) == 0
	plans = append(plans, inProcess)
	if inProcess.rereadInGo {
		inGo := inProcess
		inGo.inProcess, inGo.rereadInGo = logparse.InflateGo, false
		plans = append(plans, inGo)
	}
	var reported int64 // bytes the progress bar was told of
	for _, p := range plans[:len(plans)-1] {
		var shown *rereadProgress
		if p.progress != nil {
			shown = &rereadProgress{p: p.progress, skip: reported}
			p.progress = shown
		}
		out, err := read(p)
		if !errors.Is(err, errNativeFailed) || ctx.Err() != nil {
			return out, err
		}
		if shown != nil {
			reported += shown.n
		}
	}
	last := plans[len(plans)-1]
	if last.progress != nil && len(plans) > 1 {
		last.progress = &rereadProgress{p: last.progress, skip: reported}
	}
	return read(last)
}

// rereadProgress is the Progress of one input that may be read twice (see
// readWithFallback): it counts what it passes on, n, and does not pass on
// its first skip bytes, which the first reading reported already.
type rereadProgress struct {
	p    Progress
	n    int64
	skip int64
}

func (r *rereadProgress) Start(int64) {} // never called: the run's Progress is started

func (r *rereadProgress) Add(n int64) {
	skipped := min(n, r.skip)
	r.skip -= skipped
	if n -= skipped; n > 0 {
		r.n += n
		r.p.Add(n)
	}
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
