package loggen

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file is a slow, obviously-correct reader of what Generate writes, used to check the
// Truth it returns. It follows the parser policy of logmr's combined format: a line may end
// after %b (common format), and fields after the user agent are ignored.

// record is one parsed line.
type record struct {
	host, ident, user      string
	request, status, bytes string
	referer, agent         string
	hasReferer, extra      bool
	time                   time.Time
}

const quoted = `"((?:[^"\\]|\\.)*)"`

var combinedRE = regexp.MustCompile(`^(\S+) (\S+) (\S+) \[([^\]]*)\] ` + quoted + ` (\S+) (\S+)(?:( ` + quoted + ` ` + quoted + `)( .*)?)?$`)

var statusRE = regexp.MustCompile(`^[0-9]{3}$`)
var bytesRE = regexp.MustCompile(`^(-|[0-9]+)$`)

// parseRef returns nil when a combined-format parser must reject the line. line has no
// newline; a trailing CR is allowed, as the reader strips it.
func parseRef(line string) *record {
	m := combinedRE.FindStringSubmatch(strings.TrimSuffix(line, "\r"))
	if m == nil || !statusRE.MatchString(m[6]) || !bytesRE.MatchString(m[7]) {
		return nil
	}
	ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", m[4])
	if err != nil {
		return nil
	}
	return &record{
		host: m[1], ident: m[2], user: m[3], request: m[5], status: m[6], bytes: m[7],
		hasReferer: m[8] != "", referer: m[9], agent: m[10], extra: m[11] != "",
		time: ts,
	}
}

// path is the request target without its query string, or "" when the request has none.
func (r *record) path() string {
	method, rest, ok := strings.Cut(r.request, " ")
	if !ok || method == "" {
		return ""
	}
	if i := strings.LastIndexByte(rest, ' '); i >= 0 && strings.HasPrefix(rest[i+1:], "HTTP/") {
		rest = rest[:i]
	}
	target, _, _ := strings.Cut(rest, "?")
	return target
}

// canonicalHost writes an address one way: IPv4 dotted decimal without leading zeros (an
// IPv4-mapped IPv6 address included), IPv6 as netip prints it; anything else as written.
func canonicalHost(h string) string {
	s := h
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	if strings.Contains(s, ":") {
		if a, err := netip.ParseAddr(s); err == nil {
			return a.Unmap().String()
		}
		return h
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return h
	}
	var a [4]byte
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 8) // decimal even with leading zeros
		if err != nil || len(p) > 3 {
			return h
		}
		a[i] = byte(n)
	}
	return netip.AddrFrom4(a).String()
}
