package subproc

import (
	"os"
	"syscall"
)

// pipeSize is what the pipe this process reads a pipeline's output from is
// grown to: the default 64 KiB makes a fast child (igzip writes ~1.5 GB/s)
// and its reader take turns, each waiting on the other, many thousand
// times a second. 1 MiB is Linux's default limit for unprivileged users.
// Only that pipe: pipe buffers count against a per-user limit (64 MiB by
// default, fs.pipe-user-pages-soft), past which new pipes get 8 KiB.
const pipeSize = 1 << 20

// growPipe asks for a pipeSize buffer; a kernel that refuses keeps the
// default, which is slower but as correct. SyscallConn, unlike Fd, leaves
// the file non-blocking, so that Close still wakes a blocked Read.
func growPipe(f *os.File) {
	const fSetPipeSize = 1031 // F_SETPIPE_SZ
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSize, pipeSize)
		})
	}
}
