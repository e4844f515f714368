package logparse

import (
	"errors"
	"strings"
	"testing"
)

// A CustomLog line pasted from Debian's sites (its format named by a
// nickname, its file under ${APACHE_LOG_DIR}) is Apache's: the nickname of
// a format LookupFormat knows gives that format, and another nickname is
// Compile's error that says so, never an nginx format with a variable
// $APACHE_LOG_DIR that no line matches.
func TestLookupFormatCustomLogNickname(t *testing.T) {
	for _, tc := range []struct {
		s, want string
	}{
		{`CustomLog ${APACHE_LOG_DIR}/access.log combined`, "combined"},
		{"\tCustomLog ${APACHE_LOG_DIR}/other_vhosts_access.log vhost_combined", "vhost_combined"},
		{`CustomLog logs/access_log common`, "common"},
		{`customlog "|/usr/bin/rotatelogs /var/log/access_log 86400" combined env=!dontlog`, "combined"},
	} {
		f, err := LookupFormat(tc.s)
		if err != nil || f == nil || f.Name != tc.want {
			t.Errorf("LookupFormat(%q) = %v, %v; want the format %s", tc.s, f, err, tc.want)
		}
	}
	for _, s := range []string{`CustomLog ${APACHE_LOG_DIR}/access.log mine`, `CustomLog logs/x mine`} {
		_, err := LookupFormat(s)
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(fe.Msg, `nickname "mine"`) {
			t.Errorf("LookupFormat(%q) = %v, want a *FormatError naming the nickname", s, err)
		}
	}
}

// An error in a directive pasted over several lines says the line and the
// column within it, as an editor shows them; Column stays the byte offset
// in the whole string.
func TestFormatErrorLineColumn(t *testing.T) {
	for _, tc := range []struct {
		s, want string
		column  int
	}{
		{"log_format  main  '$remote_addr '\n    '\"${http_x_forwarded_for\"';", "line 2, column 7: ${ without its closing }", 41},
		{"CustomLog logs/x \\\n  \"%h %Q\"", "line 2, column 7: unknown directive %Q", 26},
		{"$remote_addr ${request", "column 14: ${ without its closing }", 14},
	} {
		_, err := LookupFormat(tc.s)
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Column != tc.column || !strings.HasPrefix(fe.Error(), tc.want) {
			t.Errorf("LookupFormat(%q) = %v, want a *FormatError at byte %d that starts %q", tc.s, err, tc.column, tc.want)
		}
	}
}
