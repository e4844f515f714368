package loggen

import "testing"

// BenchmarkLines measures line generation alone, without files or compression.
func BenchmarkLines(b *testing.B) {
	cfg := Config{Files: 1, BytesPerFile: 1 << 40, MalformedFraction: 0.002}
	g := newLineGen(&cfg, newHostPool(1), 0)
	line := make([]byte, 0, 1024)
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		line = g.next(line[:0])
		n += int64(len(line))
	}
	b.SetBytes(n / int64(b.N))
}

// BenchmarkGenerate writes 4 files of 4 MiB, gzip level 6, to a temporary directory.
func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Dir: b.TempDir(), Files: 4, BytesPerFile: 4 << 20, MalformedFraction: 0.002, GzipLevel: 6}
	b.SetBytes(int64(cfg.Files) * cfg.BytesPerFile)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
