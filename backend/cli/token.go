package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tokenFile is the serve face's access token, in the data directory.
const tokenFile = "token"

func tokenCommand() command {
	return command{
		name:      "token",
		summary:   "Print the access token `docsift serve` asks for off loopback (creating it if needed).",
		noLibrary: true,
		run: func(ctx context.Context, r *runner, _ any, args []string) int {
			if len(args) > 0 {
				fmt.Fprintln(r.env.Stderr, "docsift token: takes no arguments")
				return ExitUsage
			}
			tok, err := loadOrCreateToken(r.cfg.DataDir)
			if err != nil {
				return r.fail(err)
			}
			fmt.Fprintln(r.env.Stdout, tok)
			return ExitOK
		},
	}
}

// loadOrCreateToken reads DATA_DIR/token, or creates it (32 random bytes,
// base64url, mode 0600) when it does not exist yet.
func loadOrCreateToken(dataDir string) (string, error) {
	path := filepath.Join(dataDir, tokenFile)
	for attempt := 0; attempt < 2; attempt++ {
		b, err := os.ReadFile(path)
		if err == nil {
			tok := strings.TrimSpace(string(b))
			if len(tok) < 16 {
				return "", fmt.Errorf("the access token file %s is empty or too short: delete it to make a new one", path)
			}
			return tok, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("read the access token: %w", err)
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return "", fmt.Errorf("create the data directory: %w", err)
		}
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return "", fmt.Errorf("make an access token: %w", err)
		}
		tok := base64.RawURLEncoding.EncodeToString(raw)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // another process made it first: read theirs
		}
		if err != nil {
			return "", fmt.Errorf("create the access token file: %w", err)
		}
		_, werr := f.WriteString(tok + "\n")
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			os.Remove(path)
			return "", fmt.Errorf("write the access token file: %w", err)
		}
		return tok, nil
	}
	return "", fmt.Errorf("the access token file %s could not be read or created", path)
}
