package invalid_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/docsift/docsift/backend/internal/invalid"
)

func TestErrorfIsErrAndSaysTheSentence(t *testing.T) {
	err := fmt.Errorf("restore: %w", invalid.Errorf("%q is not an export", "x"))
	if !errors.Is(err, invalid.Err) {
		t.Errorf("errors.Is(%v, Err) = false", err)
	}
	if got, want := err.Error(), `restore: "x" is not an export`; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if errors.Is(errors.New("invalid input"), invalid.Err) {
		t.Error("another error with the same text matches Err")
	}
}
