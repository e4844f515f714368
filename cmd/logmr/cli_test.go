package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestCompletion: each shell's script parses in that shell, and the bash
// one, run as bash runs it, completes commands and flags from logmr itself.
func TestCompletion(t *testing.T) {
	scripts := map[string]string{}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := run(t, nil, "completion", shell)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "logmr") {
			t.Fatalf("logmr completion %s: exit %d, stderr %q", shell, r.code, r.stderr)
		}
		scripts[shell] = r.stdout
	}
	dir := t.TempDir()
	for shell, script := range scripts {
		path := filepath.Join(dir, "logmr."+shell)
		os.WriteFile(path, []byte(script), 0o644)
		if _, err := exec.LookPath(shell); err != nil {
			t.Logf("%s is not installed: its completion script is not parsed", shell)
			continue
		}
		if out, err := exec.Command(shell, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("%s -n on logmr completion %s: %v\n%s", shell, shell, err, out)
		}
	}
	for _, cmd := range []string{"hosts", "count", "parse", "merge", "plan", "completion", "man"} {
		if !strings.Contains(scripts["fish"], "-a '"+cmd+"'") {
			t.Errorf("logmr completion fish does not complete the command %s", cmd)
		}
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	tests := []struct{ line, want string }{
		{"logmr ho", "hosts"},
		{"logmr hosts --pa", "--path --path-prefix --path-regex --partial"},
		{"logmr count --by status --to", "--top"},
		{"logmr merge --out", "--output --output-format"},
	}
	for _, tt := range tests {
		// What bash does on Tab: COMP_WORDS and COMP_CWORD, then the function.
		script := `source "$1"; read -ra COMP_WORDS <<<"$2"; COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _logmr_complete; echo "${COMPREPLY[*]}"`
		cmd := exec.Command("bash", "-c", script, "bash", filepath.Join(dir, "logmr.bash"), tt.line)
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(logmr)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if got := strings.TrimSpace(string(out)); err != nil || got != tt.want {
			t.Errorf("bash completion of %q = %q (%v), want %q", tt.line, got, err, tt.want)
		}
	}
	if r := run(t, nil, "completion", "tcsh"); r.code != 2 || !strings.Contains(r.stderr, `completion "tcsh": want bash, zsh or fish`) {
		t.Errorf("logmr completion tcsh: exit %d, stderr %q; want 2", r.code, r.stderr)
	}
}

// TestManPage: logmr man is roff that man (or groff) renders without a
// warning, with every command, its description and flags, and no empty
// "(default: false)".
func TestManPage(t *testing.T) {
	r := run(t, nil, "man")
	if r.code != 0 || !strings.HasPrefix(r.stdout, ".nh\n.TH logmr 1") {
		t.Fatalf("logmr man: exit %d, stderr %q, starts %.40q; want roff for logmr(1)", r.code, r.stderr, r.stdout)
	}
	var render *exec.Cmd
	if _, err := exec.LookPath("groff"); err == nil {
		// Long lines, no overstriking: one flag's text on one line, plain.
		render = exec.Command("groff", "-man", "-Tutf8", "-ww", "-P-cbou", "-rLL=250n")
	} else if _, err := exec.LookPath("man"); err == nil {
		render = exec.Command("man", "-l", "-")
		render.Env = append(os.Environ(), "MANWIDTH=250", "MANPAGER=cat", "PAGER=cat", "MAN_KEEP_FORMATTING=", "GROFF_NO_SGR=1")
	} else {
		t.Skip("neither groff nor man is installed (apt-get install man-db): the page is not rendered")
	}
	var stdout, stderr bytes.Buffer
	render.Stdin, render.Stdout, render.Stderr = strings.NewReader(r.stdout), &stdout, &stderr
	if err := render.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%q of logmr man: %v, stderr %q", render.Args, err, stderr.String())
	}
	page := stdout.String()
	for _, cmd := range []string{"hosts", "count", "parse", "merge", "plan", "completion", "man"} {
		if !strings.Contains(page, "\n"+cmd+"\n") {
			t.Errorf("the rendered man page has no section for the command %s", cmd)
		}
	}
	for _, want := range []string{"--by", "--shards", "--input-filter", "--version, -V", "logmr merge shard-*.partial"} {
		if !strings.Contains(page, want) {
			t.Errorf("the rendered man page does not mention %q", want)
		}
	}
	for _, noise := range []string{"(default: false)", "(default: 0)", "(default: 0s)", "CPUs) (default"} {
		if strings.Contains(page, noise) {
			t.Errorf("the rendered man page says %q", noise)
		}
	}
}

