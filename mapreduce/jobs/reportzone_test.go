package jobs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A report in time.Local names the zone itself, not "Local": the page is
// read elsewhere, and a merge on another host loads the zone by its name.
func TestZoneNameOf(t *testing.T) {
	if _, err := time.LoadLocation("Europe/Paris"); err != nil {
		t.Skip("no zoneinfo:", err)
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "localtime")
	zoneinfo := filepath.Join(dir, "usr", "share", "zoneinfo", "Europe")
	if err := os.MkdirAll(zoneinfo, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(zoneinfo, "Paris"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(zoneinfo, "Paris"), link); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(dir, "copied")
	if err := os.WriteFile(copied, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, local, want string }{
		{"Local", link, "Europe/Paris"},
		{"Local", copied, "Local"},
		{"Local", filepath.Join(dir, "missing"), "Local"},
		{"UTC", link, "UTC"},
		{"America/New_York", link, "America/New_York"},
		{"/usr/share/zoneinfo/Asia/Tokyo", link, "Asia/Tokyo"},
	} {
		if got := zoneNameOf(tc.name, tc.local); got != tc.want {
			t.Errorf("zoneNameOf(%q, %q) = %q, want %q", tc.name, tc.local, got, tc.want)
		}
	}
}

// The Report of a run in time.Local holds the zone's name, so that its
// page and a merge of its partials know it.
func TestReportLocalZoneNamed(t *testing.T) {
	if time.Local.String() != "Local" {
		t.Skip("$TZ names the local zone")
	}
	target, err := filepath.EvalSymlinks(localZoneFile)
	if err != nil || !filepath.IsAbs(target) || filepath.Base(filepath.Dir(target)) == "etc" {
		t.Skipf("%s is not a link into zoneinfo", localZoneFile)
	}
	r := NewReportFunc(ReportOptions{TZ: time.Local})()
	if r.zone == "Local" {
		t.Errorf("a report in time.Local (%s -> %s) names its zone %q", localZoneFile, target, r.zone)
	}
}
