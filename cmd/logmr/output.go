package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

type outputFormat string

const (
	outText  outputFormat = "text"
	outJSON  outputFormat = "json"
	outJSONL outputFormat = "jsonl"
	outCSV   outputFormat = "csv"
	outTSV   outputFormat = "tsv"
)

func parseOutputFormat(s string) (outputFormat, error) {
	switch f := outputFormat(s); f {
	case outText, outJSON, outJSONL, outCSV, outTSV:
		return f, nil
	}
	return "", usagef("--output-format %q: want text, json, jsonl, csv or tsv", s)
}

// writeHosts writes hosts in f. Text bound for a terminal has its control
// characters escaped: a log line can carry ANSI escape sequences, and they
// must never reach a terminal raw. The machine formats are exact.
func (f outputFormat) writeHosts(w io.Writer, hosts []string, terminal bool) error {
	switch f {
	case outJSON:
		if hosts == nil {
			hosts = []string{}
		}
		b, err := json.Marshal(hosts)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case outJSONL:
		enc := json.NewEncoder(w)
		for _, h := range hosts {
			if err := enc.Encode(h); err != nil {
				return err
			}
		}
		return nil
	case outCSV:
		cw := csv.NewWriter(w)
		cw.Write([]string{"host"})
		for _, h := range hosts {
			cw.Write([]string{h})
		}
		cw.Flush()
		return cw.Error()
	case outTSV:
		fmt.Fprintln(w, "host")
		for _, h := range hosts {
			if _, err := fmt.Fprintln(w, tsvEscaper.Replace(h)); err != nil {
				return err
			}
		}
		return nil
	}
	for _, h := range hosts {
		if terminal {
			h = escapeControl(h)
		}
		if _, err := fmt.Fprintln(w, h); err != nil {
			return err
		}
	}
	return nil
}

// tsvEscaper writes a value on one TSV cell, as the linear TSV convention does.
var tsvEscaper = strings.NewReplacer("\\", `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

// escapeControl writes control characters (C0, DEL, C1) as \xHH or \uHHHH.
func escapeControl(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case isControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// writeOutput runs write against stdout, or against a temporary file in the
// directory of path that is renamed over path once complete: readers of path
// never see a half-written result, and a failed run leaves path untouched.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) (err error) {
	if path == "" || path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err = write(bw); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if info, statErr := os.Stat(path); statErr == nil {
		mode = info.Mode().Perm()
	}
	if err = tmp.Chmod(mode); err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	return nil
}
