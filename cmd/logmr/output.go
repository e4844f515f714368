package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
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
// never see a half-written result, and a failed or interrupted run leaves
// path untouched. A path that is a link is followed (the link stays); one
// that is not a regular file (a FIFO, /dev/stdout) is written in place.
func writeOutput(ctx context.Context, path string, stdout io.Writer, write func(io.Writer) error) error {
	if err := context.Cause(ctx); err != nil {
		return err
	}
	if path == "" || path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	target, existing := path, fs.FileInfo(nil)
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
		existing, _ = os.Stat(target)
	}
	var err error
	if existing != nil && !existing.Mode().IsRegular() {
		err = writeInPlace(target, write)
	} else {
		err = writeAtomically(ctx, target, existing, write)
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", path, err)
	}
	return nil
}

func writeInPlace(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeAtomically writes a temporary file beside path and renames it over
// path, unless ctx is cancelled first. A new file gets 0666 less the umask,
// as any file a command creates; a replaced one keeps its mode.
func writeAtomically(ctx context.Context, path string, existing fs.FileInfo, write func(io.Writer) error) (err error) {
	tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if existing != nil {
		if err = tmp.Chmod(existing.Mode().Perm()); err != nil {
			return err
		}
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = context.Cause(ctx); err != nil {
		return err // interrupted: the old file stays
	}
	return os.Rename(tmp.Name(), path)
}

// createTemp is os.CreateTemp with mode 0666, so that the umask decides the
// permissions of the result (os.CreateTemp always makes 0600).
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	for {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp%d", base, rand.Uint32()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}
