package main

import (
	"slices"
	"strconv"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

// entryFlags are the flags of the commands that print log lines (cat,
// tail): what goes with each line.
func entryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "label", Usage: "prefix each line with its input's name and ': ' (-O json, jsonl: a \"source\" member; csv, tsv, text: a source column first)"},
		&cli.BoolFlag{Name: "keep-malformed", Usage: "keep the lines that do not parse, in their place: as logged (-O raw), or as " +
			`{"source","line","error","text"} objects (-O jsonl, json); by default they are left out and counted (-v)`},
	}
}

// entryEncoder encodes the lines of cat and tail in q's output format:
// header goes first (CSV and TSV column names), then encode appends each
// entry. encode is safe for concurrent use, and does not keep e.
func (q *query) entryEncoder() (header []byte, encode func(dst []byte, e *logscan.Entry) []byte) {
	if q.format == outRaw {
		terminal := q.output == "" && q.outputFilter == nil && isTerminal(q.env.stdout)
		return nil, func(dst []byte, e *logscan.Entry) []byte {
			if q.label {
				dst = append(append(dst, e.Source...), ": "...)
			}
			if terminal { // a log line's escape sequences never reach a terminal raw
				return append(append(dst, escapeControl(string(e.Line))...), '\n')
			}
			return append(append(dst, e.Line...), '\n')
		}
	}
	out, header := q.recordOutput(false)
	if q.format == outJSONL || q.format == outJSON {
		return header, func(dst []byte, e *logscan.Entry) []byte {
			if e.Record == nil {
				return appendMalformedJSON(dst, e)
			}
			start := len(dst)
			dst = out.Record(dst, e.Format, e.Record)
			if q.label {
				var b [64]byte
				member := logparse.AppendJSONString(append(b[:0], `"source":`...), e.Source)
				dst = slices.Insert(dst, start+1, append(member, ',')...)
			}
			return dst
		}
	}
	// CSV, TSV and text: --keep-malformed is refused (validateEntries).
	if !q.label {
		return header, func(dst []byte, e *logscan.Entry) []byte { return out.Record(dst, e.Format, e.Record) }
	}
	source := logparse.NewTableWith([]string{"source"}, logparse.TableOptions{TSV: q.format != outCSV, FormulaSafe: q.csvSafe})
	header = append(source.AppendHeader(nil), header...)
	header[len("source")] = sepOf(q.format) // the header's newline becomes the separator
	return header, func(dst []byte, e *logscan.Entry) []byte {
		dst = source.AppendCells(dst, e.Source)
		dst[len(dst)-1] = sepOf(q.format)
		return out.Record(dst, e.Format, e.Record)
	}
}

// appendMalformedJSON appends a malformed line as a JSON object.
func appendMalformedJSON(dst []byte, e *logscan.Entry) []byte {
	dst = logparse.AppendJSONString(append(dst, `{"source":`...), e.Source)
	dst = strconv.AppendInt(append(dst, `,"line":`...), e.Err.Line, 10)
	dst = logparse.AppendJSONString(append(dst, `,"error":`...), e.Err.Err.Error())
	dst = logparse.AppendJSONString(append(dst, `,"text":`...), string(e.Line))
	return append(dst, '}', '\n')
}

func sepOf(f outputFormat) byte {
	if f == outCSV {
		return ','
	}
	return '\t'
}
