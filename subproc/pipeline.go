package subproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options configures Start. The zero value runs the children with this
// process's environment, no timeout, a 1 s grace and a 32 KiB stderr tail.
type Options struct {
	// Env is the children's whole environment. Secrets belong here (read
	// by the child as, e.g., openssl's -pass env:NAME), never in argv,
	// which any user can read in ps. Nil means os.Environ().
	Env []string
	// Timeout kills the pipeline when it runs longer; 0 means no limit.
	Timeout time.Duration
	// Grace is how long a child has to exit after SIGTERM before its
	// process group gets SIGKILL; 0 means 1 s, which leaves logmr's 2 s
	// forced exit after a signal time to deliver the SIGKILL.
	Grace time.Duration
	// StderrTail is how many of the last bytes of each child's stderr are
	// kept for the error; 0 means 32 KiB.
	StderrTail int
}

// A Pipeline is a chain of running children connected by OS pipes: data
// goes from one child to the next without passing through this process.
type Pipeline struct {
	stages []Stage
	cmds   []*exec.Cmd
	tails  []*tailBuffer
	stdin  *os.File // the write end the caller fills, or nil
	stdout *eofFile // the read end the caller drains, or nil
	ctx    context.Context
	cancel context.CancelFunc
	grace  time.Duration

	lingered atomic.Bool // killed for running on after its output ended
	stops    []func() bool
	mu       sync.Mutex
	reaped   bool   // every child has been waited for: guarded by mu
	waited   []bool // waited[i]: child i has been waited for, its group id free: guarded by mu
	waitOnce sync.Once
	waitErr  error
}

// Start starts the stages. The first reads stdin, or, when stdin is nil,
// what the caller writes to Stdin(); the last writes to stdout, or, when
// stdout is nil, to the pipe the caller reads with Stdout(). An *os.File
// is handed to the child itself; another Reader or Writer is copied by a
// goroutine that Wait waits for. Every child runs in a process group of
// its own; when ctx is done or the timeout passes, each group gets SIGTERM,
// and SIGKILL after the grace. On Linux each child also gets SIGKILL when
// this process dies, even when it is killed with SIGKILL (see
// setPdeathsig). The caller must call Wait.
func Start(ctx context.Context, stages []Stage, stdin io.Reader, stdout io.Writer, opts Options) (*Pipeline, error) {
	if len(stages) == 0 {
		return nil, errors.New("subproc: no stage to run")
	}
	p := &Pipeline{stages: stages, grace: opts.Grace}
	if p.grace <= 0 {
		p.grace = time.Second
	}
	if opts.Timeout > 0 {
		p.ctx, p.cancel = context.WithTimeout(ctx, opts.Timeout)
	} else {
		p.ctx, p.cancel = context.WithCancel(ctx)
	}
	tail := opts.StderrTail
	if tail <= 0 {
		tail = 32 << 10
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	var parentEnds []*os.File // the child's ends of pipes: closed here once the children have them
	defer func() {
		for _, f := range parentEnds {
			f.Close()
		}
	}()
	for i, argv := range stages {
		if len(argv) == 0 {
			p.abort()
			return nil, errors.New("subproc: an empty stage")
		}
		cmd := exec.CommandContext(p.ctx, argv[0], argv[1:]...)
		cmd.Env = env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		setPdeathsig(cmd.SysProcAttr) // dies with this process, even by SIGKILL
		cmd.Cancel = func() error { return killGroup(cmd, syscall.SIGTERM) }
		cmd.WaitDelay = p.grace
		tb := &tailBuffer{max: tail}
		cmd.Stderr = tb
		p.cmds, p.tails = append(p.cmds, cmd), append(p.tails, tb)
		switch {
		case i > 0:
			r, w, err := os.Pipe()
			if err != nil {
				p.abort()
				return nil, err
			}
			p.cmds[i-1].Stdout, cmd.Stdin = w, r
			parentEnds = append(parentEnds, r, w)
		case stdin != nil:
			cmd.Stdin = stdin
		default:
			r, w, err := os.Pipe()
			if err != nil {
				p.abort()
				return nil, err
			}
			cmd.Stdin, p.stdin = r, w
			parentEnds = append(parentEnds, r)
		}
	}
	last := p.cmds[len(p.cmds)-1]
	if stdout != nil {
		last.Stdout = stdout
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			p.abort()
			return nil, err
		}
		growPipe(w)
		last.Stdout, p.stdout = w, &eofFile{File: r}
		parentEnds = append(parentEnds, w)
	}
	p.waited = make([]bool, len(p.cmds))
	track(p)
	for i, cmd := range p.cmds {
		p.mu.Lock() // KillAll reads cmd.Process
		err := cmd.Start()
		p.mu.Unlock()
		if err != nil {
			p.abort()
			return nil, fmt.Errorf("starting %s: %w", stages[i], err)
		}
		// SIGKILL for the whole group, grandchildren included, when the
		// grace after cancellation runs out and Wait has not reaped the
		// child yet (after that its group id could be another's).
		stop := context.AfterFunc(p.ctx, func() {
			time.AfterFunc(p.grace, func() {
				p.mu.Lock()
				defer p.mu.Unlock()
				if !p.reaped && !p.waited[i] {
					killGroup(cmd, syscall.SIGKILL)
				}
			})
		})
		p.stops = append(p.stops, stop)
	}
	return p, nil
}

