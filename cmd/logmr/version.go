package main

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=..."; when it
// is not, versionString takes the module version from the build info.
var version = "dev"

// versionString is what --version prints after "logmr version": the
// version, the VCS revision the binary was built from ("-dirty" when the
// work tree had changes) and its commit time, and the Go toolchain, e.g.
//
//	v1.4.0, revision 21fadcdee6d6…-dirty (2026-12-02T12:07:00Z), go1.26.8 linux/amd64
//
// The revision is known only when go build stamped it: built in a git
// checkout (not a git worktree, whose .git is a file) with -buildvcs not
// false. bi is nil when the binary has no build info.
func versionString(ldflagsVersion string, bi *debug.BuildInfo) string {
	v, goVersion := ldflagsVersion, runtime.Version()
	revision := "revision unknown"
	if bi != nil {
		if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version // go install module@version, or a VCS-stamped build
		}
		goVersion = bi.GoVersion
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			revision = "revision " + rev
			if settings["vcs.modified"] == "true" {
				revision += "-dirty"
			}
			if t := settings["vcs.time"]; t != "" {
				revision += " (" + t + ")"
			}
		}
	}
	return strings.Join([]string{v, revision, goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH}, ", ")
}

// buildVersion is versionString of this binary.
func buildVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return versionString(version, bi)
}
