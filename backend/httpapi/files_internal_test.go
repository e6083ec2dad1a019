package httpapi

import (
	"strings"
	"testing"
)

func TestContentDisposition(t *testing.T) {
	for _, c := range []struct {
		name, want string
	}{
		{"report.pdf", `inline; filename=report.pdf`},
		{"my report.pdf", `inline; filename="my report.pdf"`},
		{"März.pdf", `inline; filename=M_rz.pdf; filename*=utf-8''M%C3%A4rz.pdf`},
		{"a\r\nSet-Cookie: x=1.pdf", `inline; filename="a__Set-Cookie: x=1.pdf"; filename*=utf-8''a%0D%0ASet-Cookie%3A%20x%3D1.pdf`},
		{`q"uote\;.pdf`, `inline; filename="q\"uote\\;.pdf"`},
		{"\xff\xfe", `inline; filename=__; filename*=utf-8''%FF%FE`},
		{"", `inline; filename=download`},
	} {
		got := contentDisposition("inline", c.name)
		if got != c.want {
			t.Errorf("%q: got %s, want %s", c.name, got, c.want)
		}
		if strings.ContainsAny(got, "\r\n") {
			t.Errorf("%q: header injection in %q", c.name, got)
		}
	}
}

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		h             string
		start, length int64
		ranged, ok    bool
	}{
		{"", 0, 0, false, true},
		{"bytes=0-9", 0, 10, true, true},
		{"bytes=5-", 5, 95, true, true},
		{"bytes=-10", 90, 10, true, true},
		{"bytes=-500", 0, 100, true, true},
		{"bytes=90-500", 90, 10, true, true},
		{"bytes=100-", 0, 0, false, false},
		{"bytes=9-3", 0, 0, false, false},
		{"bytes=0-1,5-6", 0, 0, false, true},
		{"items=0-1", 0, 0, false, true},
		{"bytes=-0", 0, 0, false, false},
	} {
		s, l, r, ok := parseRange(c.h, 100)
		if s != c.start || l != c.length || r != c.ranged || ok != c.ok {
			t.Errorf("%q: got %d %d %v %v", c.h, s, l, r, ok)
		}
	}
}
