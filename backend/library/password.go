package library

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are argon2id's cost parameters. A stored hash carries the
// ones it was made with (PHC string format), so changing the defaults
// leaves existing passwords working.
type PasswordParams struct {
	// Memory in KiB, Time in passes, Threads in lanes.
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams: 64 MiB, 3 passes, 2 lanes (RFC 9106's second
// recommended option, with 2 lanes instead of 4 for small servers). One
// hash costs about 165 ms of CPU time on the 2-core build machine, split
// over its two lanes: about 85–100 ms on an idle machine, 230–540 ms
// measured while five builds shared it (load average 10; see
// BENCHMARKS.md). Slow enough to make guessing a stolen hash expensive,
// fast enough for a sign-in.
var DefaultPasswordParams = PasswordParams{Memory: 64 * 1024, Time: 3, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
	// minPasswordLen is the shortest password accepted.
	minPasswordLen = 8
	// maxPasswordLen bounds the bytes a hash reads.
	maxPasswordLen = 1024
)

// checkPassword says in a sentence what is wrong with a new password.
func checkPassword(pw string) error {
	switch {
	case len(pw) < minPasswordLen:
		return invalidf("a password needs at least %d characters", minPasswordLen)
	case len(pw) > maxPasswordLen:
		return invalidf("a password can have at most %d characters", maxPasswordLen)
	}
	return nil
}

// HashPassword hashes pw with argon2id and p, as a PHC string:
// $argon2id$v=19$m=65536,t=3,p=2$salt$hash (unpadded standard base64).
func HashPassword(ctx context.Context, pw string, p PasswordParams) (string, error) {
	return hashWith(ctx, pw, p, nil)
}

// hashWith is HashPassword running in one of slots (nil: no bound).
func hashWith(ctx context.Context, pw string, p PasswordParams, slots chan struct{}) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash a password: %w", err)
	}
	key, err := argonKey(ctx, []byte(pw), salt, p, keyLen, slots)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// argonKey runs argon2id in one of slots (nil: no bound).
func argonKey(ctx context.Context, pw, salt []byte, p PasswordParams, n uint32, slots chan struct{}) ([]byte, error) {
	if slots != nil {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-slots }()
	}
	return argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, n), nil
}

// errBadHash is a stored hash this program cannot read.
var errBadHash = errors.New("the stored password hash is not an argon2id PHC string")

// VerifyPassword reports whether pw matches the PHC string encoded.
func VerifyPassword(ctx context.Context, pw, encoded string) (bool, error) {
	return verifyWith(ctx, pw, encoded, nil)
}

// verifyWith is VerifyPassword running in one of slots (nil: no bound).
func verifyWith(ctx context.Context, pw, encoded string, slots chan struct{}) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 1<<22 || p.Time > 100 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 128 {
		return false, errBadHash
	}
	if len(pw) > maxPasswordLen {
		return false, nil
	}
	got, err := argonKey(ctx, []byte(pw), salt, p, uint32(len(want)), slots)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// newSecret makes a random secret for a session or a token: 32 bytes,
// base64url, with a prefix that says what it is ("ds_s_", "ds_t_").
func newSecret(prefix string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("make a secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(raw), nil
}

// secretHash is what the store keeps of a secret: its hex SHA-256.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// passwords hashes and checks the library's passwords: at most two
// hashes at once (64 MiB each by default), so a burst of sign-ins waits
// instead of exhausting memory.
type passwords struct {
	params PasswordParams
	slots  chan struct{}
	// dummy is checked against for an unknown name, so that a sign-in
	// takes as long whether the name exists or not; made on first use.
	dummyOnce sync.Once
	dummy     string
}

func newPasswords(p PasswordParams) *passwords {
	if p == (PasswordParams{}) {
		p = DefaultPasswordParams
	}
	return &passwords{params: p, slots: make(chan struct{}, 2)}
}

func (p *passwords) hash(ctx context.Context, pw string) (string, error) {
	return hashWith(ctx, pw, p.params, p.slots)
}

// verify checks pw against encoded ("" is the dummy: never a match).
func (p *passwords) verify(ctx context.Context, pw, encoded string) (bool, error) {
	if encoded == "" {
		p.dummyOnce.Do(func() {
			p.dummy, _ = hashWith(context.Background(), "no such user", p.params, nil)
		})
		_, err := verifyWith(ctx, pw, p.dummy, p.slots)
		return false, err
	}
	return verifyWith(ctx, pw, encoded, p.slots)
}
