package watch

import (
	"bufio"
	"strings"
	"testing"
)

func TestFuseTypeFromMountinfo(t *testing.T) {
	const mountinfo = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /home/ann/nas rw,nosuid,nodev,relatime shared:20 - fuse.sshfs ann@nas:/data rw,user_id=1000
41 22 0:36 / /home/ann/My\040Drive rw,relatime - fuse.rclone drive: rw
42 40 0:37 / /home/ann/nas/local rw - ext4 /dev/sdb1 rw
`
	for path, want := range map[string]string{
		"/home/ann/nas/scans":      "fuse.sshfs",
		"/home/ann/nas":            "fuse.sshfs",
		"/home/ann/nas-other":      "ext4",
		"/home/ann/nas/local/x":    "ext4",
		"/home/ann/My Drive/inbox": "fuse.rclone",
		"/etc":                     "ext4",
	} {
		got := fuseType(bufio.NewScanner(strings.NewReader(mountinfo)), path)
		if got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}
