package logscan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/logmr/logmr/logparse/filter"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// The last two 5xx of a log. Without Once, Follow would go on with every
// 5xx appended to it, through its rotations, until ctx is done.
func ExampleFollow() {
	dir, _ := os.MkdirTemp("", "logmr-example")
	defer os.RemoveAll(dir)
	log := filepath.Join(dir, "access.log")
	os.WriteFile(log, []byte(`192.0.2.1 - - [02/Dec/2026:10:00:00 +0000] "GET /a HTTP/1.1" 503 0
192.0.2.2 - - [02/Dec/2026:10:00:01 +0000] "GET /b HTTP/1.1" 500 0
192.0.2.3 - - [02/Dec/2026:10:00:02 +0000] "GET /c HTTP/1.1" 200 512
192.0.2.4 - - [02/Dec/2026:10:00:03 +0000] "GET /d HTTP/1.1" 502 0
`), 0o644)
	opts := logscan.FollowOptions{Last: 2, Once: true, Filter: filter.Filter{Statuses: []string{"5xx"}}}
	for e, err := range logscan.Follow(context.Background(), []string{log}, opts) {
		if err != nil {
			fmt.Println(err) // an input that cannot be read; the others go on
			continue
		}
		fmt.Printf("%s %d %s\n", e.Record.Host, e.Record.Status, e.Record.Target)
	}
	// Output:
	// 192.0.2.2 500 /b
	// 192.0.2.4 502 /d
}
