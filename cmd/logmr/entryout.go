package main

import (
	"strconv"

	"github.com/logmr/logmr/logparse"
	"github.com/logmr/logmr/mapreduce/logscan"
	"github.com/urfave/cli/v2"
)

// entryFlags are the output flags of the commands that write entries, one
// line of an input at a time (cat, tail).
func entryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "label", Usage: "prefix each line with its input's name and ': ' (-O jsonl, csv, tsv: a \"source\" member or first column)"},
		&cli.BoolFlag{Name: "keep-malformed", Usage: "keep the lines that do not parse, in place: as logged with -O raw, " +
			"as {\"source\",\"line\",\"error\",\"text\"} objects with -O jsonl (default: left out)"},
	}
}

// entryEncoder encodes entries in q's output format: -O raw writes the
// line as logged, the others a record as parse does; header is what goes
// first (CSV and TSV column names). Malformed lines are encoded only with
// --keep-malformed (as logged, or as JSON objects; CSV and TSV leave them
// out), else encode appends nothing.
func (q *query) entryEncoder() (header []byte, encode func(dst []byte, e *logscan.Entry) []byte) {
	if q.format == outRaw {
		return nil, func(dst []byte, e *logscan.Entry) []byte {
			if e.Err != nil && !q.keepMalformed {
				return dst
			}
			if q.label {
				dst = append(append(dst, e.Source...), ':', ' ')
			}
			return append(append(dst, e.Line...), '\n')
		}
	}
	out, header := q.recordOutput(false)
	table := q.format == outCSV || q.format == outTSV
	var source *logparse.Table
	if table && q.label {
		source = logparse.NewTableWith([]string{"source"}, logparse.TableOptions{TSV: q.format == outTSV, FormulaSafe: q.csvSafe})
		header = append(source.AppendCells(nil, "source")[:len("source")], append([]byte{sep(q.format)}, header...)...)
	}
	return header, func(dst []byte, e *logscan.Entry) []byte {
		switch {
		case e.Err != nil && (!q.keepMalformed || table):
			return dst
		case e.Err != nil:
			dst = logparse.AppendJSONString(append(dst, `{"source":`...), e.Source)
			dst = append(append(dst, `,"line":`...), strconv.FormatInt(e.Err.Line, 10)...)
			dst = logparse.AppendJSONString(append(dst, `,"error":`...), e.Err.Err.Error())
			dst = logparse.AppendJSONString(append(dst, `,"text":`...), string(e.Line))
			return append(dst, '}', '\n')
		case source != nil:
			dst = source.AppendCells(dst, e.Source)
			dst[len(dst)-1] = sep(q.format)
		case q.label:
			dst = logparse.AppendJSONString(append(dst, `{"source":`...), e.Source)
			start := len(dst)
			dst = out.Record(dst, e.Format, e.Record)
			if dst[start+1] == '}' { // no field: {"source":"x"}
				return append(dst[:start], dst[start+1:]...)
			}
			dst[start] = ','
			return dst
		}
		return out.Record(dst, e.Format, e.Record)
	}
}

func sep(f outputFormat) byte {
	if f == outTSV {
		return '\t'
	}
	return ','
}
