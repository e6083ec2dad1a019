#!/usr/bin/env bash
# Install test of the Debian package, on this machine, for real:
#
#   1. `apt-get install ./DEB` (apt resolves its dependencies);
#   2. what it installed is where a desktop looks: /usr/bin/docsift answers
#      `docsift version` with VERSION, man finds docsift(1), the desktop
#      database (update-desktop-database, run by the desktop-file-utils
#      trigger) offers Docsift for PDFs, and the icon is in hicolor;
#      and without a display it serves the web UI;
#   3. the desktop smoke test (scripts/smoke-desktop.sh) against the
#      installed /usr/bin/docsift under Xvfb: window, bridge, screenshot
#      (build/e2e/package-window.png), OS file drop, clean exit;
#   4. "Open with Docsift": `gio launch` starts the installed desktop entry
#      with a file, as a file manager does (Exec=docsift %F), and the window
#      imports it (`docsift ls --json` lists it);
#   5. `apt-get remove docsift`, also when a step fails.
#
#   scripts/package-test.sh DEB
#
# Needs root (or sudo) for apt-get. A docsift package installed before the
# test would be replaced and then removed: the test refuses that unless
# CI=true. Environment: CI=true makes a missing tool fail (otherwise:
# skipped, loudly).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOCSIFT_LOG_NAME=package-test
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ID=io.github.docsift.Docsift

# ---------------------------------------------------------------------------
# Inside the virtual display: step 4.
open_with() {
	local work=$1 timeout=${DOCSIFT_SMOKE_TIMEOUT:-60}
	local file=$work/opened-with-docsift-$$.txt
	printf 'Opened with Docsift by the package install test (%s).\n' "$(date +%s%N)" >"$file"
	export DOCSIFT_DATA_DIR=$work/data DOCSIFT_LOG_LEVEL=info
	# The window's output reaches the log through gio, whose child it is.
	gio launch "/usr/share/applications/$ID.desktop" "$file" >"$work/app.log" 2>&1

	local wid="" deadline=$((SECONDS + timeout))
	until [[ -n $wid ]]; do
		wid=$(xdotool search --onlyvisible --name '^Docsift$' 2>/dev/null | head -n1 || true)
		((SECONDS < deadline)) || { cat "$work/app.log" >&2; die "gio launch opened no window titled Docsift within ${timeout}s"; }
		[[ -n $wid ]] || sleep 0.1
	done
	local pid
	pid=$(xdotool getwindowpid "$wid")
	[[ $(readlink "/proc/$pid/exe") == /usr/bin/docsift ]] || die "the window's process $pid is not /usr/bin/docsift"
	trap 'kill "$pid" 2>/dev/null || true' EXIT

	local name
	name=$(basename "$file")
	until /usr/bin/docsift ls --json --limit 20 >"$work/ls.json" 2>/dev/null && grep -qF "\"$name\"" "$work/ls.json"; do
		((SECONDS < deadline)) || { cat "$work/app.log" >&2; die "the opened file was not imported (docsift ls --json does not list $name)"; }
		sleep 0.2
	done
	grep -q 'files opened with Docsift' "$work/app.log" || die "the file arrived, but not as a file the window was opened with"
	say "open with: $name imported by the window \`gio launch $ID.desktop FILE\` started"

	# The window closes on SIGTERM; it is not our child, so wait by polling.
	kill -TERM "$pid"
	deadline=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null; do
		((SECONDS < deadline)) || die "the window did not exit within 30 s of SIGTERM"
		sleep 0.1
	done
	trap - EXIT
}

if [[ ${1:-} == --open-with ]]; then
	open_with "$2"
	exit 0
fi

