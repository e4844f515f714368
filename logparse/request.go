package logparse

import "bytes"

// splitRequest splits rec.Request into method, target and protocol:
// METHOD SP TARGET [SP PROTOCOL], the protocol being a last token that starts
// "HTTP/". The target is everything between, raw spaces included
// ("GET /annual report.pdf HTTP/1.1"). Anything else ("-", "", TLS junk on
// port 80) leaves Method, Target and Protocol empty.
func splitRequest(rec *Record) {
	req := rec.Request
	sp := bytes.IndexByte(req, ' ')
	if sp <= 0 || !isToken(req[:sp]) {
		return
	}
	target := req[sp+1:]
	var proto []byte
	if last := bytes.LastIndexByte(target, ' '); last >= 0 && bytes.HasPrefix(target[last+1:], httpPrefix) {
		target, proto = target[:last], target[last+1:]
	}
	if len(target) == 0 {
		return
	}
	rec.Method, rec.Target, rec.Protocol = req[:sp], target, proto
}

var httpPrefix = []byte("HTTP/")

// isToken reports whether b is an HTTP token (RFC 9110 tchar), as a method is.
func isToken(b []byte) bool {
	for _, c := range b {
		if !tchar[c] {
			return false
		}
	}
	return true
}

var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()
