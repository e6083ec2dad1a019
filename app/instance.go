package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"
	"github.com/wailsapp/wails/v2/pkg/options"
)

// InstanceID is the single-instance lock's id for the library in dataDir:
// one window per library and user session; a window of another library
// (another --data-dir) is not handed its files.
func InstanceID(dataDir string) string {
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	sum := sha256.Sum256([]byte(dataDir))
	return "io.docsift.window.l" + hex.EncodeToString(sum[:6])
}

// instanceBusName and instanceBusPath are where Wails' Linux single-instance
// lock (internal/frontend/desktop/linux/single_instance.go) listens on the
// session bus for id, built as Wails builds them.
func instanceBusName(id string) (name string, path dbus.ObjectPath) {
	safe := "wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(id)
	return "org." + safe + ".SingleInstance", dbus.ObjectPath("/org/" + safe + "/SingleInstance")
}

// HandOff gives files (absolute paths; none just raises the window) and
// a screen to show (a route of the page; "" for none) to a window
// already open on the library in dataDir, over the session bus,
// in the message Wails' single-instance lock expects. It returns false
// when no such window runs (or there is no session bus), and the caller
// opens its own window.
//
// Wails would do the same from inside wails.Run, but only after this
// process opened the library and started its workers, and it then ends
// the process with exit status 1; handing off first lets `docsift FILE`
// exit 0 without starting anything.
func HandOff(dataDir, show string, files []string) (bool, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false, nil // no session bus: no window to find
	}
	defer conn.Close()
	name, path := instanceBusName(InstanceID(dataDir))
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil || !owned {
		return false, nil
	}
	wd, _ := os.Getwd()
	args := append([]string{handOffMarker, show}, files...)
	msg, err := json.Marshal(options.SecondInstanceData{Args: args, WorkingDirectory: wd})
	if err != nil {
		return false, err
	}
	if err := conn.Object(name, path).Call(name+".SendMessage", 0, string(msg)).Store(); err != nil {
		return false, fmt.Errorf("hand the files to the open window: %w", err)
	}
	return true, nil
}

// secondInstance is Wails' OnSecondInstanceLaunch: another `docsift`
// started for this library, either through HandOff or (when two started
// at once) from Wails' own lock, whose Args are that process's command
// line. The window comes to the front and imports the files named, with
// progress, as for a drop.
func (a *App) secondInstance(data options.SecondInstanceData) {
	files, show := instanceFiles(data)
	a.log.Info("files from another docsift", "count", len(files))
	if a.opt.Smoke {
		fmt.Fprintf(a.opt.Stderr, "smoke: second instance handed %d file(s)\n", len(files))
	}
	if rt, err := a.runtime(); err == nil {
		rt.Raise()
	}
	if strings.HasPrefix(show, "#/") {
		a.navigate(show)
	}
	if len(files) > 0 {
		go func() { _, _ = a.ImportPaths(files) }()
	}
}

// handOffMarker starts the arguments HandOff sends: then the screen to
// show ("" for none), then the files and folders to import, resolved.
const handOffMarker = "--docsift-import"

// instanceFiles picks the files out of a second instance's arguments.
// After HandOff's marker they are taken as sent (folders too). Otherwise
// they are that process's command line: relative paths are resolved
// against its working folder, file:// URLs (what a file manager may pass)
// are decoded, and only regular files count, so that a flag's value (a
// --data-dir folder) is never imported.
func instanceFiles(data options.SecondInstanceData) (files []string, show string) {
	if len(data.Args) > 1 && data.Args[0] == handOffMarker {
		var out []string
		for _, p := range data.Args[2:] {
			if filepath.IsAbs(p) {
				out = append(out, filepath.Clean(p))
			}
		}
		return out, data.Args[1]
	}
	var out []string
	for _, arg := range data.Args {
		if arg == "" || strings.HasPrefix(arg, "-") {
			continue
		}
		if u, err := url.Parse(arg); err == nil && u.Scheme == "file" {
			arg = u.Path
		}
		if !filepath.IsAbs(arg) {
			if data.WorkingDirectory == "" {
				continue
			}
			arg = filepath.Join(data.WorkingDirectory, arg)
		}
		if st, err := os.Stat(arg); err != nil || !st.Mode().IsRegular() {
			continue
		}
		out = append(out, filepath.Clean(arg))
	}
	return out, ""
}
