package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// docsRoot is the repository root, seen from this package's directory.
const docsRoot = "../.."

// docFiles are the markdown files of the documentation: the README and
// every docs/*.md.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(docsRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(docsRoot, "README.md")}, files...)
}

// markdownLink matches an inline link's target: ](target) or ](target "title").
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// outsideCode gives the lines of a markdown text that are not in a fenced
// code block, with inline code spans blanked out.
func outsideCode(text string) []string {
	var lines []string
	fenced := false
	for line := range strings.Lines(text) {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		parts := strings.Split(line, "`")
		for i := 1; i < len(parts); i += 2 {
			parts[i] = ""
		}
		lines = append(lines, strings.Join(parts, "`"))
	}
	return lines
}

// headingAnchors gives the anchors GitHub makes of a markdown file's
// headings: lower case, punctuation dropped, spaces to hyphens, a repeated
// anchor numbered -1, -2, ...
func headingAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		title, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if fenced || !strings.HasPrefix(line, "#") || !ok {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(title)) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		anchor := b.String()
		if n := seen[anchor]; n > 0 {
			seen[anchor]++
			anchor += "-" + strconv.Itoa(n)
		} else {
			seen[anchor] = 1
		}
		anchors[anchor] = true
	}
	return anchors
}

// TestDocsLinks checks every relative link of README.md and docs/*.md:
// the file or directory it names exists inside the repository, and an
// #anchor into a markdown file names one of its headings. It also holds
// the README to a front page's size.
func TestDocsLinks(t *testing.T) {
	root, err := filepath.Abs(docsRoot)
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, doc := range docFiles(t) {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := filepath.Rel(root, mustAbs(t, doc))
		for _, line := range outsideCode(string(data)) {
			for _, m := range markdownLink.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				links++
				path, anchor, _ := strings.Cut(target, "#")
				file := mustAbs(t, doc)
				if path != "" {
					file = filepath.Join(filepath.Dir(file), path)
					if rel, err := filepath.Rel(root, file); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
						t.Errorf("%s: link %q leaves the repository", name, target)
						continue
					}
					if _, err := os.Stat(file); err != nil {
						t.Errorf("%s: link %q: %v", name, target, err)
						continue
					}
				}
				if anchor == "" || !strings.HasSuffix(file, ".md") {
					continue
				}
				text, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if !headingAnchors(string(text))[anchor] {
					t.Errorf("%s: link %q: no heading makes the anchor #%s", name, target, anchor)
				}
			}
		}
	}
	if links == 0 {
		t.Error("no relative link found in README.md and docs/*.md")
	}
	info, err := os.Stat(filepath.Join(docsRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > 16384 {
		t.Errorf("README.md is %d bytes; keep the front page within 16384 and move the rest to docs/", info.Size())
	}
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
