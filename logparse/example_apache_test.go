package logparse_test

import (
	"fmt"

	"github.com/logmr/logmr/logparse"
)

// Apache's ssl_request_log, as Debian's and RHEL's ssl.conf write it: the
// mod_ssl variables are fields like any other, read by name.
func ExampleCompile_sslRequestLog() {
	f, err := logparse.Compile(`%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x "%r" %b`)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := logparse.NewParser(f)
	var rec logparse.Record
	line := `[02/Dec/2026:10:15:02 +0100] 203.0.113.9 TLSv1.3 TLS_AES_256_GCM_SHA384 "GET / HTTP/1.1" 5120`
	if err := p.Parse([]byte(line), &rec); err != nil {
		fmt.Println(err)
		return
	}
	for _, fd := range f.Fields() {
		if fd.Name == "ssl_protocol" || fd.Name == "ssl_cipher" {
			v, _ := rec.AppendValue(nil, fd)
			fmt.Printf("%s=%s (%s)\n", fd.Name, v, fd.Directive)
		}
	}
	fmt.Println(string(rec.Host), rec.Bytes)
	// Output:
	// ssl_protocol=TLSv1.3 (%{SSL_PROTOCOL}x)
	// ssl_cipher=TLS_AES_256_GCM_SHA384 (%{SSL_CIPHER}x)
	// 203.0.113.9 5120
}
