package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// runInProcess runs the CLI as main does, without signals, in this
// process: for the checks that end before any work starts.
func runInProcess(stdin []byte, args ...string) result {
	var stdout, stderr bytes.Buffer
	env := &env{stdin: bytes.NewReader(stdin), stdout: &stdout, stderr: &stderr}
	app := newApp(env)
	argv := append([]string{"logmr"}, args...)
	err := checkCommand(app, argv)
	if err == nil {
		err = app.RunContext(context.Background(), reorderArgs(app, argv))
	}
	code := exitCode(context.Background(), err, env)
	return result{stdout.String(), stderr.String(), code}
}

// minimalArgs are what each command needs besides the flag under test to
// get past its other checks.
var minimalArgs = map[string][]string{
	"hosts":  {"../../testdata/logs"},
	"count":  {"--by", "status", "../../testdata/logs"},
	"report": {"../../testdata/logs"},
	"parse":  {"../../testdata/logs"},
	"cat":    {"../../testdata/logs"},
	"merge":  {"no-such.partial"},
	"plan":   {"--shards", "2", "../../testdata/logs"},
	"tail":   {"../../testdata/logs"},
	// No flags of their own:
	"completion": {"bash"},
	"man":        {},
}

// TestEmptyFlagValues: on every command, every flag that takes a value
// refuses an empty one (exit 2, the flag named), in each way of writing it,
// rather than reading it as "not given" and answering another question.
func TestEmptyFlagValues(t *testing.T) {
	app := newApp(&env{})
	for _, cmd := range app.Commands {
		base, ok := minimalArgs[cmd.Name]
		if !ok {
			t.Fatalf("command %s: no minimalArgs: add it", cmd.Name)
		}
		for _, f := range cmd.Flags {
			if v, ok := f.(cli.DocGenerationFlag); !ok || !v.TakesValue() {
				continue
			}
			name := f.Names()[0]
			forms := [][]string{{"--" + name, ""}, {"--" + name + "="}}
			if _, repeatable := f.(*cli.StringSliceFlag); repeatable {
				forms = append(forms, []string{"--" + name, "x", "--" + name, ""})
			}
			for _, alias := range f.Names()[1:] {
				forms = append(forms, []string{"-" + alias, ""})
			}
			for _, form := range forms {
				args := append(append([]string{cmd.Name}, form...), base...)
				got := runInProcess(nil, args...)
				want := "logmr: --" + name + ": empty value (a failed $(...) in a cron line?)\n"
				if got.code != 2 || !strings.HasPrefix(got.stderr, want) {
					t.Errorf("logmr %q: exit %d, stderr %q; want 2 and %q", args, got.code, got.stderr, want)
				}
			}
		}
	}
}

// TestFlagValueChecks: values that are not empty but still mean nothing,
// and the values next to them that stay valid.
func TestFlagValueChecks(t *testing.T) {
	logs := "../../testdata/logs"
	dir := t.TempDir() // a lock file per case: a lock taken in-process is held until the test ends
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"max-malformed NaN", []string{"hosts", "--max-malformed", "NaN", logs}, 2, "--max-malformed NaN: want a ratio from 0 to 1"},
		{"max-malformed Inf", []string{"hosts", "--max-malformed", "Inf", logs}, 2, "--max-malformed +Inf: want a ratio"},
		{"max-malformed -Inf", []string{"hosts", "--max-malformed", "-Inf", logs}, 2, "--max-malformed -Inf: want a ratio"},
		{"lock-wait negative", []string{"hosts", "--lock", filepath.Join(dir, "1"), "--lock-wait", "-1s", logs}, 2, "--lock-wait -1s: want 0 or more"},
		{"lock-wait zero", []string{"hosts", "--lock", filepath.Join(dir, "2"), "--lock-wait", "0", logs}, 0, ""},
		{"method with a space", []string{"hosts", "--method", "GET POST", logs}, 2, `method "GET POST": want a token`},
		{"method with a slash", []string{"count", "--by", "status", "--method", "GET/", logs}, 2, `method "GET/": want a token`},
		{"method list", []string{"hosts", "--method", "get, POST", logs}, 0, ""},
		{"status list with an empty element", []string{"hosts", "--status", "404,", logs}, 2, `--status "404,": empty element`},
		{"by list with an empty element", []string{"count", "--by", "status,,host", logs}, 2, `--by "status,,host": empty element`},
		{"output to stdout", []string{"hosts", "-o", "-", logs}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runInProcess(nil, tt.args...)
			if got.code != tt.code || !strings.Contains(got.stderr, tt.stderr) || (tt.stderr == "" && got.stderr != "") {
				t.Errorf("logmr %q: exit %d, stderr %q; want %d and %q", tt.args, got.code, got.stderr, tt.code, tt.stderr)
			}
		})
	}
}
