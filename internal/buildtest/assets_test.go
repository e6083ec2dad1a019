package buildtest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"
)

// appID names the desktop entry, the metainfo and the icons once installed.
const appID = "io.github.docsift.Docsift"

// root is the module's root.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// desktopEntry reads the [Desktop Entry] group of build/linux/docsift.desktop.
func desktopEntry(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(read(t, "build/linux/docsift.desktop")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			group = line
		case group == "[Desktop Entry]":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("desktop entry: %q is not key=value", line)
			}
			if _, dup := keys[k]; dup {
				t.Fatalf("desktop entry: %s twice", k)
			}
			keys[k] = v
		}
	}
	return keys
}

// list splits a desktop entry's ;-terminated list.
func list(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ';' })
}

// TestDesktopEntry: the menu entry opens the window with the files it is
// given, sits in Office, offers itself for documents, and names the icon
// the package installs.
func TestDesktopEntry(t *testing.T) {
	e := desktopEntry(t)
	for k, want := range map[string]string{
		"Type":           "Application",
		"Name":           "Docsift",
		"Exec":           "docsift %F", // "Open with": the files, imported by the window
		"TryExec":        "docsift",
		"Terminal":       "false",
		"Icon":           appID,
		"StartupWMClass": "docsift", // app/run.go: linux.Options{ProgramName: "docsift"}
	} {
		if e[k] != want {
			t.Errorf("%s=%q, want %q", k, e[k], want)
		}
	}
	if !slices.Contains(list(e["Categories"]), "Office") {
		t.Errorf("Categories=%q lacks Office", e["Categories"])
	}
	mimes := list(e["MimeType"])
	for _, want := range []string{
		"application/pdf", "image/png", "image/jpeg", "image/tiff",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.oasis.opendocument.text", "application/msword", "message/rfc822",
	} {
		if !slices.Contains(mimes, want) {
			t.Errorf("MimeType lacks %s", want)
		}
	}
	// The run.go comment names the WM class; keep the two together.
	if !bytes.Contains(read(t, "app/run.go"), []byte(`ProgramName: "docsift"`)) {
		t.Error(`app/run.go no longer sets ProgramName "docsift": StartupWMClass must follow it`)
	}
}

// metainfo is the part of the AppStream file the package relies on.
type metainfo struct {
	Type       string `xml:"type,attr"`
	ID         string `xml:"id"`
	License    string `xml:"project_license"`
	Launchable struct {
		Type string `xml:"type,attr"`
		ID   string `xml:",chardata"`
	} `xml:"launchable"`
	Icon     string   `xml:"icon"`
	Binaries []string `xml:"provides>binary"`
	Media    []string `xml:"provides>mediatype"`
	Releases []struct {
		Version string `xml:"version,attr"`
		Date    string `xml:"date,attr"`
	} `xml:"releases>release"`
}

