package subproc

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []Stage
	}{
		{"cat", []Stage{{"cat"}}},
		{"  gzip  -dc  ", []Stage{{"gzip", "-dc"}}},
		{"gzip -9 | openssl enc -aes-256-cbc -pbkdf2 -pass env:K", []Stage{{"gzip", "-9"}, {"openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-pass", "env:K"}}},
		{"a|b|c", []Stage{{"a"}, {"b"}, {"c"}}},
		{`grep 'a b|c' "d\"e" f\ g`, []Stage{{"grep", "a b|c", `d"e`, "f g"}}},
		{`echo "\$HOME \\ \n" '$HOME'`, []Stage{{"echo", `$HOME \ \n`, "$HOME"}}},
		{`echo $HOME *.gz`, []Stage{{"echo", "$HOME", "*.gz"}}},
		{`echo '>' "<" \; '&&' "a|&b" '$(x)' "\$(y)" '` + "`z`" + `' \&`, []Stage{{"echo", ">", "<", ";", "&&", "a|&b", "$(x)", "$(y)", "`z`", "&"}}},
		{`echo '' ""`, []Stage{{"echo", "", ""}}},
		{`a"b"'c'd`, []Stage{{"abcd"}}},
		{"tr a\\|b", []Stage{{"tr", "a|b"}}},
	}
	for _, tc := range tests {
		got, err := Split(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Split(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	tests := map[string]int{
		"":          0,
		"   ":       0,
		"| cat":     0,
		"cat |":     5,
		"cat || wc": 4,
		"echo 'a":   5,
		`echo "a`:   5,
		`echo a\`:   6,
	}
	for in, pos := range tests {
		_, err := Split(in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Pos != pos {
			t.Errorf("Split(%q) = %v, want a *SyntaxError at %d", in, err, pos)
		}
	}
}

// TestSplitRefusesShell: what a shell would act on is refused, naming the
// construct, not passed to the child as a word.
func TestSplitRefusesShell(t *testing.T) {
	tests := []struct {
		in        string
		construct string
		pos       int
	}{
		{"gzip > x", ">", 5},
		{"gzip >> x", ">", 5},
		{"gzip 2> err", ">", 6},
		{"gzip &> x", "&", 5},
		{"cat < x", "<", 4},
		{"gzip |& cat", "|&", 5},
		{"gzip && cat", "&&", 5},
		{"gzip || cat", "||", 5},
		{"gzip; cat", ";", 4},
		{"gzip &", "&", 5},
		{"openssl enc -pass pass:`cat key`", "`", 23},
		{"openssl enc -pass pass:$(cat key)", "$(", 23},
		{`openssl enc -pass "pass:$(cat key)"`, "$(", 24},
		{"openssl enc -pass \"pass:`cat key`\"", "`", 24},
	}
	for _, tc := range tests {
		_, err := Split(tc.in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Construct != tc.construct || se.Pos != tc.pos ||
			!strings.HasPrefix(se.Msg, "no shell: ") || !strings.Contains(se.Msg, tc.construct) {
			t.Errorf("Split(%q) = %v, want a *SyntaxError refusing %q at %d", tc.in, err, tc.construct, tc.pos)
		}
	}
}
