#!/usr/bin/env bash
# Builds the Debian package of the desktop application from a desktop
# binary (`make desktop`): build/package/docsift_VERSION_amd64.deb.
#
#   scripts/package.sh BINARY
#
# The package holds /usr/bin/docsift (the desktop build: with no arguments
# and a display it opens the window, otherwise it serves), the desktop entry
# (installed under the application id), the AppStream metainfo, the hicolor
# icons rendered from build/appicon.svg, docsift(1) generated from the
# command table (cmd/docsift-man), the copyright file with the licences of
# what the binary bundles, and a changelog. Depends is what dpkg-shlibdeps
# finds the binary linked against (WebKitGTK 4.1, GTK 3, GLib, libc);
# tesseract-ocr is recommended (OCR of scans).
#
# The version is VERSION's; wails.json's info.productVersion and the
# metainfo's newest release must say the same. Dates and file times come
# from the last commit (SOURCE_DATE_EPOCH), so the same sources give the
# same package.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOCSIFT_LOG_NAME=package
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_go_on_path

if [[ $# -ne 1 ]]; then
	echo "usage: scripts/package.sh BINARY" >&2
	exit 2
fi
bin=$1
[[ -x $bin ]] || die "$bin is not an executable (build it with \`make desktop\`)"

ID=io.github.docsift.Docsift
NAME=docsift
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
# No mailing list exists yet: the address is reserved as unroutable (.invalid).
MAINTAINER="Docsift developers <maintainers@docsift.invalid>"
HOMEPAGE=https://github.com/docsift/docsift

missing=()
for tool in dpkg-deb dpkg-shlibdeps rsvg-convert gzip go; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0)) || die "missing: ${missing[*]} (scripts/setup.sh installs them)"