// abort stops whatever Start had started, after a failure to start.
func (p *Pipeline) abort() {
	if p.stdin != nil {
		p.stdin.Close()
	}
	if p.stdout != nil {
		p.stdout.Close()
	}
	for _, cmd := range p.cmds {
		if cmd.Process != nil {
			killGroup(cmd, syscall.SIGKILL)
			cmd.Wait()
		}
	}
	p.mu.Lock()
	p.reaped = true // no late SIGKILL for a group that is gone
	p.mu.Unlock()
	untrack(p)
	for _, stop := range p.stops {
		stop()
	}
	p.cancel()
}

// running is every started Pipeline not yet waited for, for KillAll.
var running struct {
	sync.Mutex
	set map[*Pipeline]struct{}
}

func track(p *Pipeline) {
	running.Lock()
	defer running.Unlock()
	if running.set == nil {
		running.set = map[*Pipeline]struct{}{}
	}
	running.set[p] = struct{}{}
}

func untrack(p *Pipeline) {
	running.Lock()
	defer running.Unlock()
	delete(running.set, p)
}

// KillAll sends SIGKILL to the process group of every child of every
// pipeline not yet waited for, grandchildren included. It is for a program
// about to exit without waiting (a second Ctrl-C), so that no child, even
// one that ignores SIGTERM, outlives it.
func KillAll() {
	running.Lock()
	defer running.Unlock()
	for p := range running.set {
		p.mu.Lock()
		if !p.reaped {
			for i, cmd := range p.cmds {
				if !p.waited[i] {
					killGroup(cmd, syscall.SIGKILL)
				}
			}
		}
		p.mu.Unlock()
	}
}

// killGroup signals the child's process group.
func killGroup(cmd *exec.Cmd, sig syscall.Signal) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// Stdin is where the caller writes the first child's input when Start got
// no stdin; nil otherwise. Close it to end the input; Wait closes it too.
func (p *Pipeline) Stdin() io.WriteCloser {
	if p.stdin == nil {
		return nil
	}
	return p.stdin
}

// Stdout is where the caller reads the last child's output when Start got
// no stdout; nil otherwise. Read it to the end before Wait.
func (p *Pipeline) Stdout() io.Reader {
	if p.stdout == nil {
		return nil
	}
	return p.stdout
}

