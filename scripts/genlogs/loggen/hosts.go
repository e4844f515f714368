package loggen

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
)

// poolSize is the number of distinct clients: "a few thousand", enough that the set of
// robots.txt fetchers in a large corpus is big but still saturates.
const poolSize = 4000

// host is one client. spellings[0] is the canonical form; the others are the same address
// written the ways real logs write it (mapped, zero-padded, upper case, expanded, bracketed),
// so a reader that compares strings instead of addresses counts one client twice.
type host struct {
	spellings []string
	weights   []int // cumulative, per mille, parallel to spellings
}

func (h *host) canonical() string { return h.spellings[0] }

// spell picks how this line writes the address.
func (h *host) spell(r *rand.Rand) string {
	if len(h.spellings) == 1 {
		return h.spellings[0]
	}
	u := r.IntN(1000)
	for i, w := range h.weights {
		if u < w {
			return h.spellings[i]
		}
	}
	return h.spellings[0]
}

// hostPool is built once per Generate from the seed and shared read-only by all files.
type hostPool struct {
	hosts []host
}

func newHostPool(seed uint64) *hostPool {
	r := rand.New(rand.NewPCG(seed, 0x686f737473)) // "hosts": a stream apart from the files'
	seen := make(map[string]bool, poolSize)
	p := &hostPool{hosts: make([]host, 0, poolSize)}
	for len(p.hosts) < poolSize {
		var h host
		switch u := r.IntN(100); {
		case u < 94:
			h = ipv4Host(randomIPv4(r))
		case u < 99:
			h = ipv6Host(randomIPv6(r))
		default:
			h = host{spellings: []string{randomHostname(r)}}
		}
		if seen[h.canonical()] {
			continue
		}
		seen[h.canonical()] = true
		p.hosts = append(p.hosts, h)
	}
	return p
}

func ipv4Host(a [4]byte) host {
	canon := netip.AddrFrom4(a).String()
	padded := fmt.Sprintf("%03d.%03d.%03d.%03d", a[0], a[1], a[2], a[3]) // decimal, not octal
	return host{
		spellings: []string{canon, "::ffff:" + canon, "::FFFF:" + canon, padded},
		weights:   []int{950, 970, 975, 1000},
	}
}

func ipv6Host(a [16]byte) host {
	addr := netip.AddrFrom16(a)
	canon, expanded := addr.String(), addr.StringExpanded()
	return host{
		spellings: []string{canon, strings.ToUpper(canon), expanded, strings.ToUpper(expanded),
			"[" + canon + "]", "[" + strings.ToUpper(canon) + "]"},
		weights: []int{800, 850, 900, 930, 970, 1000},
	}
}

func randomIPv4(r *rand.Rand) [4]byte {
	for {
		first := byte(1 + r.IntN(223))
		if first != 10 && first != 127 {
			return [4]byte{first, byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))}
		}
	}
}

var ipv6Prefixes = [][4]byte{
	{0x20, 0x01, 0x0d, 0xb8}, {0x2a, 0x00, 0x14, 0x50}, {0x26, 0x00, 0x1f, 0x18},
	{0x2a, 0x01, 0x04, 0xf8}, {0x20, 0x01, 0x48, 0x60}, {0x2c, 0x0f, 0xfb, 0x50},
}

// randomIPv6 makes global unicast addresses; most have a run of zero groups so that the
// canonical form uses "::" and differs from the expanded one.
func randomIPv6(r *rand.Rand) [16]byte {
	var a [16]byte
	copy(a[:4], ipv6Prefixes[r.IntN(len(ipv6Prefixes))][:])
	for i := 4; i < 8; i++ {
		a[i] = byte(r.IntN(256))
	}
	if r.IntN(10) < 6 {
		a[14], a[15] = byte(r.IntN(256)), byte(1+r.IntN(255))
	} else {
		for i := 8; i < 16; i++ {
			a[i] = byte(r.IntN(256))
		}
	}
	return a
}

var hostnameTemplates = []string{
	"crawl-%d-%d-%d-%d.googlebot.com",
	"msnbot-%d-%d-%d-%d.search.msn.com",
	"baiduspider-%d-%d-%d-%d.crawl.baidu.com",
	"ec2-%d-%d-%d-%d.compute-1.amazonaws.com",
	"static.%d.%d.%d.%d.clients.your-server.de",
	"host-%d-%d-%d-%d.example.net",
}

func randomHostname(r *rand.Rand) string {
	a := randomIPv4(r)
	t := hostnameTemplates[r.IntN(len(hostnameTemplates))]
	return fmt.Sprintf(t, a[0], a[1], a[2], a[3])
}
