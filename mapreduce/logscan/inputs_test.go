package logscan

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func writeFiles(t *testing.T, root string, names ...string) {
	t.Helper()
	for _, name := range names {
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(name+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindInputs(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "access.log", "access.log.1", "access.log.2.gz", "error.log",
		".hidden.log", ".git/access.log", "vhosts/a/access.log")
	if err := os.Symlink(filepath.Join(root, ".hidden.log"), filepath.Join(root, "link.log")); err != nil { // followed: named visibly
		t.Fatal(err)
	}
	rel := func(ins []Input) []string {
		var out []string
		for _, in := range ins {
			r, _ := filepath.Rel(root, in.Path)
			out = append(out, r)
		}
		return out
	}
	tests := []struct {
		name string
		sel  Selection
		want []string
	}{
		{"all", Selection{}, []string{"access.log", "access.log.1", "access.log.2.gz", "error.log", "link.log", "vhosts/a/access.log"}},
		{"include", Selection{Include: []string{"access.log*"}}, []string{"access.log", "access.log.1", "access.log.2.gz", "vhosts/a/access.log"}},
		{"exclude", Selection{Exclude: []string{"*.gz", "error.*"}}, []string{"access.log", "access.log.1", "link.log", "vhosts/a/access.log"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins, failed, err := FindInputs([]string{root}, tt.sel)
			if got := rel(ins); err != nil || len(failed) != 0 || !slices.Equal(got, tt.want) {
				t.Errorf("FindInputs(%+v) = %q, %v, %v; want %q", tt.sel, got, failed, err, tt.want)
			}
		})
	}
}

func TestFindInputsFilesAndFailures(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "a.log", "b.gz")
	a, missing := filepath.Join(root, "a.log"), filepath.Join(root, "missing.log")
	// A file named twice is read once, even spelled another way; an
	// explicit file ignores Include.
	other := filepath.Join(root, ".", "a.log")
	ins, failed, err := FindInputs([]string{a, missing, a, "-", other, filepath.Join(root, "b.gz")},
		Selection{Include: []string{"*.log"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 3 || ins[0].Path != a || ins[1].Path != "-" || ins[1].Size != -1 || ins[0].Size != int64(len("a.log\n")) {
		t.Errorf("FindInputs inputs = %+v, want a.log (6 bytes), - (size -1), b.gz", ins)
	}
	if len(failed) != 1 || failed[0].Input != missing || !errors.Is(failed[0], fs.ErrNotExist) {
		t.Errorf("FindInputs failed = %v, want %s: not exist", failed, missing)
	}
}

func TestFindInputsBadGlob(t *testing.T) {
	_, _, err := FindInputs([]string{"."}, Selection{Include: []string{"[a-"}})
	if !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("FindInputs(bad glob) error = %v, want ErrInvalidOptions", err)
	}
}

func TestFindInputsSymlinkedDirectory(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, "real/access.log", "real/sub/access.log.1")
	link := filepath.Join(root, "logs")
	if err := os.Symlink(filepath.Join(root, "real"), link); err != nil {
		t.Fatal(err)
	}
	ins, failed, err := FindInputs([]string{link}, Selection{})
	if err != nil || len(failed) != 0 || len(ins) != 2 || filepath.Dir(ins[0].Path) != link {
		t.Errorf("FindInputs(link to a directory) = %+v, %v, %v; want its 2 files under %s", ins, failed, err, link)
	}
}
