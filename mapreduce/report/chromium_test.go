package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chromium returns the headless browser the page tests use, or skips.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no browser")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("chromium is not installed (Debian: apt-get install chromium): the page is not checked in a browser")
	return ""
}

// runChromium runs the browser headless on page with args, in a process
// group of its own that is killed as a whole if it hangs, and returns its
// stdout and stderr.
func runChromium(t *testing.T, browser, page string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}, args...)
	cmd := exec.CommandContext(ctx, browser, append(args, "file://"+page)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, tail(errb.String()))
	}
	return out.Bytes(), errb.Bytes()
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// consoleLine is how chromium's log names what a page wrote on its
// console: script errors, CSP refusals, console.error.
var consoleLine = regexp.MustCompile(`(?m)^.*:CONSOLE[:(].*$`)

// The page of real logs and hostile lines, opened in headless Chromium:
// no console message (no script error, no script refused by the CSP),
// the three SVG charts in the DOM, the sort script run, nothing injected;
// and a screenshot that is not blank.
func TestPageInChromium(t *testing.T) {
	browser := chromium(t)
	logs := filepath.Join(t.TempDir(), "hostile.log")
	if err := os.WriteFile(logs, []byte(strings.Join(hostile, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	page, _ := renderPaths(t, []string{"../../testdata/realdata/apache_logs.gz", logs}, Options{Top: 20})
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := runChromium(t, browser, path, "--dump-dom")
	if lines := consoleLine.FindAll(stderr, -1); len(lines) > 0 {
		t.Errorf("console messages:\n%s", bytes.Join(lines, []byte("\n")))
	}
	if n := bytes.Count(dom, []byte(`<svg class="chart"`)); n != 3 {
		t.Errorf("%d SVG charts in the DOM, want 3", n)
	}
	if n := bytes.Count(dom, []byte("<rect ")); n < 100 {
		t.Errorf("%d bars in the DOM, want the hours of 4 days", n)
	}
	if !bytes.Contains(dom, []byte(`tabindex="0"`)) {
		t.Error("the sort script did not run: no sortable header has a tabindex")
	}
	if bytes.Contains(dom, []byte("<img")) || bytes.Count(dom, []byte("<script")) != 2 {
		t.Error("a log line added an element to the DOM")
	}

	shot := filepath.Join(t.TempDir(), "shot.png")
	runChromium(t, browser, path, "--screenshot="+shot, "--window-size=1000,1400")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	var sum, sumSq float64
	colours := map[uint32]bool{}
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := float64(r+g+bl) / 3 / 65535
			sum += l
			sumSq += l * l
			colours[r>>11<<10|g>>11<<5|bl>>11] = true
			n++
		}
	}
	mean := sum / float64(n)
	if variance := sumSq/float64(n) - mean*mean; variance < 0.005 || len(colours) < 8 {
		t.Errorf("screenshot looks blank: luminance variance %.4f, %d colours", variance, len(colours))
	}
}
