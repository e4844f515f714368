package logparse

import (
	"fmt"
	"strings"
)

// A FieldType says how a field's value is written in structured output.
type FieldType uint8

// The field types.
const (
	TypeString FieldType = iota // text, decoded from Apache's escapes
	TypeInt                     // a non-negative decimal integer
	TypeTime                    // an instant with the offset it was logged in
)

// A Field is one value a Format yields per line, named as `logmr parse`
// writes it (docs/guide.md: host, ident, user, time, request, method, target,
// protocol, status, bytes, referer, user_agent, vhost, port, and snake_case
// names for the other directives).
type Field struct {
	Name      string    // "host", "duration_us", "header_x_forwarded_for", ...
	Type      FieldType // how Record.Value's text is to be read
	Directive string    // the LogFormat directive it comes from, e.g. "%{Referer}i"

	slot slot  // where Parse stores the value
	unit int64 // microseconds per logged unit, for a duration
}

// A slot is where a field's value lives in a Record: one of the typed
// members, or (from slotExtra on) an entry of Record.extra.
type slot int

const (
	slotNone slot = iota
	slotHost
	slotIdent
	slotUser
	slotTime
	slotTimeEnd
	slotRequest
	slotMethod
	slotTarget
	slotProtocol
	slotStatus
	slotBytes
	slotReferer
	slotUserAgent
	slotVHost
	slotPort
	slotDuration
	slotExtra
)

// scanClass says how an unquoted value ends in a line.
type scanClass uint8

const (
	classText     scanClass = iota // anything up to the text that follows it in the format
	classToken                     // no spaces
	classNumber                    // digits, or "-"
	classStatus                    // three digits, or "-"
	classPath                      // like classText, but never contains '?' (%U before %q)
	classCLFTime                   // "[dd/Mon/yyyy:HH:MM:SS +hhmm]"
	classStrftime                  // %{format}t: as its layout says
	classHex                       // hexadecimal digits, or "-": %{hextid}P
	classRequest                   // an unquoted %r: METHOD SP TARGET SP PROTOCOL, or "-"
)

// A directive is what the compiler knows about one %-directive.
type directive struct {
	name     string // output name
	typ      FieldType
	class    scanClass
	slot     slot // preferred typed member, slotNone for extra
	priority int  // among directives wanting one slot, the lowest takes it
	usecs    int64
	noDash   bool // "-" is a real value (%X), not absent
	raw      bool // logged as is, without Apache's escapes (mod_ssl's %x, %c)
	time     *timeLayout
	timeEnd  bool
	request  bool // %r: also yields method, target and protocol
}

// clock reports whether d is a piece of the request time: every piece of
// one clock fills it together.
func (d directive) clock() bool { return d.slot == slotTime || d.slot == slotTimeEnd }

