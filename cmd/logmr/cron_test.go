package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startHolding starts a run that holds lock until stdin is closed: it
// reads standard input, which the test keeps open.
func startHolding(t *testing.T, lock string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(logmr, "hosts", "--lock", lock, "-")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, _ := os.ReadFile(lock); strings.TrimSpace(string(b)) == strconv.Itoa(cmd.Process.Pid) {
			return cmd, in
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the first run never took the lock")
		}
	}
}

// Two runs with one --lock: the second exits 75 at once, naming the
// holder; with --lock-wait it waits for the first and then runs.
func TestLock(t *testing.T) {
	lock := filepath.Join(t.TempDir(), "logmr.lock")
	first, in := startHolding(t, lock)
	start := time.Now()
	r := run(t, nil, "hosts", "--lock", lock, "../../testdata/logs")
	if r.code != 75 || !strings.Contains(r.stderr, "pid "+strconv.Itoa(first.Process.Pid)) || time.Since(start) > 5*time.Second || r.stdout != "" {
		t.Errorf("second run: exit %d after %v, stderr %q; want 75 at once naming pid %d", r.code, time.Since(start), r.stderr, first.Process.Pid)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(in, `192.0.2.9 - - [22/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5`+"\n")
		in.Close()
	}()
	r = run(t, nil, "hosts", "--lock", lock, "--lock-wait", "20s", "../../testdata/logs")
	if r.code != 0 || r.stdout == "" {
		t.Errorf("waiting run: exit %d, stderr %q; want it to run once the first is done", r.code, r.stderr)
	}
	if err := first.Wait(); err != nil {
		t.Errorf("first run: %v", err)
	}
	// A lock left by a killed run does not block: flock died with it.
	killed, _ := startHolding(t, lock)
	killed.Process.Kill()
	killed.Wait()
	if r := run(t, nil, "hosts", "--lock", lock, "../../testdata/logs"); r.code != 0 {
		t.Errorf("after a killed holder: exit %d, stderr %q", r.code, r.stderr)
	}
}

// --max-malformed fails a file with too many malformed lines.
func TestMaxMalformed(t *testing.T) {
	r := run(t, nil, "hosts", "--max-malformed", "0.2", "../../testdata/logs")
	if r.code != 3 || !strings.Contains(r.stderr, "access.log: too many malformed lines: 4 of 10") || r.stdout == "" {
		t.Errorf("exit %d, stderr %q; want access.log failed, the others counted, exit 3", r.code, r.stderr)
	}
	if r := run(t, nil, "hosts", "--max-malformed", "0.5", "../../testdata/logs"); r.code != 0 {
		t.Errorf("ratio 0.5: exit %d, stderr %q", r.code, r.stderr)
	}
}

// Under cron: an empty environment, stdin closed, no terminal; the run
// prints the result and nothing else.
func TestCronEnvironment(t *testing.T) {
	cmd := exec.Command(logmr, "hosts", "--path", "/robots.txt", "../../testdata/logs")
	cmd.Env = []string{}
	cmd.Stdin = nil // /dev/null
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	want := run(t, nil, "hosts", "--path", "/robots.txt", "../../testdata/logs")
	if stderr.Len() != 0 || stdout.String() != want.stdout {
		t.Errorf("stderr %q, stdout %q; want only the result", stderr.String(), stdout.String())
	}
}

