//go:build linux && (production || dev)

package app

// OS file drop on Linux, handled on the GTK side of the window.
//
// Wails v2.9.2's own Linux file drop (EnableFileDrop) only reports a drop
// that WebKit accepted, and WebKitGTK 2.50 (Debian 12) refuses drops of
// files from other applications in a Wails window: the drag ends with
// GTK_DRAG_RESULT_NO_TARGET, no dragover reaches the page and nothing
// reaches Go (wailsapp/wails#4673; checked under Xvfb by
// scripts/smoke-desktop.sh). So the window's web view gets three signal
// handlers that run before WebKit's: for a drag from another application
// that offers text/uri-list, drag-motion answers "copy", drag-drop asks
// for the URI list, and drag-data-received turns its file:// URIs into
// paths and hands them to Go. Drags that start inside the page (its own
// HTML5 drag and drop) are left to WebKit.

/*
#cgo pkg-config: gtk+-3.0
#include <gtk/gtk.h>
#include <stdint.h>
#include <string.h>

extern void docsiftFileDrop(uintptr_t handle, char *paths);

static GdkAtom uriList;

// external reports whether the drag comes from another application and
// offers a URI list.
static gboolean external(GdkDragContext *c) {
	if (gtk_drag_get_source_widget(c) != NULL) return FALSE;
	for (GList *t = gdk_drag_context_list_targets(c); t != NULL; t = t->next) {
		if (GDK_POINTER_TO_ATOM(t->data) == uriList) return TRUE;
	}
	return FALSE;
}

static gboolean onMotion(GtkWidget *w, GdkDragContext *c, gint x, gint y, guint time, gpointer data) {
	if (!external(c)) return FALSE;
	gdk_drag_status(c, GDK_ACTION_COPY, time);
	return TRUE;
}

static gboolean onDrop(GtkWidget *w, GdkDragContext *c, gint x, gint y, guint time, gpointer data) {
	if (!external(c)) return FALSE;
	g_object_set_data(G_OBJECT(c), "docsift-drop", GINT_TO_POINTER(1));
	gtk_drag_get_data(w, c, uriList, time);
	return TRUE;
}

static void onReceived(GtkWidget *w, GdkDragContext *c, gint x, gint y, GtkSelectionData *d, guint info, guint time, gpointer data) {
	if (g_object_get_data(G_OBJECT(c), "docsift-drop") == NULL) return;
	g_signal_stop_emission_by_name(w, "drag-data-received");
	gchar **uris = gtk_selection_data_get_uris(d);
	GString *paths = g_string_new(NULL);
	for (int i = 0; uris != NULL && uris[i] != NULL; i++) {
		gchar *path = g_filename_from_uri(uris[i], NULL, NULL);
		if (path == NULL) continue; // not a local file (http://…)
		if (paths->len > 0) g_string_append_c(paths, '\n');
		g_string_append(paths, path);
		g_free(path);
	}
	g_strfreev(uris);
	gtk_drag_finish(c, paths->len > 0, FALSE, time);
	if (paths->len > 0) docsiftFileDrop((uintptr_t)data, paths->str);
	g_string_free(paths, TRUE);
}

// findWebView returns the first descendant of w whose type is WebKit's
// web view.
static GtkWidget *findWebView(GtkWidget *w) {
	if (strcmp(G_OBJECT_TYPE_NAME(w), "WebKitWebView") == 0) return w;
	if (!GTK_IS_CONTAINER(w)) return NULL;
	GList *children = gtk_container_get_children(GTK_CONTAINER(w));
	GtkWidget *found = NULL;
	for (GList *l = children; l != NULL && found == NULL; l = l->next) found = findWebView(GTK_WIDGET(l->data));
	g_list_free(children);
	return found;
}

typedef struct { uintptr_t handle; int tries; } install;

// tryInstall runs on the GTK main loop until the web view exists.
static gboolean tryInstall(gpointer p) {
	install *in = p;
	GList *tops = gtk_window_list_toplevels();
	GtkWidget *view = NULL;
	for (GList *l = tops; l != NULL && view == NULL; l = l->next) view = findWebView(GTK_WIDGET(l->data));
	g_list_free(tops);
	if (view == NULL) {
		if (++in->tries < 200) return G_SOURCE_CONTINUE;
		g_free(in);
		return G_SOURCE_REMOVE;
	}
	gpointer h = (gpointer)in->handle;
	g_signal_connect(view, "drag-motion", G_CALLBACK(onMotion), h);
	g_signal_connect(view, "drag-drop", G_CALLBACK(onDrop), h);
	g_signal_connect(view, "drag-data-received", G_CALLBACK(onReceived), h);
	g_free(in);
	return G_SOURCE_REMOVE;
}

static void installDrop(uintptr_t handle) {
	uriList = gdk_atom_intern_static_string("text/uri-list");
	install *in = g_new0(install, 1);
	in->handle = handle;
	g_timeout_add(50, tryInstall, in);
}
*/
import "C"

import (
	"runtime/cgo"
	"strings"
)

// nativeDrop is true: this build handles OS drops itself (see above), so
// Wails' own file drop stays off (it would report nothing here, and where
// it did, every drop twice).
const nativeDrop = true

// installNativeDrop connects the handlers to the window's web view as soon
// as it exists; cb receives the paths of each drop. The handle lives as
// long as the process (one window per process).
func installNativeDrop(cb func(x, y int, paths []string)) {
	C.installDrop(C.uintptr_t(cgo.NewHandle(cb)))
}

//export docsiftFileDrop
func docsiftFileDrop(handle C.uintptr_t, paths *C.char) {
	cb := cgo.Handle(handle).Value().(func(x, y int, paths []string))
	list := strings.Split(C.GoString(paths), "\n")
	// Called on the GTK main loop: hand over and return at once.
	go cb(0, 0, list)
}
