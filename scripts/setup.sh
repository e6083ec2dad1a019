#!/usr/bin/env bash
# Installs what building and testing Docsift needs on a Debian/Ubuntu
# machine. Idempotent: when everything is present it only checks (a few
# seconds, no network). Quiet unless it installs something; -v for detail.
#
#   scripts/setup.sh        check + install what is missing
#   scripts/setup.sh -v     the same, saying what it checks
#
# Environment:
#   DOCSIFT_EXTRA_APT_PACKAGES  more Debian packages to install (space separated)
#   DOCSIFT_TEST_POSTGRES_DSN   a PostgreSQL to test against (see services.sh)
#   DOCSIFT_PG_PROBE_PORT       port of the machine's PostgreSQL (default 5432)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOCSIFT_LOG_NAME=setup
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

if [[ ${1:-} == -v || ${1:-} == --verbose ]]; then
	DOCSIFT_VERBOSE=1
fi

# ---------------------------------------------------------------------------
# Extension points: add packages here, one concern per list.
#
# Always installed (Debian package names).
APT_PACKAGES=(
	build-essential
	pkg-config
	git
	curl
	ca-certificates
	postgresql-client # psql, pg_isready: services.sh probes PostgreSQL with them
	# OCR of scans and images (optional for users: without it documents are
	# kept with "text not available: OCR not installed"; the tests need it).
	tesseract-ocr
	tesseract-ocr-eng
	tesseract-ocr-deu
	# Headless browser of the web UI's end-to-end test (frontend/e2e).
	chromium
	# The word list `docsift-bench` builds its corpus from
	# (/usr/share/dict/words; without it the bench falls back to made-up words).
	wamerican
	# The desktop window (Wails v2 over WebKitGTK 4.1: `make desktop`) and
	# its smoke test under a virtual X server (scripts/smoke-desktop.sh:
	# screenshot with ImageMagick, an OS file drop driven with xdotool).
	libgtk-3-dev
	libwebkit2gtk-4.1-dev
	xvfb
	xauth
	imagemagick
	xdotool
	# The desktop's single-instance hand-off and notifications go over the
	# session bus: the smoke test runs under dbus-run-session and the
	# notification tests start their own dbus-daemon.
	dbus
	# `docsift service install` writes a systemd user unit; its test checks
	# the unit with systemd-analyze where no user systemd runs.
	systemd
	# The Debian package (`make package`: scripts/package.sh renders the
	# icons with rsvg-convert, finds Depends with dpkg-shlibdeps) and its
	# checks in `make test`: the three validators
	# (scripts/package-validate.sh), man for docsift(1), gio to open a file
	# through the installed desktop entry (scripts/package-test.sh).
	dpkg-dev
	librsvg2-bin
	desktop-file-utils
	appstream
	lintian
	man-db
	libglib2.0-bin
	# Later issues append here.
)
# Installed only when no PostgreSQL answers (services.sh then runs a private
# cluster with the server binaries from this package).
APT_PACKAGES_IF_NO_POSTGRES=(postgresql)

# Minimum Go version (go.mod's `go` line is the authority; keep in step).
GO_MIN=1.26
# Minimum Node.js for the frontend build (frontend/package.json's engines;
# Vite needs 20.19). Debian's nodejs package is older, so only check.
NODE_MIN=20.19
# ---------------------------------------------------------------------------

# shellcheck disable=SC2206 # word splitting is the point: a space separated list
EXTRA=(${DOCSIFT_EXTRA_APT_PACKAGES:-})

# 1. Go: not installable from apt at this version, so only check.
ensure_go_on_path
if ! command -v go >/dev/null 2>&1; then
	die "Go ${GO_MIN} or newer is required and was not found: install it from https://go.dev/dl/ into /usr/local/go (Debian's golang package is too old)."
fi
go_version=$(go env GOVERSION)
go_num=${go_version#go}
go_num=${go_num%%[!0-9.]*}
if [[ $(printf '%s\n%s\n' "$GO_MIN" "$go_num" | sort -V | head -n1) != "$GO_MIN" ]]; then
	die "Go ${GO_MIN} or newer is required but $(command -v go) is ${go_version}: install a newer Go from https://go.dev/dl/ (Debian's golang package is too old)."
fi
verbose "go: ${go_version} ($(command -v go))"

# 2. System packages.
apt_install "${APT_PACKAGES[@]}" ${EXTRA[@]+"${EXTRA[@]}"} || die "could not install the system packages above."

# 3. PostgreSQL server: only when none answers.
pg_probe="postgres://postgres@127.0.0.1:${DOCSIFT_PG_PROBE_PORT:-5432}/postgres?sslmode=disable"
if [[ -n ${DOCSIFT_TEST_POSTGRES_DSN:-} ]] && pg_answers "$DOCSIFT_TEST_POSTGRES_DSN"; then
	verbose "postgresql: DOCSIFT_TEST_POSTGRES_DSN answers"
elif pg_answers "$pg_probe"; then
	verbose "postgresql: ${pg_probe} answers"
else
	verbose "postgresql: none answers; services.sh will run a private cluster"
	apt_install "${APT_PACKAGES_IF_NO_POSTGRES[@]}" || die "could not install PostgreSQL."
fi

# 4. Go modules (no network when the module cache already has them).
if [[ -f go.mod ]]; then
	if ! out=$(go mod download 2>&1); then
		printf '%s\n' "$out" >&2
		die "go mod download failed."
	fi
	verbose "go modules: present"
fi

# 5. Node.js and the frontend's npm packages (npm ci only when
# node_modules is missing or older than the lockfile).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	die "Node.js ${NODE_MIN} or newer with npm is required to build the web UI and was not found: install it from https://nodejs.org (Debian's nodejs package is too old)."
fi
node_num=$(node -p 'process.versions.node')
if [[ $(printf '%s\n%s\n' "$NODE_MIN" "$node_num" | sort -V | head -n1) != "$NODE_MIN" ]]; then
	die "Node.js ${NODE_MIN} or newer is required but $(command -v node) is ${node_num}: install a newer Node.js from https://nodejs.org."
fi
verbose "node: ${node_num} ($(command -v node))"
if [[ ! -f frontend/node_modules/.package-lock.json || frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]]; then
	say "installing the frontend's npm packages (npm ci)"
	if ! out=$(cd frontend && npm ci --no-audit --no-fund 2>&1); then
		printf '%s\n' "$out" >&2
		die "npm ci failed in frontend/."
	fi
fi
verbose "frontend packages: present"

verbose "everything is present"
