package naming

import "testing"

func TestSafeExt(t *testing.T) {
	cases := map[string]string{
		"a.PDF": ".pdf", "noext": "", "trailing.": "", "x.tar.gz": ".gz",
		"../../etc/passwd": "", "a.p/df": "", "a.ünï": "", "a.abcdefghijklmnop": ".abcdefghijklmnop",
		"a.abcdefghijklmnopq": "", "evil.ph p": "", ".bashrc": ".bashrc", "a.\x00": "",
	}
	for name, want := range cases {
		if got := safeExt(name); got != want {
			t.Errorf("safeExt(%q) = %q, want %q", name, got, want)
		}
	}
}