// lookupDirective resolves a directive letter, its {argument} (hasArg says
// whether braces were written) and its '<'/'>' modifier. The error is
// a message without a position; the compiler adds it.
func lookupDirective(letter byte, arg string, hasArg bool, modifier byte) (directive, error) {
	needArg := func(name string) (directive, error) {
		if !hasArg || arg == "" {
			return directive{}, fmt.Errorf("%%%c needs a {name}, as in %%{%s}%c", letter, name, letter)
		}
		return directive{}, nil
	}
	noArg := func(d directive) (directive, error) {
		if hasArg {
			return directive{}, fmt.Errorf("%%%c takes no {argument}, got {%s}", letter, arg)
		}
		return d, nil
	}
	badArg := func(want string) (directive, error) {
		return directive{}, fmt.Errorf("%%{%s}%c: unknown argument (want %s)", arg, letter, want)
	}
	str := func(name string, class scanClass) directive {
		return directive{name: name, typ: TypeString, class: class}
	}
	num := func(name string) directive {
		return directive{name: name, typ: TypeInt, class: classNumber}
	}
	switch letter {
	case 'a':
		switch {
		case !hasArg:
			return directive{name: "remote_ip", class: classToken, slot: slotHost, priority: 2}, nil
		case arg == "c":
			return directive{name: "peer_ip", class: classToken, slot: slotHost, priority: 3}, nil
		}
		return badArg("{c} or none")
	case 'A':
		return noArg(str("local_ip", classToken))
	case 'b', 'B':
		return noArg(directive{name: "bytes", typ: TypeInt, class: classNumber, slot: slotBytes, priority: 1})
	case 'C':
		if _, err := needArg("cookie"); err != nil {
			return directive{}, err
		}
		return str("cookie_"+snake(arg), classText), nil
	case 'D':
		return noArg(directive{name: "duration_us", typ: TypeInt, class: classNumber, slot: slotDuration, usecs: 1})
	case 'e':
		if _, err := needArg("VAR"); err != nil {
			return directive{}, err
		}
		return str("env_"+snake(arg), classText), nil
	case 'f':
		return noArg(str("filename", classText))
	case 'h':
		switch {
		case !hasArg:
			return directive{name: "host", class: classToken, slot: slotHost, priority: 1}, nil
		case arg == "c":
			return str("peer_host", classToken), nil
		}
		return badArg("{c} or none")
	case 'H':
		return noArg(directive{name: "protocol", class: classToken, slot: slotProtocol, priority: 2})
	case 'i':
		if _, err := needArg("Header-Name"); err != nil {
			return directive{}, err
		}
		switch strings.ToLower(arg) {
		case "referer":
			return directive{name: "referer", class: classText, slot: slotReferer}, nil
		case "user-agent":
			return directive{name: "user_agent", class: classText, slot: slotUserAgent}, nil
		}
		return str("header_"+snake(arg), classText), nil
	case 'k':
		return noArg(num("keepalive_requests"))
	case 'l':
		return noArg(directive{name: "ident", class: classToken, slot: slotIdent})
	case 'L':
		switch {
		case !hasArg:
			return str("log_id", classToken), nil
		case arg == "c":
			return str("connection_log_id", classToken), nil
		}
		return badArg("{c} or none")
	case 'm':
		return noArg(directive{name: "method", class: classToken, slot: slotMethod, priority: 2})
	case 'n':
		if _, err := needArg("note"); err != nil {
			return directive{}, err
		}
		return str("note_"+snake(arg), classText), nil
	case 'o':
		if _, err := needArg("Header-Name"); err != nil {
			return directive{}, err
		}
		return str("response_header_"+snake(arg), classText), nil
	case 'p':
		// Apache compares the arguments of %p, %P and %T with strcasecmp.
		switch strings.ToLower(arg) {
		case "", "canonical":
			return directive{name: "port", typ: TypeInt, class: classNumber, slot: slotPort, priority: 1}, nil
		case "local":
			return directive{name: "local_port", typ: TypeInt, class: classNumber, slot: slotPort, priority: 2}, nil
		case "remote":
			return num("remote_port"), nil
		}
		return badArg("{canonical}, {local} or {remote}")
	case 'P':
		switch strings.ToLower(arg) {
		case "", "pid":
			return num("pid"), nil
		case "tid", "hextid":
			// Apache writes hex only when the argument starts with a
			// lower-case 'h' (it tests *a == 'h'): %{HEXTID}P is decimal.
			if arg[0] == 'h' {
				return directive{name: "tid", typ: TypeInt, class: classHex}, nil
			}
			return num("tid"), nil
		}
		return badArg("{pid}, {tid} or {hextid}")
	case 'q':
		return noArg(str("query", classText))
	case 'r':
		return noArg(directive{name: "request", class: classRequest, slot: slotRequest, request: true})
	case 'R':
		return noArg(str("handler", classToken))
	case 's':
		prio := map[byte]int{'>': 1, 0: 2, '<': 3}[modifier]
		name := "status"
		if modifier == '<' {
			name = "status_original"
		}
		return noArg(directive{name: name, typ: TypeInt, class: classStatus, slot: slotStatus, priority: prio})
	case 't':
		if !hasArg {
			return directive{name: "time", typ: TypeTime, class: classCLFTime, slot: slotTime}, nil
		}
		layout, end, err := compileTimeLayout(arg)
		if err != nil {
			return directive{}, err
		}
		d := directive{name: "time", typ: TypeTime, class: classStrftime, slot: slotTime, time: layout, timeEnd: end}
		if end {
			d.name, d.slot = "time_end", slotTimeEnd
		}
		return d, nil
	case 'T':
		switch strings.ToLower(arg) {
		case "", "s":
			return directive{name: "duration_s", typ: TypeInt, class: classNumber, slot: slotDuration, priority: 2, usecs: 1e6}, nil
		case "ms":
			return directive{name: "duration_ms", typ: TypeInt, class: classNumber, slot: slotDuration, priority: 2, usecs: 1e3}, nil
		case "us":
			return directive{name: "duration_us", typ: TypeInt, class: classNumber, slot: slotDuration, priority: 1, usecs: 1}, nil
		}
		return badArg("{s}, {ms} or {us}")
	case 'u':
		return noArg(directive{name: "user", class: classText, slot: slotUser})
	case 'U':
		// Not the target itself: Parse derives Target from %U%q when the
		// format has no %r.
		return noArg(str("url_path", classPath))
	case 'v':
		return noArg(directive{name: "vhost", class: classToken, slot: slotVHost, priority: 1})
	case 'V':
		return noArg(directive{name: "server_name", class: classToken, slot: slotVHost, priority: 2})
	case 'X':
		return noArg(directive{name: "connection_status", class: classToken, noDash: true})
	case 'I':
		return noArg(num("bytes_in"))
	case 'O':
		return noArg(directive{name: "bytes_out", typ: TypeInt, class: classNumber, slot: slotBytes, priority: 2})
	case 'S':
		return noArg(num("bytes_total"))
	case 'x':
		if _, err := needArg("SSL_PROTOCOL"); err != nil {
			return directive{}, err
		}
		return sslVariable(arg), nil
	case 'c':
		if _, err := needArg("cipher"); err != nil {
			return directive{}, err
		}
		return sslCrypto(arg), nil
	case 'M':
		// ModSecurity's %{VAR}M (TX.anomaly_score, ...), written unescaped.
		if _, err := needArg("TX.name"); err != nil {
			return directive{}, err
		}
		return directive{name: "modsec_" + snake(arg), typ: TypeString, class: classText, raw: true}, nil
	}
	return directive{}, fmt.Errorf("unknown directive %%%c", letter)
}

