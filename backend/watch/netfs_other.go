//go:build !linux

package watch

func networkFilesystem(string) (string, bool) { return "", false }
