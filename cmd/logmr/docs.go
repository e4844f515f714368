package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/urfave/cli/v2"
)

// flagCategories group each command's flags in its help, by flag name, or
// by "command flag" where one name means different things in different
// commands. A flag not listed is shown first, in no group.
var flagCategories = map[string][]string{
	"filters":   {"path", "path-prefix", "path-regex", "status", "method", "since", "until", "host", "user-agent-regex", "referer-regex", "vhost", "tz"},
	"input":     {"format", "include", "exclude", "workers", "input-filter", "decompressor"},
	"output":    {"output", "output-format", "output-filter", "progress", "quiet", "verbose", "csv-safe", "malformed", "title"},
	"count":     {"by", "top", "per", "sort", "human", "memory"},
	"cron":      {"lock", "lock-wait", "fail-fast", "max-malformed", "check-all-lines", "child-timeout"},
	"scale-out": {"shard", "shards", "partial"},
	"cache":     {"cache", "cache-max-age"},
	"follow":    {"lines", "follow", "poll"},
	"lines":     {"cat sort", "sort-window", "label", "keep-malformed"},
}

// categorize sets the Category of every flag of the app's commands that
// flagCategories names. Every flag type of urfave/cli v2 has the field.
func categorize(app *cli.App) {
	of := map[string]string{}
	for category, names := range flagCategories {
		for _, n := range names {
			of[n] = category
		}
	}
	for _, cmd := range app.Commands {
		for _, f := range cmd.Flags {
			field := reflect.ValueOf(f).Elem().FieldByName("Category")
			category, ok := of[cmd.Name+" "+f.Names()[0]]
			if !ok {
				category, ok = of[f.Names()[0]]
			}
			if ok && field.IsValid() && field.CanSet() {
				field.SetString(category)
			}
		}
	}
}

// flagString is urfave/cli's flag line in help and the man page, without
// a "(default: …)" that says nothing (false, 0, 0s) or that the usage
// text says already, in words ("(default: all CPUs)").
func flagString(stringify cli.FlagStringFunc) cli.FlagStringFunc {
	return func(f cli.Flag) string { return trimDefault(stringify(f)) }
}

// trimDefault drops the "(default: …)" urfave/cli ends a flag's line with
// when it says nothing or the usage text has said it (see flagString).
func trimDefault(s string) string {
	i := strings.LastIndex(s, " (default: ")
	if i < 0 || !strings.HasSuffix(s, ")") {
		return s
	}
	switch value := s[i+len(" (default: ") : len(s)-1]; {
	case value == "false", value == "0", value == "0s", value == `""`, strings.Contains(s[:i], "(default"):
		return s[:i]
	}
	return s
}

// manPage renders the app's help as logmr(1) in roff: urfave/cli's
// markdown with each command's description added, less the defaults
// flagString leaves out of help too.
func manPage(app *cli.App) ([]byte, error) {
	md, err := referenceMarkdown(app)
	if err != nil {
		return nil, err
	}
	return md2man.Render([]byte("% logmr 1\n\n" + md)), nil
}

// referenceMarkdown is the command-line reference, generated from the
// command definitions: the man page's source, and docs/reference.md.
func referenceMarkdown(app *cli.App) (string, error) {
	md, err := app.ToMarkdown()
	if err != nil {
		return "", err
	}
	for _, cmd := range app.VisibleCommands() {
		// urfave/cli leaves the descriptions (and their examples) out.
		head := "## " + strings.Join(cmd.Names(), ", ") + "\n\n" + cmd.Usage + "\n"
		if cmd.Description != "" {
			md = strings.Replace(md, head, head+"\n```\n"+cmd.Description+"\n```\n", 1)
		}
	}
	lines := strings.Split(md, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "**-") {
			lines[i] = trimDefault(line)
		}
	}
	return strings.Join(lines, "\n"), nil
}

// shortHelp is what "logmr" alone prints on stderr: the commands, one line
// each, and where to read more.
func shortHelp(w io.Writer, app *cli.App) {
	fmt.Fprintf(w, "usage: logmr COMMAND [flags] PATH...\n\n%s\n\ncommands:\n", app.Usage)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, cmd := range app.VisibleCommands() {
		if cmd.Name != "help" {
			fmt.Fprintf(tw, "   %s\t%s\n", cmd.Name, cmd.Usage)
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "\nrun 'logmr help COMMAND' for a command's flags, 'logmr man' for the manual")
}

// errShortHelp ends a run of "logmr" alone, whose short help is the
// message: exit 2, nothing more on stderr.
type errShortHelp struct{}

func (errShortHelp) Error() string { return "no command given" }

// completionScripts load logmr's completion into each shell. bash and zsh
// ask logmr itself (urfave/cli's --generate-bash-completion) for the
// commands and flags that fit, and fall back to file names.
var completionScripts = map[string]string{
	"bash": `# bash completion for logmr: source <(logmr completion bash)
_logmr_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]} IFS=$'\n' opts
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  if [[ $cur == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o bashdefault -o default -F _logmr_complete logmr
`,
	"zsh": `#compdef logmr
# zsh completion for logmr: logmr completion zsh > "${fpath[1]}/_logmr"
# (or, after compinit: source <(logmr completion zsh))
_logmr() {
  local -a opts
  local cur=${words[CURRENT]}
  if [[ $cur == -* ]]; then
    opts=("${(@f)$(_CLI_ZSH_AUTOCOMPLETE_HACK=1 ${words[1,CURRENT-1]} $cur --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(_CLI_ZSH_AUTOCOMPLETE_HACK=1 ${words[1,CURRENT-1]} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ -n ${opts[1]} ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
if [[ $funcstack[1] == _logmr ]]; then
  _logmr "$@"
else
  compdef _logmr logmr
fi
`,
}

func completionCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: `Prints a script that completes logmr's commands and flags, and file names.

   bash: source <(logmr completion bash)        # in ~/.bashrc
   zsh:  logmr completion zsh > "${fpath[1]}/_logmr"
   fish: logmr completion fish > ~/.config/fish/completions/logmr.fish`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("completion: want one shell: bash, zsh or fish")
			}
			shell := c.Args().First()
			script, ok := completionScripts[shell]
			if shell == "fish" {
				var err error
				if script, err = c.App.ToFishCompletion(); err != nil {
					return err
				}
				ok = true
			}
			if !ok {
				return usagef("completion %q: want bash, zsh or fish", shell)
			}
			_, err := io.WriteString(env.stdout, script)
			return err
		},
	}
}

func manCommand(env *env) *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the manual page (roff), made from the commands' own help",
		Description: `Prints logmr(1) in roff, from the same definitions as logmr help:

   logmr man | man -l -
   logmr man > /usr/local/share/man/man1/logmr.1`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("man: takes no arguments")
			}
			page, err := manPage(c.App)
			if err != nil {
				return err
			}
			_, err = env.stdout.Write(page)
			return err
		},
	}
}
