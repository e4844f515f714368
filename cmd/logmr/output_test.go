package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// namedTempMain, set in the environment, makes the test binary run logmr's
// command line with named temporary -o files, the fallback for systems
// without O_TMPFILE: a child the tests can kill.
const namedTempMain = "LOGMR_TEST_NAMED_TEMP_MAIN"

func mainNamedTemp() int {
	useUnnamedTemp = false
	env := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	app := newApp(env)
	err := checkCommand(app, os.Args)
	if err == nil {
		err = app.RunContext(context.Background(), reorderArgs(app, os.Args))
	}
	return exitCode(context.Background(), err, env)
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestOutputKilledMidWrite: logmr killed with SIGKILL while it writes -o
// (its --output-filter never ends) leaves the old file untouched and, with
// O_TMPFILE, nothing else; with named temporary files, one whose name
// holds its PID, which the next run writing there removes.
func TestOutputKilledMidWrite(t *testing.T) {
	needShellTools(t, "sleep")
	for _, mode := range []string{"unnamed", "named"} {
		t.Run(mode, func(t *testing.T) {
			dir, work := t.TempDir(), t.TempDir()
			if mode == "unnamed" {
				f, err := openUnnamed(dir)
				if err != nil {
					t.Skipf("no unnamed temporary files in %s: %v", dir, err)
				}
				f.Close()
			}
			out, pidFile := filepath.Join(dir, "out.txt"), filepath.Join(work, "pid")
			if err := os.WriteFile(out, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			filter := `sh -c 'echo $$ > "$0"; exec sleep 30' ` + shellQuote(pidFile)
			cmd := exec.Command(logmr, "hosts", "-o", out, "--output-filter", filter, "../../testdata/logs")
			if mode == "named" {
				cmd = exec.Command(os.Args[0], "hosts", "-o", out, "--output-filter", filter, "../../testdata/logs")
				cmd.Env = append(os.Environ(), namedTempMain+"=1")
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				for _, pid := range readPIDs(pidFile) {
					syscall.Kill(-pid, syscall.SIGKILL)
					syscall.Kill(pid, syscall.SIGKILL)
				}
			})
			// The filter starts once the temporary file exists.
			for deadline := time.Now().Add(20 * time.Second); len(readPIDs(pidFile)) == 0; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatal("the output filter never started")
				}
			}
			time.Sleep(100 * time.Millisecond)
			cmd.Process.Kill() // SIGKILL
			cmd.Wait()
			if b, _ := os.ReadFile(out); string(b) != "old\n" {
				t.Errorf("after SIGKILL, -o file = %q, want the old %q", b, "old\n")
			}
			names := dirNames(t, dir)
			if mode == "unnamed" {
				if !slices.Equal(names, []string{"out.txt"}) {
					t.Errorf("after SIGKILL mid-write, the directory holds %q, want only out.txt", names)
				}
				return
			}
			stale := regexp.MustCompile(fmt.Sprintf(`^\.out\.txt\.logmr-tmp-%s-%d-[0-9a-f]{8}$`, hostTag(), cmd.Process.Pid))
			if len(names) != 2 || names[1] != "out.txt" || !stale.MatchString(names[0]) {
				t.Fatalf("after SIGKILL mid-write (named), the directory holds %q, want out.txt and %s", names, stale)
			}
			if got := runInProcess(nil, "hosts", "-o", out, "../../testdata/logs"); got.code != 0 {
				t.Fatalf("next run: exit %d, stderr %q", got.code, got.stderr)
			}
			if names := dirNames(t, dir); !slices.Equal(names, []string{"out.txt"}) {
				t.Errorf("after the next run writing -o there, the directory holds %q, want only out.txt", names)
			}
		})
	}
}

