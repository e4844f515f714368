package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The bar's frames as the library drives it: the files done and the
// bytes read with the total, and at the end the complete frame, then the
// line cleared. With the total unknown, no percentage and no time left.
func TestProgressFrames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total int64
		last  string // the last frame, a regexp
	}{
		{"known total", 3 << 20, `^reading 3/3 files 100% \[=+\] \(3\.0/3\.0 MiB, [0-9.]+ [KMG]iB/s\)\s*$`},
		{"unknown total", -1, `^\S+ reading 3/3 files \(3\.0 MiB, [0-9.]+ [KMG]iB/s\)\s*$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			p := newProgressBar(context.Background(), &w)
			p.StartInputs(3)
			p.Start(tc.total)
			for range 3 {
				for range 4 {
					p.Add(256 << 10)
					time.Sleep(30 * time.Millisecond)
				}
				p.InputDone()
			}
			p.finish()
			frames := strings.Split(strings.TrimSuffix(w.String(), "\r\x1b[K"), "\r")
			last := strings.TrimRight(frames[len(frames)-1], " ")
			if !regexp.MustCompile(tc.last).MatchString(last) {
				t.Errorf("last frame %q, want %s", last, tc.last)
			}
			if !strings.HasSuffix(w.String(), "\r\x1b[K") {
				t.Errorf("the bar is not cleared at the end: %q", tail(w.String()))
			}
			if len(last) > 80-4 {
				t.Errorf("a frame of %d columns on an 80-column terminal: no room for an echoed ^C", len(last))
			}
		})
	}
}

// pacedRun is a run of logmr that reads files at a set pace: each input
// goes through a child that sleeps first, one at a time.
func pacedArgs(dir string, pause time.Duration) []string {
	return []string{"hosts", "--progress", "always", "-j", "1", "--format", "combined",
		"--input-filter", fmt.Sprintf("sh -c 'sleep %.2f; exec cat'", pause.Seconds()), dir}
}

// pacedCorpus writes n files of lines lines each.
func pacedCorpus(t *testing.T, n, lines int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		var b bytes.Buffer
		for j := range lines {
			fmt.Fprintf(&b, "192.0.2.%d - - [21/Nov/2026:10:%02d:%02d +0000] \"GET /p%d HTTP/1.1\" 200 %d \"-\" \"test agent\"\n", j%250, j/60%60, j%60, j, j)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("access.log.%d", i)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The last frame drawn is the complete one, and the bar is cleared after
// it: the stream ends with the clear.
func TestProgressLastFrameComplete(t *testing.T) {
	dir := pacedCorpus(t, 3, 2000)
	r := run(t, nil, pacedArgs(dir, 300*time.Millisecond)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %q", r.code, r.stderr)
	}
	cleared := regexp.MustCompile(`\r\x1b\[K$`)
	if !cleared.MatchString(r.stderr) {
		t.Fatalf("stderr %q does not end with the bar cleared", tail(r.stderr))
	}
	frames := strings.Split(cleared.ReplaceAllString(r.stderr, ""), "\r")
	last := frames[len(frames)-1]
	if !regexp.MustCompile(`^reading 3/3 files 100% \[=+\] \(([0-9.]+)/([0-9.]+) KiB, [0-9.]+ [KM]iB/s\)$`).MatchString(last) {
		t.Errorf("last frame %q, want 3/3 files, all bytes, 100%%, a full bar", last)
	}
	// Standard input: the total is unknown.
	text, err := os.ReadFile(filepath.Join(dir, "access.log.0"))
	if err != nil {
		t.Fatal(err)
	}
	r = run(t, text, "hosts", "--progress", "always", "-")
	if r.code != 0 || !cleared.MatchString(r.stderr) || strings.ContainsAny(strings.ReplaceAll(r.stderr, "\x1b[K", ""), "%[") ||
		!strings.Contains(r.stderr, "reading 1/1 files (") {
		t.Errorf("stdin: exit %d, stderr %q; want 1/1 files, no percentage, no bar, no ETA, cleared", r.code, r.stderr)
	}
}

func tail(s string) string { return s[max(0, len(s)-300):] }

// tmuxSession runs command in a detached 120x30 tmux session on a server
// of its own, for the length of the test.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, command string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the progress bar is not tested on a terminal")
	}
	s := &tmuxSession{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	s.tmux("new-session", "-d", "-x", "120", "-y", "30", command)
	t.Cleanup(func() { exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %q: %v: %s", args, err, out)
	}
	return string(out)
}

// screen returns the pane's text, wrapped lines joined, trailing blank
// lines dropped.
func (s *tmuxSession) screen() string {
	return strings.TrimRight(s.tmux("capture-pane", "-p", "-J"), "\n ")
}

// waitFor polls the screen until it matches re, and returns it.
func (s *tmuxSession) waitFor(re string, limit time.Duration) string {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		screen := s.screen()
		if regexp.MustCompile(re).MatchString(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("after %v the screen does not match %q:\n%s", limit, re, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// barRE is a frame with a known total, as a person sees it mid-run.
const barRE = `(?m)^reading \d+/16 files +\d+% \[=*>? *\] \([0-9.]+/[0-9.]+ [KM]iB, [0-9.]+ [KM]iB/s\)`

// TestProgressOnTerminal runs logmr in tmux as a person would, with
// stderr on the terminal: the bar mid-run, with its units and an ETA;
// after the run no bar, the summary on a clean line.
func TestProgressOnTerminal(t *testing.T) {
	dir := pacedCorpus(t, 16, 2000)
	args := pacedArgs(dir, 250*time.Millisecond) // about 4 s
	s := newTmux(t, shellCommand(append([]string{logmr}, args...), filepath.Join(t.TempDir(), "out")))
	mid := s.waitFor(barRE+` \[\d+s:\d+s\]$`, 10*time.Second) // elapsed and left
	t.Logf("mid-run:\n%s", mid)
	if path := os.Getenv("LOGMR_SAVE_CAPTURE"); path != "" {
		os.WriteFile(path, []byte(mid+"\n"), 0o644)
	}
	end := s.waitFor(`exit=\d+`, 20*time.Second)
	want := regexp.MustCompile(`^logmr: 16 files, 32000 lines, 32000 matched, 0 malformed: 250 hosts; [^\n]+ of text\nexit=0$`)
	if !want.MatchString(end) {
		t.Errorf("screen after the run:\n%s\nwant only the summary, on the first line, and exit=0", end)
	}
}

// TestProgressInterruptedOnTerminal: Ctrl-C mid-run leaves no bar, one
// line saying so, exit 130.
func TestProgressInterruptedOnTerminal(t *testing.T) {
	dir := pacedCorpus(t, 16, 2000)
	args := pacedArgs(dir, 250*time.Millisecond)
	s := newTmux(t, shellCommand(append([]string{logmr}, args...), filepath.Join(t.TempDir(), "out")))
	s.waitFor(barRE, 10*time.Second)
	s.tmux("send-keys", "C-c")
	end := s.waitFor(`exit=\d+`, 10*time.Second)
	if end != "logmr: interrupted (SIGINT)\nexit=130" {
		t.Errorf("screen after Ctrl-C:\n%s\nwant only %q and exit=130", end, "logmr: interrupted (SIGINT)")
	}
}

// shellCommand is a sh command line that runs argv with stdout to out and
// stderr on the terminal, then prints its exit status and waits. The
// shell traps SIGINT (its children do not inherit a trap), so that it
// outlives a Ctrl-C to print the status.
func shellCommand(argv []string, out string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return fmt.Sprintf("trap 'true' INT; %s >'%s'; echo exit=$?; sleep 60", strings.Join(quoted, " "), out)
}

// TestProgressForcedExitOnTerminal: a run reading the terminal cannot be
// woken, and is stopped after the grace; its bar is gone before the
// message is written.
func TestProgressForcedExitOnTerminal(t *testing.T) {
	s := newTmux(t, fmt.Sprintf("trap 'true' INT; '%s' hosts --progress always - </dev/tty >/dev/null; echo exit=$?; sleep 60", logmr))
	s.waitFor(`(?m)^\S+ reading 0/1 files \( *0 B\)`, 10*time.Second)
	s.tmux("send-keys", "C-c")
	end := s.waitFor(`exit=\d+`, 10*time.Second)
	if want := "logmr: interrupted (SIGINT): not stopped after 2s, stopped\nexit=130"; end != want {
		t.Errorf("screen after Ctrl-C:\n%s\nwant\n%s", end, want)
	}
}

// After clearProgress (the signal path) no frame is drawn: a worker that
// finishes its input afterwards must not redraw the bar (found in review).
func TestProgressNoFrameAfterClear(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressBar(context.Background(), &buf)
	p.StartInputs(2)
	p.Start(1000)
	p.Add(10)
	clearProgress()
	n := buf.Len()
	time.Sleep(progressThrottle + 50*time.Millisecond)
	p.InputDone()
	p.Add(10)
	if buf.Len() != n {
		t.Fatalf("bar drawn after clearProgress: %q", buf.String()[n:])
	}
}
