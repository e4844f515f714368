//go:build !linux

package main

import (
	"errors"
	"os"
)

// errUnnamedUnsupported is returned by openUnnamed: only Linux has
// O_TMPFILE, so other systems name their temporary files.
var errUnnamedUnsupported = errors.New("unnamed temporary files are not supported here")

func openUnnamed(string) (*os.File, error) { return nil, errUnnamedUnsupported }

func linkUnnamed(*os.File, string) error { return errUnnamedUnsupported }