// TestBareLogmr: logmr with no command lists the commands, one line each,
// on stderr, and exits 2.
func TestBareLogmr(t *testing.T) {
	r := run(t, nil)
	if r.code != 2 || r.stdout != "" || !strings.HasPrefix(r.stderr, "usage: logmr COMMAND [flags] PATH...\n") {
		t.Fatalf("logmr: exit %d, stdout %q, stderr %q; want 2, the short help on stderr", r.code, r.stdout, r.stderr)
	}
	for _, cmd := range newApp(&env{}).VisibleCommands() {
		if cmd.Name == "help" {
			continue
		}
		if !strings.Contains(r.stderr, "\n   "+cmd.Name+" ") || !strings.Contains(r.stderr, cmd.Usage+"\n") {
			t.Errorf("logmr's short help does not list %s with its usage line: %q", cmd.Name, r.stderr)
		}
	}
	if n := strings.Count(r.stderr, "\n"); n > 20 {
		t.Errorf("logmr's short help has %d lines, want a short one", n)
	}
}

// TestVerboseIsLowercaseV: -v is --verbose in every command (merge and
// plan too) and -V the version; -q silences what -v asks for.
func TestVerboseIsLowercaseV(t *testing.T) {
	dir := t.TempDir()
	partial := filepath.Join(dir, "p.partial")
	if r := run(t, nil, "count", "--by", "status", "--partial", "-o", partial, "../../testdata/logs"); r.code != 0 {
		t.Fatalf("count --partial: exit %d, %s", r.code, r.stderr)
	}
	tests := []struct {
		args []string
		want string // on stderr; "" for nothing
	}{
		{[]string{"merge", "-v", partial}, "logmr: merged 1 partials (count, 1 of 1 shards): 4 inputs, 23 lines, 19 matched, 4 malformed\n"},
		{[]string{"merge", "--verbose", partial}, "logmr: merged 1 partials (count, 1 of 1 shards): 4 inputs, 23 lines, 19 matched, 4 malformed\n"},
		{[]string{"merge", "-q", "-v", partial}, ""},
		{[]string{"merge", partial}, ""},
		{[]string{"plan", "--shards", "2", "-v", "../../testdata/logs"},
			"logmr: shard 0/2: 1 files, 992 bytes\nlogmr: shard 1/2: 3 files, 975 bytes\n" +
				"logmr: 4 files, 1967 bytes in 2 shards; the largest shard has 992 bytes, 1% above the mean\n"},
		{[]string{"plan", "--shards", "2", "-q", "-v", "../../testdata/logs"}, ""},
	}
	for _, tt := range tests {
		r := run(t, nil, tt.args...)
		if r.code != 0 || r.stderr != tt.want || r.stdout == "" {
			t.Errorf("logmr %q: exit %d, stderr %q; want 0 and stderr %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
	if r := run(t, nil, "-v"); r.code != 2 || strings.Contains(r.stdout, "version") {
		t.Errorf("logmr -v: exit %d, stdout %q; want 2: -v is not the version", r.code, r.stdout)
	}
}

// TestFlagCategories: every flag of every command is in a category, the
// help shows them grouped, and no flag's line says its default twice or
// says an empty one.
func TestFlagCategories(t *testing.T) {
	for _, cmd := range newApp(&env{}).Commands {
		for _, f := range cmd.Flags {
			if category := reflect.ValueOf(f).Elem().FieldByName("Category"); category.String() == "" {
				t.Errorf("logmr %s --%s has no category (see flagCategories)", cmd.Name, f.Names()[0])
			}
		}
	}
	r := run(t, nil, "help", "count")
	for _, heading := range []string{"filters", "input", "output", "count", "cron", "scale-out", "cache"} {
		if !strings.Contains(r.stdout, "\n   "+heading+"\n") {
			t.Errorf("logmr help count has no %q group", heading)
		}
	}
	for _, cmd := range []string{"hosts", "count", "parse", "merge", "plan"} {
		help := run(t, nil, "help", cmd).stdout
		for _, line := range strings.Split(help, "\n") {
			if strings.Count(line, "(default") > 1 || strings.HasSuffix(line, "(default: false)") ||
				strings.HasSuffix(line, "(default: 0)") || strings.HasSuffix(line, "(default: 0s)") {
				t.Errorf("logmr help %s: %q", cmd, strings.TrimSpace(line))
			}
		}
	}
	if help := run(t, nil, "help", "count").stdout; !strings.Contains(help, `(default: "text")`) {
		t.Errorf("logmr help count lost a real default: -O's \"text\"")
	}
}
