package logparse

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// parseJSONSlow is the reference for parseJSON: encoding/json decodes the
// line, and each target takes the first of its keys (in the key set's
// order) whose dotted path, or the path as one key, holds a value that is
// not null; an array gives its first element. The value's text is stored
// as parseJSON stores it (storeJSON, tested on its own).
func parseJSONSlow(f *Format, line []byte, rec *Record) bool {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var obj map[string]any
	if dec.Decode(&obj) != nil || len(bytes.Trim(line[dec.InputOffset():], " \t\r\n")) > 0 {
		return false
	}
	rec.reset()
	p := NewParser(f)
	done := map[jsonTarget]bool{}
	found := 0
	for _, k := range f.structured.json.keys {
		if done[k.target] {
			continue
		}
		v, ok := lookupPath(obj, k.path)
		if !ok {
			continue
		}
		var text string
		switch v := v.(type) {
		case string:
			text = string(AppendJSONString(nil, v)) // storeJSON decodes it again
		case json.Number:
			text = string(v)
		case bool:
			text = map[bool]string{true: "true", false: "false"}[v]
		default: // an object: keys below it are read, or it is no value
			if hasKeysBelow(f, k.path) {
				continue
			}
			return false
		}
		if p.storeJSON(k.target, k.unit, []byte(text), rec) != nil {
			return false
		}
		if k.target == jtHost && k.hostPort && rec.Host != nil {
			rec.Host = cutPort(rec.Host)
		}
		done[k.target] = true
		found++
	}
	if rec.Request != nil && rec.Method == nil {
		splitRequest(rec)
	}
	return found > 0
}

// sameJSON compares two records as AppendJSON writes them, a byte that is
// not UTF-8 (which the reader keeps as logged, and encoding/json decodes
// as U+FFFD) taken as U+FFFD.
func sameJSON(f *Format, fast, slow *Record) (a, b []byte, ok bool) {
	a = bytes.ReplaceAll(AppendJSON(nil, f, fast), []byte(`\ufffd`), []byte("\uFFFD"))
	b = AppendJSON(nil, f, slow)
	return a, b, bytes.Equal(a, b)
}

// hasKeysBelow reports whether f reads keys inside the object at path.
func hasKeysBelow(f *Format, path string) bool {
	for _, k := range f.structured.json.keys {
		if strings.HasPrefix(k.path, path+".") {
			return true
		}
	}
	return false
}

// lookupPath resolves a dotted path in obj, or the path as one key; an
// array resolves to its first element, and null or an empty array to
// nothing.
func lookupPath(obj map[string]any, path string) (any, bool) {
	v, ok := obj[path]
	if !ok {
		var cur any = obj
		for _, part := range strings.Split(path, ".") {
			m, isMap := cur.(map[string]any)
			if !isMap {
				return nil, false
			}
			if cur, ok = m[part]; !ok {
				return nil, false
			}
		}
		v = cur
	}
	if a, isArray := v.([]any); isArray {
		if len(a) == 0 {
			return nil, false
		}
		v = a[0]
	}
	return v, v != nil
}

// TestParseJSONDifferential holds parseJSON to parseJSONSlow on every line
// of the test files and on lines at the edges: the same fields, or both
// failing.
func TestParseJSONDifferential(t *testing.T) {
	lines := [][]byte{[]byte(caddyDocLine), []byte(traefikDocLine), []byte(nginxDocLine),
		[]byte(`{"status":200,"request":{"uri":"\/caf\u00e9\ud83d\ude00","client_ip":null,"remote_ip":"10.0.0.1","headers":{"User-Agent":[],"Referer":["a","b"]}}}`),
		[]byte(`{"status":"204","size":"0","ts":"2024-02-29T23:59:60Z","duration":"1e-3","request":{"method":"GET"}}`),
		[]byte(`{"status":200,"status":404}`),
		[]byte(`{"msec":1700000000.5,"remote_addr":"192.0.2.1","request":"POST /x HTTP/1.0","status":201}`),
		[]byte(`{"StartUTC":"2020-08-27T09:33:02Z","ClientHost":"::1","DownstreamStatus":200,"Duration":0}`),
		// Found by FuzzJSON: a losing key's bad value; text after the
		// object; a byte that is not UTF-8.
		[]byte(`{"StartLocal":"A","StartUTC":"0"}`),
		[]byte(`{"request":"0"}}`),
		[]byte("{\"request\":{\"proto\":\"\x80\"}}"),
	}
	for _, path := range []string{"../testdata/formats/caddy/access.log", "../testdata/formats/traefik/access.log", "../testdata/formats/nginx-json/access.log"} {
		lines = append(lines, readLines(t, path)...)
	}
	for _, f := range []*Format{CaddyJSON, TraefikJSON, NginxJSON, JSON} {
		p := NewParser(f)
		for _, line := range lines {
			var fast, slow Record
			err := p.Parse(line, &fast)
			ok := parseJSONSlow(f, line, &slow)
			if (err == nil) != ok {
				t.Errorf("%s: Parse(%q) = %v, the reference ok = %v", f.Name, line, err, ok)
				continue
			}
			if ok {
				if a, b, ok := sameJSON(f, &fast, &slow); !ok {
					t.Errorf("%s: Parse(%q) = %s, the reference %s", f.Name, line, a, b)
				}
			}
		}
	}
}