// TestGuideCrontab runs the user guide's crontab lines (docs/guide.md,
// "Running from cron and systemd") as cron does: through sh -c, with
// cron's minimal environment, no terminal and no standard input, "\%"
// unescaped (a bare % would end the command). Paths are pointed at a
// scratch directory. Each line must print nothing, exit 0 and write its
// report; run again (the cache warm), the same report.
func TestGuideCrontab(t *testing.T) {
	guide, err := os.ReadFile("../../docs/guide.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(guide), "```cron\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("docs/guide.md has no ```cron block")
	}
	scratch := t.TempDir()
	logs := filepath.Join(scratch, "apache2")
	if err := os.CopyFS(logs, os.DirFS("../../testdata/logs")); err != nil {
		t.Fatal(err)
	}
	// The nightly lines ask about yesterday: the live log holds it, as a
	// real one would, so that the answer is not empty (an empty answer
	// says why on stderr, and cron would mail that).
	noon := time.Now().AddDate(0, 0, -1)
	noon = time.Date(noon.Year(), noon.Month(), noon.Day(), 12, 0, 0, 0, time.Local)
	live := fmt.Sprintf("192.0.2.77 - - [%s] \"GET /robots.txt HTTP/1.1\" 200 68 \"-\" \"cron test\"\n", noon.Format("02/Jan/2006:15:04:05 -0700"))
	if err := os.WriteFile(filepath.Join(logs, "access.log"), []byte(live), 0o644); err != nil {
		t.Fatal(err)
	}
	replacer := strings.NewReplacer(
		"/usr/local/bin/logmr", logmr, // where the README's install line puts it
		"/var/log/apache2", logs,
		"/run/lock/", scratch+"/",
		"/var/cache/logmr", filepath.Join(scratch, "cache"),
		"/srv/reports/", scratch+"/",
	)
	lines := 0
	for line := range strings.Lines(block) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 6 {
			t.Fatalf("crontab line %q: want 5 time fields and a command", line)
		}
		command := strings.TrimSpace(line[strings.Index(line, fields[5]):])
		if !strings.HasPrefix(command, "/usr/local/bin/logmr ") {
			t.Errorf("crontab line %q: cron's PATH is /usr/bin:/bin; name the binary /usr/local/bin/logmr", line)
		}
		if strings.Contains(strings.ReplaceAll(command, `\%`, ""), "%") {
			t.Errorf("crontab line %q: a bare %% ends the command under cron; write \\%%", line)
		}
		command = replacer.Replace(strings.ReplaceAll(command, `\%`, "%"))
		report := regexp.MustCompile(`-o (\S+)`).FindStringSubmatch(command)
		if report == nil {
			t.Fatalf("crontab line %q writes no report (-o)", line)
		}
		var first string
		for run := range 2 {
			cmd := exec.Command("/bin/sh", "-c", command)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + scratch, "SHELL=/bin/sh", "LOGNAME=cron"} // cron's own
			out, err := cmd.CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Fatalf("crontab line %q, run %d: %v, output %q; want exit 0 and no output (cron mails any)", line, run+1, err, out)
			}
			data, err := os.ReadFile(report[1])
			if err != nil {
				t.Fatalf("crontab line %q: no report: %v", line, err)
			}
			if len(data) == 0 {
				t.Errorf("crontab line %q: an empty report, want yesterday's answer", line)
			}
			if run == 0 {
				first = string(data)
			} else if string(data) != first {
				t.Errorf("crontab line %q: the second run's report differs:\n%s\nfirst:\n%s", line, data, first)
			}
		}
		lines++
	}
	if lines == 0 {
		t.Error("the guide's crontab block has no line to test")
	}
}

// Cache flags: misuse is a usage error; an unusable directory fails the
// run before reading, naming it; parse has no cache.
func TestCacheFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"hosts", "--cache-max-age", "1d", "../../testdata/logs"}, 2, "--cache-max-age needs --cache DIR"},
		{[]string{"hosts", "--cache", dir, "--cache-max-age", "soon", "../../testdata/logs"}, 2, `--cache-max-age: "soon": want a number of days`},
		{[]string{"count", "--by", "status", "--cache", "/proc/logmr-cache", "../../testdata/logs"}, 1, "--cache /proc/logmr-cache: cache:"},
		{[]string{"parse", "--cache", dir, "../../testdata/logs"}, 2, "--cache: no such flag for parse"},
	} {
		r := run(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) || r.stdout != "" {
			t.Errorf("logmr %q: exit %d, stderr %q; want exit %d naming %q", tc.args, r.code, r.stderr, tc.code, tc.msg)
		}
	}
	for _, age := range []string{"0", "12h", "1.5d", "30d"} {
		if r := run(t, nil, "hosts", "--cache", dir, "--cache-max-age", age, "../../testdata/logs"); r.code != 0 {
			t.Errorf("--cache-max-age %s: exit %d, %s", age, r.code, r.stderr)
		}
	}
	// A cache kept inside the log directory is not read as logs.
	logs := filepath.Join(t.TempDir(), "logs")
	if err := os.CopyFS(logs, os.DirFS("../../testdata/logs")); err != nil {
		t.Fatal(err)
	}
	want := run(t, nil, "hosts", logs)
	for range 2 {
		if r := run(t, nil, "hosts", "--cache", filepath.Join(logs, "cache"), logs); r.code != 0 || r.stdout != want.stdout {
			t.Errorf("--cache inside the logs: exit %d, stderr %q; want exit 0 and the answer without it", r.code, r.stderr)
		}
	}
	if r := run(t, nil, "hosts", "--cache", dir, "--cache-max-age", "NaNd", "../../testdata/logs"); r.code != 2 {
		t.Errorf("--cache-max-age NaNd: exit %d, want 2", r.code)
	}
	tag, err := os.ReadFile(filepath.Join(dir, "CACHEDIR.TAG"))
	if err != nil || !strings.HasPrefix(string(tag), "Signature: 8a477f597d28d172789f06886806bc55") {
		t.Errorf("CACHEDIR.TAG: %q, %v", tag, err)
	}
}