# ---------------------------------------------------------------------------
if [[ $# -ne 1 ]]; then
	echo "usage: scripts/package-test.sh DEB" >&2
	exit 2
fi
deb=$(realpath "$1")
[[ -f $deb ]] || die "$1 does not exist (\`make package\` builds it)"
version=$(tr -d ' \n' <VERSION)

missing=()
for tool in apt-get dpkg-query man gio xvfb-run xdotool curl; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
	if is_ci; then
		die "missing under CI=true: ${missing[*]} (scripts/setup.sh installs them)"
	fi
	say "SKIPPING the package install test: missing ${missing[*]} (scripts/setup.sh installs them)"
	exit 0
fi
if [[ $EUID -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
	if is_ci; then
		die "the install test needs root or sudo for apt-get"
	fi
	say "SKIPPING the package install test: neither root nor sudo"
	exit 0
fi

before=$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' docsift 2>/dev/null || true)
if [[ $before == ii* ]]; then
	is_ci || die "a docsift package ($before) is installed here; the test would replace and remove it (CI=true allows that)"
	say "replacing the installed docsift package (${before#ii }) for the test; it is removed afterwards"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/docsift-package-test.XXXXXX")
remove() {
	say "apt-get remove docsift"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 remove -y -q docsift >>"$work/apt.log" 2>&1 ||
		{ tail -n 20 "$work/apt.log" >&2; say "ERROR: apt-get remove docsift failed"; }
	rm -rf "$work"
}
trap remove EXIT

# 1. Install.
say "apt-get install $deb"
if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "$deb" >"$work/apt.log" 2>&1; then
	tail -n 30 "$work/apt.log" >&2
	die "apt-get install failed"
fi
[[ $(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' docsift) == "ii  $version" ]] ||
	die "after apt-get install, docsift is $(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' docsift), want ii $version"

# 2. Where a desktop looks.
out=$(/usr/bin/docsift version)
[[ $out == "docsift $version" ]] || die "/usr/bin/docsift version says \"$out\", want \"docsift $version\""
page=$(man -w docsift) || die "man does not find docsift(1)"
[[ $page == /usr/share/man/man1/docsift.1.gz ]] || die "man finds $page, not the package's page"
MANWIDTH=80 man docsift 2>/dev/null | grep -q 'import' || die "man docsift does not show the commands"
grep -q "^application/pdf=.*$ID.desktop" /usr/share/applications/mimeinfo.cache ||
	die "the desktop database does not offer $ID.desktop for PDFs (mimeinfo.cache; the desktop-file-utils trigger updates it)"
[[ -f /usr/share/icons/hicolor/48x48/apps/$ID.png && -f /usr/share/icons/hicolor/scalable/apps/$ID.svg ]] ||
	die "the icon is not in the hicolor theme"
say "installed: docsift $version, docsift(1), \"Open with\" for PDFs in mimeinfo.cache, hicolor icons"

# Without a display, the same binary serves the web UI.
env -u DISPLAY -u WAYLAND_DISPLAY DOCSIFT_DATA_DIR="$work/serve" DOCSIFT_ADDR=127.0.0.1:0 /usr/bin/docsift >"$work/serve.log" 2>&1 &
server=$!
deadline=$((SECONDS + 60))
until url=$(sed -n 's|^docsift serve: listening on \(http://[^ ]*\)$|\1|p' "$work/serve.log" | head -n1) && [[ -n $url ]]; do
	kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; die "/usr/bin/docsift without a display exited instead of serving"; }
	((SECONDS < deadline)) || { kill "$server"; die "/usr/bin/docsift without a display did not start serving within 60 s"; }
	sleep 0.1
done
page=$(curl -fsS "$url/") || { kill "$server"; die "GET $url/ failed"; }
kill -TERM "$server"
code=0
wait "$server" || code=$?
[[ $page == *"<title>Docsift"* ]] || die "GET $url/ is not Docsift's page"
[[ $code == 0 ]] || die "docsift serve exited with $code after SIGTERM"
say "without a display: /usr/bin/docsift serves the web UI ($url)"

# 3. The desktop smoke test against the installed binary.
mkdir -p build/e2e
scripts/smoke-desktop.sh /usr/bin/docsift build/e2e/package-window.png

# 4. Open with Docsift, through the installed desktop entry.
xvfb-run -a -s "-screen 0 1280x900x24 -nolisten tcp" "$0" --open-with "$work"

# 5. Remove (the trap), and check it is gone.
trap - EXIT
remove
[[ ! -e /usr/bin/docsift ]] || die "/usr/bin/docsift is still there after apt-get remove"
say "removed: /usr/bin/docsift is gone"
say "ok"
