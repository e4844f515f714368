package jobs

import "testing"

// FuzzPartialCodec: no bytes make decoding a partial panic, and partials
// that decode encode back to a fixed point.
func FuzzPartialCodec(f *testing.F) {
	set := NewHostSet()
	set.hosts["192.0.2.1"], set.hosts["example.org"] = struct{}{}, struct{}{}
	hostsPartial, _ := set.AppendPartial(nil)
	c := &Counter{by: []CountField{ByHost, ByStatus}}
	*c.counts.add([]byte("\x02\x00\xc0\x00\x02\x01\x00\x01\x02404\x00\x01")) = tally{3, 4}
	countPartial, _ := c.AppendPartial(nil)
	f.Add(hostsPartial)
	f.Add(countPartial)
	f.Fuzz(func(t *testing.T, data []byte) {
		hs := NewHostSet()
		if hs.ReadPartial(data) == nil {
			again, _ := hs.AppendPartial(nil)
			hs2 := NewHostSet()
			if err := hs2.ReadPartial(again); err != nil || hs2.Len() != hs.Len() {
				t.Fatalf("hosts partial does not round-trip: %v", err)
			}
		}
		ct := &Counter{by: []CountField{ByHost, ByStatus}}
		if ct.ReadPartial(data) == nil {
			res := &CountResult{By: ct.by, rows: CountOrder{}.apply(entries(&ct.counts), ct.by)}
			res.Rows() // decodes every key: must not panic
		}
	})
}
