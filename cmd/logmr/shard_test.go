package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/logmr/logmr/mapreduce/logscan"
)

func TestParseShard(t *testing.T) {
	env := func(vars ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(vars); i += 2 {
			m[vars[i]] = vars[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		flag string
		env  func(string) string
		want logscan.Shard
		err  string
	}{
		{"2/7", env(), logscan.Shard{Index: 2, Count: 7}, ""},
		{"0/1", env(), logscan.Shard{Index: 0, Count: 1}, ""},
		{"7/7", env(), logscan.Shard{}, "I from 0 to 6"},
		{"1", env(), logscan.Shard{}, "want I/N"},
		{"a/2", env(), logscan.Shard{}, "I from 0 to 1"},
		{"0/0", env(), logscan.Shard{}, "want I/N"},
		{"env/4", env("JOB_COMPLETION_INDEX", "3"), logscan.Shard{Index: 3, Count: 4}, ""},
		{"env/4", env("AWS_BATCH_JOB_ARRAY_INDEX", "0"), logscan.Shard{Index: 0, Count: 4}, ""},
		{"env/4", env("SLURM_ARRAY_TASK_ID", "2"), logscan.Shard{Index: 2, Count: 4}, ""},
		{"env/4", env("PARALLEL_SEQ", "4"), logscan.Shard{Index: 3, Count: 4}, ""}, // 1-based
		{"env/4", env("PARALLEL_SEQ", "0"), logscan.Shard{}, "PARALLEL_SEQ=\"0\": want 1 to 4"},
		{"env/4", env("JOB_COMPLETION_INDEX", "4"), logscan.Shard{}, "want 0 to 3"},
		{"env/4", env("JOB_COMPLETION_INDEX", "1", "PARALLEL_SEQ", "2"), logscan.Shard{Index: 1, Count: 4}, ""},
		{"env/4", env("JOB_COMPLETION_INDEX", "1", "PARALLEL_SEQ", "1"), logscan.Shard{}, "disagree"},
		{"env/4", env(), logscan.Shard{}, "none of JOB_COMPLETION_INDEX"},
	} {
		got, err := parseShard(tc.flag, tc.env)
		if tc.err == "" && (err != nil || got != tc.want) || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("parseShard(%q) = %v, %v; want %v, error containing %q", tc.flag, got, err, tc.want, tc.err)
		}
	}
}

// logmr plan lists every input once; `hosts --shard I/N` over every I
// reads each file once: the shards' hosts together are the whole run's.
func TestPlanAndShards(t *testing.T) {
	dir, _ := generate(t, 9)
	whole := run(t, nil, "hosts", dir)
	wholeLines := strings.Split(strings.TrimSpace(whole.stdout), "\n")
	for _, n := range []int{1, 2, 3, 7, 13} {
		plan := run(t, nil, "plan", "-q", "--shards", itoa(n), dir)
		if plan.code != 0 || strings.Count(plan.stdout, "\n") != 9 {
			t.Fatalf("plan --shards %d: exit %d, %q", n, plan.code, plan.stdout)
		}
		var union []string
		lines := 0
		for i := range n {
			r := run(t, nil, "hosts", "-v", "--shard", itoa(i)+"/"+itoa(n), dir)
			if r.code != 0 {
				t.Fatalf("--shard %d/%d: exit %d: %s", i, n, r.code, r.stderr)
			}
			union = append(union, strings.Fields(r.stdout)...)
			lines += strings.Count(r.stderr, "logmr: file ")
			if want := strings.Count(plan.stdout, itoa(i)+"/"+itoa(n)+"\t"); strings.Count(r.stderr, "logmr: file ") != want {
				t.Errorf("--shard %d/%d read %d files, plan says %d", i, n, strings.Count(r.stderr, "logmr: file "), want)
			}
		}
		slices.Sort(union)
		union = slices.Compact(union)
		sortedWhole := slices.Sorted(slices.Values(wholeLines))
		if lines != 9 || !slices.Equal(union, sortedWhole) {
			t.Errorf("%d shards: %d files read, %d hosts together; want 9 files, the whole run's %d hosts", n, lines, len(union), len(wholeLines))
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
