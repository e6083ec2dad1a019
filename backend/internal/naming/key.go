package naming

import (
	"strings"

	"github.com/google/uuid"
)

// maxExtLen bounds an object key's extension.
const maxExtLen = 16

// ObjectKey builds the object key for a new document's bytes:
// {user_id}/{document_id}/{uuid}{ext}. The human name contributes only a
// sanitised extension; everything else is generated here.
func ObjectKey(userID, documentID, name string) string {
	return userID + "/" + documentID + "/" + uuid.NewString() + safeExt(name)
}

// safeExt returns ".ext" lower-cased when the name's extension is 1–16 ASCII
// letters or digits, and "" otherwise.
func safeExt(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || i == len(name)-1 {
		return ""
	}
	ext := strings.ToLower(name[i+1:])
	if len(ext) > maxExtLen {
		return ""
	}
	for _, c := range []byte(ext) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return "." + ext
}
