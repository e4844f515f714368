package loggen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// Generate writes cfg.Files files into cfg.Dir and returns what a correct reader finds in
// them. Files are written by up to runtime.GOMAXPROCS(0) goroutines, all of which have
// returned when Generate returns; each file's bytes depend only on cfg and its index, so the
// output does not depend on scheduling. On error, files already written are left in place
// and the error of every failed file is returned, joined.
func Generate(cfg Config) (*Truth, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("loggen: %w", err)
	}
	pool := newHostPool(cfg.Seed)
	results := make([]fileResult, cfg.Files)
	workers := min(runtime.GOMAXPROCS(0), cfg.Files)
	next := make(chan int) // file indexes; closed by Generate after the last one
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = writeFile(&cfg, pool, i)
			}
		}()
	}
	for i := range cfg.Files {
		next <- i
	}
	close(next)
	wg.Wait()
	return merge(results)
}

// fileResult is one file's share of the Truth.
type fileResult struct {
	path             string
	lines, malformed int64
	bytes            int64
	robotsHosts      map[string]bool
	statuses         map[string]Tally
	err              error
}

func merge(results []fileResult) (*Truth, error) {
	t := &Truth{RobotsHosts: make(map[string]bool), Statuses: make(map[string]Tally)}
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		t.Files = append(t.Files, r.path)
		t.Lines += r.lines
		t.Malformed += r.malformed
		t.UncompressedBytes += r.bytes
		for h := range r.robotsHosts {
			t.RobotsHosts[h] = true
		}
		for code, n := range r.statuses {
			sum := t.Statuses[code]
			sum.Requests += n.Requests
			sum.Bytes += n.Bytes
			t.Statuses[code] = sum
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// FileName is the name logrotate gives the file with the given index: access.log (the
// newest), access.log.1, then access.log.2.gz, access.log.3.gz, ... when gzipped, since
// logrotate's delaycompress leaves the two newest plain.
func FileName(index int, gzipped bool) string {
	switch {
	case index == 0:
		return "access.log"
	case index == 1 || !gzipped:
		return "access.log." + strconv.Itoa(index)
	default:
		return "access.log." + strconv.Itoa(index) + ".gz"
	}
}

func writeFile(cfg *Config, pool *hostPool, index int) fileResult {
	name := FileName(index, cfg.GzipLevel > 0)
	res := fileResult{path: filepath.Join(cfg.Dir, name)}
	f, err := os.Create(res.path)
	if err != nil {
		res.err = fmt.Errorf("loggen: %w", err)
		return res
	}
	g := newLineGen(cfg, pool, index)
	err = writeLines(f, g, cfg, filepath.Ext(name) == ".gz")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		res.err = fmt.Errorf("loggen: %s: %w", res.path, err)
		return res
	}
	res.lines, res.malformed, res.bytes, res.robotsHosts, res.statuses = g.lines, g.broken, g.written, g.robotsHosts, g.statuses
	return res
}

// writeLines writes lines until the file holds cfg.BytesPerFile bytes of text.
func writeLines(f io.Writer, g *lineGen, cfg *Config, gzipped bool) error {
	w := f
	var zw *gzip.Writer
	if gzipped {
		var err error
		if zw, err = gzip.NewWriterLevel(f, cfg.GzipLevel); err != nil {
			return err
		}
		w = zw
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	line := make([]byte, 0, 1024)
	for g.written < cfg.BytesPerFile {
		line = g.next(line[:0])
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}
