//go:build !(production || dev)

package main

import (
	"fmt"
	"os"
)

// Without the desktop tags there is no window to open.
func main() {
	fmt.Fprintln(os.Stderr, "emptywindow: build with -tags production,webkit2_41 (see main.go)")
	os.Exit(2)
}
