package filter

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/logmr/logmr/logparse"
)

// ErrInvalidOptions is returned by Compile and Check when a Filter cannot be
// used as given: a bad regexp, status, method or host, an empty time window,
// a Func without a name or a function. mapreduce/logscan returns the same
// sentinel as its own ErrInvalidOptions.
var ErrInvalidOptions = errors.New("invalid options")

// A ValueError is a filter value that cannot be used: which field, the
// value as given and what is wrong, for a caller to say in its own terms
// (a command line names its flag). It wraps ErrInvalidOptions.
type ValueError struct {
	Field  string // "method", "path regexp", "user agent regexp", "referer regexp", "status", "host", or "window" (Since and Until)
	Value  string // as given; "" for the window
	Reason string // "want a code from 100 to 599 ..."
}

func (e *ValueError) Error() string {
	if e.Value == "" {
		return ErrInvalidOptions.Error() + ": " + e.Reason
	}
	return fmt.Sprintf("%v: %s %q: %s", ErrInvalidOptions, e.Field, e.Value, e.Reason)
}

func (e *ValueError) Unwrap() error { return ErrInvalidOptions }

// A Filter selects records. Its conditions (fields) are ANDed; the values
// of one condition are ORed; a condition with no values selects everything
// (so Paths and PathPrefixes, both set, must both match). A
// record that lacks the field a condition looks at (no status, no time, a
// host that is a name for Hosts) does not pass it; a missing user agent or
// referer is matched as empty text.
type Filter struct {
	// Paths keeps records whose path (the request target up to "?")
	// equals one of these.
	Paths []string
	// PathPrefixes keeps records whose path starts with one of these.
	PathPrefixes []string
	// PathRegexps keeps records whose path matches one of these RE2
	// expressions (unanchored: use ^ and $).
	PathRegexps []string
	// Statuses keeps records whose status is one of these codes ("404")
	// or classes ("5xx").
	Statuses []string
	// Methods keeps records whose method is one of these, in any case.
	// Each must be an RFC 9110 token ("GET", "PROPFIND"): a space or a
	// separator in one is an error, never a method that matches nothing.
	Methods []string
	// Since keeps records logged at or after it; zero means no bound.
	Since time.Time
	// Until keeps records logged before it; zero means no bound.
	Until time.Time
	// Hosts keeps records whose client address is one of these addresses
	// or in one of these CIDR prefixes ("192.0.2.0/24", "2001:db8::/32").
	Hosts []string
	// UserAgentRegexps and RefererRegexps keep records whose user agent
	// (referer) matches one of these RE2 expressions.
	UserAgentRegexps []string
	RefererRegexps   []string
	// VHosts keeps records whose virtual host (%v, else %V) is one of
	// these, in any case.
	VHosts []string
	// Funcs keeps records that every one of these Go predicates keeps.
	// They run after the built-in conditions, in order.
	Funcs []Func
}

// A Func is a named Go predicate over records. The records it drops are
// counted under Name (Stats.Rejected in mapreduce/logscan), and Name stands
// for the predicate where one must be described, as in a cache's query:
// change the name when the predicate changes meaning.
type Func struct {
	Name string
	// Keep reports whether rec passes. It is called from many goroutines
	// at once, and rec is valid only during the call.
	Keep func(rec *logparse.Record) bool
}

// A Matcher is a Filter compiled for the per-line hot path: it allocates
// nothing (a Func's own work aside). Conditions are tested cheapest first.
// A Matcher is safe for concurrent use.
type Matcher struct {
	statuses     *[1000]bool // nil: any status
	methods      [][]byte
	since, until instant
	hasSince     bool
	hasUntil     bool
	paths        [][]byte
	prefixes     [][]byte
	pathREs      []*textRegexp
	hosts        []netip.Prefix
	vhosts       [][]byte
	agentREs     []*textRegexp
	refererREs   []*textRegexp
	selectsPaths bool // some path condition is set
	funcs        []Func
	required     Required // see Required
}

// Check reports what is wrong with f (a bad regexp, status, host or an
// empty time window) as an error wrapping ErrInvalidOptions; Compile, and
// the scans of mapreduce/logscan, return the same error.
func (f Filter) Check() error {
	_, err := f.Compile()
	return err
}

