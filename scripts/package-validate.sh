#!/usr/bin/env bash
# Validates the Debian package with the three tools distributions use, and
# prints what each says:
#
#   desktop-file-validate  the desktop entry, as installed
#   appstreamcli           validate-tree over the package's files: the
#                          metainfo, and that its launchable desktop entry
#                          and icon are there
#   lintian                the package itself (Debian Policy); any error
#                          fails (--fail-on error), warnings are shown
#
#   scripts/package-validate.sh DEB
#
# Environment: CI=true makes a missing tool fail (otherwise: skipped,
# loudly).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOCSIFT_LOG_NAME=package-validate
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

if [[ $# -ne 1 ]]; then
	echo "usage: scripts/package-validate.sh DEB" >&2
	exit 2
fi
deb=$1
[[ -f $deb ]] || die "$deb does not exist (\`make package\` builds it)"

missing=()
for tool in dpkg-deb desktop-file-validate appstreamcli lintian; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
	if is_ci; then
		die "missing under CI=true: ${missing[*]} (scripts/setup.sh installs desktop-file-utils, appstream and lintian)"
	fi
	say "SKIPPING the package's validation: missing ${missing[*]} (scripts/setup.sh installs them)"
	exit 0
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/docsift-deb.XXXXXX")
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"

mapfile -t entries < <(find "$root/usr/share/applications" -name '*.desktop' 2>/dev/null)
((${#entries[@]} == 1)) || die "the package holds ${#entries[@]} desktop entries, want 1"
say "desktop-file-validate ${entries[0]#"$root"}"
# It prints nothing for a valid entry, hints and errors otherwise; any
# error makes it exit non-zero.
desktop-file-validate "${entries[0]}" || die "desktop-file-validate found errors (above)"
say "desktop-file-validate: ok"

say "appstreamcli validate-tree (metainfo, its desktop entry and icon)"
appstreamcli validate-tree --no-net --pedantic "$root" || die "appstreamcli found errors (above)"

say "lintian $(basename "$deb")"
# Root runs are discouraged by lintian, not refused; say so once here.
lintian_out=$(lintian --fail-on error --pedantic "$deb" 2>&1) || {
	printf '%s\n' "$lintian_out" >&2
	die "lintian found errors (above)"
}
lintian_out=$(grep -v '^running with root privileges' <<<"$lintian_out" || true)
if [[ -n $lintian_out ]]; then
	printf '%s\n' "$lintian_out" >&2
fi
say "lintian: no errors ($(grep -c '^W:' <<<"$lintian_out" || true) warnings, $(grep -c '^[IP]:' <<<"$lintian_out" || true) notes; the overrides it honoured are in usr/share/lintian/overrides/docsift)"