// lookupCaretDirective resolves a two-letter directive written after '^':
// %{NAME}^ti and %{NAME}^to (request and response trailers, mod_log_config)
// and %^FB (mod_logio's time to first byte).
func lookupCaretDirective(name, arg string, hasArg bool) (directive, error) {
	switch name {
	case "ti", "to":
		if !hasArg || arg == "" {
			return directive{}, fmt.Errorf("%%^%s needs a {name}, as in %%{Trailer-Name}^%s", name, name)
		}
		prefix := "trailer_"
		if name == "to" {
			prefix = "response_trailer_"
		}
		return directive{name: prefix + snake(arg), typ: TypeString, class: classText}, nil
	case "FB":
		if hasArg {
			return directive{}, fmt.Errorf("%%^FB takes no {argument}, got {%s}", arg)
		}
		return directive{name: "ttfb_us", typ: TypeInt, class: classNumber}, nil
	}
	return directive{}, fmt.Errorf("unknown directive %%^%s (want %%^ti, %%^to or %%^FB)", name)
}

// sslVariable is mod_ssl's %{VAR}x: the variable's value, not escaped.
// SSL_PROTOCOL is the field ssl_protocol; a variable whose name does not
// start with SSL_ (HTTPS, or an environment variable mod_ssl looks up) is
// named ssl_var_https and the like.
func sslVariable(v string) directive {
	name := snake(v)
	if !strings.HasPrefix(name, "ssl_") {
		name = "ssl_var_" + name
	}
	return directive{name: name, typ: TypeString, class: classText, raw: true}
}

// sslCrypto is mod_ssl's "cryptography" directive %{name}c, named after the
// variable mod_ssl reads for it. mod_ssl compares the names case-sensitively
// and logs "-" for a name it does not know, which is accepted as such.
func sslCrypto(arg string) directive {
	name, ok := map[string]string{
		"version":    "ssl_protocol",
		"cipher":     "ssl_cipher",
		"subjectdn":  "ssl_client_s_dn",
		"clientcert": "ssl_client_s_dn",
		"issuerdn":   "ssl_client_i_dn",
		"cacert":     "ssl_client_i_dn",
		"errcode":    "ssl_errcode",
		"errstr":     "ssl_errstr",
	}[arg]
	if !ok {
		name = "ssl_c_" + snake(arg)
	}
	return directive{name: name, typ: TypeString, class: classText, raw: true}
}

// snake turns a header, cookie or variable name into a member-name suffix:
// "X-Forwarded-For" becomes "x_forwarded_for".
func snake(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		default:
			b = append(b, '_')
		}
	}
	return string(b)
}