// TestStaleTempCleanup: a run writing -o removes the named temporary files
// of dead runs in that directory, and nothing else: not a live run's, not
// a name that only looks like one.
func TestStaleTempCleanup(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skipf("true: %v", err)
	}
	deadPID := dead.Process.Pid
	if unix.Kill(deadPID, 0) != unix.ESRCH {
		t.Skipf("pid %d was reused already", deadPID)
	}
	live := os.Getppid() // go test itself
	for _, named := range []bool{false, true} {
		t.Run(fmt.Sprintf("named=%v", named), func(t *testing.T) {
			useUnnamedTemp = !named
			defer func() { useUnnamedTemp = true }()
			dir := t.TempDir()
			h := hostTag()
			gone := []string{
				fmt.Sprintf(".out.txt.logmr-tmp-%s-%d-0123abcd", h, deadPID),
				fmt.Sprintf(".other.csv.logmr-tmp-%s-%d-89abcdef", h, deadPID),
			}
			kept := []string{
				fmt.Sprintf(".out.txt.logmr-tmp-%s-%d-0123abcd", h, live),
				fmt.Sprintf("out.txt.logmr-tmp-%s-%d-0123abcd", h, deadPID),
				fmt.Sprintf(".out.txt.logmr-tmp-%s-%d-0123ABCD", h, deadPID),
				fmt.Sprintf(".out.txt.logmr-tmp-%s-%d-0123abcd.bak", h, deadPID),
				fmt.Sprintf(".out.txt.logmr-tmp-%s-0%d-0123abcd", h, deadPID),
				fmt.Sprintf(".logmr-tmp-%s-%d-0123abcd", h, deadPID),
				fmt.Sprintf(".out.txt.logmr-tmp-%s-%d-0123abcd", "0badc0de", deadPID), // another machine's
				".out.txt.tmp123",
			}
			for _, name := range append(slices.Clone(gone), kept...) {
				if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			subdir := fmt.Sprintf(".d.logmr-tmp-%s-%d-0123abcd", h, deadPID)
			if err := os.Mkdir(filepath.Join(dir, subdir), 0o755); err != nil {
				t.Fatal(err)
			}
			kept = append(kept, subdir, "out.txt")
			got := runInProcess(nil, "hosts", "--path", "/robots.txt", "-o", filepath.Join(dir, "out.txt"), "../../testdata/logs")
			if got.code != 0 {
				t.Fatalf("hosts -o: exit %d, stderr %q", got.code, got.stderr)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "out.txt")); strings.Count(string(b), "\n") != 10 {
				t.Errorf("-o file = %q, want 10 hosts", b)
			}
			slices.Sort(kept)
			if names := dirNames(t, dir); !slices.Equal(names, kept) {
				t.Errorf("after a run writing -o, the directory holds %q, want %q (the dead runs' %q removed)", names, kept, gone)
			}
		})
	}
}

// TestOutputDanglingLink: -o through a link whose target does not exist
// yet (through a chain of links, relative or absolute) creates the target
// and keeps the links; a loop of links is an error that changes nothing.
func TestOutputDanglingLink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"rel":     "sub/target.txt", // relative to the link's directory
		"chain":   "sub/hop",        // -> sub/hop -> ../abs -> absolute
		"sub/hop": "../abs",
		"abs":     filepath.Join(dir, "sub", "abs.txt"),
		"loop1":   "loop2",
		"loop2":   "loop1",
	}
	for name, dest := range links {
		if err := os.Symlink(dest, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ link, target string }{{"rel", "sub/target.txt"}, {"chain", "sub/abs.txt"}} {
		got := runInProcess(nil, "hosts", "--path", "/robots.txt", "-o", filepath.Join(dir, tt.link), "../../testdata/logs")
		if got.code != 0 {
			t.Fatalf("-o %s: exit %d, stderr %q", tt.link, got.code, got.stderr)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, tt.target)); strings.Count(string(b), "\n") != 10 {
			t.Errorf("-o %s: %s = %q, want the 10 hosts", tt.link, tt.target, b)
		}
	}
	for name, dest := range links {
		if got, err := os.Readlink(filepath.Join(dir, name)); err != nil || got != dest {
			t.Errorf("link %s after the runs: %q, %v; want it kept, -> %s", name, got, err, dest)
		}
	}
	loop := filepath.Join(dir, "loop1")
	got := runInProcess(nil, "hosts", "-o", loop, "../../testdata/logs")
	if want := "output " + loop + ": more than 40 symbolic links"; got.code != 1 || !strings.Contains(got.stderr, want) {
		t.Errorf("-o into a loop of links: exit %d, stderr %q; want 1 and %q", got.code, got.stderr, want)
	}
}