// Compile compiles f once for Match and Stage; it fails as Check does.
func (f Filter) Compile() (*Matcher, error) {
	m := &Matcher{}
	for _, fn := range f.Funcs {
		if fn.Name == "" || fn.Keep == nil {
			return nil, fmt.Errorf("%w: a filter Func needs a Name and a Keep function", ErrInvalidOptions)
		}
	}
	m.funcs = f.Funcs
	toBytes := func(ss []string) [][]byte {
		var out [][]byte
		for _, s := range ss {
			out = append(out, []byte(s))
		}
		return out
	}
	m.paths, m.prefixes, m.methods, m.vhosts = toBytes(f.Paths), toBytes(f.PathPrefixes), toBytes(f.Methods), toBytes(f.VHosts)
	for _, method := range f.Methods {
		if !isToken(method) {
			return nil, &ValueError{Field: "method", Value: method,
				Reason: "want a token such as GET or PROPFIND: letters, digits and !#$%&'*+-.^_`|~ (RFC 9110)"}
		}
	}
	var err error
	if m.pathREs, err = compileRegexps("path regexp", f.PathRegexps); err != nil {
		return nil, err
	}
	if m.agentREs, err = compileRegexps("user agent regexp", f.UserAgentRegexps); err != nil {
		return nil, err
	}
	if m.refererREs, err = compileRegexps("referer regexp", f.RefererRegexps); err != nil {
		return nil, err
	}
	m.selectsPaths = len(m.paths)+len(m.prefixes)+len(m.pathREs) > 0
	if len(f.Statuses) > 0 {
		m.statuses = new([1000]bool)
		for _, s := range f.Statuses {
			if err := addStatus(m.statuses, s); err != nil {
				return nil, err
			}
		}
	}
	for _, h := range f.Hosts {
		p, err := parseHostPrefix(h)
		if err != nil {
			return nil, err
		}
		m.hosts = append(m.hosts, p)
	}
	if !f.Since.IsZero() {
		m.since, m.hasSince = instantOf(f.Since), true
	}
	if !f.Until.IsZero() {
		m.until, m.hasUntil = instantOf(f.Until), true
	}
	if m.hasSince && m.hasUntil && !m.since.before(m.until) {
		return nil, &ValueError{Field: "window", Reason: fmt.Sprintf("the time window is empty: until %s is not after since %s",
			f.Until.Format(time.RFC3339), f.Since.Format(time.RFC3339))}
	}
	m.required = requiredOf(f)
	return m, nil
}

// isToken reports whether s is an RFC 9110 token: one or more tchar.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		if !alnum && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

func compileRegexps(what string, exprs []string) ([]*textRegexp, error) {
	var res []*textRegexp
	for _, e := range exprs {
		re, err := compileTextRegexp(e)
		if err != nil {
			return nil, &ValueError{Field: what, Value: e, Reason: err.Error()}
		}
		res = append(res, re)
	}
	return res, nil
}

// addStatus marks a code ("404") or a class ("5xx") in set.
func addStatus(set *[1000]bool, s string) error {
	bad := func() error {
		return &ValueError{Field: "status", Value: s, Reason: "want a code from 100 to 599 such as 404, or a class such as 5xx"}
	}
	if len(s) != 3 || s[0] < '1' || s[0] > '5' {
		return bad()
	}
	if rest := strings.ToLower(s[1:]); rest == "xx" {
		base := int(s[0]-'0') * 100
		for c := base; c < base+100; c++ {
			set[c] = true
		}
		return nil
	}
	code, err := strconv.Atoi(s)
	if err != nil {
		return bad()
	}
	set[code] = true
	return nil
}

// parseHostPrefix parses an address (a prefix of its full length) or a
// CIDR prefix, in the forms logs write addresses.
func parseHostPrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	if addr, ok := logparse.ParseHostAddr([]byte(s)); ok {
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	return netip.Prefix{}, &ValueError{Field: "host", Value: s, Reason: "want an IP address or a CIDR prefix such as 192.0.2.0/24"}
}

// The stages of the built-in conditions, in the order Stage tests them
// (cheapest first); a rejected record is counted against the first stage it
// fails. Stage numbers NumStages and up are a Matcher's Funcs, in order.
const (
	stageStatus = iota
	stageMethod
	// StageTime is the stage of Since and Until. Only the stages before
	// it can reject a record that has a time outside the window, which is
	// why a scan that rules out a whole input by its times counts its
	// well-formed lines there and before it.
	StageTime
	stageVHost
	stagePath
	stageHost
	stageUserAgent
	stageReferer
	NumStages      // how many built-in stages there are
	Passed    = -1 // what Stage returns for a record that passes
)