// TestMetainfoAgreesWithTheEntryAndVersion: one id everywhere, the newest
// release is VERSION (as wails.json says too), and every media type the
// metainfo advertises is one the desktop entry opens.
func TestMetainfoAgreesWithTheEntryAndVersion(t *testing.T) {
	var m metainfo
	if err := xml.Unmarshal(read(t, "build/linux/"+appID+".metainfo.xml"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != "desktop-application" || m.ID != appID || m.Icon != appID || m.License == "" {
		t.Errorf("metainfo: type %q id %q icon %q license %q", m.Type, m.ID, m.Icon, m.License)
	}
	if m.Launchable.Type != "desktop-id" || m.Launchable.ID != appID+".desktop" {
		t.Errorf("launchable %+v, want the desktop id %s.desktop", m.Launchable, appID)
	}
	if !slices.Equal(m.Binaries, []string{"docsift"}) {
		t.Errorf("provides binaries %q", m.Binaries)
	}
	mimes := list(desktopEntry(t)["MimeType"])
	for _, mt := range m.Media {
		if !slices.Contains(mimes, mt) {
			t.Errorf("the metainfo provides %s, which the desktop entry does not open", mt)
		}
	}
	version := strings.TrimSpace(string(read(t, "VERSION")))
	if len(m.Releases) == 0 || m.Releases[0].Version != version {
		t.Errorf("the newest release is %+v, want VERSION %s", m.Releases, version)
	}
	var w struct {
		Info struct {
			ProductVersion string `json:"productVersion"`
		} `json:"info"`
	}
	if err := json.Unmarshal(read(t, "wails.json"), &w); err != nil {
		t.Fatal(err)
	}
	if w.Info.ProductVersion != version {
		t.Errorf("wails.json info.productVersion %q, want VERSION %s", w.Info.ProductVersion, version)
	}
}

// TestIcons: the 1024x1024 PNG Wails uses and the Windows icon with the
// sizes Windows asks for (scripts/icons.sh wails renders both).
func TestIcons(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(read(t, "build/appicon.png")))
	if err != nil {
		t.Fatalf("build/appicon.png: %v", err)
	}
	if cfg.Width != 1024 || cfg.Height != 1024 {
		t.Errorf("build/appicon.png is %dx%d, want 1024x1024", cfg.Width, cfg.Height)
	}
	ico := read(t, "build/windows/icon.ico")
	// ICONDIR: reserved 0, type 1, count; then 16-byte entries whose
	// first byte is the width (0 meaning 256).
	if len(ico) < 6 || binary.LittleEndian.Uint16(ico[0:]) != 0 || binary.LittleEndian.Uint16(ico[2:]) != 1 {
		t.Fatal("build/windows/icon.ico is not an icon file")
	}
	n := int(binary.LittleEndian.Uint16(ico[4:]))
	var widths []int
	for i := range n {
		at := 6 + 16*i
		if at+16 > len(ico) {
			t.Fatalf("icon.ico: entry %d past the end", i)
		}
		w := int(ico[at])
		if w == 0 {
			w = 256
		}
		widths = append(widths, w)
	}
	for _, want := range []int{16, 32, 48, 256} {
		if !slices.Contains(widths, want) {
			t.Errorf("icon.ico has sizes %v, lacks %d", widths, want)
		}
	}
	if !bytes.Contains(read(t, "build/appicon.svg"), []byte(`viewBox="0 0 1024 1024"`)) {
		t.Error("build/appicon.svg is not the 1024x1024 drawing the icons are rendered from")
	}
}

// TestWailsTemplates fills Wails' templated build files as `wails build`
// does (pkg/buildassets: Go templates over the project's name and
// wails.json's info) and checks that what comes out parses.
func TestWailsTemplates(t *testing.T) {
	var project struct {
		Name string         `json:"name"`
		Info map[string]any `json:"info"`
	}
	if err := json.Unmarshal(read(t, "wails.json"), &project); err != nil {
		t.Fatal(err)
	}
	info := map[string]any{}
	for k, v := range project.Info { // wails.json's keys, the template's field names
		info[strings.ToUpper(k[:1])+k[1:]] = v
	}
	data := map[string]any{"Name": project.Name, "Info": info}
	for _, f := range []string{"build/windows/info.json", "build/windows/wails.exe.manifest", "build/darwin/Info.plist", "build/darwin/Info.dev.plist"} {
		tmpl, err := template.New(f).Option("missingkey=error").Parse(string(read(t, f)))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		var out bytes.Buffer
		if err := tmpl.Execute(&out, data); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if strings.HasSuffix(f, ".json") {
			var v any
			if err := json.Unmarshal(out.Bytes(), &v); err != nil {
				t.Errorf("%s filled: %v", f, err)
			}
		} else {
			dec := xml.NewDecoder(&out)
			dec.Strict = true
			for {
				_, err := dec.Token()
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Errorf("%s filled: %v", f, err)
					}
					break
				}
			}
		}
		if bytes.Contains(out.Bytes(), []byte("<no value>")) {
			t.Errorf("%s filled has an empty field", f)
		}
	}
}
