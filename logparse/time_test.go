package logparse

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// checkCLFTime holds parseCLFTime to time.Parse on one valid timestamp.
func checkCLFTime(t *testing.T, s string) {
	t.Helper()
	want, err := time.Parse(clfLayout, s)
	if err != nil {
		t.Fatalf("time.Parse(%q): %v", s, err)
	}
	_, wantOff := want.Zone()
	unix, off, n, ok := parseCLFTime([]byte(s + "] rest"))
	if !ok || unix != want.Unix() || int(off) != wantOff || n != len(clfLayout) {
		t.Errorf("parseCLFTime(%q) = %d, %d, %d, %t; want %d, %d, %d, true",
			s, unix, off, n, ok, want.Unix(), wantOff, len(clfLayout))
	}
}

// randomZone is a whole-minute offset within what Apache can log (±23:59).
func randomZone(r *rand.Rand) *time.Location {
	return time.FixedZone("", (r.IntN(2*1440-1)-1439)*60)
}

func TestParseCLFTimeEveryDay(t *testing.T) {
	// Every day from 1900 to 2200 (Feb 29 of leap years, and not of 1900
	// and 2100), at a random time of day in a random offset.
	r := rand.New(rand.NewPCG(1, 2))
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() <= 2200; d = d.AddDate(0, 0, 1) {
		zone := randomZone(r)
		at := time.Date(d.Year(), d.Month(), d.Day(), r.IntN(24), r.IntN(60), r.IntN(60), 0, zone)
		checkCLFTime(t, at.Format(clfLayout))
		if t.Failed() {
			return
		}
	}
}

func TestParseCLFTimeRandomInstants(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2201, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for range 50000 {
		at := time.Unix(lo+r.Int64N(hi-lo), 0).In(randomZone(r))
		checkCLFTime(t, at.Format(clfLayout))
		if t.Failed() {
			return
		}
	}
}

func TestParseCLFTimeEdges(t *testing.T) {
	for _, s := range []string{
		"29/Feb/1904:00:00:00 +0000",
		"29/Feb/2000:12:00:00 -0000",
		"29/Feb/2024:23:59:59 +1400",
		"29/Feb/2196:00:00:00 -1200",
		"01/Jan/1970:00:00:00 +0000",
		"31/Dec/1969:23:59:59 +0000",
		"01/Jan/0000:00:00:00 +0000",
		"31/Dec/9999:23:59:59 -2359",
		"01/Mar/0000:00:00:00 +2359",
	} {
		t.Run(s, func(t *testing.T) { checkCLFTime(t, s) })
	}
}

// TestParseCLFTimeAgreesOnValidity tries every day number 00..32 of every
// month of some years: parseCLFTime must accept exactly what time.Parse does.
func TestParseCLFTimeAgreesOnValidity(t *testing.T) {
	months := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	for _, year := range []int{1900, 1999, 2000, 2023, 2024, 2100, 2200} {
		for _, month := range months {
			for day := range 33 {
				s := fmt.Sprintf("%02d/%s/%04d:10:20:30 -0130", day, month, year)
				_, err := time.Parse(clfLayout, s)
				if _, _, _, ok := parseCLFTime([]byte(s)); ok != (err == nil) {
					t.Errorf("parseCLFTime(%q) ok = %t, want %t (time.Parse: %v)", s, ok, err == nil, err)
				} else if ok {
					checkCLFTime(t, s)
				}
			}
		}
	}
}

func TestParseCLFTimeInvalid(t *testing.T) {
	tests := []struct{ name, in string }{
		{"Feb 30", "30/Feb/2024:00:00:00 +0000"},
		{"Feb 29 2100", "29/Feb/2100:00:00:00 +0000"},
		{"Feb 29 1900", "29/Feb/1900:00:00:00 +0000"},
		{"Feb 29 2023", "29/Feb/2023:00:00:00 +0000"},
		{"Apr 31", "31/Apr/2026:00:00:00 +0000"},
		{"Jun 31", "31/Jun/2026:00:00:00 +0000"},
		{"Sep 31", "31/Sep/2026:00:00:00 +0000"},
		{"Nov 31", "31/Nov/2026:00:00:00 +0000"},
		{"day 00", "00/Jan/2026:00:00:00 +0000"},
		{"day 32", "32/Jan/2026:00:00:00 +0000"},
		{"month Foo", "01/Foo/2026:00:00:00 +0000"},
		{"month lower case", "01/jan/2026:00:00:00 +0000"},
		{"month upper case", "01/JAN/2026:00:00:00 +0000"},
		{"hour 24", "01/Jan/2026:24:00:00 +0000"},
		{"minute 60", "01/Jan/2026:00:60:00 +0000"},
		{"second 61", "01/Jan/2026:00:00:61 +0000"},
		{"offset hour 24", "01/Jan/2026:00:00:00 +2400"},
		{"offset minute 60", "01/Jan/2026:00:00:00 +0060"},
		{"offset sign", "01/Jan/2026:00:00:00 *0000"},
		{"offset missing", "01/Jan/2026:00:00:00"},
		{"one-digit day", "1/Jan/2026:00:00:00 +0000 "},
		{"letter in year", "01/Jan/20x6:00:00:00 +0000"},
		{"colon for slash", "01:Jan/2026:00:00:00 +0000"},
		{"T for colon", "01/Jan/2026T00:00:00 +0000"},
		{"no space before offset", "01/Jan/2026:00:00:00+00000"},
		{"empty", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if unix, off, n, ok := parseCLFTime([]byte(tc.in)); ok || n != 0 {
				t.Errorf("parseCLFTime(%q) = %d, %d, %d, %t; want _, _, 0, false", tc.in, unix, off, n, ok)
			}
		})
	}
}

// TestParseCLFTimeLeapSecond pins the parser's one extension to time.Parse:
// :60 is accepted (a leap second as a clock may show it) and is the same
// Unix time as the next minute's :00, Unix time having no leap seconds.
func TestParseCLFTimeLeapSecond(t *testing.T) {
	leap, _, _, ok := parseCLFTime([]byte("30/Jun/2015:23:59:60 +0000"))
	next, _, _, _ := parseCLFTime([]byte("01/Jul/2015:00:00:00 +0000"))
	if !ok || leap != next {
		t.Errorf("parseCLFTime(\"30/Jun/2015:23:59:60 +0000\") = %d, %t; want %d, true", leap, ok, next)
	}
}

// TestMonthNumber holds the hashed month look-up to the plain loop of the
// old parser on every three bytes whose first is a letter of a month name,
// and on every byte in each place of every month name.
func TestMonthNumber(t *testing.T) {
	for a := range 256 {
		if !strings.ContainsRune("JFMASOND", rune(a)) {
			continue
		}
		for b := range 256 {
			for c := range 256 {
				if got, want := monthNumber(byte(a), byte(b), byte(c)), oldMonthNumber(byte(a), byte(b), byte(c)); got != want {
					t.Fatalf("monthNumber(%q) = %d, want %d", []byte{byte(a), byte(b), byte(c)}, got, want)
				}
			}
		}
	}
	for _, name := range monthNames {
		for i := range 3 {
			for v := range 256 {
				m := []byte(name)
				m[i] = byte(v)
				if got, want := monthNumber(m[0], m[1], m[2]), oldMonthNumber(m[0], m[1], m[2]); got != want {
					t.Fatalf("monthNumber(%q) = %d, want %d", m, got, want)
				}
			}
		}
	}
}
