package app

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// ChooseFolder shows the native folder chooser, for a watched folder;
// "" when cancelled (desktop only).
func (a *App) ChooseFolder() (string, error) {
	rt, err := a.runtime()
	if err != nil {
		return "", err
	}
	dir, err := rt.ChooseDirectory("Choose a folder to watch")
	if err != nil {
		a.log.Error("folder dialog failed", "err", err)
		return "", errors.New("The folder dialog could not be opened.")
	}
	return dir, nil
}

// OpenWithSystem opens a document's original with the desktop's default
// application (desktop only).
//
// The original lives in the object store under a generated key, so it is
// copied first to a private temporary folder (0700) as a read-only file
// (0400) with a safe name: the stored name cut to letters, digits, spaces
// and a few punctuation marks, and an extension from a short list of
// document types; anything else gets none. Documents whose content is a
// program or a launcher (ELF, scripts, .desktop files, Windows
// executables, jars…) are refused: "open" would run them. The viewer is
// started without a shell, with the absolute path as its only argument.
func (a *App) OpenWithSystem(id string) error {
	path, err := a.tempCopy(id)
	if err != nil {
		return err
	}
	rt, err := a.runtime()
	if err != nil {
		return err
	}
	if err := rt.OpenPath(path); err != nil {
		a.log.Error("open with the system viewer failed", "err", err)
		return errors.New("No application could be started to open this document.")
	}
	return nil
}

// RevealInFileManager shows a document in the file manager: the folder
// holding the copy OpenWithSystem would open (desktop only; the original
// itself is an object under a generated key, not a file to browse).
func (a *App) RevealInFileManager(id string) error {
	path, err := a.tempCopy(id)
	if err != nil {
		return err
	}
	rt, err := a.runtime()
	if err != nil {
		return err
	}
	if err := rt.OpenPath(filepath.Dir(path)); err != nil {
		a.log.Error("reveal in file manager failed", "err", err)
		return errors.New("No file manager could be started.")
	}
	return nil
}

// tempCopy writes a document's original into the temporary folder (see
// OpenWithSystem) and returns its path.
func (a *App) tempCopy(id string) (string, error) {
	rc, d, err := a.lib.Open(a.ctx, id)
	if err != nil {
		return "", a.fail("OpenWithSystem", err)
	}
	defer rc.Close()
	if executable(d.ContentType) {
		return "", errors.New("This document is a program; Docsift does not open programs. Save it and inspect it first.")
	}
	dir, err := a.copiesDir()
	if err != nil {
		return "", a.fail("OpenWithSystem", err)
	}
	// One folder per document keeps a safe name unique and lets the same
	// document be opened again while its viewer still holds the old copy.
	docDir := filepath.Join(dir, safeName(d.ID, 64))
	if err := os.MkdirAll(docDir, 0o700); err != nil {
		return "", a.fail("OpenWithSystem", err)
	}
	path := filepath.Join(docDir, safeFilename(d.Filename, d.ContentType))
	_ = os.Remove(path) // an older copy is read-only
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", a.fail("OpenWithSystem", fmt.Errorf("create the copy: %w", err))
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		os.Remove(path)
		return "", a.fail("OpenWithSystem", fmt.Errorf("copy the original: %w", err))
	}
	if err := f.Close(); err != nil {
		return "", a.fail("OpenWithSystem", err)
	}
	if err := os.Chmod(path, 0o400); err != nil {
		return "", a.fail("OpenWithSystem", err)
	}
	return path, nil
}

// copiesDir returns (creating it once) the private folder for copies.
func (a *App) copiesDir() (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tempDir != "" {
		return a.tempDir, nil
	}
	if a.opt.TempDir != "" {
		if err := os.MkdirAll(a.opt.TempDir, 0o700); err != nil {
			return "", err
		}
		a.tempDir = a.opt.TempDir
		return a.tempDir, nil
	}
	dir, err := os.MkdirTemp("", "docsift-open-")
	if err != nil {
		return "", err
	}
	a.tempDir = dir
	return dir, nil
}

// executableTypes are content types (as sniffed at import) that an "open"
// would run rather than show.
var executableTypes = []string{
	"application/x-executable", "application/x-elf", "application/x-sharedlib",
	"application/x-pie-executable", "application/x-mach-binary",
	"application/vnd.microsoft.portable-executable", "application/x-msdownload",
	"application/x-dosexec", "application/x-msi", "application/x-ms-shortcut",
	"application/x-desktop", "application/x-shellscript", "text/x-shellscript",
	"application/x-sh", "text/x-sh", "application/x-perl", "text/x-perl",
	"application/x-python", "text/x-python", "text/x-script.python",
	"application/x-ruby", "application/x-php", "text/x-php", "application/x-tcl",
	"application/x-lua", "text/x-lua", "application/java-archive",
	"application/jar", "application/x-java-applet", "application/x-java-jnlp-file",
	"application/x-appimage", "application/vnd.appimage", "application/x-bat",
	"application/x-msdos-program", "application/hta", "application/x-ms-application",
	"application/vnd.ms-cab-compressed",
}

// executable reports whether a document's content type is a program.
func executable(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	for _, t := range executableTypes {
		if mt == t {
			return true
		}
	}
	return false
}

// viewerExts are the extensions a copy may keep: document and image types
// whose default applications show content.
var viewerExts = map[string]bool{
	".pdf": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true,
	".tif": true, ".tiff": true, ".bmp": true, ".txt": true, ".md": true, ".csv": true,
	".tsv": true, ".rtf": true, ".eml": true, ".html": true, ".htm": true,
	".doc": true, ".docx": true, ".xls": true, ".xlsx": true, ".ppt": true, ".pptx": true,
	".odt": true, ".ods": true, ".odp": true, ".epub": true, ".heic": true, ".heif": true,
}

// typeExts give a copy without an allowed extension of its own one from
// its sniffed content type (a fixed list: the system's mime.types differ).
var typeExts = map[string]string{
	"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
	"image/webp": ".webp", "image/tiff": ".tiff", "image/bmp": ".bmp", "text/plain": ".txt",
	"text/markdown": ".md", "text/csv": ".csv", "text/tab-separated-values": ".tsv",
	"text/html": ".html", "text/rtf": ".rtf", "message/rfc822": ".eml",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"application/vnd.oasis.opendocument.presentation":                           ".odp",
	"application/msword": ".doc", "application/vnd.ms-excel": ".xls", "application/epub+zip": ".epub",
	"image/heic": ".heic", "image/heif": ".heif",
}

// safeFilename is the copy's name: the stored name's stem made safe plus
// an allowed extension (from the name, or else the content type).
func safeFilename(name, contentType string) string {
	ext := strings.ToLower(filepath.Ext(name))
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	if !viewerExts[ext] {
		ext = ""
		if mt, _, err := mime.ParseMediaType(contentType); err == nil {
			ext = typeExts[mt]
		}
	}
	return safeName(stem, 100) + ext
}

// safeName keeps letters, digits, spaces and - _ ( ) , of s (others become
// "_"), trims leading dots, dashes and spaces (no hidden file, no option)
// and cuts it to max runes; never empty.
func safeName(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == max {
			break
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || strings.ContainsRune("-_(),", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		n++
	}
	out := strings.TrimLeft(strings.TrimSpace(b.String()), ".- ")
	if out == "" {
		return "document"
	}
	return out
}
