# shellcheck shell=bash
# Helpers shared by scripts/setup.sh and scripts/services.sh. Source it; do
# not run it. Everything here is quiet unless something is done or wrong.

# Name shown in front of every message; the sourcing script may override it.
DOCSIFT_LOG_NAME=${DOCSIFT_LOG_NAME:-docsift}
DOCSIFT_VERBOSE=${DOCSIFT_VERBOSE:-0}

say() { printf '%s: %s\n' "$DOCSIFT_LOG_NAME" "$*" >&2; }
verbose() { if [[ $DOCSIFT_VERBOSE == 1 ]]; then say "$@"; fi; }
die() {
	say "ERROR: $*"
	exit 1
}
is_ci() { [[ ${CI:-} == true ]]; }

# The Go toolchain from the official tarball lives in /usr/local/go; make it
# visible even when the caller's PATH does not name it.
ensure_go_on_path() {
	if ! command -v go >/dev/null 2>&1; then
		local d
		for d in /usr/local/go/bin "$HOME/go/bin" "$HOME/sdk/go/bin"; do
			if [[ -x $d/go ]]; then
				PATH=$d:$PATH
				export PATH
				return 0
			fi
		done
	fi
}

# Runs a command as root: directly when we are root, via sudo otherwise.
as_root() {
	if [[ $EUID -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $* (install sudo or run as root)"
	fi
}

# missing_apt_packages PKG... prints the packages that are not installed.
missing_apt_packages() {
	local pkg status
	for pkg in "$@"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
		if [[ $status != ii* ]]; then
			printf '%s\n' "$pkg"
		fi
	done
}

# apt_install PKG... installs the packages that are missing, running
# `apt-get update` first only when there is something to install. Prints
# what it installs; apt's own output goes to a log shown only on failure.
apt_install() {
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
		say "not a Debian/Ubuntu machine (no apt-get): make sure these are installed: $*"
		return 1
	fi
	local -a missing
	mapfile -t missing < <(missing_apt_packages "$@")
	if [[ ${#missing[@]} -eq 0 ]]; then
		return 0
	fi
	say "installing: ${missing[*]}"
	local log
	log=$(mktemp "${TMPDIR:-/tmp}/docsift-apt.XXXXXX")
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
		! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$log" 2>&1; then
		say "apt-get failed; last lines of $log:"
		tail -n 30 "$log" >&2
		return 1
	fi
	verbose "apt-get log: $log"
	rm -f "$log"
	say "installed: ${missing[*]}"
}

# pg_answers DSN: true when a PostgreSQL at DSN accepts `select 1` without a
# password prompt.
pg_answers() {
	local dsn=$1 out
	command -v psql >/dev/null 2>&1 || return 1
	out=$(PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-3} psql -X -w -q -A -t -d "$dsn" -c 'select 1' 2>/dev/null) || return 1
	[[ $out == 1 ]]
}
