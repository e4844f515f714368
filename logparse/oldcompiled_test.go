package logparse

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// The compiled parser as it was before its fast paths ("-" skipped before
// the scan, word compares of literals, inline status and size): what the
// differential test and fuzz target below hold parseSteps to, on any
// format and line. It shares the helpers it calls with parseSteps.

// oldParseSteps is parseSteps before it was made faster: the parser of a compiled format: it walks the steps once
// over the line, each scanning with bytes.IndexByte where it can. It is one
// long loop on purpose: a call per field would cost more than the scan.
func oldParseSteps(p *Parser, line []byte, rec *Record) error {
	f := p.format
	if f.nExtra > 0 {
		rec.growExtra(f.nExtra)
	}
	if f.pieces {
		p.clock, p.clockEnd = timeParts{}, timeParts{}
		p.clockSet, p.clockEndSet = false, false
	}
	rest := line
	for i := range f.steps {
		s := &f.steps[i]
		// Most literals are one or two bytes (" ", "\" ", " \""): compare
		// them by hand, the rest with hasPrefix.
		switch n := len(s.lit); {
		case n == 0:
		case n <= 2 && len(rest) >= n && rest[0] == s.lit[0] && rest[n-1] == s.lit[n-1]:
			rest = rest[n:]
		case n > 2 && hasPrefix(rest, s.lit):
			rest = rest[n:]
		case len(rest) == 0 && i == f.optionalFrom:
			goto done // a common line in a format that extends common
		default:
			return s.errLit
		}
		var v []byte
		switch s.scan {
		case scanQuoted:
			end := 1 // "-", as referers mostly are: no scan
			if len(rest) < 2 || rest[0] != '-' || rest[1] != '"' {
				end = closingQuoteFast(rest)
			}
			if end < 0 {
				return s.errValue
			}
			v, rest = rest[:end], rest[end:]
		case scanSpace: // a token ends at the first space
			end := 1 // "-", as %l mostly is: no scan
			if len(rest) < 2 || rest[0] != '-' || rest[1] != ' ' {
				end = bytes.IndexByte(rest, ' ')
			}
			if end < 0 {
				return s.errValue
			}
			v, rest = rest[:end], rest[end:]
		case scanNumber:
			n, num := 0, int64(0)
			for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
				num = num*10 + int64(rest[n]-'0')
				n++
			}
			switch {
			case n == 0 && len(rest) > 0 && rest[0] == '-':
				n, num = 1, -1
			case n == 0 || n > maxBytesDigits || s.class == classStatus && n != 3:
				return s.errValue
			}
			// The next literal is checked in full by the next step; one
			// byte here is enough to blame this value ("2O0").
			if s.stop != "" && n < len(rest) && rest[n] != s.stop[0] {
				return s.errValue
			}
			v, rest = rest[:n], rest[n:]
			if err := p.storeNumber(s, num, v, rec); err != nil {
				return err
			}
			continue
		case scanCLFTime:
			if len(rest) == 0 || rest[0] != '[' {
				if hasPrefix(rest, "-") && s.stopAfter(rest[1:]) {
					rest = rest[1:]
					continue
				}
				return s.errValue
			}
			stamp := rest[1:]
			if !validCLFStamp(stamp) || len(stamp) <= clfStampLen || stamp[clfStampLen] != ']' {
				return s.errValue
			}
			rest = stamp[clfStampLen+1:]
			t, off := clfStampTime(stamp, &p.days)
			if f.pieces {
				p.clockFor(s).setInstant(t, off)
			} else {
				rec.Time, rec.Offset, rec.hasTime = t, off, true
			}
			continue
		case scanStrftime:
			if hasPrefix(rest, "-") && s.stopAfter(rest[1:]) {
				rest = rest[1:]
				continue
			}
			n, ok := s.time.parse(rest, p.clockFor(s))
			if !ok {
				return s.errValue
			}
			rest = rest[n:]
			continue
		default:
			end := s.valueEnd(rest)
			if end < 0 {
				return s.errValue
			}
			v, rest = rest[:end], rest[end:]
		}
		if s.plain && len(v) > 0 && (len(v) != 1 || v[0] != '-') && (!s.decode || bytes.IndexByte(v, '\\') < 0) {
			// The common case, inline: text with nothing to check or decode.
			if m := rec.textMember(s.slot); m != nil {
				*m = v
				if s.request {
					splitRequest(rec)
				}
				continue
			}
		}
		if err := p.storeText(s, v, rec); err != nil {
			return err
		}
	}
	if !hasPrefix(rest, f.tail) {
		return f.errTail
	}
	rest = rest[len(f.tail):]
	// Text after the format's last field is ignored when a space sets it
	// apart: servers append fields to standard formats.
	if len(rest) > 0 && rest[0] != ' ' && !strings.HasSuffix(f.tail, " ") {
		return errTrailing
	}
