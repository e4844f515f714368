package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionString(t *testing.T) {
	goSuffix := runtime.GOOS + "/" + runtime.GOARCH
	stamped := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123abcd"},
		{Key: "vcs.time", Value: "2026-12-02T12:00:00Z"}, {Key: "vcs.modified", Value: "false"}}
	dirty := append(stamped[:3:3], debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	tests := []struct {
		name    string
		ldflags string
		bi      *debug.BuildInfo
		want    string
	}{
		{"no build info", "dev", nil, "dev, revision unknown, " + runtime.Version() + " " + goSuffix},
		{"devel, unstamped", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"dev, revision unknown, go1.26.8 " + goSuffix},
		{"go install module@version", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			"v1.4.0, revision unknown, go1.26.8 " + goSuffix},
		{"stamped", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: stamped},
			"dev, revision 0123abcd (2026-12-02T12:00:00Z), go1.26.8 " + goSuffix},
		{"dirty", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261202120000-0123abcd+dirty"}, Settings: dirty},
			"v0.0.0-20261202120000-0123abcd+dirty, revision 0123abcd-dirty (2026-12-02T12:00:00Z), go1.26.8 " + goSuffix},
		{"ldflags wins", "v2.0.0", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: stamped},
			"v2.0.0, revision 0123abcd (2026-12-02T12:00:00Z), go1.26.8 " + goSuffix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionString(tt.ldflags, tt.bi); got != tt.want {
				t.Errorf("versionString(%q, ...) = %q, want %q", tt.ldflags, got, tt.want)
			}
		})
	}
}

// TestVersionOfTestBinary: the binary TestMain built says what its build
// info holds. This checkout may be a git worktree (its .git is a file,
// which go build does not stamp) or GOFLAGS may say -buildvcs=false: then
// the revision is "unknown", and TestVersionInGitCheckout covers stamping.
func TestVersionOfTestBinary(t *testing.T) {
	got := run(t, nil, "--version")
	info, err := exec.Command("go", "version", "-m", logmr).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	if got.code != 0 || !strings.HasPrefix(got.stdout, "logmr version ") || !strings.Contains(got.stdout, runtime.Version()) {
		t.Fatalf("logmr --version = %q (exit %d), want logmr version ..., %s", got.stdout, got.code, runtime.Version())
	}
	if rev := buildSetting(string(info), "vcs.revision"); rev != "" {
		if !strings.Contains(got.stdout, "revision "+rev) {
			t.Errorf("logmr --version = %q, want it to name revision %s of its build info", got.stdout, rev)
		}
	} else if !strings.Contains(got.stdout, "revision unknown") {
		t.Errorf("logmr --version = %q, want \"revision unknown\": its build info has no vcs.revision", got.stdout)
	}
	if v := run(t, nil, "-V"); v.stdout != got.stdout {
		t.Errorf("logmr -V = %q, want what --version prints, %q", v.stdout, got.stdout)
	}
}

func buildSetting(goVersionM, key string) string {
	for _, line := range strings.Split(goVersionM, "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], key+"=") {
			return strings.TrimPrefix(f[1], key+"=")
		}
	}
	return ""
}

// TestVersionInGitCheckout builds logmr in a git repository holding a copy
// of the module's sources, as a user's checkout: --version names the commit,
// "-dirty" once the work tree has a change, and the -X main.version given.
// -trimpath makes the compiled packages those of any earlier such build.
func TestVersionInGitCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds logmr twice: not with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "docs") && rel != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(rel, "_test.go") {
			return nil // the rest goes: sources, and the files they embed
		}
		data, err := os.ReadFile(path)
		if err == nil {
			err = os.MkdirAll(filepath.Join(repo, filepath.Dir(rel)), 0o755)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(repo, rel), data, 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sh := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	sh(repo, "git", "init", "-q")
	sh(repo, "git", "add", ".")
	sh(repo, "git", "commit", "-qm", "test")
	head := sh(repo, "git", "rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "logmr")
	build := func(ldflags string) string {
		sh(filepath.Join(repo, "cmd", "logmr"), "go", "build", "-trimpath", "-buildvcs=true", "-ldflags", ldflags, "-o", bin, ".")
		return sh(repo, bin, "--version")
	}
	if got := build("-X main.version=v9.8.7"); !strings.HasPrefix(got, "logmr version v9.8.7, revision "+head+" (") ||
		!strings.HasSuffix(got, ", "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH) {
		t.Errorf("--version of a clean checkout built with -X main.version=v9.8.7 = %q, want v9.8.7, revision %s (time), %s",
			got, head, runtime.Version())
	}
	os.WriteFile(filepath.Join(repo, "uncommitted.txt"), []byte("a change\n"), 0o644)
	if got := build(""); !strings.Contains(got, "revision "+head+"-dirty (") {
		t.Errorf("--version of a modified checkout = %q, want revision %s-dirty", got, head)
	}
}
