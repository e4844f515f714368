//go:build !linux

package subproc

import "syscall"

// setPdeathsig does nothing: only Linux kills a child when its parent
// dies. Elsewhere a SIGKILLed logmr leaves its children running.
func setPdeathsig(*syscall.SysProcAttr) {}
