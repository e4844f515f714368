package loggen_test

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/logmr/logmr/scripts/genlogs/loggen"
)

func ExampleGenerate() {
	dir, err := os.MkdirTemp("", "loggen-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	truth, err := loggen.Generate(loggen.Config{
		Dir: dir, Files: 3, BytesPerFile: 64 << 10, Seed: 1, MalformedFraction: 0.002, GzipLevel: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, path := range truth.Files {
		fmt.Println(filepath.Base(path))
	}
	f, err := os.Open(truth.Files[0])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	first := bufio.NewScanner(f)
	first.Scan()
	fmt.Println(first.Text())
	// Output:
	// access.log
	// access.log.1
	// access.log.2.gz
	// 212.192.223.247 - - [21/Nov/2026:05:45:00 +0545] "HEAD /blog/post-2255 HTTP/1.0" 200 - "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
}