// TestOutputDirectoryChecked: -o into a missing directory, or under a
// file, is a bad -o value: exit 2 before any input is read (the filter
// never runs), naming the path given, not a temporary file's name.
func TestOutputDirectoryChecked(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "filter-ran")
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	missing := filepath.Join(dir, "no", "such", "dir", "out.txt")
	partial := filepath.Join(dir, "p.partial")
	if r := run(t, nil, "hosts", "--partial", "-o", partial, "../../testdata/logs"); r.code != 0 {
		t.Fatalf("hosts --partial: exit %d, %s", r.code, r.stderr)
	}
	filter := "sh -c 'touch " + marker + "; cat'"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"hosts, missing", []string{"hosts", "--input-filter", filter, "-o", missing, "../../testdata/logs"},
			"--output " + missing + ": directory " + filepath.Dir(missing) + " does not exist"},
		{"count, missing", []string{"count", "--by", "status", "--input-filter", filter, "-o", missing, "../../testdata/logs"},
			"--output " + missing + ": directory " + filepath.Dir(missing) + " does not exist"},
		{"parse, under a file", []string{"parse", "--input-filter", filter, "-o", file + "/out.jsonl", "../../testdata/logs"},
			"--output " + file + "/out.jsonl: " + file + " is not a directory"},
		{"merge, missing", []string{"merge", "-o", missing, partial},
			"--output " + missing + ": directory " + filepath.Dir(missing) + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.args...)
			if line, _, _ := strings.Cut(r.stderr, "\n"); r.code != 2 || line != "logmr: "+tt.want {
				t.Errorf("logmr %q: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
			}
			if fileExists(marker) {
				t.Errorf("logmr %q ran the input filter before refusing -o", tt.args)
			}
		})
	}
}

// TestOutputDirectoryUnwritable: -o into a directory where no file can
// be created fails at once (exit 1, before the input filter runs), naming
// the path given and the directory, and leaves nothing there. Such a
// directory: one without write permission, unless the tests run as root;
// /proc, where not even root creates files.
func TestOutputDirectoryUnwritable(t *testing.T) {
	var dirs []string
	if os.Geteuid() != 0 {
		locked := filepath.Join(t.TempDir(), "locked")
		if err := os.Mkdir(locked, 0o555); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, locked)
	}
	if info, err := os.Stat("/proc/self"); err == nil && info.IsDir() {
		dirs = append(dirs, "/proc")
	}
	if len(dirs) == 0 {
		t.Skip("running as root without /proc: no directory where a file cannot be created")
	}
	for _, dir := range dirs {
		marker := filepath.Join(t.TempDir(), "filter-ran")
		out := filepath.Join(dir, "out.csv")
		args := []string{"count", "--by", "status", "--input-filter", "sh -c 'touch " + marker + "; cat'", "-o", out, "../../testdata/logs"}
		r := run(t, nil, args...)
		want := "logmr: --output " + out + ": cannot create a file in " + dir + ": "
		if r.code != 1 || !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("logmr %q: exit %d, stderr %q; want 1 and one line starting %q", args, r.code, r.stderr, want)
		}
		if fileExists(marker) {
			t.Errorf("logmr %q ran the input filter before refusing -o", args)
		}
		if entries, _ := os.ReadDir(dir); dir != "/proc" && len(entries) != 0 {
			t.Errorf("%s holds %d entries after the refusal", dir, len(entries))
		}
	}
}

