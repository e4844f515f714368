package loggen

import (
	"math/rand/v2"
	"strconv"
)

// Rates of the variations of well-formed lines, chosen so that each occurs several times
// in a 1 MiB file (about 5,000 lines).
const (
	altZoneRate = 0.02 // a line written in another zone than the file's
	crlfRate    = 0.01
	commonRate  = 0.01 // line ends after %b
	extraRate   = 0.01 // fields after the user agent
)

// lineGen writes the lines of one file. It is not safe for concurrent use; each file has
// its own, seeded from Config.Seed plus the file's index.
type lineGen struct {
	r         *rand.Rand
	zipf      *rand.Zipf
	pool      *hostPool
	stamp     stamper
	req       []byte // scratch for entry.req
	start     int64  // Unix second of the file's first line
	offset    int    // the file's zone
	target    int64  // Config.BytesPerFile
	malformed float64
	robots    float64

	written       int64 // bytes of text so far
	lines, broken int64
	robotsHosts   map[string]bool
	statuses      map[string]Tally
	scratch       marks
}

func newLineGen(cfg *Config, pool *hostPool, index int) *lineGen {
	r := rand.New(rand.NewPCG(cfg.Seed+uint64(index), 0x66696c6573)) // "files"
	return &lineGen{
		r: r,
		// s and v flatten the head a little: the busiest client sends a few percent of
		// requests rather than a third.
		zipf:        rand.NewZipf(r, 1.07, 4, uint64(len(pool.hosts)-1)),
		pool:        pool,
		start:       newestDay - int64(index)*86400,
		offset:      zoneOffsets[r.IntN(len(zoneOffsets))],
		target:      cfg.BytesPerFile,
		malformed:   cfg.MalformedFraction,
		robots:      cfg.robotsFraction(),
		robotsHosts: make(map[string]bool),
		statuses:    make(map[string]Tally),
	}
}

// next appends one line, newline included, to b.
func (g *lineGen) next(b []byte) []byte {
	n := len(b)
	if g.r.Float64() < g.malformed {
		b = g.appendMalformed(b)
		g.broken++
	} else {
		b = g.appendWellFormed(b)
	}
	g.lines++
	g.written += int64(len(b) - n)
	return b
}

// base fills the fields every line has with ordinary values; the request is left empty.
func (g *lineGen) base(e *entry) {
	// Time advances with the bytes written, so lines stay in order and the file spans a day.
	*e = entry{
		ident:   identities.pick(g.r),
		user:    users.pick(g.r),
		sec:     g.start + g.written*86400/g.target,
		offset:  g.offset,
		status:  statuses.pick(g.r),
		bytes:   g.bodySize(),
		referer: referers.pick(g.r),
		agent:   agents.pick(g.r),
	}
	if g.r.Float64() < altZoneRate {
		e.offset = zoneOffsets[g.r.IntN(len(zoneOffsets))]
	}
}

func (g *lineGen) bodySize() int64 {
	switch u := g.r.IntN(100); {
	case u < 5:
		return -1
	case u < 60:
		return 200 + g.r.Int64N(20000)
	default:
		return 20000 + g.r.Int64N(500000)
	}
}

// pickHost chooses a client by popularity.
func (g *lineGen) pickHost() *host {
	return &g.pool.hosts[g.zipf.Uint64()]
}

func (g *lineGen) appendWellFormed(b []byte) []byte {
	var e entry
	g.base(&e)
	h := g.pickHost()
	switch u := g.r.Float64(); {
	case u < g.robots:
		h = g.robotsHost()
		g.robotsRequest(&e)
		g.robotsHosts[h.canonical()] = true
	case u < g.robots+nearMissFraction:
		g.nearMiss(&e)
	default:
		g.ordinaryRequest(&e)
	}
	e.host = h.spell(g.r)
	switch u := g.r.Float64(); {
	case u < commonRate:
		e.form = formCommon
	case u < commonRate+extraRate:
		e.form, e.extra = formExtra, g.r.Int64N(5000000)
	}
	e.crlf = g.r.Float64() < crlfRate
	n := g.statuses[e.status]
	n.Requests++
	n.Bytes += max(e.bytes, 0)
	g.statuses[e.status] = n
	return g.appendEntry(b, &e, &g.scratch)
}

func (g *lineGen) ordinaryRequest(e *entry) {
	method := methods.pick(g.r)
	g.req = append(g.req[:0], method...)
	g.req = append(g.req, ' ')
	if g.r.IntN(100) < 80 {
		g.req = append(g.req, staticTargets.pick(g.r)...)
	} else {
		g.req = append(g.req, numberedTargets.pick(g.r)...)
		g.req = strconv.AppendInt(g.req, g.r.Int64N(5000), 10)
	}
	g.req = append(g.req, ' ')
	g.req = append(g.req, protocols.pick(g.r)...)
	e.req = g.req
	if method == "HEAD" || e.status == "304" {
		e.bytes = -1
	}
}
