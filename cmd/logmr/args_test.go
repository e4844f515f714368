package main

import (
	"slices"
	"testing"
)

func TestReorderArgs(t *testing.T) {
	app := newApp(&env{})
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"flags first", []string{"logmr", "hosts", "--path", "/a", "dir"}, []string{"logmr", "hosts", "--path", "/a", "--", "dir"}},
		{"flags after paths", []string{"logmr", "hosts", "dir", "--path", "/a", "-q", "f"}, []string{"logmr", "hosts", "--path", "/a", "-q", "--", "dir", "f"}},
		{"value that looks like a path", []string{"logmr", "hosts", "-o", "out", "dir"}, []string{"logmr", "hosts", "-o", "out", "--", "dir"}},
		{"attached short value", []string{"logmr", "hosts", "-j8", "-Ojson", "dir"}, []string{"logmr", "hosts", "-j", "8", "-O", "json", "--", "dir"}},
		{"equals form", []string{"logmr", "hosts", "--path=/a", "dir"}, []string{"logmr", "hosts", "--path=/a", "--", "dir"}},
		{"stdin and double dash", []string{"logmr", "hosts", "-", "--", "-q"}, []string{"logmr", "hosts", "--", "-", "-q"}},
		{"single-dash long flag", []string{"logmr", "hosts", "-output-format", "json", "-output=x", "dir"}, []string{"logmr", "hosts", "-output-format", "json", "-output=x", "--", "dir"}},
		{"value flag with no value", []string{"logmr", "hosts", "dir", "--path"}, []string{"logmr", "hosts", "--path"}},
		{"unknown command untouched", []string{"logmr", "nope", "x", "-q"}, []string{"logmr", "nope", "x", "-q"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reorderArgs(app, tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("reorderArgs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
