package logparse

import "testing"

// benchFormatLines parses the lines of path, repeated to about 4 MiB, with
// f on one goroutine: the MB/s of one core.
func benchFormatLines(b *testing.B, f *Format, path string) {
	lines := readLines(b, path)
	var all [][]byte
	size := 0
	for size < 4<<20 {
		for _, l := range lines {
			all = append(all, l)
			size += len(l) + 1
		}
	}
	benchParseLines(b, f, all, AllFields, len(all), nil)
}

func BenchmarkJSONCaddy(b *testing.B) {
	benchFormatLines(b, CaddyJSON, "../testdata/formats/caddy/access.log")
}

func BenchmarkJSONTraefik(b *testing.B) {
	benchFormatLines(b, TraefikJSON, "../testdata/formats/traefik/access.log")
}

func BenchmarkJSONNginx(b *testing.B) {
	benchFormatLines(b, NginxJSON, "../testdata/formats/nginx-json/access.log")
}

func BenchmarkW3C(b *testing.B) {
	benchFormatLines(b, W3C, "../testdata/formats/w3c/u_ex240115.log")
}
