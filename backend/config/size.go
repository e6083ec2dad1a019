package config

import "github.com/docsift/docsift/backend/internal/bytesize"

// DefaultMaxUploadBytes bounds one uploaded file unless max_upload_size
// says otherwise: 2 GiB.
const DefaultMaxUploadBytes = bytesize.DefaultMaxUpload

// ParseSize reads a size such as "2GB", "500 MB", "1.5GiB" or a plain
// number of bytes. It must be more than 0.
func ParseSize(s string) (int64, error) { return bytesize.Parse(s) }

// FormatSize prints n in the largest unit that shows it exactly ("2 GiB",
// "500 MB"), else in bytes ("1234567 bytes"); ParseSize reads it back.
func FormatSize(n int64) string { return bytesize.Format(n) }
