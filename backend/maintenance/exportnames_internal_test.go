package maintenance

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("ü", 200) + ".pdf"
	cases := []struct{ in, want string }{
		{"Invoice 2024.pdf", "Invoice 2024.pdf"},
		{"../../etc/passwd", "_.._.._etc_passwd"},
		{"..", "x"},
		{".", "x"},
		{"", "x"},
		{"   ", "x"},
		{".bashrc", "_.bashrc"},
		{`a/b\c:d*e?f"g<h>i|j.txt`, "a_b_c_d_e_f_g_h_i_j.txt"},
		{"line\nbreak\t.txt", "line_break_.txt"},
		{"no\u00a0break.txt", "no break.txt"},
		{"bad\xffname.txt", "bad_name.txt"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"Lpt1.tar.gz", "_Lpt1.tar.gz"},
		{"COM¹.txt", "_COM¹.txt"},
		{"CONSOLE.txt", "CONSOLE.txt"},
		{"trailing dots...", "trailing dots"},
		{"trailing space .pdf ", "trailing space .pdf"},
		{"evil\u202Efdp.exe", "evil_fdp.exe"},
		{"日本語の書類.pdf", "日本語の書類.pdf"},
	}
	for _, c := range cases {
		if got := safeFileName(c.in, "x"); got != c.want {
			t.Errorf("safeFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	got := safeFileName(long, "x")
	if len(got) > maxExportName || !utf8.ValidString(got) || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("long name: %d bytes %q", len(got), got)
	}
}

func TestNameSpace(t *testing.T) {
	ns := newNameSpace("manifest.json")
	got := []string{
		ns.take("a.pdf", SidecarSuffix),
		ns.take("A.PDF", SidecarSuffix),
		ns.take("a.pdf", SidecarSuffix),
		ns.take("a.pdf.docsift.json", SidecarSuffix), // the first one's sidecar name
		ns.take("Manifest.JSON"),
		ns.take("noext", SidecarSuffix),
		ns.take("noext", SidecarSuffix),
	}
	want := []string{"a.pdf", "A (2).PDF", "a (3).pdf", "a.pdf.docsift (2).json", "Manifest (2).JSON", "noext", "noext (2)"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("take #%d = %q, want %q", i, got[i], want[i])
		}
	}
	long := strings.Repeat("x", maxExportName)
	first, second := ns.take(long), ns.take(long)
	if first != long || len(second) > maxExportName || !strings.HasSuffix(second, " (2)") {
		t.Errorf("long names: %q / %q", first, second)
	}
}
