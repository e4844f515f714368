package logparse_test

import (
	"fmt"

	"github.com/logmr/logmr/logparse"
)

// A JSON log with keys of its own, read through a json: mapping.
func ExampleParseJSONMapping() {
	f, err := logparse.ParseJSONMapping("json:host=client.ip,time=when:ms,status=http.code,target=http.path")
	if err != nil {
		panic(err)
	}
	line := []byte(`{"client":{"ip":"203.0.113.5"},"when":1705305600123,"http":{"code":503,"path":"/api?v=2"}}`)
	var rec logparse.Record
	if err := logparse.NewParser(f).Parse(line, &rec); err != nil {
		panic(err)
	}
	fmt.Println(string(rec.Host), rec.Status, string(rec.Path()), rec.Timestamp().UTC().Format("2006-01-02T15:04:05.000Z"))
	// Output: 203.0.113.5 503 /api 2024-01-15T08:00:00.123Z
}

// Detect picks each input's format from its first lines; W3C directive
// lines are no records.
func ExampleDetect() {
	lines := [][]byte{
		[]byte("#Software: Microsoft Internet Information Services 10.0"),
		[]byte("#Fields: date time c-ip cs-method cs-uri-stem sc-status time-taken"),
		[]byte("2024-01-15 08:00:01 203.0.113.9 GET /default.htm 200 15"),
	}
	f, ok := logparse.Detect(lines)
	fmt.Println(f.Name, ok)
	p := logparse.NewParser(f)
	var rec logparse.Record
	for _, line := range lines {
		if err := p.Parse(line, &rec); err == logparse.ErrNotRecord {
			continue
		}
		fmt.Println(string(rec.Host), rec.Status, rec.Duration)
	}
	// Output:
	// w3c true
	// 203.0.113.9 200 15000
}
