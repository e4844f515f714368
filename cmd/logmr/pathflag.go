package main

import "strings"

// checkPathFlags refuses a --path or --path-prefix value no request path
// can match: "robots.txt" for "/robots.txt". A path starts with /; the
// targets that do not are "*" (OPTIONS *), an absolute URL (a proxy
// request: "http://example.com/") and host:port (CONNECT), so a value
// with a ':' is let through.
func checkPathFlags(paths, prefixes []string) error {
	for _, flag := range []struct {
		name   string
		values []string
	}{{"path", paths}, {"path-prefix", prefixes}} {
		for _, v := range flag.values {
			if strings.HasPrefix(v, "/") || v == "*" || strings.Contains(v, ":") {
				continue
			}
			return usagef("--%s %q: a request path starts with / (did you mean /%s?)", flag.name, v, v)
		}
	}
	return nil
}