# --- The version, said the same in every place that says it.
version=$(tr -d ' \n' <VERSION)
[[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || die "VERSION holds \"$version\", which is not a Debian version (digits first, then letters, digits, . + ~)"
grep -qF "\"productVersion\": \"$version\"" wails.json ||
	die "wails.json's info.productVersion is not $version (VERSION): make them the same"
newest=$(grep -o '<release version="[^"]*"' "build/linux/$ID.metainfo.xml" | head -n1 | cut -d'"' -f2)
[[ $newest == "$version" ]] ||
	die "the newest <release> in build/linux/$ID.metainfo.xml is \"$newest\", not $version (VERSION): add a release entry for it"

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
day=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

out=build/package
root=$out/${NAME}_${version}_${ARCH}
deb=$out/${NAME}_${version}_${ARCH}.deb
rm -rf "$root" "$deb"
mkdir -p "$root/DEBIAN"

# --- Files.
install -D -m 0755 "$bin" "$root/usr/bin/docsift"
install -D -m 0644 build/linux/docsift.desktop "$root/usr/share/applications/$ID.desktop"
install -D -m 0644 "build/linux/$ID.metainfo.xml" "$root/usr/share/metainfo/$ID.metainfo.xml"
scripts/icons.sh hicolor "$root/usr/share/icons/hicolor"

mkdir -p "$root/usr/share/man/man1"
go run ./cmd/docsift-man --version "$version" --date "$day" >"$root/usr/share/man/man1/docsift.1"
gzip -9n "$root/usr/share/man/man1/docsift.1"

doc=$root/usr/share/doc/$NAME
mkdir -p "$doc"
changelog_date=$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")
cat >"$doc/changelog" <<EOF
$NAME ($version) unstable; urgency=medium

  * Built from commit $commit of the Docsift repository; its history
    is the detailed changelog.

 -- $MAINTAINER  $changelog_date
EOF
gzip -9n "$doc/changelog"

# The copyright file: Docsift's own notice, then the licence of every Go
# module linked into the binary (from `go version -m` and the module cache)
# and of the web UI's runtime (Svelte, bundled into the page).
modcache=$(go env GOMODCACHE)
# licence_text FILE prints a licence file, or, for a licence Debian ships in
# /usr/share/common-licenses (Policy 12.5), a reference to it instead of the
# full text.
licence_text() {
	if grep -q 'Version 2.0, January 2004' "$1" && grep -q 'TERMS AND CONDITIONS FOR USE, REPRODUCTION' "$1"; then
		echo "Licensed under the Apache License, Version 2.0: /usr/share/common-licenses/Apache-2.0"
	elif grep -qiE '^Mozilla Public License,? [Vv]ersion 2\.0' "$1" && grep -q 'Definitions' "$1"; then
		echo "Licensed under the Mozilla Public License, version 2.0: /usr/share/common-licenses/MPL-2.0"
	else
		sed -e 's/[[:space:]]*$//' "$1"
	fi
}
{
	cat <<EOF
Docsift, a local-first document manager
Source: $HOMEPAGE

Copyright 2026 Docsift developers.

No licence for Docsift itself has been published yet; until one is, the
Docsift developers reserve all rights to its code, and this package is for
evaluation.

/usr/bin/docsift also contains the Go modules and the web UI runtime listed
below, each under its own licence, reproduced here.
EOF
	goroot=$(go env GOROOT)
	printf '\n%s\nthe Go runtime and standard library %s: LICENSE\n\n' "------------------------------------------------------------------------" "$(go env GOVERSION)"
	licence_text "$goroot/LICENSE"
	while read -r kind mod ver _; do
		[[ $kind == dep ]] || continue
		# The module cache spells capital letters as !lower-case.
		escaped=$(printf '%s' "$mod" | sed -e 's/[A-Z]/!\L&/g')
		dir=$modcache/$escaped@$ver
		mapfile -t files < <(find "$dir" -maxdepth 1 -type f \( -iname 'LICENSE*' -o -iname 'LICENCE*' -o -iname 'COPYING*' -o -iname 'NOTICE*' \) 2>/dev/null | sort)
		[[ -d $dir ]] || die "the Go module $mod $ver is not in the module cache (run \`go mod download\`)"
		if ((${#files[@]} == 0)); then
			# Said, not hidden: a module that publishes no licence at all.
			printf '\n%s\n%s %s: publishes no licence file\n' "------------------------------------------------------------------------" "$mod" "$ver"
			say "note: the Go module $mod $ver publishes no licence file; the copyright file says so"
			continue
		fi
		for f in "${files[@]}"; do
			printf '\n%s\n%s %s: %s\n\n' "------------------------------------------------------------------------" "$mod" "$ver" "$(basename "$f")"
			licence_text "$f"
		done
	done < <(go version -m "$bin" | sed -e 's/^[[:space:]]*//')
	svelte=frontend/node_modules/svelte
	if [[ -f $svelte/LICENSE.md ]]; then
		printf '\n%s\nsvelte %s (the web UI runtime): LICENSE.md\n\n' "------------------------------------------------------------------------" \
			"$(sed -n 's/^[[:space:]]*"version": "\(.*\)",$/\1/p' "$svelte/package.json" | head -n1)"
		licence_text "$svelte/LICENSE.md"
	else
		die "$svelte/LICENSE.md is missing (the frontend's npm packages: scripts/setup.sh)"
	fi
} >"$doc/copyright"

# Lintian's embedded-library check finds these libraries' code in the
# binary: they are parts of PDFium compiled to WebAssembly, which
# go-pdfium embeds and runs in a sandboxed runtime (backend/extract),
# where the system's shared libraries cannot be used.
install -d "$root/usr/share/lintian/overrides"
{
	echo "# PDFium, compiled to WebAssembly and embedded by go-pdfium, contains"
	echo "# these libraries; the WebAssembly runtime cannot load system copies."
	for lib in freetype lcms2 libjpeg openjpeg; do
		echo "$NAME: embedded-library $lib [usr/bin/docsift]"
	done
} >"$root/usr/share/lintian/overrides/$NAME"
chmod 0644 "$root/usr/share/lintian/overrides/$NAME"

# --- Control: dependencies from the libraries the binary links.
shlib=$(mktemp -d "${TMPDIR:-/tmp}/docsift-shlibs.XXXXXX")
trap 'rm -rf "$shlib"' EXIT
mkdir -p "$shlib/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$NAME" "$NAME" >"$shlib/debian/control"
abs_bin=$(realpath "$root/usr/bin/docsift")
depends=$(cd "$shlib" && dpkg-shlibdeps -O -e"$abs_bin" 2>"$shlib/warnings" | sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || die "dpkg-shlibdeps found no dependencies: $(cat "$shlib/warnings")"
for need in libwebkit2gtk-4.1-0 libgtk-3-0 libc6; do
	[[ $depends == *"$need"* ]] || die "the binary does not link $need (Depends: $depends): is $bin the desktop build?"
done

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOF
Package: $NAME
Version: $version
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $installed_size
Depends: $depends
Recommends: tesseract-ocr
Suggests: tesseract-ocr-deu
Section: misc
Priority: optional
Homepage: $HOMEPAGE
Description: local-first document manager
 Docsift keeps, sorts and finds documents: scans, PDFs, office files,
 images and e-mails. Drag them onto its window, open them with Docsift
 from the file manager, or drop them into a watched folder; Docsift keeps
 a copy, extracts their text (with OCR for scans when tesseract-ocr is
 installed), sorts them into topics with a classifier that learns from
 corrections, and searches their full text.
 .
 Without a display, docsift serves the same user interface over HTTP.
EOF

(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +
find "$root" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +

dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
say "built $deb ($(du -h "$deb" | cut -f1); Depends: $depends)"
