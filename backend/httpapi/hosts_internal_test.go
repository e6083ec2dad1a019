package httpapi

import "testing"

// Host headers and configured names are read into one comparable form;
// what is not a host is refused rather than guessed at.
func TestParseHost(t *testing.T) {
	for _, c := range []struct {
		in, name, port string
		ok             bool
	}{
		{"localhost:7878", "localhost", "7878", true},
		{"LocalHost.:7878", "localhost", "7878", true},
		{"docs.example.com", "docs.example.com", "", true},
		{"127.0.0.1:07878", "127.0.0.1", "7878", true},
		{"[::1]:7878", "::1", "7878", true},
		{"[::1]", "::1", "", true},
		{"[0:0:0:0:0:0:0:1]:80", "::1", "80", true},
		{"[::ffff:127.0.0.1]:7878", "127.0.0.1", "7878", true},
		{"fd00::2", "fd00::2", "", true},
		{"my_host:1", "my_host", "1", true},
		{"", "", "", false},
		{"evil.example.com:0", "", "", false},
		{"evil.example.com:65536", "", "", false},
		{"evil.example.com:http", "", "", false},
		{"[127.0.0.1]:80", "", "", false},
		{"[::1]x", "", "", false},
		{"user@localhost", "", "", false},
		{"localhost/evil", "", "", false},
		{"évil.example", "", "", false},
		{"*.example", "", "", false},
	} {
		name, port, ok := parseHost(c.in)
		if ok != c.ok || name != c.name || port != c.port {
			t.Errorf("parseHost(%q) = %q %q %v, want %q %q %v", c.in, name, port, ok, c.name, c.port, c.ok)
		}
	}
}