// TestOutputDevStdoutPipe: -o /dev/stdout, when standard output is a
// pipe (/proc/self/fd/1 names "pipe:[…]", no path), is written in place.
func TestOutputDevStdoutPipe(t *testing.T) {
	if _, err := os.Stat("/dev/stdout"); err != nil {
		t.Skip("no /dev/stdout here")
	}
	cmd := exec.Command(logmr, "hosts", "-O", "text", "-o", "/dev/stdout", "../../testdata/logs/access.log.3.gz")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output() // a pipe
	want := run(t, nil, "hosts", "-O", "text", "../../testdata/logs/access.log.3.gz").stdout
	if err != nil || string(out) != want || want == "" {
		t.Errorf("hosts -o /dev/stdout | …: %v, stdout %q, stderr %q; want %q", err, out, stderr.String(), want)
	}
}

// TestOutputUsageBeforeProbe: -o as a directory is a usage error, and a
// usage error comes before the check that -o's directory takes a file.
func TestOutputUsageBeforeProbe(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, nil, "count", "--by", "status", "-o", dir, "../../testdata/logs"); r.code != exitUsage || !strings.HasPrefix(r.stderr, "logmr: --output "+dir+" is a directory\n") {
		t.Errorf("-o DIR: exit %d, stderr %q; want %d, is a directory", r.code, r.stderr, exitUsage)
	}
	if _, err := os.Stat("/proc/self"); err != nil {
		return
	}
	if r := run(t, nil, "count", "--by", "status", "--format", "nosuch", "-o", "/proc/out.csv", "../../testdata/logs"); r.code != exitUsage || !strings.Contains(r.stderr, "--format") {
		t.Errorf("bad --format and -o /proc/out.csv: exit %d, stderr %q; want %d for --format", r.code, r.stderr, exitUsage)
	}
}

// TestOutputFormatFromExtension: without -O, -o FILE's extension picks the
// format; -O wins, nothing is guessed through --output-filter or past .gz,
// and another extension gets the command's default.
func TestOutputFormatFromExtension(t *testing.T) {
	logs := "../../testdata/logs/access.log.3.gz"
	stdout := func(args ...string) string {
		t.Helper()
		r := run(t, nil, args...)
		if r.code != 0 {
			t.Fatalf("logmr %q: exit %d, %s", args, r.code, r.stderr)
		}
		return r.stdout
	}
	want := map[string]string{}
	for _, f := range []string{"text", "json", "jsonl", "csv", "tsv"} {
		want[f] = stdout("hosts", "-O", f, logs)
	}
	wantParse := map[string]string{"jsonl": stdout("parse", logs), "csv": stdout("parse", "-O", "csv", logs)}
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string // -o FILE is added
		file string
		want string
	}{
		{"json", []string{"hosts"}, "r.json", want["json"]},
		{"jsonl", []string{"hosts"}, "r.jsonl", want["jsonl"]},
		{"ndjson", []string{"hosts"}, "r.ndjson", want["jsonl"]},
		{"csv", []string{"hosts"}, "r.csv", want["csv"]},
		{"tsv", []string{"hosts"}, "R.TSV", want["tsv"]},
		{"other extension: the default", []string{"hosts"}, "r.txt", want["text"]},
		{"no extension: the default", []string{"hosts"}, "result", want["text"]},
		{".gz not stripped", []string{"hosts"}, "r.json.gz", want["text"]},
		{"-O wins", []string{"hosts", "-O", "tsv"}, "r2.json", want["tsv"]},
		{"parse's default", []string{"parse"}, "r.log", wantParse["jsonl"]},
		{"parse csv", []string{"parse"}, "p.csv", wantParse["csv"]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.file)
			stdout(append(tt.args, "-o", out, logs)...)
			if got, _ := os.ReadFile(out); string(got) != tt.want {
				t.Errorf("logmr %q -o %s wrote %q, want %q", tt.args, tt.file, got, tt.want)
			}
		})
	}
	// Through --output-filter, r.json is whatever the filter makes of the
	// default format: nothing is inferred.
	out := filepath.Join(dir, "filtered.json")
	stdout("hosts", "--output-filter", "tr a-z A-Z", "-o", out, logs)
	if got, _ := os.ReadFile(out); string(got) != strings.ToUpper(want["text"]) {
		t.Errorf("--output-filter -o filtered.json wrote %q, want the text format through the filter", got)
	}
	// merge infers too.
	partial := filepath.Join(dir, "p.partial")
	stdout("hosts", "--partial", "-o", partial, logs)
	merged := filepath.Join(dir, "merged.csv")
	stdout("merge", "-o", merged, partial)
	if got, _ := os.ReadFile(merged); string(got) != want["csv"] {
		t.Errorf("merge -o merged.csv wrote %q, want %q", got, want["csv"])
	}
}

