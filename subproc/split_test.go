package subproc

import (
	"errors"
	"reflect"
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
		{`echo $HOME *.gz >out`, []Stage{{"echo", "$HOME", "*.gz", ">out"}}},
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
		"cat || wc": 5,
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
