package logparse

import (
	"bytes"
	"cmp"
	"net/netip"
	"slices"
	"strings"
	"unsafe"
)

// AppendCanonicalHost appends the canonical form of a logged client host to
// dst, so that one address written two ways is one host:
//   - IPv4 in dotted decimal, leading zeros dropped ("010.001.002.003" is
//     10.1.2.3: Apache logs decimal, never octal);
//   - an IPv4-mapped IPv6 address as its IPv4 ("::ffff:192.0.2.1");
//   - IPv6 lower case and compressed (RFC 5952), brackets dropped, zone kept;
//   - anything else (a host name) exactly as logged.
//
// It allocates: call it once per distinct host, not per line.
func AppendCanonicalHost(dst, host []byte) []byte {
	h := host
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	if addr, err := netip.ParseAddr(string(h)); err == nil {
		return addr.Unmap().AppendTo(dst)
	}
	if addr, ok := parseIPv4LeadingZeros(h); ok {
		return addr.AppendTo(dst)
	}
	return append(dst, host...)
}

// ParseHostAddr parses a logged client host as an IP address, with the
// forms AppendCanonicalHost accepts (brackets, zone, IPv4-mapped IPv6 as
// IPv4, IPv4 with leading zeros); ok is false for a name or host:port. It
// does not allocate, except for an address with a zone.
func ParseHostAddr(host []byte) (addr netip.Addr, ok bool) {
	h := host
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	if len(h) == 0 {
		return netip.Addr{}, false
	}
	if a, ok := parseIPv4LeadingZeros(h); ok {
		return a, true
	}
	if bytes.IndexByte(h, ':') < 0 {
		return netip.Addr{}, false // not IPv6, and not IPv4 either
	}
	var err error
	if bytes.IndexByte(h, '%') >= 0 {
		addr, err = netip.ParseAddr(string(h)) // the zone is kept: copy it
	} else {
		// ParseAddr keeps nothing of a zoneless string: no copy needed.
		addr, err = netip.ParseAddr(unsafe.String(&h[0], len(h)))
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}

// parseIPv4LeadingZeros parses a dotted quad whose parts may carry leading
// zeros, which netip rejects as ambiguous.
func parseIPv4LeadingZeros(b []byte) (netip.Addr, bool) {
	var quad [4]byte
	for i := range quad {
		end := bytes.IndexByte(b, '.')
		if i == 3 {
			end = len(b)
		}
		if end <= 0 || end > 3 {
			return netip.Addr{}, false
		}
		v := 0
		for _, c := range b[:end] {
			if c < '0' || c > '9' {
				return netip.Addr{}, false
			}
			v = v*10 + int(c-'0')
		}
		if v > 255 {
			return netip.Addr{}, false
		}
		quad[i] = byte(v)
		b = b[min(end+1, len(b)):]
	}
	return netip.AddrFrom4(quad), len(b) == 0
}

// CompareHosts orders canonical hosts: IPv4 numerically, then IPv6 by
// address, then names bytewise. It returns -1, 0 or +1.
func CompareHosts(a, b string) int {
	return compareKeys(hostKeyOf(a), hostKeyOf(b))
}

// SortHosts sorts canonical hosts by CompareHosts, parsing each host once.
func SortHosts(hosts []string) {
	keys := make([]hostKey, len(hosts))
	for i, h := range hosts {
		keys[i] = hostKeyOf(h)
	}
	slices.SortFunc(keys, compareKeys)
	for i, k := range keys {
		hosts[i] = k.text
	}
}

// AppendHostSortKey appends to dst a key for the canonical host h that
// orders bytewise as CompareHosts orders hosts and is short: a class byte,
// then an IPv4 address in 4 bytes, an IPv6 address in 16 and its zone, or
// a name as it is. HostOfSortKey gives h back.
func AppendHostSortKey(dst []byte, h string) []byte {
	if addr, err := netip.ParseAddr(h); err == nil && addr.String() == h {
		return AppendAddrSortKey(dst, addr)
	}
	return append(append(dst, className), h...)
}

// AppendAddrSortKey is AppendHostSortKey for an address; it does not allocate.
func AppendAddrSortKey(dst []byte, addr netip.Addr) []byte {
	if addr.Is4() {
		a := addr.As4()
		return append(append(dst, classIPv4), a[:]...)
	}
	a := addr.As16()
	return append(append(append(dst, classIPv6), a[:]...), addr.Zone()...)
}

// AppendNameSortKey is AppendHostSortKey for a host that is not an address.
func AppendNameSortKey(dst, name []byte) []byte {
	return append(append(dst, className), name...)
}

// HostOfSortKey returns the canonical host a sort key was made of.
func HostOfSortKey(key string) string {
	switch {
	case len(key) >= 5 && key[0] == classIPv4:
		return netip.AddrFrom4([4]byte([]byte(key[1:5]))).String()
	case len(key) >= 17 && key[0] == classIPv6:
		return netip.AddrFrom16([16]byte([]byte(key[1:17]))).WithZone(key[17:]).String()
	case len(key) >= 1 && key[0] == className:
		return key[1:]
	}
	return ""
}

type hostKey struct {
	class int // classIPv4, classIPv6 or className
	addr  netip.Addr
	text  string
}

const (
	classIPv4 = iota
	classIPv6
	className
)

func hostKeyOf(h string) hostKey {
	addr, err := netip.ParseAddr(h)
	switch {
	case err != nil:
		return hostKey{class: className, text: h}
	case addr.Is4():
		return hostKey{class: classIPv4, addr: addr, text: h}
	}
	return hostKey{class: classIPv6, addr: addr, text: h}
}

func compareKeys(a, b hostKey) int {
	if c := cmp.Compare(a.class, b.class); c != 0 {
		return c
	}
	if c := a.addr.Compare(b.addr); c != 0 {
		return c
	}
	return strings.Compare(a.text, b.text)
}
