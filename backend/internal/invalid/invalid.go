// Package invalid is the kind of error that says the input is wrong, in a
// sentence a person understands. It is a leaf shared by backend/library
// (which exports Err as library.ErrInvalid) and backend/maintenance, so
// that a face recognises bad input from either with one errors.Is.
package invalid

import (
	"errors"
	"fmt"
)

// Err is what every bad-input error matches with errors.Is.
var Err = errors.New("invalid input")

// sentence is a bad-input error whose message is a sentence for a person.
type sentence struct{ msg string }

func (e *sentence) Error() string        { return e.msg }
func (e *sentence) Is(target error) bool { return target == Err }

// Errorf formats a sentence saying what is wrong with the input; the
// error matches Err.
func Errorf(format string, args ...any) error {
	return &sentence{msg: fmt.Sprintf(format, args...)}
}
