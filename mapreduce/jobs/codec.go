package jobs

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/logmr/logmr/mapreduce/internal/binenc"
)

var errBadPartial = errors.New("malformed partial result")

func (s *HostSet) PartialKind() string { return "hosts" }

// PartialKind is "hosts": a HostSet has no options.
// AppendPartial writes the hosts sorted bytewise, each length-prefixed.
func (s *HostSet) AppendPartial(dst []byte) ([]byte, bool) {
	hosts := slices.Sorted(maps.Keys(s.hosts))
	dst = binary.AppendUvarint(dst, uint64(len(hosts)))
	for _, h := range hosts {
		dst = binenc.AppendString(dst, h)
	}
	return dst, true
}

// ReadPartial adds the hosts AppendPartial wrote.
func (s *HostSet) ReadPartial(data []byte) error {
	d := binenc.NewDecoder(data, errBadPartial)
	n := d.Count()
	if len(s.hosts) == 0 {
		s.hosts = make(map[string]struct{}, n)
	}
	for range n {
		s.hosts[d.String()] = struct{}{}
	}
	return d.Finish()
}

// PartialKind names the fields and, when a time bucket is one of them, the
// zone's rules (not its name: Local differs between machines, and a zone's
// rules change with the system's tzdata).
func (c *Counter) PartialKind() string {
	var b strings.Builder
	b.WriteString("count by=")
	for i, f := range c.by {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(f))
	}
	if slices.Contains(c.by, ByHour) || slices.Contains(c.by, ByDay) {
		b.WriteString(" zone=" + zoneFingerprint(c.loc))
	}
	return b.String()
}

// AppendPartial writes the keys sorted bytewise, each with its requests and
// bytes. Spilled counts are not written: such a partial is not cached.
func (c *Counter) AppendPartial(dst []byte) ([]byte, bool) {
	if c.spill != nil {
		return dst, false
	}
	rows := entries(&c.counts)
	slices.SortFunc(rows, func(a, b countEntry) int { return strings.Compare(a.key, b.key) })
	dst = binary.AppendUvarint(dst, uint64(len(rows)))
	for _, r := range rows {
		dst = binenc.AppendString(dst, r.key)
		dst = binary.AppendUvarint(dst, uint64(r.t.requests))
		dst = binary.AppendUvarint(dst, uint64(r.t.bytes))
	}
	return dst, true
}

// ReadPartial adds the counts AppendPartial wrote.
func (c *Counter) ReadPartial(data []byte) error {
	d := binenc.NewDecoder(data, errBadPartial)
	n := d.Count()
	if c.budget == 0 || n <= c.budget {
		c.counts.reserve(n) // sized once: growing it cost a third of a cached run
	}
	for range n {
		key := d.Bytes()
		requests, bytes := d.Int(), d.Int()
		if d.Err() != nil {
			break
		}
		if !validKey(string(key), len(c.by)) {
			return fmt.Errorf("%w: bad key %q", errBadPartial, key)
		}
		t := c.counts.add(key)
		t.requests += requests
		t.bytes += bytes
		if c.counts.mem != c.reported || c.budget > 0 && c.counts.n > c.budget {
			c.account()
		}
	}
	return d.Finish()
}

// validKey reports whether key is fields values as appendKey writes them,
// so that decodeKey cannot fail on it.
func validKey(key string, fields int) bool {
	for range fields {
		if key == "" {
			return false
		}
		tag := key[0]
		key = key[1:]
		switch tag {
		case 1:
			continue
		case 2:
		default:
			return false
		}
		for {
			i := strings.IndexByte(key, 0)
			if i < 0 || i+1 >= len(key) {
				return false
			}
			esc := key[i+1]
			key = key[i+2:]
			if esc == 1 {
				break
			}
			if esc != 0xff {
				return false
			}
		}
	}
	return key == ""
}

// zoneFingerprint hashes the offsets a zone has had and will have from 1900
// to 2200: two locations with the same fingerprint bucket times alike.
func zoneFingerprint(loc *time.Location) string {
	h := sha256.New()
	t := time.Date(1900, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(2200, 1, 1, 0, 0, 0, 0, loc)
	for t.Before(end) {
		_, offset := t.Zone()
		start, next := t.ZoneBounds()
		fmt.Fprintf(h, "%d %d\n", start.Unix(), offset)
		if !next.After(t) {
			break
		}
		t = next
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:12])
}
