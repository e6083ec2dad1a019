package watch_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// nobodyUID is the unprivileged user tests drop to.
const nobodyUID = 65534

// childEnv marks the test binary re-run as another user.
const childEnv = "DOCSIFT_WATCH_TEST_CHILD"

// runAsNobody re-runs the named test in a copy of the test binary as the
// user nobody, with a temp folder that user owns, and fails if it fails.
// Used as root only, where file modes do not restrict reads.
func runAsNobody(t *testing.T, name string) {
	t.Helper()
	if os.Getenv(childEnv) != "" {
		t.Fatal("still root in the child")
	}
	tmp, err := os.MkdirTemp("", "docsift-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	bin := filepath.Join(tmp, "watch.test")
	copyFile(t, os.Args[0], bin)
	for _, p := range []string{tmp, bin} {
		if err := os.Chown(p, nobodyUID, nobodyUID); err != nil {
			t.Skipf("cannot hand files to nobody: %v", err)
		}
	}
	cmd := exec.Command(bin, "-test.run=^"+name+"$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp, "HOME="+tmp)
	cmd.Dir = tmp
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyUID, Gid: nobodyUID}}
	out, err := cmd.CombinedOutput()
	t.Logf("as nobody:\n%s", out)
	if err != nil {
		t.Fatalf("the test failed as nobody: %v", err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
