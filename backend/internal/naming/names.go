package naming

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/internal/invalid"
)

// MaxFilename bounds a stored filename (bytes).
const MaxFilename = 1024

// maxTopicName bounds a topic name (characters).
const maxTopicName = 80

// maxFolderName bounds a folder name (characters).
const maxFolderName = 120

// MaxViewName bounds a saved view's name (characters).
const MaxViewName = 80

var colorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// palette gives new topics a distinct default color, chosen by name.
var palette = []string{"#4f7cac", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#2c4d75", "#7f6000", "#3d8b6e", "#b65f8a"}

// CheckFilename rejects names no person could mean: empty, too long, or
// with a NUL byte. Everything else (slashes, "..", control characters,
// invalid UTF-8) is kept as given: it only ever lives in the database.
func CheckFilename(name string) error {
	switch {
	case name == "":
		return invalid.Errorf("a file name is required")
	case len(name) > MaxFilename:
		return invalid.Errorf("the file name is longer than %d bytes", MaxFilename)
	case strings.IndexByte(name, 0) >= 0:
		return invalid.Errorf("the file name contains a NUL byte")
	}
	return nil
}

// Quote shows a name safely in a message: control characters and invalid
// UTF-8 are escaped.
func Quote(name string) string {
	if utf8.ValidString(name) && !strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return `"` + name + `"`
	}
	return fmt.Sprintf("%q", name)
}

// TopicName trims a topic name (runs of white space become one space) and
// checks it is usable.
func TopicName(raw string) (string, error) {
	name := strings.Join(strings.Fields(raw), " ")
	switch {
	case name == "":
		return "", invalid.Errorf("a topic needs a name")
	case len([]rune(name)) > maxTopicName:
		return "", invalid.Errorf("a topic name can be at most %d characters", maxTopicName)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", invalid.Errorf("a topic name cannot contain control characters")
	}
	return name, nil
}

// FolderName trims a folder name and checks it is usable.
func FolderName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	switch {
	case name == "":
		return "", invalid.Errorf("a folder needs a name")
	case len([]rune(name)) > maxFolderName:
		return "", invalid.Errorf("a folder name can be at most %d characters", maxFolderName)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", invalid.Errorf("a folder name cannot contain control characters")
	}
	return name, nil
}

// ValidColor reports whether c is a topic color of the form #rrggbb.
func ValidColor(c string) bool { return colorRe.MatchString(c) }

// DefaultColor is a new topic's color when none is given: one of a small
// palette, chosen by the name (ignoring case), so a topic keeps its color
// when it is made again.
func DefaultColor(name string) string {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(name)))
	return palette[h.Sum32()%uint32(len(palette))]
}

// ViewName trims a saved view's name (runs of white space become one
// space) and checks it is usable.
func ViewName(raw string) (string, error) {
	name := strings.Join(strings.Fields(raw), " ")
	switch {
	case name == "":
		return "", invalid.Errorf("a view needs a name")
	case len([]rune(name)) > MaxViewName:
		return "", invalid.Errorf("a view's name can be at most %d characters", MaxViewName)
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", invalid.Errorf("a view's name cannot contain control characters")
	}
	return name, nil
}
