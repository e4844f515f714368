package logparse

import "bytes"

// The syntax errors of JSON lines.
var (
	errJSONObject  = syntaxErr("line", "not a JSON object")
	errJSONSyntax  = syntaxErr("line", "invalid JSON")
	errJSONDeep    = syntaxErr("line", "JSON nested more than 64 levels")
	errJSONEscape  = syntaxErr("line", "invalid escape in a JSON string")
	errJSONNoKeys  = syntaxErr("line", "a JSON object with none of the format's keys")
	errJSONHost    = syntaxErr("host", "not a JSON string")
	errJSONTime    = syntaxErr("time", "not an epoch number, RFC 3339 or dd/Mon/yyyy:HH:MM:SS +hhmm")
	errJSONStatus  = syntaxErr("status", "not a number from 0 to 999")
	errJSONBytes   = syntaxErr("bytes", "not a non-negative integer")
	errJSONPort    = syntaxErr("port", "not a number from 0 to 65535")
	errJSONElapsed = syntaxErr("duration", "not a non-negative number")
	errJSONText    = syntaxErr("line", "a text field that is an object")
)

// maxJSONDepth bounds the objects parseJSON descends into (and, skipping,
// counts): deeper lines are malformed, never a stack overflow.
const maxJSONDepth = 64

// jsonLine is what parseJSON keeps while it walks one line: per target,
// the value of the key that wins it so far, converted once the line is
// walked (a value that loses to a preferred key is never checked).
type jsonLine struct {
	prio     [jtCount]uint8 // of the key that set each target; 0xff: none yet
	vals     [jtCount][]byte
	units    [jtCount]timeUnit
	hostPort bool // the host's value is host:port
}

// parseJSON parses a line of a JSON format: one object, whose keys the
// format's key tree maps to rec's fields. It walks the object once,
// descending only into objects whose keys matter and skipping the rest
// with a bracket count; then it converts the value that won each field,
// a string with escapes decoded into p's scratch buffer. The structure it
// walks is checked; a value it skips is checked only for closed strings
// and balanced brackets.
func parseJSON(p *Parser, line []byte, rec *Record) error {
	spec := p.format.structured.json
	i := skipSpace(line, bomLen(line))
	if i >= len(line) || line[i] != '{' {
		return errJSONObject
	}
	var st jsonLine
	for t := range st.prio {
		st.prio[t] = 0xff
	}
	end, err := p.jsonObject(line, i, &spec.root, &st, 1)
	if err != nil {
		return err
	}
	if skipSpace(line, end) != len(line) {
		return errTrailing
	}
	found := 0
	for t := jtHost; t < jtCount; t++ {
		if st.vals[t] == nil {
			continue
		}
		found++
		if err := p.storeJSON(t, st.units[t], st.vals[t], rec); err != nil {
			return err
		}
	}
	if st.hostPort && rec.Host != nil {
		rec.Host = cutPort(rec.Host)
	}
	p.structured.found = found
	if found == 0 {
		return errJSONNoKeys
	}
	if rec.Request != nil && rec.Method == nil && p.skip&FieldRequest == 0 {
		splitRequest(rec)
	}
	return nil
}

// bomLen is 3 when b starts with a UTF-8 byte order mark, which some
// Windows tools write at the start of a file.
func bomLen(b []byte) int {
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return 3
	}
	return 0
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// jsonObject walks the object at line[i] ('{') with node's keys and
// returns the index after its '}'.
func (p *Parser) jsonObject(line []byte, i int, node *jsonNode, st *jsonLine, depth int) (int, error) {
	if depth > maxJSONDepth {
		return 0, errJSONDeep
	}
	i = skipSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(line) || line[i] != '"' {
			return 0, errJSONSyntax
		}
		kend := stringEnd(line, i+1)
		if kend < 0 {
			return 0, errJSONSyntax
		}
		key := line[i+1 : kend]
		i = skipSpace(line, kend+1)
		if i >= len(line) || line[i] != ':' {
			return 0, errJSONSyntax
		}
		i = skipSpace(line, i+1)
		if i >= len(line) {
			return 0, errJSONSyntax
		}
		var e *jsonEntry
		if node != nil {
			e = node.lookup(key)
		}
		var err error
		switch {
		case e == nil:
			i, err = skipJSONValue(line, i)
		case line[i] == '{' && e.child != nil:
			i, err = p.jsonObject(line, i, e.child, st, depth+1)
		default:
			i, err = jsonLeaf(line, i, e, st)
		}
		if err != nil {
			return 0, err
		}
		i = skipSpace(line, i)
		if i >= len(line) {
			return 0, errJSONSyntax
		}
		switch line[i] {
		case ',':
			i = skipSpace(line, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, errJSONSyntax
		}
	}
}