// Wait ends the caller's side (closing Stdin and Stdout), waits for every
// child and copying goroutine, and returns nil only when every stage
// exited 0. Otherwise it returns an *ExitError for the stage to blame: the
// first that failed other than by a broken pipe (a stage dies of SIGPIPE
// when the next one quits early), else the first that failed. A child
// still running after the caller has read its output to the end gets the
// grace, then is killed and blamed. When Wait returns, no child is left.
func (p *Pipeline) Wait() error {
	p.waitOnce.Do(func() { p.waitErr = p.wait() })
	return p.waitErr
}

func (p *Pipeline) wait() error {
	defer p.cancel()
	if p.stdin != nil {
		p.stdin.Close()
	}
	if p.stdout != nil {
		if p.stdout.eof.Load() {
			// All output is read: the children have no reason to linger.
			timer := time.AfterFunc(p.grace, func() { p.lingered.Store(true); p.cancel() })
			defer timer.Stop()
		}
		p.stdout.Close()
	}
	errs := make([]error, len(p.cmds))
	for i, cmd := range p.cmds {
		errs[i] = cmd.Wait()
		p.mu.Lock()
		killGroup(cmd, syscall.SIGKILL) // grandchildren that outlived the child
		p.waited[i] = true
		p.mu.Unlock()
	}
	p.mu.Lock()
	p.reaped = true
	p.mu.Unlock()
	untrack(p)
	for _, stop := range p.stops {
		stop()
	}
	var blame, first *ExitError
	for i, err := range errs {
		if err == nil {
			continue
		}
		e := p.exitError(i, err)
		if first == nil {
			first = e
		}
		if blame == nil && !e.BrokenPipe() {
			blame = e
		}
	}
	switch {
	case blame != nil:
		return blame
	case first != nil:
		return first
	}
	return nil
}

func (p *Pipeline) exitError(i int, err error) *ExitError {
	e := &ExitError{Stage: p.stages[i], Err: err, Stderr: p.tails[i].String()}
	switch {
	case p.lingered.Load():
		e.Reason = fmt.Sprintf("still running %v after its output ended: killed", p.grace)
	case errors.Is(p.ctx.Err(), context.DeadlineExceeded):
		e.Reason = "timed out: killed"
	case p.ctx.Err() != nil:
		e.Reason = "cancelled: killed"
	}
	return e
}

// An ExitError is a stage that failed: its command, how it ended, and the
// tail of what it wrote to stderr.
type ExitError struct {
	Stage  Stage
	Err    error  // *exec.ExitError, or the error of Wait
	Reason string // why it was killed, when it was
	Stderr string // the tail of its stderr
}

func (e *ExitError) Error() string {
	var b strings.Builder
	b.WriteString(e.Stage.String())
	b.WriteString(": ")
	if e.Reason != "" {
		b.WriteString(e.Reason + " (" + e.Err.Error() + ")")
	} else {
		b.WriteString(e.Err.Error())
	}
	if msg := oneLine(e.Stderr); msg != "" {
		b.WriteString(": " + msg)
	}
	return b.String()
}

func (e *ExitError) Unwrap() error { return e.Err }

// BrokenPipe reports whether the stage died of SIGPIPE: it was still
// writing when its reader stopped, which is the reader's story to tell.
func (e *ExitError) BrokenPipe() bool {
	var ee *exec.ExitError
	if errors.As(e.Err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGPIPE {
			return true
		}
	}
	return false
}

// oneLine joins the last lines of a child's stderr into one line.
func oneLine(s string) string {
	lines := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == '\n' || r == '\r' })
	if len(lines) > 4 {
		lines = lines[len(lines)-4:]
	}
	return strings.Join(lines, " | ")
}

// eofFile records that its reader saw the end.
type eofFile struct {
	*os.File
	eof atomic.Bool
}

func (f *eofFile) Read(b []byte) (int, error) {
	n, err := f.File.Read(b)
	if errors.Is(err, io.EOF) {
		f.eof.Store(true)
	}
	return n, err
}

// A tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(b)
	if len(b) >= t.max {
		t.buf = append(t.buf[:0], b[len(b)-t.max:]...)
		return n, nil
	}
	if over := len(t.buf) + len(b) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, b...)
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