var stageNames = [NumStages]string{"status", "method", "time", "vhost", "path", "host", "user agent", "referer"}

// StageName names a stage Stage returned: "status", "time", "path", ...
// for the built-in conditions, a Func's Name for the others. On a nil
// Matcher it names the built-in stages.
func (m *Matcher) StageName(stage int) string {
	if stage < NumStages {
		return stageNames[stage]
	}
	return m.funcs[stage-NumStages].Name
}

// Match reports whether rec passes. It works on any record, parsed by
// mapreduce/logscan or by hand with logparse.Parser, provided the parser
// filled in the fields Fields names.
func (m *Matcher) Match(rec *logparse.Record) bool { return m.Stage(rec) == Passed }

// Stage returns the first stage rec fails, or Passed. Short linear scans
// beat maps for the handful of values a command line names.
func (m *Matcher) Stage(rec *logparse.Record) int {
	if m.statuses != nil && (rec.Status < 0 || rec.Status >= len(m.statuses) || !m.statuses[rec.Status]) {
		return stageStatus
	}
	if len(m.methods) > 0 && !anyEqualFold(m.methods, rec.Method) {
		return stageMethod
	}
	if m.hasSince || m.hasUntil {
		if !rec.HasTime() {
			return StageTime
		}
		t := instant{rec.Time, rec.Nsec}
		if (m.hasSince && t.before(m.since)) || (m.hasUntil && !t.before(m.until)) {
			return StageTime
		}
	}
	if len(m.vhosts) > 0 && !anyEqualFold(m.vhosts, rec.VHost) {
		return stageVHost
	}
	if m.selectsPaths && !m.matchPath(rec.Path()) {
		return stagePath
	}
	if len(m.hosts) > 0 && !m.matchHost(rec.Host) {
		return stageHost
	}
	if len(m.agentREs) > 0 && !anyMatch(m.agentREs, rec.UserAgent) {
		return stageUserAgent
	}
	if len(m.refererREs) > 0 && !anyMatch(m.refererREs, rec.Referer) {
		return stageReferer
	}
	for i := range m.funcs {
		if !m.funcs[i].Keep(rec) {
			return NumStages + i
		}
	}
	return Passed
}

// Fields says which of the parser's optional fields Stage reads (see
// logparse.Parser.Need): all of them when there are Funcs.
func (m *Matcher) Fields() logparse.Fields {
	if len(m.funcs) > 0 {
		return logparse.AllFields
	}
	var f logparse.Fields
	if len(m.methods) > 0 || m.selectsPaths {
		f |= logparse.FieldRequest
	}
	if m.hasSince || m.hasUntil {
		f |= logparse.FieldTime
	}
	if len(m.agentREs) > 0 {
		f |= logparse.FieldUserAgent
	}
	if len(m.refererREs) > 0 {
		f |= logparse.FieldReferer
	}
	return f
}

// matchPath tests the three path conditions, each that is set.
func (m *Matcher) matchPath(path []byte) bool {
	if len(m.paths) > 0 && !anyEqual(m.paths, path) {
		return false
	}
	if len(m.prefixes) > 0 && !anyPrefix(m.prefixes, path) {
		return false
	}
	return len(m.pathREs) == 0 || anyMatch(m.pathREs, path)
}

func anyEqual(values [][]byte, b []byte) bool {
	for _, v := range values {
		if bytes.Equal(v, b) {
			return true
		}
	}
	return false
}

func anyPrefix(prefixes [][]byte, b []byte) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(b, p) {
			return true
		}
	}
	return false
}

func (m *Matcher) matchHost(host []byte) bool {
	addr, ok := logparse.ParseHostAddr(host)
	if !ok {
		return false
	}
	addr = addr.WithZone("")
	for _, p := range m.hosts {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

func anyEqualFold(values [][]byte, b []byte) bool {
	for _, v := range values {
		if bytes.EqualFold(v, b) {
			return true
		}
	}
	return false
}

func anyMatch(res []*textRegexp, b []byte) bool {
	for _, re := range res {
		if re.match(b) {
			return true
		}
	}
	return false
}

// An instant is Unix seconds and nanoseconds: unlike UnixNano it holds any
// year a log or a flag can name.
type instant struct {
	sec  int64
	nsec int32
}

func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

func (a instant) before(b instant) bool {
	return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec
}
