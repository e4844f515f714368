package logparse

import "strings"

// What an nginx variable's value needs beyond its directive.
type nginxKind uint8

const (
	nginxPlain   nginxKind = iota
	nginxSeconds           // seconds with a fraction ($request_time): Duration in µs
	nginxList              // upstream values: "a, b : c", spaces inside
)

// A nginxVar is what the compiler knows about one variable: the directive
// it stands for as Apache's would, and the letter build treats specially
// ('u': a user, 'U': a path the target may be derived from).
type nginxVar struct {
	dir    directive
	letter byte
	kind   nginxKind
}

// nginxVariable returns what the variable name (lower case) logs. The
// variables that have an Apache counterpart fill the same Record member
// and take the same field name; every other one is a text field named after
// the variable.
func nginxVariable(name string) nginxVar {
	str := func(n string, class scanClass) nginxVar {
		return nginxVar{dir: directive{name: n, typ: TypeString, class: class}, letter: '$'}
	}
	num := func(n string, s slot, prio int) nginxVar {
		return nginxVar{dir: directive{name: n, typ: TypeInt, class: classNumber, slot: s, priority: prio}, letter: '$'}
	}
	typed := func(n string, class scanClass, s slot, prio int) nginxVar {
		return nginxVar{dir: directive{name: n, typ: TypeString, class: class, slot: s, priority: prio}, letter: '$'}
	}
	clock := func(l *timeLayout) nginxVar {
		return nginxVar{dir: directive{name: "time", typ: TypeTime, class: classStrftime, slot: slotTime, time: l}, letter: '$'}
	}
	switch name {
	case "remote_addr":
		return typed("host", classToken, slotHost, 1)
	case "remote_user":
		v := typed("user", classText, slotUser, 1)
		v.letter = 'u'
		return v
	case "time_local":
		return clock(nginxTimeLocal)
	case "time_iso8601":
		return clock(nginxTimeISO8601)
	case "msec":
		return clock(nginxMsec)
	case "request":
		return nginxVar{dir: directive{name: "request", class: classRequest, slot: slotRequest, request: true}, letter: '$'} // unquoted, three words as Apache's %r
	case "request_method":
		return typed("method", classToken, slotMethod, 2)
	case "request_uri":
		return typed("request_uri", classText, slotTarget, 2)
	case "uri", "document_uri":
		v := str(name, classText)
		v.letter = 'U' // the target when the format has neither $request nor $request_uri
		return v
	case "server_protocol":
		return typed("protocol", classToken, slotProtocol, 2)
	case "status":
		v := num("status", slotStatus, 1)
		v.dir.class = classStatus
		return v
	case "body_bytes_sent":
		return num("bytes", slotBytes, 1)
	case "bytes_sent":
		return num("bytes_out", slotBytes, 2)
	case "request_length":
		return num("bytes_in", slotNone, 0)
	case "request_time":
		v := num("duration_us", slotDuration, 1)
		v.dir.class, v.dir.usecs, v.kind = classToken, 1, nginxSeconds
		return v
	case "http_referer":
		return typed("referer", classText, slotReferer, 0)
	case "http_user_agent":
		return typed("user_agent", classText, slotUserAgent, 0)
	case "host":
		return typed("vhost", classToken, slotVHost, 1)
	case "server_name":
		return typed("server_name", classToken, slotVHost, 2)
	case "server_port":
		return num("port", slotPort, 1)
	case "server_addr":
		return str("local_ip", classToken)
	case "remote_port":
		return num("remote_port", slotNone, 0)
	case "connection", "connection_requests", "pid", "content_length":
		return num(name, slotNone, 0)
	case "pipe", "scheme", "https", "request_id", "msie", "binary_remote_addr":
		return str(name, classToken)
	}
	switch {
	case strings.HasPrefix(name, "http_"):
		return str("header_"+name[len("http_"):], classText)
	case strings.HasPrefix(name, "sent_http_"):
		return str("response_header_"+name[len("sent_http_"):], classText)
	case strings.HasPrefix(name, "cookie_"):
		return str(name, classText) // as Apache's %{name}C: cookie_name
	case strings.HasPrefix(name, "upstream_"):
		v := str(name, classText)
		v.kind = nginxList
		return v
	}
	return str(name, classText)
}

// The layouts of nginx's own times: $time_local without its brackets
// (in brackets it is Apache's %t), $time_iso8601 and $msec, seconds since
// the Epoch with milliseconds.
var (
	nginxTimeLocal   = mustTimeLayout("%d/%b/%Y:%H:%M:%S %z")
	nginxTimeISO8601 = mustTimeLayout("%Y-%m-%dT%H:%M:%S%z")
	nginxMsec        = &timeLayout{ops: []timeOp{{kind: tlSec}, {kind: tlLiteral, lit: "."}, {kind: tlMsecFrac}}}
)

func mustTimeLayout(layout string) *timeLayout {
	l, _, err := compileTimeLayout(layout)
	if err != nil {
		panic("logparse: nginx time layout " + layout + ": " + err.Error())
	}
	return l
}
