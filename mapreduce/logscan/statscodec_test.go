package logscan

import (
	"fmt"
	"testing"
)

// What a cache entry keeps of an input's stats decodes to what was encoded,
// and no prefix of it decodes.
func TestStatsCodecRoundTrip(t *testing.T) {
	var st Stats
	st.Lines, st.Matched, st.Malformed, st.Bytes = 10, 7, 1, 999
	// A prefiltered input's: 9 lines parsed, 2 of them sampled.
	st.Parsed, st.Sampled, st.SampledMalformed = 9, 2, 1
	st.rejected[0] = 1 // the status stage
	st.addNamed("no bots", 3)
	data := encodeStats(&st)
	got, err := decodeStats(data, "a")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", st) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, st)
	}
	for i := range data {
		if _, err := decodeStats(data[:i], "a"); err == nil {
			t.Fatalf("stats cut at %d of %d bytes decoded", i, len(data))
		}
	}
}

// Counts that cannot be (more lines parsed than read, more sampled than
// parsed) are a damaged entry.
func TestStatsCodecImpossibleCounts(t *testing.T) {
	for _, st := range []Stats{{Lines: 5, Parsed: 6}, {Lines: 5, Parsed: 2, Sampled: 3}, {Lines: 5, Parsed: 5, Sampled: 1, SampledMalformed: 2}} {
		if _, err := decodeStats(encodeStats(&st), "a"); err == nil {
			t.Errorf("decodeStats(%d lines, %d parsed, %d sampled, %d of them malformed) = nil error, want one",
				st.Lines, st.Parsed, st.Sampled, st.SampledMalformed)
		}
	}
}

// FuzzStatsDecode: no bytes make decoding an entry's stats panic.
func FuzzStatsDecode(f *testing.F) {
	var st Stats
	st.Lines = 3
	st.addNamed("f", 1)
	f.Add(encodeStats(&st))
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeStats(data, "x")
	})
}
