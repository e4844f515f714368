package logparse

import (
	"fmt"
	"strings"
)

// A jsonTarget is the Record field a JSON key fills.
type jsonTarget uint8

const (
	jtNone jsonTarget = iota
	jtHost
	jtUser
	jtTime
	jtRequest
	jtMethod
	jtTarget
	jtProtocol
	jtStatus
	jtBytes
	jtReferer
	jtUserAgent
	jtVHost
	jtPort
	jtDuration
	jtCount
)

// jsonTargets names the targets as `logmr parse` writes the fields, and as
// a json: mapping (ParseJSONMapping) names them.
var jsonTargets = [jtCount]string{"", "host", "user", "time", "request", "method", "target", "protocol",
	"status", "bytes", "referer", "user_agent", "vhost", "port", "duration"}

// A timeUnit is how a number is read: for a time, the unit of an epoch
// (unitAuto: by its magnitude) or a layout; for a duration, its unit.
type timeUnit uint8

const (
	unitAuto timeUnit = iota // a time: seconds, ms, µs or ns by the number's size; or a layout
	unitS
	unitMS
	unitUS
	unitNS
)

var unitNames = map[string]timeUnit{"s": unitS, "ms": unitMS, "us": unitUS, "ns": unitNS}

// scale is the power of ten that turns a count of u into seconds' digits:
// seconds 0, ms 3, µs 6, ns 9.
func (u timeUnit) scale() int { return [...]int{0, 0, 3, 6, 9}[u] }

// A jsonKey maps one key path of a JSON access log to a Record field.
type jsonKey struct {
	path   string     // dotted: "request.headers.User-Agent"
	target jsonTarget // the field it fills
	unit   timeUnit   // of a time or a duration
	// hostPort: the value is "host:port" or "[v6]:port" (an address as
	// Caddy before 2.5 and Traefik's ClientAddr log it): the port is cut.
	hostPort bool
}

// A jsonEntry is one key of one object level in a compiled key set.
type jsonEntry struct {
	key    string
	target jsonTarget // filled when the value is a string, number or array
	prio   uint8      // among keys of one target, the lowest present wins
	unit   timeUnit
	port   bool      // the value is host:port (jsonKey.hostPort)
	child  *jsonNode // keys below, when the value is an object
}

// A jsonNode is the keys that matter at one level of a JSON object.
type jsonNode struct {
	entries []jsonEntry
	// buckets holds, per keyHash, the indexes of the entries with that
	// hash: most keys of a line are not in the key set, and one compare
	// of a bucket's few keys rejects them (a map would hash the whole key).
	buckets [64][]uint8
}

// keyHash mixes a key's length and its first and last bytes.
func keyHash(key []byte) int {
	if len(key) == 0 {
		return 0
	}
	return (len(key)*7 + int(key[0])*3 + int(key[len(key)-1])) & 63
}

// lookup returns the entry for key, or nil.
func (n *jsonNode) lookup(key []byte) *jsonEntry {
	for _, i := range n.buckets[keyHash(key)] {
		if e := &n.entries[i]; e.key == string(key) {
			return e
		}
	}
	return nil
}

// jsonSpec is a compiled key set: what a JSON Format's Parser reads.
type jsonSpec struct {
	root   jsonNode
	fields []Field
	keys   []jsonKey // as compiled, for the reference parser in the tests
}

// compileJSONKeys builds the key tree of keys, earlier keys of a target
// taking priority over later ones. A dotted path is looked up both as
// nested objects and as one literal key ("request.method" in a flat log).
func compileJSONKeys(keys []jsonKey) *jsonSpec {
	spec := &jsonSpec{keys: keys}
	var prio [jtCount]uint8
	for _, k := range keys {
		pr := prio[k.target]
		prio[k.target]++
		spec.root.add(strings.Split(k.path, "."), k, pr)
		if strings.Contains(k.path, ".") {
			spec.root.add([]string{k.path}, k, pr)
		}
	}
	return spec
}

func (n *jsonNode) add(path []string, k jsonKey, prio uint8) {
	var e *jsonEntry
	for i := range n.entries {
		if n.entries[i].key == path[0] {
			e = &n.entries[i]
		}
	}
	if e == nil {
		h := keyHash([]byte(path[0]))
		n.buckets[h] = append(n.buckets[h], uint8(len(n.entries)))
		n.entries = append(n.entries, jsonEntry{key: path[0]})
		e = &n.entries[len(n.entries)-1]
	}
	if len(path) > 1 {
		if e.child == nil {
			e.child = &jsonNode{}
		}
		e.child.add(path[1:], k, prio)
		return
	}
	if e.target == jtNone || prio < e.prio {
		e.target, e.prio, e.unit, e.port = k.target, prio, k.unit, k.hostPort
	}
}

