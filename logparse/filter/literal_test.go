package filter

import (
	"fmt"
	"testing"
)

func TestRequired(t *testing.T) {
	tests := []struct {
		name string
		f    Filter
		want string // the literals, "~" before a folded one; "" for none
		path bool
	}{
		{"path", Filter{Paths: []string{"/robots.txt"}}, "/robots.txt", true},
		{"paths", Filter{Paths: []string{"/robots.txt", "/favicon.ico"}}, "/robots.txt /favicon.ico", true},
		{"short path", Filter{Paths: []string{"/"}}, "", false},
		{"prefix", Filter{PathPrefixes: []string{"/static/"}}, "/static/", true},
		{"status, method, host, time: none", Filter{Statuses: []string{"404"}, Methods: []string{"POST"}, Hosts: []string{"10.0.0.0/8"}}, "", false},
		{"regexp words", Filter{UserAgentRegexps: []string{`Googlebot|bingbot`}}, "Googlebot bingbot", false},
		{"folded words", Filter{UserAgentRegexps: []string{`(?i)Bot|crawler|spider`}}, "~bot ~crawler ~pider", false},
		{"k and s fold beyond ASCII", Filter{UserAgentRegexps: []string{`(?i)sky`}}, "", false},
		{"concat: the rarest part", Filter{PathRegexps: []string{`^/api/v[0-9]+/users`}}, "/api/v", true},
		{"optional part", Filter{PathRegexps: []string{`^/(a|.*)x`}}, "", false},
		{"empty alternative", Filter{UserAgentRegexps: []string{`^$|bot`}}, "", false},
		{"plus", Filter{PathRegexps: []string{`(/wp-admin)+`}}, "/wp-admin", true},
		{"two expressions", Filter{RefererRegexps: []string{`google\.com`, `bing\.com`}}, "google.com bing.com", false},
		{"one expression without", Filter{RefererRegexps: []string{`google\.com`, `.`}}, "", false},
		{"vhost", Filter{VHosts: []string{"Shop.Example.com"}}, "~hop.example.com", false},
		{"non-ASCII vhost", Filter{VHosts: []string{"bücher.example"}}, "", false},
		{"rarest condition wins", Filter{Paths: []string{"/index.html"}, UserAgentRegexps: []string{`Qwantify`}}, "Qwantify", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.f.Compile()
			if err != nil {
				t.Fatal(err)
			}
			req := m.Required()
			got := ""
			for i, l := range req.Any {
				if i > 0 {
					got += " "
				}
				if l.Fold {
					got += "~"
				}
				got += string(l.Text)
			}
			if got != tc.want || req.Path != tc.path {
				t.Errorf("Required() = %q, path %v; want %q, path %v", got, req.Path, tc.want, tc.path)
			}
		})
	}
}

func ExampleMatcher_Required() {
	m, err := Filter{UserAgentRegexps: []string{`(?i)googlebot|bingbot`}}.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range m.Required().Any {
		fmt.Printf("%s (any case: %v)\n", l.Text, l.Fold)
	}
	// Output:
	// googlebot (any case: true)
	// bingbot (any case: true)
}
