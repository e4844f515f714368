package jobs

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/logmr/logmr/mapreduce"
	"github.com/logmr/logmr/mapreduce/logscan"
)

// A partial written and read back, shard by shard, then merged, is the
// whole run's answer; a file cut anywhere is refused, never answered.
func TestPartialFilesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, 5, 1)
	ctx := context.Background()
	wantHosts, err := Hosts(ctx, []string{dir}, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	co := CountOptions{By: []CountField{ByStatus, ByHost}}
	wantCount, err := Count(ctx, []string{dir}, co, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 3} {
		var hosts, counts []*Partial
		var names []string
		for i := range n {
			opts := logscan.ScanOptions{Selection: logscan.Selection{Shard: logscan.Shard{Index: i, Count: n}}}
			hp, _, err := HostsPartial(ctx, []string{dir}, opts)
			if err != nil {
				t.Fatal(err)
			}
			cp, _, err := CountPartial(ctx, []string{dir}, co, opts)
			if err != nil {
				t.Fatal(err)
			}
			hosts = append(hosts, roundTrip(t, hp))
			counts = append(counts, roundTrip(t, cp))
			names = append(names, fmt.Sprint("shard", i))
		}
		mh, err := MergePartials(hosts, names)
		if err != nil {
			t.Fatal(err)
		}
		res, _ := mh.HostsResult()
		if !slices.Equal(res.Hosts, wantHosts.Hosts) || res.Stats.Lines != wantHosts.Stats.Lines || len(mh.Missing()) != 0 {
			t.Errorf("%d shards: merged hosts differ from one run's (%d against %d)", n, len(res.Hosts), len(wantHosts.Hosts))
		}
		mc, err := MergePartials(counts, names)
		if err != nil {
			t.Fatal(err)
		}
		cres, _ := mc.CountResult(CountOrder{})
		if fmt.Sprint(cres.Rows()) != fmt.Sprint(wantCount.Rows()) {
			t.Errorf("%d shards: merged counts differ from one run's", n)
		}
		if top, _ := mc.CountResult(CountOrder{Top: 3}); fmt.Sprint(top.Rows()) != fmt.Sprint(wantCount.Rows()[:3]) {
			t.Errorf("%d shards: top 3 of the merge differ", n)
		}
	}
	p, _, _ := HostsPartial(ctx, []string{dir}, logscan.ScanOptions{})
	var b bytes.Buffer
	p.WriteTo(&b)
	data := b.Bytes()
	for i := 0; i < len(data); i += 1 + i/64 { // every cut near the start, then sparser
		if _, err := ReadPartial(bytes.NewReader(data[:i]), "cut"); !errors.Is(err, ErrBadPartial) {
			t.Fatalf("a partial cut at %d of %d bytes: %v, want ErrBadPartial", i, len(data), err)
		}
	}
}