// The key sets of the JSON access logs logmr knows, each key of a target
// in order of preference.
var (
	caddyKeys = []jsonKey{
		{path: "ts", target: jtTime},
		{path: "request.client_ip", target: jtHost},
		{path: "request.remote_ip", target: jtHost},
		{path: "request.remote_addr", target: jtHost, hostPort: true},
		{path: "user_id", target: jtUser},
		{path: "request.method", target: jtMethod},
		{path: "request.uri", target: jtTarget},
		{path: "request.proto", target: jtProtocol},
		{path: "request.host", target: jtVHost},
		{path: "request.headers.User-Agent", target: jtUserAgent},
		{path: "request.headers.Referer", target: jtReferer},
		{path: "status", target: jtStatus},
		{path: "size", target: jtBytes},
		{path: "duration", target: jtDuration, unit: unitS},
	}
	traefikKeys = []jsonKey{
		{path: "StartUTC", target: jtTime},
		{path: "StartLocal", target: jtTime},
		{path: "ClientHost", target: jtHost},
		{path: "ClientAddr", target: jtHost, hostPort: true},
		{path: "ClientUsername", target: jtUser},
		{path: "RequestMethod", target: jtMethod},
		{path: "RequestPath", target: jtTarget},
		{path: "RequestProtocol", target: jtProtocol},
		{path: "RequestHost", target: jtVHost},
		{path: "RequestPort", target: jtPort},
		{path: "request_User-Agent", target: jtUserAgent},
		{path: "request_Referer", target: jtReferer},
		{path: "DownstreamStatus", target: jtStatus},
		{path: "DownstreamContentSize", target: jtBytes},
		{path: "Duration", target: jtDuration, unit: unitNS},
	}
	// nginxJSONKeys are the keys an nginx log_format escape=json names
	// after its variables, and the usual variants.
	nginxJSONKeys = []jsonKey{
		{path: "time_iso8601", target: jtTime},
		{path: "time_local", target: jtTime},
		{path: "msec", target: jtTime},
		{path: "time", target: jtTime},
		{path: "timestamp", target: jtTime},
		{path: "@timestamp", target: jtTime},
		{path: "remote_addr", target: jtHost},
		{path: "remote_ip", target: jtHost},
		{path: "client_ip", target: jtHost},
		{path: "remote_user", target: jtUser},
		{path: "request", target: jtRequest},
		{path: "request_method", target: jtMethod},
		{path: "method", target: jtMethod},
		{path: "request_uri", target: jtTarget},
		{path: "uri", target: jtTarget},
		{path: "server_protocol", target: jtProtocol},
		{path: "protocol", target: jtProtocol},
		{path: "status", target: jtStatus},
		{path: "body_bytes_sent", target: jtBytes},
		{path: "bytes_sent", target: jtBytes},
		{path: "http_referer", target: jtReferer},
		{path: "http_referrer", target: jtReferer},
		{path: "referer", target: jtReferer},
		{path: "http_user_agent", target: jtUserAgent},
		{path: "user_agent", target: jtUserAgent},
		{path: "host", target: jtVHost},
		{path: "http_host", target: jtVHost},
		{path: "server_name", target: jtVHost},
		{path: "server_port", target: jtPort},
		{path: "request_time", target: jtDuration, unit: unitS},
	}
)

// The JSON formats: one object per line, each key set's keys mapped to the
// Record's fields. A line is malformed when it is not a JSON object or
// holds none of its format's keys.
var (
	// CaddyJSON is Caddy's structured access log (logger http.log.access).
	CaddyJSON = newJSONFormat("caddy", caddyKeys)
	// TraefikJSON is Traefik's access log in its JSON format.
	TraefikJSON = newJSONFormat("traefik", traefikKeys)
	// NginxJSON is an nginx log_format escape=json whose keys are named
	// after its variables (remote_addr, time_iso8601, request, status, ...).
	NginxJSON = newJSONFormat("nginx_json", nginxJSONKeys)
	// JSON reads the keys of all three, for a JSON log of another server
	// that uses some of them; a json: mapping (ParseJSONMapping) adds keys.
	JSON = newJSONFormat("json", jsonUnion())
)

// jsonFormats are the JSON formats Detect chooses among, in order of
// preference on a tie.
var jsonFormats = []*Format{CaddyJSON, TraefikJSON, NginxJSON}

func jsonUnion() []jsonKey {
	var keys []jsonKey
	for _, set := range [][]jsonKey{caddyKeys, traefikKeys, nginxJSONKeys} {
		keys = append(keys, set...)
	}
	return keys
}

// newJSONFormat makes the JSON Format name with keys.
func newJSONFormat(name string, keys []jsonKey) *Format {
	f := &Format{Name: name, parse: parseJSON}
	spec := compileJSONKeys(keys)
	var has [jtCount]bool
	var paths [jtCount][]string
	for _, k := range keys {
		has[k.target] = true
		paths[k.target] = append(paths[k.target], k.path)
	}
	spec.fields = jsonFields(has, paths)
	f.fields = spec.fields
	f.structured = &structuredFormat{json: spec, everyLine: true}
	f.hasTime = has[jtTime]
	return f
}

