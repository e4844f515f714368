package loggen

import (
	"errors"
	"fmt"
)

// Sentinel errors.
var (
	// ErrConfig is returned by Generate when a Config field is out of range.
	ErrConfig = errors.New("loggen: invalid config")
)

// defaultRobotsFraction is used when Config.RobotsFraction is 0.
const defaultRobotsFraction = 0.001

// Config describes a corpus. The zero value is not usable: Dir, Files and BytesPerFile must be set.
type Config struct {
	Dir               string  // output directory, created if missing; existing files of the same names are overwritten, others are left alone
	Files             int     // number of files, at least 1
	BytesPerFile      int64   // approximate uncompressed size of each file: writing stops at the first line that reaches it
	Seed              uint64  // same seed and config give byte-identical files
	MalformedFraction float64 // fraction of lines that a combined-format parser must reject, in [0, 1)
	GzipLevel         int     // 0 writes plain text; 1..9 gzip every file but access.log and access.log.1
	RobotsFraction    float64 // fraction of well-formed lines whose path is /robots.txt; 0 means 0.001
}

// Truth is what a correct reader of the corpus must find.
type Truth struct {
	Files             []string         // paths written, newest first: access.log, access.log.1, access.log.2.gz, ...
	Lines             int64            // every line, malformed ones included
	Malformed         int64            // lines a combined-format parser must reject
	UncompressedBytes int64            // total size of the text, before compression
	RobotsHosts       map[string]bool  // canonical host of every well-formed line whose request path is exactly /robots.txt
	Statuses          map[string]Tally // per status code as written, the well-formed lines that have it
}

// Tally is what `logmr count` reports for one key: the requests and the bytes sent, "-"
// counting as 0.
type Tally struct {
	Requests, Bytes int64
}

func (c *Config) validate() error {
	switch {
	case c.Dir == "":
		return fmt.Errorf("%w: Dir is empty", ErrConfig)
	case c.Files < 1:
		return fmt.Errorf("%w: Files = %d, want >= 1", ErrConfig, c.Files)
	case c.BytesPerFile < 1:
		return fmt.Errorf("%w: BytesPerFile = %d, want >= 1", ErrConfig, c.BytesPerFile)
	case !(c.MalformedFraction >= 0 && c.MalformedFraction < 1):
		return fmt.Errorf("%w: MalformedFraction = %g, want [0, 1)", ErrConfig, c.MalformedFraction)
	case !(c.RobotsFraction >= 0 && c.RobotsFraction+nearMissFraction < 1):
		return fmt.Errorf("%w: RobotsFraction = %g, want [0, %g)", ErrConfig, c.RobotsFraction, 1-nearMissFraction)
	case c.GzipLevel < 0 || c.GzipLevel > 9:
		return fmt.Errorf("%w: GzipLevel = %d, want 0..9", ErrConfig, c.GzipLevel)
	}
	return nil
}

func (c *Config) robotsFraction() float64 {
	if c.RobotsFraction == 0 {
		return defaultRobotsFraction
	}
	return c.RobotsFraction
}