// Shards carry the inputs they could not read through their partial files;
// MergePartials returns the answer of the others with a *mapreduce.FailedInputs that
// names the failures as one run's does, in its order.
func TestPartialCarriesFailedInputs(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, 4, 0)
	text, _ := os.ReadFile(filepath.Join(dir, "access.log"))
	for _, cut := range []struct {
		name string
		text []byte
	}{{"z-cut.gz", text}, {"a-cut.gz", text[:len(text)/3]}} {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(cut.text)
		zw.Close()
		os.WriteFile(filepath.Join(dir, cut.name), b.Bytes()[:b.Len()/2], 0o644)
	}
	os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling.log"))
	ctx := context.Background()
	co := CountOptions{By: []CountField{ByHost}}
	want, err := Count(ctx, []string{dir}, co, logscan.ScanOptions{})
	var wantFailed *mapreduce.FailedInputs
	if !errors.As(err, &wantFailed) || len(wantFailed.Errs) != 3 {
		t.Fatalf("Count: %v, want 3 failed inputs", err)
	}
	for _, n := range []int{1, 3} {
		var parts []*Partial
		var names []string
		for i := range n {
			p, _, err := CountPartial(ctx, []string{dir}, co, logscan.ScanOptions{Selection: logscan.Selection{Shard: logscan.Shard{Index: i, Count: n}}})
			if p == nil || err != nil && !errors.As(err, new(*mapreduce.FailedInputs)) {
				t.Fatalf("shard %d/%d: %v", i, n, err)
			}
			back := roundTrip(t, p)
			if fmt.Sprint(back.Failed()) != fmt.Sprint(p.Failed()) || fmt.Sprint(err) != fmt.Sprint(back.failedErr()) {
				t.Errorf("shard %d/%d: Failed() read back = %v, want %v (the scan's %v)", i, n, back.Failed(), p.Failed(), err)
			}
			parts, names = append(parts, back), append(names, fmt.Sprint("shard", i))
		}
		merged, err := MergePartials(parts, names)
		var failed *mapreduce.FailedInputs
		if !errors.As(err, &failed) || fmt.Sprint(failed.Errs) != fmt.Sprint(wantFailed.Errs) {
			t.Errorf("%d shards: MergePartials: %v, want the failures of one run: %v", n, err, wantFailed)
		}
		if merged == nil {
			t.Fatalf("%d shards: MergePartials returned no partial with its failures", n)
		}
		if res, _ := merged.CountResult(CountOrder{}); fmt.Sprint(res.Rows()) != fmt.Sprint(want.Rows()) {
			t.Errorf("%d shards: the merged counts differ from one run's", n)
		}
	}
}

// A partial with any one byte of its content changed, then compressed
// again, is refused; a change to its header numbers or its result is
// refused as ErrPartialChanged.
func TestPartialChecksum(t *testing.T) {
	p, _, err := CountPartial(context.Background(), []string{"../../testdata/logs"}, CountOptions{By: []CountField{ByHost}}, logscan.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	p.WriteTo(&b)
	zr, _ := gzip.NewReader(&b)
	plain, _ := io.ReadAll(zr)
	header := bytes.IndexByte(plain, '{')
	lines := bytes.Index(plain, []byte(`"lines":`)) + len(`"lines":`)
	payload := bytes.IndexByte(plain, '\n') + 1
	payload += bytes.IndexByte(plain[payload:], '\n') + 1
	_, varint := binary.Uvarint(plain[payload:])
	payload += varint // then the result, up to the end line
	end := len(plain) - len("end \n") - 2*sha256.Size
	for i := header; i < len(plain); i++ {
		edited := bytes.Clone(plain)
		edited[i] ^= 1
		var c bytes.Buffer
		zw := gzip.NewWriter(&c)
		zw.Write(edited)
		zw.Close()
		_, err := ReadPartial(&c, "edited")
		if err == nil {
			t.Fatalf("byte %d of %d changed (%q to %q): accepted", i, len(plain), plain[i], edited[i])
		}
		if (i == lines || i >= payload && i < end) && !errors.Is(err, ErrPartialChanged) {
			t.Errorf("byte %d of %d changed: %v, want ErrPartialChanged", i, len(plain), err)
		}
	}
}

func roundTrip(t *testing.T, p *Partial) *Partial {
	t.Helper()
	var b bytes.Buffer
	if _, err := p.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPartial(&b, "test")
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func FuzzReadPartial(f *testing.F) {
	for _, co := range []*CountOptions{nil, {By: []CountField{ByHost, ByDay}}} {
		var p *Partial
		var err error
		if co == nil {
			p, _, err = HostsPartial(context.Background(), []string{"../../testdata/logs"}, logscan.ScanOptions{})
		} else {
			p, _, err = CountPartial(context.Background(), []string{"../../testdata/logs"}, *co, logscan.ScanOptions{})
		}
		if err != nil {
			f.Fatal(err)
		}
		var b bytes.Buffer
		p.WriteTo(&b)
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPartial(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		if _, ok := p.Aggregate().(*HostSet); ok {
			p.HostsResult()
		} else {
			p.CountResult(CountOrder{Top: 2, Per: p.Header.By[:min(1, len(p.Header.By))]})
		}
	})
}