done:
	if f.urlPath < 0 && !f.pieces {
		return nil
	}
	return p.finish(rec)
}

// oldCompiled returns a Format like f whose parser is oldParseSteps.
func oldCompiled(f *Format) *Format {
	g := *f
	g.parse = oldParseSteps
	return &g
}

// checkCompiledMatchesOld parses line with f's compiled parser and the old
// one, for every need, and fails on any difference: the error value or any
// member of the Record, unexported ones included.
func checkCompiledMatchesOld(t *testing.T, f *Format, line []byte) {
	t.Helper()
	old := oldCompiled(f)
	for _, need := range []Fields{AllFields, 0, FieldTime, FieldRequest, FieldReferer, FieldUserAgent} {
		p, o := NewParser(f), NewParser(old)
		p.Need(need)
		var got, want Record
		err, wantErr := p.Parse(line, &got), o.Parse(line, &want)
		if err != wantErr {
			t.Fatalf("Compile(%q) Need(%04b).Parse(%q) = %v, old compiled parser: %v", f.LogFormat, need, line, err, wantErr)
		}
		if err != nil || need != AllFields {
			continue // checkNeeds holds the values of a partial parse
		}
		if diff := recordDiff(&got, &want); diff != "" {
			t.Fatalf("Compile(%q).Parse(%q): %s", f.LogFormat, line, diff)
		}
	}
}

func TestCompiledMatchesOld(t *testing.T) {
	for _, tc := range append(append(compiledCases, limitationCases...), apacheDocCases...) {
		f, err := Compile(tc.format)
		if err != nil {
			if nf, lerr := LookupFormat(tc.format); lerr == nil {
				f, err = Compile(nf.LogFormat)
			}
		}
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.format, err)
		}
		line := []byte(tc.line)
		checkCompiledMatchesOld(t, f, line)
		// Cut short and with a "-" for each value, the error paths.
		for i := range line {
			checkCompiledMatchesOld(t, f, line[:i])
		}
	}
	for _, nf := range namedFormats {
		f := mustCompile(t, nf.LogFormat)
		for _, line := range readLines(t, realLogs)[:500] {
			checkCompiledMatchesOld(t, f, line)
		}
	}
}

// FuzzCompiledMatchesOld holds parseSteps to oldParseSteps on arbitrary
// formats and lines.
func FuzzCompiledMatchesOld(f *testing.F) {
	lines := []string{docCombinedLine, realLine2071, realLine8034, realVHost1,
		`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 - "-" "-" - -`}
	for _, nf := range namedFormats {
		for _, l := range lines {
			f.Add(nf.LogFormat, []byte(l))
		}
	}
	for _, tc := range append(append(compiledCases, limitationCases...), apacheDocCases...) {
		f.Add(tc.format, []byte(tc.line))
	}
	f.Fuzz(func(t *testing.T, format string, line []byte) {
		fm, err := Compile(format)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("Compile(%q) = %v, want a *FormatError", format, err)
			}
			return
		}
		checkCompiledMatchesOld(t, fm, line)
	})
}
