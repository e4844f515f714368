package jobs

import (
	"path/filepath"
	"strings"
	"time"
)

// localZoneFile is the file whose zone time.Local holds when $TZ is unset.
// A variable for the tests.
var localZoneFile = "/etc/localtime"

// zoneName is loc's name as a report's page states it and a merge of its
// partials loads it again (time.LoadLocation): the IANA name. time.Local
// calls itself "Local" when $TZ is unset (under cron, in most services),
// which names no zone on a page read elsewhere and, loaded on the merging
// host, would be that host's zone: it is named by the zoneinfo file that
// localZoneFile links to. A zone given by the path of its file is named by
// the path's end. "Local" is kept when no name can be found.
func zoneName(loc *time.Location) string { return zoneNameOf(loc.String(), localZoneFile) }

func zoneNameOf(name, localFile string) string {
	path := name
	if name == "Local" {
		target, err := filepath.EvalSymlinks(localFile)
		if err != nil {
			return name
		}
		path = target
	}
	if i := strings.LastIndex(path, "zoneinfo/"); i >= 0 {
		iana := path[i+len("zoneinfo/"):]
		if _, err := time.LoadLocation(iana); err == nil {
			return iana
		}
	}
	if strings.HasPrefix(path, "/") {
		return name
	}
	return path
}
