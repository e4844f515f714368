package logparse

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

// diffNeeds are the Parser.Need sets the differential test tries: each
// field group alone, none, all, and what count --by status asks for.
var diffNeeds = []Fields{0, FieldTime, FieldRequest, FieldReferer, FieldUserAgent,
	FieldRequest | FieldUserAgent, AllFields}

// oldDiff holds a new Parser and the old one for one format and one need,
// each with a Record of its own that is reused from line to line, so that
// a field the new parser forgets to reset shows up too.
type oldDiff struct {
	p        *Parser
	old      oldParser
	combined bool
	rec, ref Record
}

func newOldDiffs() []*oldDiff {
	var ds []*oldDiff
	for _, f := range []*Format{Common, Combined} {
		for _, need := range diffNeeds {
			d := &oldDiff{p: NewParser(f), combined: f == Combined}
			d.p.Need(need)
			d.old.skip = AllFields &^ need
			ds = append(ds, d)
		}
	}
	return ds
}

// check parses line with both parsers and reports the first disagreement:
// a different error value (the same *SyntaxError, not only the same
// verdict) or, for a well-formed line, any field of the Record.
func (d *oldDiff) check(t *testing.T, where string, line []byte) bool {
	t.Helper()
	err := d.p.Parse(line, &d.rec)
	want := oldParse(&d.old, line, &d.ref, d.combined)
	if err != want {
		t.Errorf("%s: %s Need(%04b) Parse(%q) = %v, old parser: %v", where, d.p.Format().Name, AllFields&^d.p.skip, line, err, want)
		return false
	}
	if err != nil {
		return true
	}
	if diff := recordDiff(&d.rec, &d.ref); diff != "" {
		t.Errorf("%s: %s Need(%04b) Parse(%q): %s", where, d.p.Format().Name, AllFields&^d.p.skip, line, diff)
		return false
	}
	return true
}

// recordDiff compares every member of two Records, unexported ones too:
// text by content and nil-ness ("-" is nil, "" is empty), the rest by ==.
// It returns "" when they are equal.
func recordDiff(got, want *Record) string {
	g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range g.NumField() {
		name := g.Type().Field(i).Name
		if msg := valueDiff(g.Field(i), w.Field(i)); msg != "" {
			return name + ": " + msg
		}
	}
	return ""
}

