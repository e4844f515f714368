package logparse

import "bytes"

// SniffContent names content that is certainly not log text, from the
// magic number in its first bytes (262 are enough): an archive, a
// compression Stream does not read (compress's .Z), or, as it is meant
// for the text a Stream gives, data compressed twice. It returns "" for
// anything else. The name reads after "it is": "a tar archive",
// "xz-compressed data (compressed twice)". Some of these hold log lines
// verbatim (tar, lz4 literals), so that lines parsing is no proof of a
// log: the caller sniffs first.
func SniffContent(head []byte) string {
	if isBzip2Head(head) {
		// Not in contentMagics: "BZh" alone starts text too (a host
		// named BZhost).
		return "bzip2-compressed data (compressed twice)"
	}
	for _, m := range contentMagics {
		if len(head) >= m.offset+len(m.magic) && bytes.Equal(head[m.offset:m.offset+len(m.magic)], m.magic) {
			return m.name
		}
	}
	return ""
}

// contentMagics are the signatures SniffContent knows: what logrotate's
// compresscmd options and archivers write. The compressions that Stream
// reads are found in its text only when compressed twice.
var contentMagics = []struct {
	offset int
	magic  []byte
	name   string
}{
	{0, []byte{0xfd, '7', 'z', 'X', 'Z', 0}, "xz-compressed data (compressed twice)"},
	{0, []byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd-compressed data (compressed twice)"},
	{0, []byte{0x04, 0x22, 0x4d, 0x18}, "lz4-compressed data (compressed twice)"},
	{0, []byte{0x02, 0x21, 0x4c, 0x18}, "lz4-compressed data, legacy frames (compressed twice)"},
	{0, []byte{0x1f, 0x9d}, "compress (.Z) data"},
	{0, []byte{0x1f, 0x8b}, "gzip-compressed data (compressed twice)"},
	{0, []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}, "a 7-Zip archive"},
	{0, []byte("PK\x03\x04"), "a zip archive"},
	{257, []byte("ustar"), "a tar archive"},
}

// Fits reports whether lines look like a log in f: at least one of the
// non-empty lines parses, or none is non-empty. It is the check that an
// explicitly named format is the input's, as Detect is when none is named.
func Fits(f *Format, lines [][]byte) bool {
	p := NewParser(f)
	var rec Record
	nonEmpty := 0
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		nonEmpty++
		if p.Parse(line, &rec) == nil {
			return true
		}
	}
	return nonEmpty == 0
}

// SniffErrorLog names a server's error log from the shape of its lines, as
// Debian keeps them beside the access logs (error.log, error.log.1.gz):
// "an Apache error log" when most non-empty lines start like
// "[Wed Oct 11 14:32:52.123456 2000] [core:error] ...", "an nginx error
// log" when they start like "2026/11/21 10:00:00 [error] 1234#0: ...".
// It returns "" for anything else.
func SniffErrorLog(lines [][]byte) string {
	apache, nginx, nonEmpty := 0, 0, 0
	for _, line := range lines {
		if len(line) == 0 {
			continue
		}
		nonEmpty++
		switch {
		case isApacheErrorLine(line):
			apache++
		case isNginxErrorLine(line):
			nginx++
		}
	}
	switch {
	case nonEmpty == 0:
		return ""
	case 2*apache > nonEmpty:
		return "an Apache error log"
	case 2*nginx > nonEmpty:
		return "an nginx error log"
	}
	return ""
}

// isApacheErrorLine matches "[Www Mmm dd hh:mm:ss[.uuuuuu] yyyy] [".
func isApacheErrorLine(line []byte) bool {
	end := bytes.IndexByte(line, ']')
	if len(line) < 2 || line[0] != '[' || end < 0 || len(line) < end+3 || string(line[end+1:end+3]) != " [" {
		return false
	}
	f := bytes.Fields(line[1:end])
	return len(f) == 5 && len(f[0]) == 3 && len(f[1]) == 3 && len(f[4]) == 4 && allDigits(f[4]) &&
		bytes.Count(f[3], []byte(":")) == 2
}

// isNginxErrorLine matches "yyyy/mm/dd hh:mm:ss [level] ".
func isNginxErrorLine(line []byte) bool {
	const prefix = len("2026/11/21 10:00:00 [")
	if len(line) < prefix+2 || line[4] != '/' || line[7] != '/' || line[10] != ' ' || line[13] != ':' || line[19] != ' ' || line[20] != '[' {
		return false
	}
	level := line[prefix:]
	end := bytes.IndexByte(level, ']')
	if end < 0 {
		return false
	}
	switch string(level[:end]) {
	case "debug", "info", "notice", "warn", "error", "crit", "alert", "emerg":
		return allDigits(line[:4]) && allDigits(line[5:7]) && allDigits(line[8:10])
	}
	return false
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}
