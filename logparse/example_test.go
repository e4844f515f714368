package logparse_test

import (
	"fmt"
	"strings"

	"github.com/logmr/logmr/logparse"
)

func ExampleParser_Parse() {
	p := logparse.NewParser(logparse.Combined)
	var rec logparse.Record
	line := `192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET /robots.txt?v=2 HTTP/1.1" 200 68 "-" "Googlebot/2.1"`
	if err := p.Parse([]byte(line), &rec); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %s %d %d referer=%v %s\n", rec.Host, rec.Method, rec.Path(), rec.Status, rec.Bytes, rec.Referer, rec.UserAgent)

	err := p.Parse([]byte(`192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 2O0 68`), &rec)
	fmt.Println(err)
	// Output:
	// 192.0.2.1 GET /robots.txt 200 68 referer=[] Googlebot/2.1
	// status: not a 3-digit code or -
}

func ExampleScanner() {
	s := logparse.NewScanner(strings.NewReader("first\r\nsecond\n\nlast"))
	for s.Scan() {
		fmt.Printf("%d %q\n", s.Line(), s.Bytes())
	}
	if err := s.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 1 "first"
	// 2 "second"
	// 3 ""
	// 4 "last"
}

func ExampleCompile() {
	f, err := logparse.Compile(`%h %l %u %t "%r" %>s %b %D "%{X-Forwarded-For}i"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := logparse.NewParser(f)
	var rec logparse.Record
	line := `192.0.2.1 - - [22/Nov/2026:06:25:14 +0100] "GET /a?b=1 HTTP/1.1" 200 - 1534 "10.0.0.7, 10.0.0.8"`
	if err := p.Parse([]byte(line), &rec); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("path=%s status=%d duration=%dus\n", rec.Path(), rec.Status, rec.Duration)
	fmt.Print(string(logparse.AppendJSON(nil, f, &rec)))

	_, err = logparse.Compile(`%h %{Referer`)
	fmt.Println(err)
	// Output:
	// path=/a status=200 duration=1534us
	// {"host":"192.0.2.1","ident":null,"user":null,"time":"2026-11-22T06:25:14+01:00","request":"GET /a?b=1 HTTP/1.1","method":"GET","target":"/a?b=1","protocol":"HTTP/1.1","status":200,"bytes":null,"duration_us":1534,"header_x_forwarded_for":"10.0.0.7, 10.0.0.8"}
	// column 5: unterminated %{: no closing } (in "%h %{Referer")
}
