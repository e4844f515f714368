package loggen

// Malformed lines: a combined-format parser must reject every one. About a third request
// /robots.txt, so a reader that finds the path without parsing the whole line over-counts.

// robotsShareOfBroken is the share of malformed kinds built on a full line that request
// robots.txt; those kinds are 3/4 of malformed lines, so a third of the lines mention it.
const robotsShareOfBroken = 0.45

// badStamps have an impossible day, month and hour together, so that a parser that checks
// any one field rejects them.
var badStamps = uniform(
	"[32/Foo/2026:99:00:00 +0000]",
	"[00/Xyz/2026:25:61:61 +0000]",
	"[45/Nvm/2026:99:99:99 -0700]",
)

// badStatuses look numeric at a glance.
var badStatuses = uniform("2O0", "4O4", "20x", "OK")

func (g *lineGen) appendMalformed(b []byte) []byte {
	switch u := g.r.IntN(100); {
	case u < 30:
		return g.appendTruncated(b)
	case u < 45:
		e := g.brokenEntry()
		e.badStamp = badStamps.pick(g.r)
		return g.appendEntry(b, e, &g.scratch)
	case u < 60:
		e := g.brokenEntry()
		e.status = badStatuses.pick(g.r)
		return g.appendEntry(b, e, &g.scratch)
	case u < 75:
		b = g.appendEntry(b, g.brokenEntry(), &g.scratch)
		close := g.scratch.tsClose
		return append(b[:close], b[close+1:]...) // drop the ']'
	case u < 90:
		return g.appendGarbage(b)
	default:
		for i := 1 + g.r.IntN(6); i > 0; i-- {
			b = append(b, ' ')
		}
		return append(b, '\n')
	}
}

// brokenEntry is a full combined line, a robots.txt request with probability
// robotsShareOfBroken, for a malformed kind to spoil.
func (g *lineGen) brokenEntry() *entry {
	e := new(entry)
	g.base(e)
	if g.r.Float64() < robotsShareOfBroken {
		g.robotsRequest(e)
		e.host = g.robotsHost().spell(g.r)
	} else {
		g.ordinaryRequest(e)
		e.host = g.pickHost().spell(g.r)
	}
	return e
}

// appendTruncated cuts a line inside a quoted field or the timestamp, leaving it
// unterminated. It never cuts after the bytes field: a line that ends there is a valid
// common-format line, and one that ends with a partial number would be too.
func (g *lineGen) appendTruncated(b []byte) []byte {
	b = g.appendEntry(b, g.brokenEntry(), &g.scratch)
	m := &g.scratch
	var open, close int
	switch u := g.r.IntN(10); {
	case u < 4: // inside the user agent: the request is complete, which tempts a sloppy reader
		open, close = m.uaOpen, m.uaClose
	case u < 6:
		open, close = m.refOpen, m.refClose
	case u < 8:
		open, close = m.reqOpen, m.reqClose
	default:
		open, close = m.tsOpen, m.tsClose
	}
	// Keep at least the opening delimiter and at most everything before the closing one.
	cut := open + 1 + g.r.IntN(close-open)
	return append(b[:cut], '\n')
}

func (g *lineGen) appendGarbage(b []byte) []byte {
	for i := 10 + g.r.IntN(110); i > 0; i-- {
		b = append(b, byte(' '+1+g.r.IntN('~'-' '))) // printable and spaceless, so it can never split into fields
	}
	return append(b, '\n')
}
