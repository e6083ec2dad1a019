// Package bytesize reads and prints sizes in bytes ("2GB", "1.5GiB"). It is
// a leaf: config reads max_upload_size with it and the library prints the
// upload limit with it, without the library importing config.
package bytesize

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DefaultMaxUpload bounds one uploaded file unless max_upload_size says
// otherwise: 2 GiB.
const DefaultMaxUpload int64 = 2 << 30

// units are the suffixes Parse knows, lower-cased: decimal (kB,
// MB, GB, TB: powers of 1000) and binary (KiB, MiB, GiB, TiB: powers of
// 1024), as disks and file managers print them.
var units = map[string]int64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// Parse reads a size such as "2GB", "500 MB", "1.5GiB" or a plain
// number of bytes. It must be more than 0.
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := units[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("%q is not a size such as 2GB, 500MB, 1GiB or 1048576 (bytes)", s)
	}
	var n int64
	if whole, err := strconv.ParseInt(num, 10, 64); err == nil {
		if whole > math.MaxInt64/mult {
			return 0, fmt.Errorf("%q is too large a size", s)
		}
		n = whole * mult
	} else {
		f, ferr := strconv.ParseFloat(num, 64)
		if ferr != nil {
			return 0, fmt.Errorf("%q is not a size such as 2GB, 500MB, 1GiB or 1048576 (bytes)", s)
		}
		if f*float64(mult) >= math.MaxInt64 {
			return 0, fmt.Errorf("%q is too large a size", s)
		}
		n = int64(math.Round(f * float64(mult)))
	}
	if n <= 0 {
		return 0, fmt.Errorf("the size %q must be more than 0 bytes", s)
	}
	return n, nil
}

// Format prints n in the largest unit that shows it exactly ("2 GiB",
// "500 MB"), else in bytes ("1234567 bytes"); Parse reads it back.
func Format(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"TB", 1e12}, {"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"kB", 1e3}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
