#!/usr/bin/env bash
# Desktop smoke test: starts the real desktop binary (`make desktop`) in a
# virtual X server and checks, through the real GTK + WebKit window:
#
#   1. the page calls a bound Go method over the Wails bridge: with
#      DOCSIFT_SMOKE=1 the App prints "smoke: bridge ok N documents" when
#      the page's first ListDocuments call is answered (and the launch
#      figure when its first page of all documents is);
#   2. the window is not blank: a screenshot of it (ImageMagick `import`)
#      must have colour variance and more than a handful of colours;
#   3. an OS file drop imports the file: a tiny GTK drag source (C, built
#      here with gcc against gtk3) offers a file as text/uri-list, xdotool
#      drags it onto the window, and `docsift ls --json` on the same data
#      directory (a second process) must list it;
#   4. one instance: a second `docsift FILE` for the same library hands
#      the file to the open window over the session bus (Wails'
#      single-instance lock; the test runs under dbus-run-session), exits
#      0 at once, and the window imports the file;
#   5. every screen through the real bridge: with DOCSIFT_SMOKE_WALK the
#      App walks the window through library, search, a document, topics
#      and settings (setting the page's address, waiting until the page
#      shows the screen and called Go for it); each is screenshotted
#      (SCREENSHOT's folder/desktop-NAME.png) and must not be blank;
#   6. SIGTERM closes the window, the process exits 0, and the window's
#      size and position were saved (XDG_CONFIG_HOME/docsift/window.json);
#   7. the next window opens at a saved size and position.
#
# It prints the launch figure (process start → first page of documents
# answered) and the idle RSS of the process (and of WebKit's helpers).
#
#   scripts/smoke-desktop.sh BINARY SCREENSHOT
#
# Environment:
#   CI=true                 a missing tool fails the run (otherwise: skipped, loudly)
#   DOCSIFT_SMOKE_SEED=N    seed N documents first (go run ./app/internal/smokeseed), for the launch figure
#   DOCSIFT_SMOKE_TIMEOUT   seconds to wait for the bridge marker (default 60)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOCSIFT_LOG_NAME=smoke-desktop
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# ---------------------------------------------------------------------------
# Inside the virtual display (the script runs itself under xvfb-run).
inside() {
	local bin=$1 shot=$2 work=$3
	local data=$work/data log=$work/app.log
	local timeout=${DOCSIFT_SMOKE_TIMEOUT:-60}

	# The file to drop: unique bytes, so it is never a duplicate.
	local drop=$work/smoke-drop-$$.txt
	printf 'Dropped onto the Docsift window by the desktop smoke test (%s).\n' "$(date +%s%N)" >"$drop"

	local start app walk=$work/walk
	mkdir -p "$walk"
	# The window's state file goes to the test's own config folder.
	export XDG_CONFIG_HOME=$work/config
	start=$(date +%s%N)
	# No command: with a display, the desktop build opens the window.
	DOCSIFT_DATA_DIR=$data DOCSIFT_SMOKE=1 DOCSIFT_SMOKE_WALK=$walk DOCSIFT_LOG_LEVEL=info "$bin" >"$log" 2>&1 &
	app=$!
	# Whatever happens, the window goes away with the test.
	trap 'kill "$app" 2>/dev/null || true' EXIT

	# 1. The bridge marker.
	local deadline=$((SECONDS + timeout))
	until grep -q '^smoke: bridge ok' "$log"; do
		if ! kill -0 "$app" 2>/dev/null; then
			cat "$log" >&2
			die "the desktop binary exited before the page called Go"
		fi
		((SECONDS < deadline)) || { cat "$log" >&2; die "no bridge marker within ${timeout}s"; }
		sleep 0.05
	done
	local launched_ms=$((($(date +%s%N) - start) / 1000000))
	say "$(grep -m1 '^smoke: bridge ok' "$log")"

	# 2. The window, found by its title, and its screenshot.
	local wid=""
	deadline=$((SECONDS + 20))
	until [[ -n $wid ]]; do
		wid=$(xdotool search --onlyvisible --name '^Docsift$' 2>/dev/null | head -n1 || true)
		((SECONDS < deadline)) || die "no visible window titled Docsift"
		[[ -n $wid ]] || sleep 0.1
	done
	sleep 1 # the first page renders after its data arrives
	import -window "$wid" "$shot"
	local sd colors
	not_blank "$shot"

	# Idle memory: the process's RSS (Go, GTK and WebKit's UI side), WebKit's
	# helper processes (web content, network), and what the Go runtime
	# holds, which the App prints 2 s after the marker.
	deadline=$((SECONDS + 10))
	until grep -q '^smoke: go memory idle' "$log"; do
		((SECONDS < deadline)) || break
		sleep 0.1
	done
	local rss helpers
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$app/status")
	helpers=$(ps --ppid "$app" -o rss= | awk '{ s += $1 } END { print s + 0 }')

	# 3. An OS file drop from another application.
	gcc -O1 -o "$work/dragsource" "$work/dragsource.c" $(pkg-config --cflags --libs gtk+-3.0)
	local geo X Y WIDTH HEIGHT
	geo=$(xdotool getwindowgeometry --shell "$wid")
	eval "$geo"
	local tx=$((X + WIDTH / 2)) ty=$((Y + HEIGHT / 2))
	# The source sits in the bottom-right corner, mapped after (so above)
	# the window.
	: >"$work/drag.log"
	"$work/dragsource" "$drop" 1100 800 >"$work/drag.log" 2>&1 &
	local source=$!
	deadline=$((SECONDS + 20))
	until grep -q '^dragsource: ready' "$work/drag.log"; do
		((SECONDS < deadline)) || die "the drag source did not start: $(cat "$work/drag.log")"
		sleep 0.05
	done
	local sid=""
	until [[ -n $sid ]]; do
		sid=$(xdotool search --onlyvisible --name '^docsift-drag-source$' 2>/dev/null | head -n1 || true)
		((SECONDS < deadline)) || die "the drag source window is not visible"
		[[ -n $sid ]] || sleep 0.05
	done
	geo=$(xdotool getwindowgeometry --shell "$sid")
	eval "$geo"
	local sx=$((X + WIDTH / 2)) sy=$((Y + HEIGHT / 2))
	# Press, move past GTK's drag threshold in small steps, travel to the
	# window's centre, hover a moment, release.
	xdotool mousemove "$sx" "$sy"
	sleep 0.2
	xdotool mousedown 1
	sleep 0.2
	local s
	for s in 4 8 16 32 64; do
		xdotool mousemove $((sx - s)) $((sy - s))
		sleep 0.05
	done
	for s in 1 2 3 4 5 6 7 8; do
		xdotool mousemove $((sx - 64 + (tx - sx + 64) * s / 8)) $((sy - 64 + (ty - sy + 64) * s / 8))
		sleep 0.05
	done
	for s in 1 2 3 4 5; do
		xdotool mousemove $((tx + s)) $((ty + s))
		sleep 0.1
	done
	xdotool mouseup 1
	local name
	name=$(basename "$drop")
	deadline=$((SECONDS + 30))
	# Newest first: the dropped file leads the list (at most 20 printed, so
	# grep reads it all even when documents were seeded).
	until DOCSIFT_DATA_DIR=$data "$bin" ls --json --limit 20 >"$work/ls.json" 2>/dev/null &&
		grep -qF "\"$name\"" "$work/ls.json"; do
		((SECONDS < deadline)) || {
			cat "$work/drag.log" "$log" >&2
			die "the dropped file was not imported (docsift ls --json does not list $name)"
		}
		sleep 0.2
	done
	grep -q 'files dropped' "$log" || die "the file arrived, but not through the OS drop"
	say "OS file drop: $name imported (docsift ls --json lists it)"
	kill "$source" 2>/dev/null || true

	# 4. One instance: a second docsift for the same library hands its file
	# to the open window and exits 0 without opening another.
	local second=$work/smoke-second-$$.txt second_out=$work/second.log code2=0
	printf 'Handed to the open Docsift window by a second docsift, smoke test (%s).\n' "$(date +%s%N)" >"$second"
	(cd "$work" && DOCSIFT_DATA_DIR=$data timeout 60 "$bin" "$(basename "$second")") >"$second_out" 2>&1 || code2=$?
	[[ $code2 == 0 ]] || { cat "$second_out" >&2; die "the second docsift exited with $code2"; }
	grep -q '^handed 1 file(s) to the open Docsift window' "$second_out" ||
		die "the second docsift did not hand its file over: $(cat "$second_out")"
	name=$(basename "$second")
	deadline=$((SECONDS + 30))
	until DOCSIFT_DATA_DIR=$data "$bin" ls --json --limit 20 >"$work/ls.json" 2>/dev/null &&
		grep -qF "\"$name\"" "$work/ls.json"; do
		((SECONDS < deadline)) || { cat "$log" >&2; die "the handed file was not imported ($name)"; }
		sleep 0.2
	done
	grep -q '^smoke: second instance handed 1 file(s)' "$log" || die "the window did not receive the file from the second docsift"
	say "one instance: a second \`docsift FILE\` handed $name to the open window, which imported it"

	# 5. Every screen, through the real bridge, screenshotted.
	local screen dir
	dir=$(dirname "$shot")
	: >"$walk/start"
	for screen in library search document topics settings; do
		deadline=$((SECONDS + 90))
		until grep -q "^smoke: screen $screen shown" "$log"; do
			if grep -q '^smoke: walk failed' "$log"; then
				cat "$log" >&2
				die "$(grep -m1 '^smoke: walk failed' "$log")"
			fi
			((SECONDS < deadline)) || { cat "$log" >&2; die "the window never showed the $screen screen"; }
			sleep 0.1
		done
		import -window "$wid" "$dir/desktop-$screen.png"
		not_blank "$dir/desktop-$screen.png"
		: >"$walk/$screen.done"
	done
	deadline=$((SECONDS + 10))
	until grep -q '^smoke: walk done' "$log"; do
		((SECONDS < deadline)) || die "the walk did not finish"
		sleep 0.1
	done
	say "every screen: library, search, document, topics, settings shown through the bridge (screenshots in $dir)"

	# 6. SIGTERM closes the window; the process exits cleanly.
	kill -TERM "$app"
	local code=0
	wait "$app" || code=$?
	trap - EXIT
	[[ $code == 0 ]] || { cat "$log" >&2; die "the desktop binary exited with $code after SIGTERM"; }
	local state=$XDG_CONFIG_HOME/docsift/window.json
	[[ -s $state ]] || die "the window did not save its size and position ($state)"
	grep -q '"width":[0-9]' "$state" || die "the saved window state has no size: $(cat "$state")"
	say "window state saved: $(cat "$state")"

	# 7. The next window opens with the saved size and position.
	printf '{"x":120,"y":90,"width":900,"height":640}' >"$state"
	: >"$work/app2.log"
	DOCSIFT_DATA_DIR=$data DOCSIFT_SMOKE=1 "$bin" desktop --no-watch >"$work/app2.log" 2>&1 &
	app=$!
	trap 'kill "$app" 2>/dev/null || true' EXIT
	deadline=$((SECONDS + timeout))
	until grep -q '^smoke: bridge ok' "$work/app2.log"; do
		kill -0 "$app" 2>/dev/null || { cat "$work/app2.log" >&2; die "the second window exited"; }
		((SECONDS < deadline)) || die "the second window did not start"
		sleep 0.05
	done
	wid=$(xdotool search --onlyvisible --name '^Docsift$' | head -n1)
	eval "$(xdotool getwindowgeometry --shell "$wid")"
	kill -TERM "$app"
	wait "$app" || true
	trap - EXIT
	[[ $WIDTH == 900 && $HEIGHT == 640 && $X == 120 && $Y == 90 ]] ||
		die "the window opened at ${WIDTH}x${HEIGHT}+${X}+${Y}, not at the saved 900x640+120+90"
	say "window state restored: ${WIDTH}x${HEIGHT}+${X}+${Y}"

	local gomem answered
	gomem=$(sed -n 's/^smoke: go memory idle: //p' "$log" | head -n1)
	answered=$(sed -n 's/^smoke: first page of all \([0-9]*\) documents answered \([0-9]*\) ms after start (the query took \(.*\) ms)$/\2 ms for \1 documents (the query \3 ms)/p' "$log" | head -n1)
	say "figures: launch (process start) to the bridge's first answer: ${launched_ms} ms measured here; to the first page of all documents: ${answered:-not seen} by the process itself; idle RSS: $((rss / 1024)) MiB (the Go process with GTK and WebKit's UI side), WebKit helper processes $((helpers / 1024)) MiB; Go runtime: ${gomem:-not reported}"
	say "ok"
}

