package logparse

import (
	"fmt"
	"strings"
)

// CompileNginx compiles an nginx log_format string into a Format whose
// parser reads lines written with it. It takes the format as nginx's
// configuration holds it, in one of three shapes:
//
//   - the format itself: $remote_addr - $remote_user [$time_local] "$request" ...
//   - its quoted pieces as the configuration writes them: '$remote_addr - ' '"$request"'
//   - the whole directive, over several lines if need be:
//     log_format main escape=json '{"addr":"$remote_addr",' '"status":$status}';
//
// Variables are $name or ${name}; the values of ngx_http_log_module and the
// common core, upstream and ssl variables fill the same Record members and
// fields as Apache's directives do ($remote_addr is host, $request_time is
// duration_us, $http_user_agent is user_agent, ...; nginxVariable lists
// them), any other variable is a text field named after it. Values are
// decoded as the directive's escape= parameter says (default \xHH, json or
// none), and a value nginx logs as "-" (or, with escape=json, as nothing)
// is absent. The Format's Name is s itself, so LookupFormat(f.Name)
// compiles it again. An invalid string returns a *FormatError.
func CompileNginx(s string) (*Format, error) {
	src, cols, escape, ferr := nginxSource(s)
	if ferr == nil {
		var f *Format
		if f, ferr = compileNginxSource(s, src, cols, escape); ferr == nil {
			return f, nil
		}
	}
	ferr.LogFormat = s
	return nil, ferr
}

// How nginx escaped the values of variables: the log_format's escape=.
type nginxEscape uint8

const (
	nginxEscapeDefault nginxEscape = iota // " \ and bytes < 0x20 or > 0x7e as \xHH
	nginxEscapeJSON                       // JSON string escapes; an absent value is empty
	nginxEscapeNone                       // nothing escaped
)

// A nginxToken is one variable of a format with the literal text before it.
type nginxToken struct {
	lit    string
	name   string // lower case, without $ and braces
	column int    // 1-based column of the '$' in the string given
}

// compileNginxSource compiles the format text src, whose byte i was at
// column cols[i] of the string given.
func compileNginxSource(s, src string, cols []int, escape nginxEscape) (*Format, *FormatError) {
	vars, tail, err := tokenizeNginx(src, cols)
	if err != nil {
		return nil, err
	}
	if len(vars) == 0 {
		return nil, &FormatError{Column: 1, Msg: "no variable: an nginx format needs at least one $variable"}
	}
	tokens := make([]token, len(vars))
	kinds := make([]nginxKind, len(vars))
	for i, v := range vars {
		nv := nginxVariable(v.name)
		tokens[i] = token{lit: v.lit, dir: nv.dir, column: v.column, letter: nv.letter, arg: v.name}
		kinds[i] = nv.kind
	}
	tail = bracketCLFTime(tokens, tail)
	f := &Format{Name: s, LogFormat: s, parse: parseSteps}
	f.build(tokens, tail)
	for i := range f.steps {
		st := &f.steps[i]
		st.nginx = nginxStep{store: true, escape: escape, kind: kinds[i]}
		st.decode = st.typ == TypeString && escape != nginxEscapeNone
		if kinds[i] == nginxSeconds {
			st.errValue = syntaxErr(st.errValue.Field, "not seconds such as 0.052, or -")
		}
	}
	// build names each field's directive as Apache writes it, "%{name}L"
	// (arg is the variable's name): name it as nginx does.
	for i := range f.fields {
		fd := &f.fields[i]
		for _, t := range tokens {
			if fd.Directive == "%"+braced(t)+string(t.letter) {
				fd.Directive = "$" + t.arg
				break
			}
		}
	}
	return f, nil
}

// bracketCLFTime turns a "[$time_local]" into Apache's %t, brackets
// included, which the parser reads faster than a layout; it returns the
// tail without the closing bracket when that was in it.
func bracketCLFTime(tokens []token, tail string) string {
	for i := range tokens {
		t := &tokens[i]
		if t.arg != "time_local" || !strings.HasSuffix(t.lit, "[") {
			continue
		}
		next := &tail
		if i+1 < len(tokens) {
			next = &tokens[i+1].lit
		}
		if !strings.HasPrefix(*next, "]") {
			continue
		}
		t.lit, *next = strings.TrimSuffix(t.lit, "["), (*next)[1:]
		t.dir = directive{name: "time", typ: TypeTime, class: classCLFTime, slot: slotTime}
	}
	return tail
}

