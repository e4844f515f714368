package logparse

import "strings"

// structuredFormat is what a JSON or W3C Format holds beside Format's
// fields (nil for a LogFormat one).
type structuredFormat struct {
	json *jsonSpec // the key set of a JSON format
	// stateful: a line's meaning depends on the lines before it (W3C's
	// #Fields), so that every line must be parsed, in order, by one Parser.
	stateful bool
	// everyLine: a text search of raw lines cannot stand in for parsing
	// them (a JSON string may spell a byte as \u0026; a W3C directive
	// changes what follows).
	everyLine bool
}

// structuredState is what a Parser of a JSON or W3C format keeps.
type structuredState struct {
	w3c   w3cState
	found int // targets the last JSON line set (Detect ranks key sets by it)
}

// Stateful reports whether the meaning of a line of f depends on the lines
// before it, as a W3C log's depends on its last #Fields directive: such an
// input must be parsed from its first line, in order, by one Parser (a
// reader neither splits it among parsers nor resumes it midway).
func (f *Format) Stateful() bool { return f != nil && f.structured != nil && f.structured.stateful }

// ParsesEveryLine reports whether every line of f must be parsed for a
// filter to be exact: a search of the raw text for a filter's literal
// could pass over a line that holds it in another spelling (a JSON \u
// escape) or a directive that changes the lines after it (W3C).
func (f *Format) ParsesEveryLine() bool {
	return f != nil && f.structured != nil && f.structured.everyLine
}

// structuredFormats are the JSON and W3C formats by name.
var structuredFormats = []*Format{CaddyJSON, TraefikJSON, NginxJSON, JSON, W3C}

// lookupStructured returns the JSON or W3C format s names, or a json:
// mapping compiled (ParseJSONMapping); ok is false when s is neither.
func lookupStructured(s string) (f *Format, ok bool, err error) {
	if strings.HasPrefix(s, jsonMappingPrefix) {
		f, err = ParseJSONMapping(s)
		return f, true, err
	}
	for _, f := range structuredFormats {
		if f.Name == s {
			return f, true, nil
		}
	}
	return nil, false, nil
}
