package subproc

import "syscall"

// setPdeathsig has the kernel SIGKILL the child when this process dies,
// even by SIGKILL, which no handler of ours sees: the child runs in a
// process group of its own (Setpgid), so nothing else would reach it.
//
// The parent dying between fork and prctl is covered by Go itself:
// forkAndExecInChild ($GOROOT/src/syscall/exec_linux.go) records the
// parent's PID before forking and, right after prctl(PR_SET_PDEATHSIG),
// compares getppid with it and signals the child itself if they differ.
//
// The signal comes when the thread that forked the child ends, not the
// process (go.dev/issue/27505). The Go runtime ends a thread only when a
// goroutine that called runtime.LockOSThread returns without unlocking;
// nothing in this package or its callers locks a thread, so the forking
// thread lives as long as the process. A program that embeds subproc and
// starts pipelines from a locked goroutine that exits would see the
// children killed early.
//
// Only the child is covered: the setting survives exec (sh -c 'exec gzip
// -dc' is covered) but not fork, so a grandchild, such as the last command
// of sh -c 'a; b', is orphaned rather than killed.
func setPdeathsig(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
