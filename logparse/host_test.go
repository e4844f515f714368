package logparse

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

func TestAppendCanonicalHost(t *testing.T) {
	tests := []struct {
		name, host, want string
	}{
		{"IPv4", "192.0.2.1", "192.0.2.1"},
		{"IPv4 leading zeros", "010.001.002.003", "10.1.2.3"},
		{"IPv4 zeros", "000.000.000.000", "0.0.0.0"},
		{"IPv4 leading zero once", "192.0.2.01", "192.0.2.1"},
		{"IPv4-mapped IPv6", "::ffff:192.0.2.1", "192.0.2.1"},
		{"IPv4-mapped IPv6 in hex", "::ffff:c000:201", "192.0.2.1"},
		{"IPv6 upper case expanded", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
		{"IPv6 leading zeros", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
		{"IPv6 compressed", "2001:db8::1", "2001:db8::1"},
		{"IPv6 loopback", "::1", "::1"},
		{"IPv6 in brackets", "[2001:db8::2]", "2001:db8::2"},
		{"IPv4 in brackets", "[192.0.2.1]", "192.0.2.1"},
		{"IPv6 zone kept", "fe80::1%eth0", "fe80::1%eth0"},
		{"IPv6 zone in brackets", "[FE80::1%eth0]", "fe80::1%eth0"},
		{"name", "crawl-66-249-66-1.googlebot.com", "crawl-66-249-66-1.googlebot.com"},
		{"name case kept", "Example.COM", "Example.COM"},
		{"name in brackets kept", "[example.com]", "[example.com]"},
		{"empty brackets", "[]", "[]"},
		{"garbage", "not a host!", "not a host!"},
		{"IPv4 octet too big", "256.1.1.1", "256.1.1.1"},
		{"IPv4 four-digit octet", "0001.2.3.4", "0001.2.3.4"},
		{"IPv4 three parts", "1.2.3", "1.2.3"},
		{"IPv4 five parts", "1.2.3.4.5", "1.2.3.4.5"},
		{"IPv4 empty part", "1..2.3", "1..2.3"},
		{"IPv4 trailing dot", "1.2.3.", "1.2.3."},
		{"IPv4 with port", "192.0.2.1:80", "192.0.2.1:80"},
		{"IPv4 sign", "+1.2.3.4", "+1.2.3.4"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prefix := []byte("prefix ")
			got := AppendCanonicalHost(prefix, []byte(tc.host))
			if string(got) != "prefix "+tc.want {
				t.Errorf("AppendCanonicalHost(%q, %q) = %q, want %q", prefix, tc.host, got, "prefix "+tc.want)
			}
			// Canonical is a fixed point.
			if again := AppendCanonicalHost(nil, []byte(tc.want)); string(again) != tc.want {
				t.Errorf("AppendCanonicalHost(%q) = %q, want it unchanged", tc.want, again)
			}
		})
	}
}

func TestSortHosts(t *testing.T) {
	want := []string{
		"0.0.0.0",
		"9.255.255.255",
		"10.0.0.1",
		"192.0.2.4",
		"192.0.2.10",
		"192.0.2.100",
		"255.255.255.255",
		"::",
		"::1",
		"2001:db8::1",
		"2001:db8::2",
		"2001:db8::10",
		"fe80::1",
		"fe80::1%eth0",
		"",
		"256.1.1.1",
		"Example.com",
		"crawl.googlebot.com",
		"example.com",
	}
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 20 {
		hosts := slices.Clone(want)
		r.Shuffle(len(hosts), func(i, j int) { hosts[i], hosts[j] = hosts[j], hosts[i] })
		SortHosts(hosts)
		if !slices.Equal(hosts, want) {
			t.Fatalf("SortHosts(shuffle %d) = %q, want %q", i, hosts, want)
		}
	}
	// CompareHosts agrees with the order SortHosts makes, both ways.
	for i, a := range want {
		for j, b := range want {
			if got, exp := CompareHosts(a, b), cmpInt(i, j); got != exp {
				t.Errorf("CompareHosts(%q, %q) = %d, want %d", a, b, got, exp)
			}
		}
	}
	if got := CompareHosts("192.0.2.4", "192.0.2.4"); got != 0 {
		t.Errorf("CompareHosts(x, x) = %d, want 0", got)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ParseHostAddr agrees with AppendCanonicalHost on what is an address and
// on its canonical form, and allocates nothing without a zone.
func TestParseHostAddr(t *testing.T) {
	hosts := []string{"192.0.2.1", "010.001.002.003", "::ffff:192.0.2.1", "2001:DB8::1", "[2001:db8::2]",
		"[192.0.2.1]", "fe80::1%eth0", "[FE80::1%eth0]", "example.com", "192.0.2.1:80", "[::1]:80", "",
		"[]", "1.2.3", "256.1.1.1", "::", "not a host!"}
	for _, h := range hosts {
		addr, ok := ParseHostAddr([]byte(h))
		canon := string(AppendCanonicalHost(nil, []byte(h)))
		_, isAddr := netipParse(canon)
		if ok != isAddr || (ok && addr.String() != canon) {
			t.Errorf("ParseHostAddr(%q) = %v, %v; canonical form %q", h, addr, ok, canon)
		}
	}
	b := []byte("2001:db8::1")
	if n := testing.AllocsPerRun(100, func() { ParseHostAddr(b) }); n != 0 {
		t.Errorf("ParseHostAddr allocates %v times, want 0", n)
	}
}

func netipParse(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	return a, err == nil
}

func TestAppendHostSortKey(t *testing.T) {
	hosts := []string{"10.0.0.1", "9.255.255.255", "192.0.2.1", "::1", "2001:db8::1", "fe80::1%eth0", "fe80::1%a",
		"a.example", "B.example", "1.2.3.4:80", ""}
	for _, a := range hosts {
		for _, b := range hosts {
			want := CompareHosts(a, b)
			got := bytes.Compare(AppendHostSortKey(nil, a), AppendHostSortKey(nil, b))
			if got != want {
				t.Errorf("sort keys of %q, %q compare %d, CompareHosts %d", a, b, got, want)
			}
		}
		if back := HostOfSortKey(string(AppendHostSortKey(nil, a))); back != a {
			t.Errorf("HostOfSortKey(AppendHostSortKey(%q)) = %q", a, back)
		}
	}
}
