//go:build linux && (amd64 || arm64) && !noisal

package isal

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ebitengine/purego"
)

// libNames are where Load looks for libisal: the dynamic loader's search
// path first, then the usual library directories.
var libNames = []string{
	"libisal.so.2",
	"libisal.so",
	"/usr/lib/x86_64-linux-gnu/libisal.so.2",
	"/usr/lib/aarch64-linux-gnu/libisal.so.2",
	"/usr/local/lib/libisal.so.2",
	"/usr/lib64/libisal.so.2",
	"/usr/lib/libisal.so.2",
}

// lib holds the addresses of the functions used, in the loaded library.
type lib struct {
	init    uintptr // void isal_inflate_init(struct inflate_state *)
	reset   uintptr // void isal_inflate_reset(struct inflate_state *)
	inflate uintptr // int isal_inflate(struct inflate_state *)
}

var (
	loadOnce sync.Once
	loaded   *lib  // set by Load when it succeeds
	loadErr  error // why Load failed
)

// Load loads libisal and checks it by inflating a sample, the first time
// it is called (later calls return the same answer at once). It returns
// nil when Readers can be made, else an error wrapping ErrUnavailable
// that says why.
func Load() error {
	loadOnce.Do(func() { loaded, loadErr = load(libNames) })
	return loadErr
}

// load opens the first of names that loads, and checks it.
func load(names []string) (*lib, error) {
	var tried []string
	for _, name := range names {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err != nil {
			tried = append(tried, err.Error())
			continue
		}
		l, err := symbols(h)
		if err == nil {
			err = selfTest(l)
		}
		if err != nil {
			purego.Dlclose(h)
			return nil, fmt.Errorf("%w: %s: %v", ErrUnavailable, name, err)
		}
		return l, nil
	}
	if len(tried) > 1 { // the first says most: libisal.so.2 is not in the loader's path
		tried = append(tried[:1], fmt.Sprintf("nor in %d other places", len(tried)-1))
	}
	return nil, fmt.Errorf("%w: %s", ErrUnavailable, strings.Join(tried, "; "))
}

func symbols(h uintptr) (*lib, error) {
	var l lib
	for _, s := range []struct {
		name string
		addr *uintptr
	}{{"isal_inflate_init", &l.init}, {"isal_inflate_reset", &l.reset}, {"isal_inflate", &l.inflate}} {
		addr, err := purego.Dlsym(h, s.name)
		if err != nil {
			return nil, err
		}
		if addr == 0 {
			return nil, errors.New(s.name + ": no such symbol")
		}
		*s.addr = addr
	}
	return &l, nil
}

// call calls fn(state) and returns its int result.
func call(fn, state uintptr) int32 {
	r, _, _ := purego.SyscallN(fn, state)
	return int32(r)
}
