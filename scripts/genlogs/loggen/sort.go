package loggen

import (
	"cmp"
	"net/netip"
	"slices"
)

// SortedRobotsHosts returns RobotsHosts in the order logmr prints host sets: IPv4
// numerically, then IPv6 numerically, then names by byte value.
func (t *Truth) SortedRobotsHosts() []string {
	hosts := make([]string, 0, len(t.RobotsHosts))
	for h := range t.RobotsHosts {
		hosts = append(hosts, h)
	}
	slices.SortFunc(hosts, compareHosts)
	return hosts
}

func compareHosts(a, b string) int {
	ka, kb := hostClass(a), hostClass(b)
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	if ka == 2 {
		return cmp.Compare(a, b)
	}
	return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b))
}

// hostClass is 0 for IPv4, 1 for IPv6 and 2 for anything else. Hosts are canonical here,
// so a parseable address is never IPv4-mapped.
func hostClass(h string) int {
	a, err := netip.ParseAddr(h)
	switch {
	case err != nil:
		return 2
	case a.Is4():
		return 0
	default:
		return 1
	}
}
