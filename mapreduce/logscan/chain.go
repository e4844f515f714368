package logscan

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// chains groups inputs into rotated chains, each in the order its files
// were written: access.log.3.gz, access.log.2.gz, access.log.1, then
// access.log (logrotate's numbered names, oldest first), and
// access.log-20261130.gz, access.log-20261201 (dateext names, by date)
// before the live file. A chain's files are consecutive in time, so a
// merge reads each chain as one stream instead of one per file. Files
// of the same name in other directories are other chains, and so is a
// file whose name no rotation scheme explains. The chains come in the
// order of their first file among inputs, which breaks ties between
// lines of the same instant.
func chains(inputs []Input) [][]Input {
	type member struct {
		in   Input
		rank rotationRank
	}
	index := map[string]int{}
	var groups [][]member
	for _, in := range inputs {
		key, rank := rotationKey(in.Path)
		if in.Path == "-" || in.Open != nil {
			key = "\x00" + strconv.Itoa(len(groups)) // never grouped
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], member{in, rank})
	}
	out := make([][]Input, len(groups))
	for i, g := range groups {
		slices.SortStableFunc(g, func(a, b member) int { return a.rank.compare(b.rank) })
		for _, m := range g {
			out[i] = append(out[i], m.in)
		}
	}
	return out
}

// A rotationRank places a file in its chain: numbered rotations (the
// higher the number, the older), then dated ones (the earlier, the
// older), then the live file.
type rotationRank struct {
	kind  int   // 0: numbered, 1: dated, 2: the live file
	value int64 // -number, or the date as digits
}

func (r rotationRank) compare(o rotationRank) int {
	if r.kind != o.kind {
		return r.kind - o.kind
	}
	switch {
	case r.value < o.value:
		return -1
	case r.value > o.value:
		return 1
	}
	return 0
}

// rotationKey returns the chain a path belongs to (its directory and the
// live file's name) and its place there. "access.log.2.gz" is
// ("dir/access.log", numbered 2); "access.log-20261201.gz" is
// ("dir/access.log", dated 20261201); "access.log" is ("dir/access.log",
// live). A name with a compression suffix and nothing else to explain it
// ("access.log.gz") is a chain of its own.
func rotationKey(path string) (string, rotationRank) {
	dir, name := filepath.Split(path)
	rest := name
	for _, ext := range compressionExts {
		if r, ok := strings.CutSuffix(name, ext); ok {
			rest = r
			break
		}
	}
	if i := strings.LastIndexByte(rest, '.'); i > 0 {
		if n, ok := digits(rest[i+1:], 1, 6); ok {
			return dir + rest[:i], rotationRank{kind: 0, value: -n}
		}
	}
	if i := strings.LastIndexByte(rest, '-'); i > 0 {
		if d, ok := digits(rest[i+1:], 8, 14); ok {
			return dir + rest[:i], rotationRank{kind: 1, value: d}
		}
	}
	return path, rotationRank{kind: 2}
}

// compressionExts are the suffixes logrotate's compressext gives the
// compressions a Stream reads.
var compressionExts = []string{".gz", ".zst", ".xz", ".bz2", ".lz4"}

// digits parses s as a decimal number of min to max digits and nothing else.
func digits(s string, min, max int) (int64, bool) {
	if len(s) < min || len(s) > max {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}
