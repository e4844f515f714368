package logparse

import (
	"errors"
	"slices"
)

// DetectLines is how many leading lines of an input Detect should be given.
const DetectLines = 64

// Detect picks the format of an input from its first lines: W3C when they
// hold W3C directives (#Fields:, #Software:, ...) and a line parses in it;
// else the JSON key set (caddy, traefik, nginx_json) that fills the most
// fields when lines are JSON objects (a line must fill three); else, among vhost_combined, combined
// and common (nginx's default format writes combined lines),
// vhost_combined when it parses more lines than common does, combined when
// at least half of the lines common accepts carry a referer and a user
// agent, common otherwise. A family wins over another only when more of
// the lines parse in it.
//
// ok is false when no line parses in any of them: the input is not an
// access log (or not in a format Detect knows) and should be reported, not
// counted as all malformed; Nearest says why. An input with no line at all
// is fine (Combined).
func Detect(lines [][]byte) (f *Format, ok bool) {
	clf, clfOK, nonEmpty := detectCLF(lines)
	if nonEmpty == 0 {
		return Combined, true
	}
	w3cOK, w3cData, w3cHeader := detectW3C(lines)
	json, jsonOK := detectJSON(lines)
	switch {
	case w3cHeader && w3cOK >= max(clfOK, jsonOK) && (w3cOK > 0 || w3cData == 0):
		return W3C, true
	case jsonOK > clfOK:
		return json, true
	case clfOK > 0:
		return clf, true
	}
	return nil, false
}

// detectCLF is Detect among vhost_combined, combined and common: the
// format, how many lines parse in it, and how many lines are not empty.
func detectCLF(lines [][]byte) (f *Format, parsed, nonEmpty int) {
	vhost, common, combined := NewParser(VHostCombined), NewParser(Common), NewParser(Combined)
	var rec Record
	vhostOK, commonOK, combinedFull := 0, 0, 0
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		nonEmpty++
		if vhost.Parse(line, &rec) == nil {
			vhostOK++
		}
		if common.Parse(line, &rec) != nil {
			continue
		}
		commonOK++
		if combined.Parse(line, &rec) == nil && rec.hasAgent {
			combinedFull++
		}
	}
	switch {
	case vhostOK == 0 && commonOK == 0:
		return nil, 0, nonEmpty
	case vhostOK > commonOK:
		return VHostCombined, vhostOK, nonEmpty
	case 2*combinedFull < commonOK:
		return Common, commonOK, nonEmpty
	}
	return Combined, commonOK, nonEmpty
}

// detectW3C says how many lines parse as W3C records, how many lines are
// not directives, and whether the lines hold a W3C header directive at all.
func detectW3C(lines [][]byte) (parsed, data int, header bool) {
	for _, line := range lines {
		if isW3CHeader(line) {
			header = true
			break
		}
	}
	if !header {
		return 0, 0, false
	}
	p := NewParser(W3C)
	var rec Record
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		switch err := p.Parse(line, &rec); {
		case err == nil:
			parsed++
			data++
		case err != ErrNotRecord:
			data++
		}
	}
	return parsed, data, true
}

// minJSONFields is how many fields a JSON line must fill for Detect to
// take it as an access log line: {"status":"ok"} of an application's log
// is not one.
const minJSONFields = 3

// detectJSON picks the JSON key set that fills the most fields of the
// lines, and says how many lines parse in it with minJSONFields filled.
func detectJSON(lines [][]byte) (best *Format, parsed int) {
	objects := slices.ContainsFunc(lines, func(line []byte) bool {
		i := skipSpace(line, bomLen(line))
		return i < len(line) && line[i] == '{'
	})
	if !objects {
		return nil, 0
	}
	bestFields := 0
	var rec Record
	for _, f := range jsonFormats {
		p := NewParser(f)
		ok, fields := 0, 0
		for _, line := range lines {
			if len(line) > 0 && p.Parse(line, &rec) == nil && p.structured.found >= minJSONFields {
				ok++
				fields += p.structured.found
			}
		}
		if fields > bestFields || fields == bestFields && ok > parsed {
			best, parsed, bestFields = f, ok, fields
		}
	}
	if parsed == 0 {
		return nil, 0
	}
	return best, parsed
}

// Nearest says why none of lines is in a format Detect knows: the format
// the first non-empty line comes nearest to (W3C for a directive, json for
// a JSON object, else combined or vhost_combined, whichever parses
// further), that line's index from 1 in lines, and the error it fails
// with. It returns a nil error when lines hold no non-empty line.
func Nearest(lines [][]byte) (f *Format, line int, err error) {
	first := slices.IndexFunc(lines, func(l []byte) bool { return len(l) > 0 })
	if first < 0 {
		return nil, 0, nil
	}
	l := lines[first]
	var rec Record
	switch i := skipSpace(l, bomLen(l)); {
	case i < len(l) && l[i] == '#':
		p := NewParser(W3C)
		for n, line := range lines {
			if len(line) == 0 {
				continue
			}
			if err := p.Parse(line, &rec); !errors.Is(err, ErrNotRecord) {
				return W3C, n + 1, err
			}
		}
		return W3C, first + 1, errW3CNoFields
	case i < len(l) && l[i] == '{':
		err := NewParser(JSON).Parse(l, &rec)
		if err == nil {
			err = errJSONNoKeys // parses in json, not in a key set Detect knows
		}
		return JSON, first + 1, err
	}
	errCombined := NewParser(Combined).Parse(l, &rec)
	errVHost := NewParser(VHostCombined).Parse(l, &rec)
	if errCombined != nil && errVHost != nil && clfProgress(errVHost) > clfProgress(errCombined) {
		return VHostCombined, first + 1, errVHost
	}
	return Combined, first + 1, errCombined
}

// clfProgress ranks how far into a CLF line the field that failed is.
func clfProgress(err error) int {
	var se *SyntaxError
	if !errors.As(err, &se) {
		return 0
	}
	order := []string{"vhost", "port", "host", "ident", "user", "time", "request", "status", "bytes", "bytes_out", "referer", "user_agent", "line"}
	return slices.Index(order, se.Field) + 1
}

// structuredNames are the JSON and W3C format names, for help and errors.
func structuredNames() []string {
	var names []string
	for _, f := range structuredFormats {
		names = append(names, f.Name)
	}
	return append(names, jsonMappingPrefix+"FIELD=KEY,...")
}

// AutoColumns are the fields of the formats Detect picks from, in one
// order: the columns of a table whose inputs may each have any of these
// formats. (The JSON and W3C formats' other fields are in JSON output.)
var AutoColumns = []string{"host", "ident", "user", "time", "request", "method", "target", "protocol",
	"status", "bytes", "bytes_out", "referer", "user_agent", "vhost", "port"}