# not_blank fails unless a screenshot has colour variance and more than
# a handful of colours.
not_blank() {
	local sd colors
	sd=$(identify -format '%[fx:standard_deviation]' "$1")
	colors=$(identify -format '%k' "$1")
	say "screenshot $1: standard deviation $sd, $colors colours"
	awk -v sd="$sd" -v c="$colors" 'BEGIN { exit !(sd > 0.02 && c > 16) }' ||
		die "the window looks blank (standard deviation $sd, $colors colours): see $1"
}

if [[ ${1:-} == --inside ]]; then
	shift
	inside "$@"
	exit 0
fi

# ---------------------------------------------------------------------------
# Outside: check the tools, prepare a data directory, start Xvfb.
if [[ $# -ne 2 ]]; then
	echo "usage: scripts/smoke-desktop.sh BINARY SCREENSHOT" >&2
	exit 2
fi
bin=$(realpath "$1")
shot=$(realpath -m "$2")
[[ -x $bin ]] || die "$1 is not an executable (build it with \`make desktop\`)"

missing=()
for tool in xvfb-run xauth Xvfb xdotool import identify gcc pkg-config dbus-run-session; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if command -v pkg-config >/dev/null 2>&1 && ! pkg-config --exists gtk+-3.0; then
	missing+=("gtk+-3.0 (libgtk-3-dev)")
fi
if [[ ${DOCSIFT_SMOKE_SEED:-0} -gt 0 ]]; then
	ensure_go_on_path
	command -v go >/dev/null 2>&1 || missing+=("go (for DOCSIFT_SMOKE_SEED)")
fi
if ((${#missing[@]} > 0)); then
	if is_ci; then
		die "missing under CI=true: ${missing[*]} (scripts/setup.sh installs them)"
	fi
	say "SKIPPING the desktop smoke test: missing ${missing[*]} (scripts/setup.sh installs them)"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/docsift-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$shot")"

# The drag source: a window whose label drags one file as text/uri-list,
# which is what a file manager offers. Usage: dragsource FILE X Y
cat >"$work/dragsource.c" <<'C'
#include <gtk/gtk.h>
#include <stdlib.h>

static gchar *uri;

static void on_get(GtkWidget *w, GdkDragContext *c, GtkSelectionData *d, guint info, guint t, gpointer u) {
	gchar *uris[] = {uri, NULL};
	gtk_selection_data_set_uris(d, uris);
}

static gboolean on_failed(GtkWidget *w, GdkDragContext *c, GtkDragResult r, gpointer u) {
	g_print("dragsource: drag failed (GtkDragResult %d)\n", r);
	return FALSE;
}

int main(int argc, char **argv) {
	gtk_init(&argc, &argv);
	if (argc != 4) return 2;
	uri = g_filename_to_uri(argv[1], NULL, NULL);
	GtkWidget *win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	gtk_window_set_title(GTK_WINDOW(win), "docsift-drag-source");
	gtk_window_set_default_size(GTK_WINDOW(win), 160, 80);
	gtk_window_move(GTK_WINDOW(win), atoi(argv[2]), atoi(argv[3]));
	GtkWidget *box = gtk_event_box_new();
	gtk_container_add(GTK_CONTAINER(box), gtk_label_new("drag me"));
	gtk_container_add(GTK_CONTAINER(win), box);
	gtk_drag_source_set(box, GDK_BUTTON1_MASK, NULL, 0, GDK_ACTION_COPY);
	gtk_drag_source_add_uri_targets(box);
	g_signal_connect(box, "drag-data-get", G_CALLBACK(on_get), NULL);
	g_signal_connect(box, "drag-failed", G_CALLBACK(on_failed), NULL);
	g_signal_connect(win, "destroy", G_CALLBACK(gtk_main_quit), NULL);
	gtk_widget_show_all(win);
	g_print("dragsource: ready\n");
	gtk_main();
	return 0;
}
C

# Optionally seed many documents (app/internal/smokeseed) for the launch
# figure at scale. `ls` first creates the database and its default user.
seed=${DOCSIFT_SMOKE_SEED:-0}
if ((seed > 0)); then
	DOCSIFT_DATA_DIR=$work/data "$bin" ls >/dev/null
	go run ./app/internal/smokeseed -n "$seed" "$work/data/docsift.db"
fi

# -nolisten tcp: the display is reachable only from this machine's sockets.
# A private session bus: the single-instance lock lives on it.
xvfb-run -a -s "-screen 0 1280x900x24 -nolisten tcp" dbus-run-session -- "$0" --inside "$bin" "$shot" "$work"
