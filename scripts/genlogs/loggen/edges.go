package loggen

// Requests for /robots.txt, and the lines that look like them but are not.

// robotsRequests all have the path /robots.txt: the path is the target before '?', and a
// request line may lack the protocol (HTTP/0.9 style). A reader must count every one.
var robotsRequests = newTable(
	choice{"GET /robots.txt HTTP/1.1", 40},
	choice{"HEAD /robots.txt HTTP/1.0", 20},
	choice{"GET /robots.txt", 20},
	choice{"GET /robots.txt?v=2 HTTP/1.1", 20},
)

var robotsStatuses = newTable(choice{"200", 85}, choice{"304", 10}, choice{"404", 5})

// robotsBody is the size of the site's robots.txt.
const robotsBody = 68

// nearMissRate is the rate of each near-miss class among well-formed lines: each class
// appears about ten times in a 1 MiB file.
const nearMissRate = 0.002

// nearMisses are the well-formed lines a careless reader might count as robots.txt
// requests. Each is drawn equally often.
var nearMisses = []func(g *lineGen, e *entry){
	func(g *lineGen, e *entry) { g.setRequest(e, "GET /robots.txt.bak HTTP/1.1", "404") },
	func(g *lineGen, e *entry) { g.setRequest(e, "GET /Robots.txt HTTP/1.1", "404") },
	func(g *lineGen, e *entry) { g.setRequest(e, "GET /robots.txt/x HTTP/1.1", "404") },
	func(g *lineGen, e *entry) { g.setRequest(e, "GET /foo/robots.txt HTTP/1.1", "404") },
	func(g *lineGen, e *entry) {
		g.ordinaryRequest(e)
		e.referer = "https://www.example.com/robots.txt"
	},
	func(g *lineGen, e *entry) {
		g.ordinaryRequest(e)
		e.agent = "Mozilla/5.0 (compatible; SiteAudit/2.3 checks /robots.txt daily)"
	},
	func(g *lineGen, e *entry) { // a raw space in the target: not robots, but must parse
		g.setRequest(e, rawSpaceRequests.pick(g.r), "404")
	},
	func(g *lineGen, e *entry) { // a connection closed before any request arrived
		g.setRequest(e, "-", "408")
		e.bytes, e.referer, e.agent = -1, "-", "-"
	},
	func(g *lineGen, e *entry) { // a TLS handshake sent to the plain-HTTP port
		g.setRequest(e, tlsJunk.pick(g.r), "400")
		e.bytes, e.referer, e.agent = 226, "-", "-"
	},
}

// nearMissFraction is the share of well-formed lines that are near misses.
var nearMissFraction = nearMissRate * float64(len(nearMisses))

var rawSpaceRequests = uniform(
	"GET /annual report.pdf HTTP/1.1",
	"GET /my documents/cv 2026.docx HTTP/1.1",
)

// tlsJunk is written as Apache escapes non-printable bytes: a literal backslash and "x".
var tlsJunk = uniform(
	`\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03`,
	`\x16\x03\x01\x00\xf4\x01\x00\x00\xf0\x03\x03`,
)

func (g *lineGen) nearMiss(e *entry) {
	nearMisses[g.r.IntN(len(nearMisses))](g, e)
}

// robotsHost draws half the robots.txt fetchers uniformly rather than by popularity, so that
// a large corpus has many distinct ones.
func (g *lineGen) robotsHost() *host {
	if g.r.IntN(2) == 0 {
		return &g.pool.hosts[g.r.IntN(len(g.pool.hosts))]
	}
	return g.pickHost()
}

func (g *lineGen) robotsRequest(e *entry) {
	req := robotsRequests.pick(g.r)
	g.setRequest(e, req, robotsStatuses.pick(g.r))
	e.agent = robotsAgents.pick(g.r)
	e.referer = "-"
	e.bytes = robotsBody
	if e.status != "200" || req[0] == 'H' {
		e.bytes = -1
	}
}

func (g *lineGen) setRequest(e *entry, req, status string) {
	g.req = append(g.req[:0], req...)
	e.req, e.status = g.req, status
}
