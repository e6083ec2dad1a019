// Package notify shows desktop notifications through the freedesktop
// org.freedesktop.Notifications interface on the session bus (what GNOME,
// KDE, XFCE and the small notification daemons all speak), and turns the
// drop-folder watcher's events into one notification per batch of files
// ("12 documents imported, 1 failed"), clicking which opens the window
// on that batch.
//
// It knows the watcher's events and the library's settings, nothing of
// the window: what a click does is the caller's function. It must not
// block the watcher: a notification daemon that is slow or absent costs a
// log line, never an import.
package notify
