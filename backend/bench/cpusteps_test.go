package bench

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"
	"time"
)

// TestCPUByLabel profiles work done under a step label and finds its CPU
// time under that label when reading the profile back.
func TestCPUByLabel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Skipf("a CPU profile is already running: %v", err)
	}
	burn := func() {
		sum := sha256.Sum256(nil)
		for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
			sum = sha256.Sum256(sum[:])
		}
	}
	pprof.Do(context.Background(), pprof.Labels("step", "hashing"), func(context.Context) { burn() })
	pprof.StopCPUProfile()
	f.Close()

	by, err := cpuByLabel(path, "step")
	if err != nil {
		t.Fatal(err)
	}
	if by["hashing"] <= 0 {
		t.Errorf("no CPU time under the label: %v", by)
	}
	for step := range by {
		if step != "hashing" && step != "" {
			t.Errorf("unexpected label value %q", step)
		}
	}
	if _, err := cpuByLabel(filepath.Join(t.TempDir(), "none"), "step"); err == nil {
		t.Error("a missing profile gave no error")
	}
}
