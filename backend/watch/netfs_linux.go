package watch

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Filesystem magic numbers (statfs f_type, see statfs(2) and
// linux/magic.h) of filesystems whose files other machines can change
// without inotify hearing of it.
var networkMagics = map[int64]string{
	0x6969:     "nfs",
	0x517b:     "smb",
	0xff534d42: "cifs",
	0xfe534d42: "smb2",
	0x5346414f: "afs",
	0x73757245: "coda",
	0x00c36400: "ceph",
	0x01021997: "9p",     // VM and WSL shared folders
	0x786f4256: "vboxsf", // VirtualBox shared folders
	0x6a656a63: "virtiofs",
	0x47504653: "gpfs",
	0x0bd00bd0: "lustre",
}

const fuseMagic = 0x65735546

// networkFuse are FUSE subtypes (fuse.NAME in mountinfo) that reach another
// machine. Other FUSE filesystems (ntfs-3g, overlays) are local.
var networkFuse = map[string]bool{
	"sshfs": true, "rclone": true, "s3fs": true, "gcsfuse": true, "goofys": true,
	"gvfsd-fuse": true, "smbnetfs": true, "curlftpfs": true, "davfs": true,
	"davfs2": true, "juicefs": true, "glusterfs": true,
}

func networkFilesystem(path string) (string, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return "", false
	}
	magic := int64(st.Type) & 0xffffffff
	if name, ok := networkMagics[magic]; ok {
		return name, true
	}
	if magic != fuseMagic {
		return "", false
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "", false
	}
	defer f.Close()
	fstype := fuseType(bufio.NewScanner(f), path)
	sub := strings.TrimPrefix(strings.TrimPrefix(fstype, "fuseblk."), "fuse.")
	if networkFuse[sub] {
		return fstype, true
	}
	return "", false
}

// fuseType finds, in mountinfo lines, the filesystem type of the mount
// holding path: the longest mount point that is a prefix of it.
func fuseType(sc *bufio.Scanner, path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	best, bestType := "", ""
	for sc.Scan() {
		// id parent major:minor root mountpoint options [optional…] - fstype source superopts
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 {
			continue
		}
		sep := -1
		for i := 6; i < len(fields); i++ {
			if fields[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+1 >= len(fields) {
			continue
		}
		mp := unescapeMount(fields[4])
		if !within(path, mp) || len(mp) < len(best) {
			continue
		}
		best, bestType = mp, fields[sep+1]
	}
	return bestType
}

// within reports whether path is mp or below it.
func within(path, mp string) bool {
	if mp == "/" || path == mp {
		return true
	}
	return strings.HasPrefix(path, mp+"/")
}

// unescapeMount decodes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, ok := octal(s[i+1 : i+4]); ok {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func octal(s string) (byte, bool) {
	if len(s) != 3 {
		return 0, false
	}
	var v int
	for _, c := range s {
		if c < '0' || c > '7' {
			return 0, false
		}
		v = v*8 + int(c-'0')
	}
	if v > 255 {
		return 0, false
	}
	return byte(v), true
}
