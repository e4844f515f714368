package logscan

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/logmr/logmr/logparse"
)

var errBadStats = errors.New("malformed stats")

// modulePath is this module's path, looked up in the build information.
const modulePath = "github.com/logmr/logmr"

// BuildID names the code that parses and aggregates, so that a partial
// cached by another build (a fixed parser, say) is never reused: the
// module's version when the build information gives a released or clean
// one, else a hash of the executable itself. It is worked out once.
func BuildID() string { return buildID() }

var buildID = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		mod := &bi.Main
		if mod.Path != modulePath {
			mod = nil
			for _, dep := range bi.Deps {
				if dep.Path == modulePath {
					mod = dep
				}
			}
		}
		if mod != nil && mod.Replace == nil && mod.Version != "" && mod.Version != "(devel)" && !strings.Contains(mod.Version, "dirty") {
			return mod.Path + "@" + mod.Version + " " + bi.GoVersion
		}
	}
	if exe, err := os.Executable(); err == nil {
		if f, err := os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				return fmt.Sprintf("executable %x", h.Sum(nil))
			}
		}
	}
	// Nothing names this build: a key of its own, never found again.
	return fmt.Sprintf("process %d at %d", os.Getpid(), time.Now().UnixNano())
})

// QueryDescription is every option that changes the partial result of one
// input: the aggregate (kind, a PartialCodec's PartialKind), the format,
// the filter, the input filter, and whether the stats count every line
// (CheckAllLines, or a filter that allows no prefilter) or a sample.
// Selection, workers, MaxMalformed (applied to the cached counts) and the
// like are not in it. Its hash, with the build's, names the cache's query
// directory; alone, it is the query of a partial-result file.
func QueryDescription(kind string, opts ScanOptions) string {
	var b strings.Builder
	line := func(name string, values ...string) {
		b.WriteString(name)
		for _, v := range values {
			b.WriteByte(' ')
			b.WriteString(strconv.Quote(v))
		}
		b.WriteByte('\n')
	}
	line("aggregate", kind)
	if opts.Format == nil {
		line("format", logparse.AutoFormat)
	} else {
		line("format", opts.Format.Name, opts.Format.LogFormat)
	}
	f := opts.Filter
	line("path", f.Paths...)
	line("path-prefix", f.PathPrefixes...)
	line("path-regex", f.PathRegexps...)
	line("status", f.Statuses...)
	line("method", f.Methods...)
	line("since", instantText(f.Since))
	line("until", instantText(f.Until))
	line("host", f.Hosts...)
	line("user-agent-regex", f.UserAgentRegexps...)
	line("referer-regex", f.RefererRegexps...)
	line("vhost", f.VHosts...)
	if len(f.Funcs) > 0 { // a line only when there are some: other queries keep their hash
		names := make([]string, len(f.Funcs))
		for i, fn := range f.Funcs {
			names[i] = fn.Name
		}
		line("func", names...)
	}
	for _, stage := range opts.InputFilter {
		line("input-filter", stage...)
	}
	if m, err := f.Compile(); err == nil && !opts.CheckAllLines && len(m.Required().Any) > 0 {
		// A line only then: the stats of other queries keep their meaning, and their hash.
		line("parsed", "lines with the filter's text", "1/"+strconv.Itoa(SampleEvery)+" of the others")
	}
	return b.String()
}

func instantText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}
