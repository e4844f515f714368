package main

import (
	"io"
	"os"
	"testing"
)

// referenceHeader starts docs/reference.md, above the generated text.
const referenceHeader = "# logmr command-line reference\n\n" +
	"<!-- Generated from the command definitions by TestReferenceCurrent: do not edit.\n" +
	"     LOGMR_UPDATE_DOCS=1 go test -run TestReferenceCurrent ./cmd/logmr writes it anew. -->\n\n" +
	"The same text as `logmr man` and `logmr COMMAND --help`. The [user guide](guide.md)\n" +
	"explains the flags with examples.\n\n"

// TestReferenceCurrent holds docs/reference.md to the command definitions:
// a flag added, renamed or reworded without the reference fails here.
func TestReferenceCurrent(t *testing.T) {
	md, err := referenceMarkdown(newApp(&env{stdin: nil, stdout: io.Discard, stderr: io.Discard}))
	if err != nil {
		t.Fatal(err)
	}
	want := referenceHeader + md
	const path = "../../docs/reference.md"
	if os.Getenv("LOGMR_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("docs/reference.md is not what the command definitions say (err %v): run LOGMR_UPDATE_DOCS=1 go test -run TestReferenceCurrent ./cmd/logmr", err)
	}
}
