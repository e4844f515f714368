package logscan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/logmr/logmr/mapreduce"
)

// onRead is a Progress that calls start when the run starts (after the
// inputs are listed) and add at the first bytes read.
type onRead struct {
	start, add func()
	once       sync.Once
}

func (p *onRead) Start(int64) {
	if p.start != nil {
		p.start()
	}
}

func (p *onRead) Add(int64) {
	if p.add != nil {
		p.once.Do(p.add)
	}
}

// A file truncated, rewritten or replaced while it is read (or between
// being listed and opened) fails as an input, named: the count of what
// was read of it would be a partial answer given as a whole one. A file
// that only grows, a live log, is read as it is.
func TestChangedWhileRead(t *testing.T) {
	line := `192.0.2.1 - - [22/Nov/2026:06:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 5` + "\n"
	body := strings.Repeat(line, 40000) // 3 MB: many reads
	tests := []struct {
		name  string
		start func(path string) error
		add   func(path string) error
		want  string // in the error; "" for no error
	}{
		{"truncated while read", nil, func(p string) error { return os.Truncate(p, 1000) }, "shrank"},
		{"rewritten shorter while read", nil, func(p string) error { return os.WriteFile(p, []byte(line), 0o644) }, "shrank"},
		{"replaced while read", nil, func(p string) error { return replace(p, line) }, "another file took its name"},
		{"replaced after listing", func(p string) error { return replace(p, line) }, nil, "after it was listed"},
		{"truncated after listing", func(p string) error { return os.Truncate(p, 1000) }, nil, "shrank"},
		{"grows while read", nil, func(p string) error { return appendTo(p, line) }, ""},
		{"renamed away while read", nil, func(p string) error { return os.Rename(p, p+".1") }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "access.log")
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			var hookErr error
			hook := func(f func(string) error) func() {
				if f == nil {
					return nil
				}
				return func() { hookErr = f(path) }
			}
			opts := ScanOptions{Workers: 1, Progress: &onRead{start: hook(tc.start), add: hook(tc.add)}}
			res, err := testHosts(context.Background(), []string{path}, opts)
			if hookErr != nil {
				t.Fatal(hookErr)
			}
			if tc.want == "" {
				if err != nil || res.Stats.Lines < 40000 {
					t.Fatalf("Count: %v, %d lines; want no error, 40000 lines or more", err, res.Stats.Lines)
				}
				return
			}
			var failed *mapreduce.FailedInputs
			if !errors.As(err, &failed) || !errors.Is(err, ErrChanged) || !strings.HasPrefix(failed.Errs[0].Error(), path+": ") ||
				!strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Count: error %v, want %s failed as changed (%q)", err, path, tc.want)
			}
		})
	}
}

func replace(path, content string) error {
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func appendTo(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(content)
	return err
}
