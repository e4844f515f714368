//go:build !(linux && (amd64 || arm64)) || noisal

package isal

import (
	"bufio"
	"fmt"
)

// Load reports that ISA-L is not used on this platform, or in a build
// with the noisal tag.
func Load() error { return fmt.Errorf("%w: not supported in this build", ErrUnavailable) }

// A Reader is never made in this build.
type Reader struct{}

// NewReader fails: see Load.
func NewReader() (*Reader, error) { return nil, Load() }

func (*Reader) Reset(*bufio.Reader)      {}
func (*Reader) Read([]byte) (int, error) { return 0, Load() }
func (*Reader) CRC32() uint32            { return 0 }
func (*Reader) Size() uint32             { return 0 }