// jsonLeaf takes the value at line[i] for e (a string, a number, true,
// false, null, or an array whose first element is taken) if e wins its
// target so far, and returns the index after it.
func jsonLeaf(line []byte, i int, e *jsonEntry, st *jsonLine) (int, error) {
	end, err := skipJSONValue(line, i)
	if err != nil || e.target == jtNone || e.prio > st.prio[e.target] {
		return end, err
	}
	v := line[i:end]
	if v[0] == '[' { // Caddy's headers: {"User-Agent": ["curl/8.5.0"]}
		j := skipSpace(v, 1)
		if v[j] == ']' {
			return end, nil // empty: absent
		}
		k, err := skipJSONValue(v, j)
		if err != nil {
			return 0, err
		}
		v = v[j:k]
	}
	switch v[0] {
	case 'n': // null: absent
		return end, nil
	case '{', '[':
		return 0, errJSONText
	}
	st.vals[e.target], st.units[e.target], st.prio[e.target] = v, e.unit, e.prio
	if e.target == jtHost {
		st.hostPort = e.port
	}
	return end, nil
}

// storeJSON stores value v of target t, in unit when a time or a
// duration, in rec: a string is decoded, a number, true or false taken as
// its text.
func (p *Parser) storeJSON(t jsonTarget, unit timeUnit, v []byte, rec *Record) error {
	if v[0] == '"' {
		v = v[1 : len(v)-1]
		if bytes.IndexByte(v, '\\') >= 0 {
			start := len(p.scratch)
			var ok bool
			if p.scratch, ok = appendJSONUnescaped(p.scratch, v); !ok {
				return errJSONEscape
			}
			v = p.scratch[start:len(p.scratch):len(p.scratch)]
		}
	}
	switch t {
	case jtStatus:
		n, ok := jsonInt(v, 3)
		if !ok {
			return errJSONStatus
		}
		rec.Status = int(n)
	case jtBytes:
		n, ok := jsonInt(v, maxBytesDigits)
		if !ok {
			return errJSONBytes
		}
		rec.Bytes = n
	case jtPort:
		n, ok := jsonInt(v, 5)
		if !ok || n > 65535 {
			return errJSONPort
		}
		rec.Port = int(n)
	case jtDuration:
		if isDash(v) {
			return nil
		}
		us, ok := scaledDecimal(v, 6-unit.scale())
		if !ok {
			return errJSONElapsed
		}
		rec.Duration = us
	case jtTime:
		if isDash(v) {
			return nil
		}
		// Converted even when not needed (Need): checking it is most of
		// the work, and a line must be malformed whatever is needed.
		sec, nsec, off, ok := parseAnyTime(v, unit, &p.days)
		if !ok {
			return errJSONTime
		}
		rec.Time, rec.Nsec, rec.Offset, rec.hasTime = sec, nsec, off, true
	case jtHost:
		rec.Host = jsonText(v)
	case jtUser:
		rec.User = jsonText(v)
	case jtRequest:
		rec.Request = jsonText(v)
	case jtMethod:
		rec.Method = jsonText(v)
	case jtTarget:
		rec.Target = jsonText(v)
	case jtProtocol:
		rec.Protocol = jsonText(v)
	case jtReferer:
		rec.Referer = jsonText(v)
	case jtUserAgent:
		rec.UserAgent = jsonText(v)
	case jtVHost:
		rec.VHost = jsonText(v)
	}
	return nil
}