// TestHumanNeedsText: --human with a format other than text is a usage
// error, whether -O or -o's extension chose it.
func TestHumanNeedsText(t *testing.T) {
	dir := t.TempDir()
	partial := filepath.Join(dir, "p.partial")
	if r := run(t, nil, "count", "--by", "status", "--partial", "-o", partial, "../../testdata/logs"); r.code != 0 {
		t.Fatalf("count --partial: exit %d, %s", r.code, r.stderr)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"count", "--by", "status", "--human", "-O", "json", "../../testdata/logs"}, "logmr: --human applies to -O text, not to -O json"},
		{[]string{"count", "--by", "status", "--human", "-o", filepath.Join(dir, "r.csv"), "../../testdata/logs"},
			"logmr: --human applies to -O text, not to csv (the extension of -o " + filepath.Join(dir, "r.csv") + ")"},
		{[]string{"merge", "--human", "-O", "tsv", partial}, "logmr: --human applies to -O text, not to -O tsv"},
	}
	for _, tt := range tests {
		r := run(t, nil, tt.args...)
		if line, _, _ := strings.Cut(r.stderr, "\n"); r.code != 2 || line != tt.want {
			t.Errorf("logmr %q: exit %d, stderr %q; want 2 and %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if r := run(t, nil, "count", "--by", "status", "--human", "-o", filepath.Join(dir, "r.txt"), "../../testdata/logs"); r.code != 0 {
		t.Errorf("count --human -o r.txt: exit %d, stderr %q; want 0", r.code, r.stderr)
	}
}

// TestOutputPlantedLink: -o through a link that another user planted in a
// sticky world-writable directory (/tmp) is refused, as the kernel's
// protected_symlinks refuses to follow it, and the file it names is left
// as it was; the user's own link there is followed.
func TestOutputPlantedLink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to plant a link owned by another user")
	}
	dir, victim := t.TempDir(), filepath.Join(t.TempDir(), "passwd")
	if err := os.Chmod(dir, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(victim, []byte("root:x:0:0\n"), 0o644)
	planted, own := filepath.Join(dir, "report.html"), filepath.Join(dir, "mine.html")
	if err := os.Symlink(victim, planted); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(planted, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	got := runInProcess(nil, "report", "-o", planted, "../../testdata/logs")
	if b, _ := os.ReadFile(victim); got.code != 1 || !strings.Contains(got.stderr, "symbolic link of another user") || string(b) != "root:x:0:0\n" {
		t.Errorf("-o %s (planted -> %s): exit %d, stderr %q, target now %.40q; want 1, refused, target kept", planted, victim, got.code, got.stderr, b)
	}
	ownTarget := filepath.Join(t.TempDir(), "page.html")
	os.Symlink(ownTarget, own)
	if got := runInProcess(nil, "report", "-o", own, "../../testdata/logs"); got.code != 0 {
		t.Errorf("-o %s (own link): exit %d, stderr %q", own, got.code, got.stderr)
	}
	if b, err := os.ReadFile(ownTarget); err != nil || !strings.HasPrefix(string(b), "<!DOCTYPE html>") {
		t.Errorf("-o through one's own link: %v %.40q", err, b)
	}
}