func valueDiff(g, w reflect.Value) string {
	switch g.Kind() {
	case reflect.Slice:
		if g.IsNil() != w.IsNil() || g.Len() != w.Len() {
			return fmt.Sprintf("nil %v len %d, want nil %v len %d", g.IsNil(), g.Len(), w.IsNil(), w.Len())
		}
		if g.Type().Elem().Kind() == reflect.Uint8 {
			if !bytes.Equal(g.Bytes(), w.Bytes()) {
				return fmt.Sprintf("%q, want %q", g.Bytes(), w.Bytes())
			}
			return ""
		}
		for i := range g.Len() {
			if msg := valueDiff(g.Index(i), w.Index(i)); msg != "" {
				return fmt.Sprintf("[%d] %s", i, msg)
			}
		}
	case reflect.Bool:
		if g.Bool() != w.Bool() {
			return fmt.Sprintf("%v, want %v", g.Bool(), w.Bool())
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if g.Int() != w.Int() {
			return fmt.Sprintf("%d, want %d", g.Int(), w.Int())
		}
	default:
		return "unexpected kind " + g.Kind().String() + ": extend valueDiff"
	}
	return ""
}

// diffSources returns the lines the differential test starts from: the
// test data, generated logs with malformed lines, the fuzz seeds, and
// the files under the directories $LOGMR_PARSE_DIFF_DIRS names
// (colon-separated; the real logs, a bench corpus).
func diffSources(t *testing.T) map[string][][]byte {
	src := map[string][][]byte{}
	paths := append(rotatedLogFiles(t), realLogs, vhostLog)
	for _, dir := range filepath.SplitList(os.Getenv("LOGMR_PARSE_DIFF_DIRS")) {
		more, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, p := range more {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && !strings.HasSuffix(p, ".md") {
				paths = append(paths, p)
			}
		}
	}
	for _, p := range paths {
		src[p] = readLines(t, p)
	}
	truth, err := loggen.Generate(loggen.Config{Dir: t.TempDir(), Files: 1, BytesPerFile: 1 << 20, Seed: 11,
		MalformedFraction: 0.05, RobotsFraction: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	src["generated"] = readLines(t, truth.Files[0])
	var seeds [][]byte
	for _, s := range trickySeeds {
		seeds = append(seeds, []byte(s))
	}
	src["tricky seeds"] = seeds
	return src
}

// TestParseMatchesOldParser holds the single-pass parser (and the compiled
// one) to the old one on
// every line of diffSources and on lines mutated from them: cut short,
// with bytes replaced, deleted and inserted, and every byte value at every
// place of the time stamp.
func TestParseMatchesOldParser(t *testing.T) {
	ds := newOldDiffs()
	// The compiled parsers of the same LogFormat strings share the time
	// stamp and the quoted-field scan: they are held to the old parser too,
	// by verdict and exported fields (their errors name fields their way).
	type compiledDiff struct {
		p        *Parser
		old      oldParser
		combined bool
		rec, ref Record
	}
	var cs []*compiledDiff
	for _, f := range []*Format{Common, Combined} {
		cs = append(cs, &compiledDiff{p: NewParser(mustCompile(t, f.LogFormat)), combined: f == Combined})
	}
	checkAll := func(where string, line []byte) bool {
		ok := true
		for _, d := range ds {
			ok = d.check(t, where, line) && ok
		}
		for _, c := range cs {
			err, want := c.p.Parse(line, &c.rec), oldParse(&c.old, line, &c.ref, c.combined)
			if (err == nil) != (want == nil) {
				t.Errorf("%s: compiled %q Parse(%q) = %v, old parser: %v", where, c.p.Format().LogFormat, line, err, want)
				ok = false
			} else if diff := diffRecord(&c.rec, &c.ref); err == nil && diff != nil {
				t.Errorf("%s: compiled %q Parse(%q): %s", where, c.p.Format().LogFormat, line, diff)
				ok = false
			}
		}
		return ok
	}
	src := diffSources(t)
	rng := rand.New(rand.NewPCG(1, 2))
	perSource := 100
	if testing.Short() {
		perSource = 20
	}
	for name, lines := range src {
		failed := 0
		for i, line := range lines {
			if !checkAll(fmt.Sprintf("%s:%d", name, i+1), line) {
				failed++
			}
			if failed > 10 {
				t.Fatalf("%s: too many differences", name)
			}
		}
		// Mutants of a sample of the lines.
		for k := 0; k < min(perSource, len(lines)); k++ {
			i := k
			if len(lines) > perSource {
				i = rng.IntN(len(lines))
			}
			where := fmt.Sprintf("%s:%d mutated", name, i+1)
			for _, m := range mutants(rng, lines[i]) {
				if !checkAll(where, m) {
					failed++
				}
				if failed > 10 {
					t.Fatalf("%s: too many differences", name)
				}
			}
		}
	}
	// Every byte at every place of the stamp and of what follows it.
	for _, stamp := range []string{stampText, "29/Feb/2024:23:59:60 -1130", "31/Dec/1999:00:00:00 +2359", "01/Jan/0000:00:00:00 +0000"} {
		line := []byte(`192.0.2.1 - - [` + stamp + `] "GET / HTTP/1.1" 200 5 "-" "ua"`)
		at := bytes.IndexByte(line, '[')
		for pos := at; pos < at+32; pos++ {
			for c := range 256 {
				m := bytes.Clone(line)
				m[pos] = byte(c)
				if !checkAll("stamp byte", m) {
					t.FailNow()
				}
			}
		}
	}
}

// mutants returns lines derived from line: each prefix, and random edits.
func mutants(rng *rand.Rand, line []byte) [][]byte {
	var out [][]byte
	for n := range len(line) {
		out = append(out, line[:n:n])
	}
	const interesting = " \"\\[]-09:/+ax\x00\xff"
	pick := func() byte {
		if rng.IntN(4) == 0 {
			return byte(rng.IntN(256))
		}
		return interesting[rng.IntN(len(interesting))]
	}
	for range 60 {
		m := bytes.Clone(line)
		for range 1 + rng.IntN(2) {
			pos := 0
			if len(m) > 0 {
				pos = rng.IntN(len(m))
			}
			switch op := rng.IntN(4); {
			case op == 0 && len(m) > 0:
				m[pos] = pick()
			case op == 1 && len(m) > 0:
				m = append(m[:pos], m[pos+1:]...)
			case op == 2:
				m = append(m[:pos], append([]byte{pick()}, m[pos:]...)...)
			default: // a field repeated, or a space doubled
				end := min(len(m), pos+1+rng.IntN(8))
				m = append(m[:end], append(bytes.Clone(m[pos:end]), m[end:]...)...)
			}
		}
		out = append(out, m)
	}
	return out
}