// cutPort returns the host of "host:port" or "[v6]:port"; anything else
// (a bare IPv6 address, a name) as it is.
func cutPort(v []byte) []byte {
	if len(v) > 0 && v[0] == '[' {
		if i := bytes.IndexByte(v, ']'); i > 0 && (i == len(v)-1 || v[i+1] == ':') {
			return v[1:i]
		}
		return v
	}
	if i := bytes.IndexByte(v, ':'); i >= 0 && bytes.IndexByte(v[i+1:], ':') < 0 {
		return v[:i]
	}
	return v
}

// jsonText is a text value: "" and "-", as nginx and Traefik log an
// empty variable, are absent.
func jsonText(v []byte) []byte {
	if len(v) == 0 || isDash(v) {
		return nil
	}
	return v
}

func isDash(v []byte) bool { return len(v) == 1 && v[0] == '-' }

// jsonInt parses a non-negative integer of at most maxDigits digits, as a
// number or a string ("200", as nginx logs $status), or "-" (-1).
func jsonInt(v []byte, maxDigits int) (int64, bool) {
	if isDash(v) {
		return -1, true
	}
	if len(v) == 0 || len(v) > maxDigits {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// stringEnd returns the index of the quote that closes the JSON string
// whose body starts at b[i], or -1.
func stringEnd(b []byte, i int) int {
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		if j == 0 || b[i+j-1] != '\\' || !escapedAt(b, i+j) {
			return i + j
		}
		i += j + 1
	}
}

// skipJSONValue returns the index after the value at b[i]: a string, or
// a number or literal up to its delimiter, or an object or array up to
// its closing bracket (strings in it skipped whole, brackets counted).
func skipJSONValue(b []byte, i int) (int, error) {
	switch c := b[i]; {
	case c == '"':
		end := stringEnd(b, i+1)
		if end < 0 {
			return 0, errJSONSyntax
		}
		return end + 1, nil
	case c == '{' || c == '[':
		return skipJSONNested(b, i)
	}
	j := i
	for j < len(b) && jsonScalarByte[b[j]] {
		j++
	}
	if j == i {
		return 0, errJSONSyntax
	}
	return j, nil
}

// jsonScalarByte marks the bytes of numbers, true, false and null.
var jsonScalarByte = func() (t [256]bool) {
	for _, c := range []byte("0123456789+-.eEtruefalsn") {
		t[c] = true
	}
	return t
}()

// skipJSONNested skips the object or array at b[i] by counting brackets.
// It is a loop over the bytes, not a recursion: nesting costs no stack.
func skipJSONNested(b []byte, i int) (int, error) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			end := stringEnd(b, i+1)
			if end < 0 {
				return 0, errJSONSyntax
			}
			i = end
		case '{', '[':
			if depth++; depth > maxJSONDepth {
				return 0, errJSONDeep
			}
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1, nil
			}
		}
		i++
	}
	return 0, errJSONSyntax
}

// appendJSONUnescaped appends the body of a JSON string with its escapes
// decoded (\uXXXX as UTF-8, a surrogate pair as one rune, a lone
// surrogate as U+FFFD). An invalid escape is kept as written and ok is
// false: the JSON reader refuses the line, nginx's escape=json values keep
// the text (nginx itself writes none).
func appendJSONUnescaped(dst, s []byte) (_ []byte, ok bool) {
	ok = true
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...), ok
		}
		dst = append(dst, s[:i]...)
		s = s[i+1:]
		if len(s) == 0 {
			return append(dst, '\\'), false
		}
		n := 1
		switch s[0] {
		case '"', '\\', '/':
			dst = append(dst, s[0])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if dst, n = appendJSONRune(dst, s); n == 0 {
				ok = false
			}
		default:
			dst, n, ok = append(dst, '\\'), 0, false
		}
		s = s[n:]
	}
}
