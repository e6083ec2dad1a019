#!/usr/bin/env bash
# Renders Docsift's icons from the one drawn source, build/appicon.svg
# (rsvg-convert from librsvg2-bin; ImageMagick's convert for the .ico).
#
#   scripts/icons.sh wails          build/appicon.png (1024x1024) and
#                                   build/windows/icon.ico, the files Wails
#                                   expects in build/ (committed: run this
#                                   after changing the SVG)
#   scripts/icons.sh hicolor DIR    DIR/NxN/apps/ID.png for every hicolor size
#                                   16..512 and DIR/scalable/apps/ID.svg
#                                   (`make package` renders into the package)
#
# Environment: DOCSIFT_APP_ID (default io.github.docsift.Docsift) names the
# icon files.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOCSIFT_LOG_NAME=icons
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

SRC=build/appicon.svg
ID=${DOCSIFT_APP_ID:-io.github.docsift.Docsift}
# The sizes of the hicolor theme that desktops look up for applications.
HICOLOR_SIZES=(16 22 24 32 48 64 128 256 512)
# The sizes inside the Windows icon (the largest is stored as PNG).
ICO_SIZES=(16 24 32 48 64 128 256)

command -v rsvg-convert >/dev/null 2>&1 || die "rsvg-convert is missing (Debian package librsvg2-bin; scripts/setup.sh installs it)"
[[ -f $SRC ]] || die "$SRC is missing"

# render SIZE OUT: the SVG as a SIZExSIZE PNG with transparency.
render() {
	rsvg-convert --width "$1" --height "$1" --keep-aspect-ratio --format png --output "$2" "$SRC"
}

case ${1:-} in
wails)
	command -v convert >/dev/null 2>&1 || die "ImageMagick's convert is missing (Debian package imagemagick; scripts/setup.sh installs it)"
	render 1024 build/appicon.png
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/docsift-icons.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	pngs=()
	for s in "${ICO_SIZES[@]}"; do
		render "$s" "$tmp/$s.png"
		pngs+=("$tmp/$s.png")
	done
	mkdir -p build/windows
	convert "${pngs[@]}" build/windows/icon.ico
	say "wrote build/appicon.png and build/windows/icon.ico from $SRC"
	;;
hicolor)
	[[ $# -eq 2 ]] || die "usage: scripts/icons.sh hicolor DIR"
	dir=$2
	for s in "${HICOLOR_SIZES[@]}"; do
		mkdir -p "$dir/${s}x${s}/apps"
		render "$s" "$dir/${s}x${s}/apps/$ID.png"
	done
	mkdir -p "$dir/scalable/apps"
	cp "$SRC" "$dir/scalable/apps/$ID.svg"
	verbose "wrote the hicolor icons ${HICOLOR_SIZES[*]} and scalable into $dir"
	;;
*)
	echo "usage: scripts/icons.sh wails | hicolor DIR" >&2
	exit 2
	;;
esac