// tokenizeNginx splits format text into variables and the literal text
// after the last one. A variable is $name or ${name}, name being letters,
// digits and underscores, as nginx's log_format reads them.
func tokenizeNginx(src string, cols []int) ([]nginxToken, string, *FormatError) {
	var vars []nginxToken
	var lit strings.Builder
	for i := 0; i < len(src); i++ {
		if src[i] != '$' {
			lit.WriteByte(src[i])
			continue
		}
		start, braced := i, i+1 < len(src) && src[i+1] == '{'
		j := i + 1
		if braced {
			j++
		}
		k := j
		for k < len(src) && isNginxNameByte(src[k]) {
			k++
		}
		switch {
		case k == j:
			return nil, "", &FormatError{Column: cols[start], Msg: "$ without a variable name (want $name or ${name})"}
		case braced && (k == len(src) || src[k] != '}'):
			return nil, "", &FormatError{Column: cols[start], Msg: "${ without its closing }"}
		}
		vars = append(vars, nginxToken{lit: lit.String(), name: strings.ToLower(src[j:k]), column: cols[start]})
		lit.Reset()
		i = k - 1
		if braced {
			i = k
		}
	}
	return vars, lit.String(), nil
}

func isNginxNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// looksNginx reports whether LookupFormat should compile s as an nginx
// format: it is a pasted log_format directive, or it holds a $variable and
// no Apache directive. A string with both that does not compile as Apache's
// is taken for a mistyped Apache format, so that its error is Apache's.
func looksNginx(s string) bool {
	if isLogFormatDirective(s) {
		return true
	}
	return hasNginxVariable(s) && !hasApacheDirective(s)
}

// hasApacheDirective reports whether s holds a % followed by what starts an
// Apache directive: a letter, '{', '<', '>', '!' or a digit ("%%" is a %).
func hasApacheDirective(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		switch c := s[i+1]; {
		case c == '%':
			i++
		case 'a' <= c|0x20 && c|0x20 <= 'z', c == '{', c == '<', c == '>', c == '!', '0' <= c && c <= '9':
			return true
		}
	}
	return false
}

// hasNginxVariable reports whether s holds a $ followed by a name or a {.
func hasNginxVariable(s string) bool {
	for i := strings.IndexByte(s, '$'); i >= 0 && i+1 < len(s); {
		if c := s[i+1]; c == '{' || isNginxNameByte(c) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '$')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func isLogFormatDirective(s string) bool {
	rest := strings.TrimLeft(s, " \t\r\n")
	word, ok := strings.CutPrefix(rest, "log_format")
	return ok && word != "" && strings.ContainsRune(" \t\r\n", rune(word[0]))
}

// nginxSource returns the format text of s, the column of each of its
// bytes in s and the escaping its values have: s itself, or the joined
// pieces of a quoted or pasted log_format.
func nginxSource(s string) (src string, cols []int, escape nginxEscape, err *FormatError) {
	directive := isLogFormatDirective(s)
	if !directive && !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "'") {
		cols = make([]int, len(s))
		for i := range cols {
			cols[i] = i + 1
		}
		return s, cols, nginxEscapeDefault, nil
	}
	words, err := nginxWords(s)
	if err != nil {
		return "", nil, 0, err
	}
	if directive {
		words = words[1:] // log_format
		if len(words) > 0 && !strings.Contains(words[0].text, "$") {
			words = words[1:] // the format's name
		}
		if len(words) > 0 {
			if mode, ok := strings.CutPrefix(words[0].text, "escape="); ok {
				switch mode {
				case "default":
				case "json":
					escape = nginxEscapeJSON
				case "none":
					escape = nginxEscapeNone
				default:
					return "", nil, 0, &FormatError{Column: words[0].cols[0],
						Msg: fmt.Sprintf("unknown escape=%s (want default, json or none)", mode)}
				}
				words = words[1:]
			}
		}
	}
	if len(words) == 0 {
		return "", nil, 0, &FormatError{Column: len(s) + 1, Msg: "log_format without a format string"}
	}
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w.text)
		cols = append(cols, w.cols...)
	}
	return b.String(), cols, escape, nil
}
