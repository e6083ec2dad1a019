package blob

import "time"

// DefaultLeftoverAge is how long a leftover must have gone without a write
// before it is taken for a crash's leftover and removed.
//
// Why a day is safe and enough: every write of a Put refreshes the
// leftover's time (a temporary file's modification time; an upload's
// newest part), so the age measures the longest pause between two writes,
// not the length of the upload. A pause of a day is not a slow client: the
// HTTP connection or the watched file's reader has long failed by then.
// And should a write still be alive, removing its leftover cannot lose or
// corrupt anything: its Put then fails (the rename finds no temporary
// file; S3 answers NoSuchUpload) and the caller, who still holds the
// source, reports the import as failed. A day's leftover costs disk space
// only, so erring far on the long side is cheap.
const DefaultLeftoverAge = 24 * time.Hour

// Leftover is what a write that never finished left in the store: a
// temporary file (localfs) or an incomplete multipart upload (s3). It is
// not an object: List never shows it and Get never finds it.
type Leftover struct {
	// ID names the leftover for RemoveLeftover.
	ID string `json:"id"`
	// Name says where it is, for a person: the temporary file's path
	// under the objects folder, or the key an upload was for.
	Name string `json:"name"`
	// Size is how many bytes it holds.
	Size int64 `json:"size"`
	// LastWrite is when bytes were last added to it (an upload with no
	// part yet: when it began).
	LastWrite time.Time `json:"last_write"`
}