// jsonFields lists the fields a JSON format yields, in the order of the
// CLF formats' fields; each Directive is the keys it reads.
func jsonFields(has [jtCount]bool, paths [jtCount][]string) []Field {
	order := []struct {
		t    jsonTarget
		name string
		typ  FieldType
		slot slot
	}{
		{jtHost, "host", TypeString, slotHost},
		{jtUser, "user", TypeString, slotUser},
		{jtTime, "time", TypeTime, slotTime},
		{jtRequest, "request", TypeString, slotRequest},
		{jtMethod, "method", TypeString, slotMethod},
		{jtTarget, "target", TypeString, slotTarget},
		{jtProtocol, "protocol", TypeString, slotProtocol},
		{jtStatus, "status", TypeInt, slotStatus},
		{jtBytes, "bytes", TypeInt, slotBytes},
		{jtReferer, "referer", TypeString, slotReferer},
		{jtUserAgent, "user_agent", TypeString, slotUserAgent},
		{jtVHost, "vhost", TypeString, slotVHost},
		{jtPort, "port", TypeInt, slotPort},
		{jtDuration, "duration_us", TypeInt, slotDuration},
	}
	var fields []Field
	for _, o := range order {
		// A request line yields method, target and protocol too.
		split := has[jtRequest] && (o.t == jtMethod || o.t == jtTarget || o.t == jtProtocol)
		if !has[o.t] && !split {
			continue
		}
		dir := "json:" + strings.Join(paths[o.t], "|")
		if len(paths[o.t]) == 0 {
			dir = "json:" + strings.Join(paths[jtRequest], "|")
		}
		fields = append(fields, Field{Name: o.name, Type: o.typ, Directive: dir, slot: o.slot, unit: 1})
	}
	return fields
}

// jsonMappingPrefix starts a format string that maps keys itself.
const jsonMappingPrefix = "json:"

// ParseJSONMapping returns the JSON format that mapping describes:
// "json:" and comma-separated FIELD=KEY pairs, the KEY a dotted path into
// nested objects (an array's first element is taken), with an optional
// :UNIT for a time (s, ms, us, ns: an epoch in that unit; without it the
// epoch's unit is read from its size, and text is RFC 3339 or
// dd/Mon/yyyy:HH:MM:SS +hhmm) or a duration (s by default). The fields are
// those `logmr parse` writes: host, user, time, request, method, target,
// protocol, status, bytes, referer, user_agent, vhost, port, duration. The
// keys of the "json" format are read for fields the mapping does not name.
//
//	json:host=client.ip,time=ts:ms,duration=took:ms
func ParseJSONMapping(mapping string) (*Format, error) {
	body, ok := strings.CutPrefix(mapping, jsonMappingPrefix)
	if !ok {
		return nil, fmt.Errorf("%w %q: a JSON mapping starts with %q", ErrUnknownFormat, mapping, jsonMappingPrefix)
	}
	if strings.TrimSpace(body) == "" {
		return nil, &FormatError{LogFormat: mapping, Column: len(mapping) + 1, Msg: "no FIELD=KEY pair (use the format json for the known keys alone)"}
	}
	var keys []jsonKey
	named := map[jsonTarget]bool{}
	col := len(jsonMappingPrefix) + 1
	for _, pair := range strings.Split(body, ",") {
		k, err := parseJSONPair(strings.TrimSpace(pair))
		if err != nil {
			return nil, &FormatError{LogFormat: mapping, Column: col, Msg: err.Error()}
		}
		keys, named[k.target] = append(keys, k), true
		col += len(pair) + 1
	}
	for _, k := range jsonUnion() {
		if !named[k.target] {
			keys = append(keys, k)
		}
	}
	return newJSONFormat(mapping, keys), nil
}

// parseJSONPair parses one FIELD=KEY[:UNIT] of a mapping.
func parseJSONPair(pair string) (jsonKey, error) {
	field, key, ok := strings.Cut(pair, "=")
	if !ok || field == "" || key == "" {
		return jsonKey{}, fmt.Errorf("%q: want FIELD=KEY, as in host=client.ip", pair)
	}
	k := jsonKey{path: strings.ReplaceAll(key, "[0]", "")}
	for t, name := range jsonTargets {
		if name != "" && (name == field || t == int(jtDuration) && field == "duration_us") {
			k.target = jsonTarget(t)
		}
	}
	if k.target == jtNone {
		return jsonKey{}, fmt.Errorf("%q: unknown field %q (want one of %s)", pair, field, strings.Join(jsonTargets[1:], ", "))
	}
	if i := strings.LastIndexByte(k.path, ':'); i >= 0 {
		u, ok := unitNames[k.path[i+1:]]
		if !ok || k.target != jtTime && k.target != jtDuration {
			return jsonKey{}, fmt.Errorf("%q: unknown unit %q (a time or a duration takes s, ms, us or ns)", pair, k.path[i+1:])
		}
		k.path, k.unit = k.path[:i], u
	}
	if k.target == jtDuration && k.unit == unitAuto {
		k.unit = unitS
	}
	if k.path == "" || strings.Contains(k.path, "..") || k.path[0] == '.' || k.path[len(k.path)-1] == '.' {
		return jsonKey{}, fmt.Errorf("%q: the key path %q is empty or has an empty part", pair, k.path)
	}
	return k, nil
}
