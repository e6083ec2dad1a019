package watch

// SuggestPolling reports whether path is on a network filesystem (NFS,
// SMB/CIFS, sshfs and similar) where file events do not report writes made
// by other machines, so the folder should be polled. It is false when it
// cannot tell (the path is missing, or the platform is not Linux).
func SuggestPolling(path string) bool {
	_, ok := NetworkFilesystem(path)
	return ok
}

// NetworkFilesystem names the network filesystem path is on ("nfs",
// "cifs", "fuse.sshfs"…), with ok false when it is a local one or when it
// cannot tell.
func NetworkFilesystem(path string) (name string, ok bool) {
	return networkFilesystem(path)
}
