#!/usr/bin/env bash
# The real services Docsift's tests run against, on 127.0.0.1:
#
#   PostgreSQL  DOCSIFT_TEST_POSTGRES_DSN if it answers; else the machine's
#               server on 127.0.0.1:5432 (trust auth, user postgres); else a
#               private cluster on port 55432 run by this script.
#   MinIO       the real server (AGPL: run as a separate process, never
#               imported), built once into $DOCSIFT_TOOLS/bin/minio, started
#               on 127.0.0.1:19000 with a fresh data dir.
#
# Usage: scripts/services.sh start|stop|status|env [postgres|minio] [-v]
#   (no service name: both)
#   start   idempotent: reuses whatever already answers
#   stop    stops only what this script started (pid files / its own cluster)
#   status  prints what is up (exit 0 when both are up)
#   env     prints export lines: eval "$(scripts/services.sh env)"
#
# Outside CI a service that cannot be started is reported and the tests that
# need it skip; under CI=true it is an error (exit 1).
#
# Environment (all optional):
#   DOCSIFT_SERVICES_DIR        state: data, logs, pid files (/tmp/docsift-services;
#                               must be reachable by the postgres user)
#   DOCSIFT_TOOLS               tool cache outside the checkout (~/.cache/docsift-tools)
#   DOCSIFT_TEST_POSTGRES_DSN   a PostgreSQL to use instead of the probes
#   DOCSIFT_PG_PROBE_HOST/PORT  the machine's PostgreSQL (127.0.0.1 / 5432)
#   DOCSIFT_PG_PORT             the private cluster's port (55432)
#   DOCSIFT_MINIO_PORT, DOCSIFT_MINIO_CONSOLE_PORT   (19000, 19001)
#   DOCSIFT_MINIO_USER, DOCSIFT_MINIO_PASSWORD       (docsift-test, docsift-test-secret)
#   DOCSIFT_MINIO_TIMEOUT       seconds to wait for MinIO to be ready (30)
#   DOCSIFT_VERBOSE=1           say more
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCSIFT_LOG_NAME=services
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

STATE_DIR=${DOCSIFT_SERVICES_DIR:-/tmp/docsift-services}

PG_PROBE_HOST=${DOCSIFT_PG_PROBE_HOST:-127.0.0.1}
PG_PROBE_PORT=${DOCSIFT_PG_PROBE_PORT:-5432}
PG_PORT=${DOCSIFT_PG_PORT:-55432}
PG_DIR=$STATE_DIR/pg
PG_DATA=$PG_DIR/data
PG_SOCKET_DIR=$PG_DIR/run
PG_LOG=$PG_DIR/postgres.log
PG_PROBE_DSN="postgres://postgres@${PG_PROBE_HOST}:${PG_PROBE_PORT}/postgres?sslmode=disable"
PG_PRIVATE_DSN="postgres://postgres@127.0.0.1:${PG_PORT}/postgres?sslmode=disable"

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
TOOLS_DIR=${DOCSIFT_TOOLS:-$HOME/.cache/docsift-tools}
MINIO_BIN=$TOOLS_DIR/bin/minio
MINIO_STAMP=$TOOLS_DIR/bin/minio.version
MINIO_BUILD_LOG=$TOOLS_DIR/minio-build.log
MINIO_HOST=127.0.0.1
MINIO_PORT=${DOCSIFT_MINIO_PORT:-19000}
MINIO_CONSOLE_PORT=${DOCSIFT_MINIO_CONSOLE_PORT:-19001}
MINIO_ADDR=$MINIO_HOST:$MINIO_PORT
MINIO_USER=${DOCSIFT_MINIO_USER:-docsift-test}
MINIO_PASSWORD=${DOCSIFT_MINIO_PASSWORD:-docsift-test-secret}
MINIO_TIMEOUT=${DOCSIFT_MINIO_TIMEOUT:-30}
MINIO_BUILD_WAIT=${DOCSIFT_MINIO_BUILD_WAIT:-900}
MINIO_DIR=$STATE_DIR/minio
MINIO_DATA=$MINIO_DIR/data
MINIO_LOG=$MINIO_DIR/minio.log
MINIO_PID=$MINIO_DIR/minio.pid

# A service that could not be brought up: fatal under CI, a warning otherwise.
FAILED=0
fail_service() {
	if is_ci; then
		die "$*"
	fi
	say "WARNING: $* Tests that need it will be skipped."
	FAILED=1
}

# port_open HOST PORT: something accepts TCP connections there.
port_open() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout 2 bash -c ': </dev/tcp/"$1"/"$2"' _ "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------- PostgreSQL

# Prints the postgres server binaries' directory (initdb, pg_ctl).
pg_bindir() {
	local d
	while read -r d; do
		if [[ -x $d/initdb && -x $d/pg_ctl ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return 0
	fi
	return 1
}

# The private cluster's processes run as the postgres user when we are root
# (initdb refuses root), as ourselves otherwise.
as_pg() {
	if [[ $EUID -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_private_running() {
	[[ -f $PG_DATA/PG_VERSION ]] || return 1
	local bindir
	bindir=$(pg_bindir) || return 1
	as_pg "$bindir/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

# Prints the DSN of the PostgreSQL the tests should use; fails if none answers.
pg_select() {
	if [[ -n ${DOCSIFT_TEST_POSTGRES_DSN:-} ]] && pg_answers "$DOCSIFT_TEST_POSTGRES_DSN"; then
		printf '%s\n' "$DOCSIFT_TEST_POSTGRES_DSN"
	elif pg_answers "$PG_PROBE_DSN"; then
		printf '%s\n' "$PG_PROBE_DSN"
	elif pg_answers "$PG_PRIVATE_DSN"; then
		printf '%s\n' "$PG_PRIVATE_DSN"
	else
		return 1
	fi
}

pg_describe() {
	case $1 in
	"${DOCSIFT_TEST_POSTGRES_DSN:-}") echo "from DOCSIFT_TEST_POSTGRES_DSN" ;;
	"$PG_PROBE_DSN") echo "the machine's server" ;;
	"$PG_PRIVATE_DSN") echo "private cluster started by services.sh, data $PG_DATA, log $PG_LOG" ;;
	*) echo "" ;;
	esac
}

pg_start() {
	# psql is how we tell whether a server answers.
	if ! command -v psql >/dev/null 2>&1; then
		apt_install postgresql-client || true
	fi
	if ! command -v psql >/dev/null 2>&1; then
		fail_service "PostgreSQL: psql is missing and could not be installed (run scripts/setup.sh)."
		return 0
	fi
	if [[ -n ${DOCSIFT_TEST_POSTGRES_DSN:-} ]] && ! pg_answers "$DOCSIFT_TEST_POSTGRES_DSN"; then
		say "DOCSIFT_TEST_POSTGRES_DSN is set but does not answer; trying the others."
	fi
	local dsn
	if dsn=$(pg_select); then
		verbose "postgres: up: $dsn ($(pg_describe "$dsn"))"
		return 0
	fi
	verbose "postgres: nothing answers on ${PG_PROBE_HOST}:${PG_PROBE_PORT}; starting a private cluster on 127.0.0.1:${PG_PORT}"
	pg_private_start
}

pg_private_start() {
	local bindir
	if ! bindir=$(pg_bindir); then
		apt_install postgresql || true
	fi
	if ! bindir=$(pg_bindir); then
		fail_service "PostgreSQL: no server answers and the postgresql package (initdb, pg_ctl) could not be installed."
		return 0
	fi
	if [[ $EUID -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
		fail_service "PostgreSQL: there is no 'postgres' system user to run the private cluster as (reinstall the postgresql package)."
		return 0
	fi
	if port_open 127.0.0.1 "$PG_PORT" && ! pg_private_running; then
		fail_service "PostgreSQL: port 127.0.0.1:${PG_PORT} is taken by something that is not our cluster (set DOCSIFT_PG_PORT)."
		return 0
	fi

	mkdir -p "$STATE_DIR" "$PG_DIR" "$PG_SOCKET_DIR"
	if [[ $EUID -eq 0 ]]; then
		chmod 755 "$STATE_DIR"
		chown postgres: "$PG_DIR" "$PG_SOCKET_DIR"
		if ! runuser -u postgres -- test -w "$PG_DIR"; then
			fail_service "PostgreSQL: the postgres user cannot write to $PG_DIR (a parent directory is private); set DOCSIFT_SERVICES_DIR to a directory under /tmp."
			return 0
		fi
	fi

	if [[ ! -f $PG_DATA/PG_VERSION ]]; then
		rm -rf "$PG_DATA"
		say "creating a private PostgreSQL cluster in $PG_DATA"
		local out
		if ! out=$(as_pg "$bindir/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C 2>&1); then
			printf '%s\n' "$out" >&2
			fail_service "PostgreSQL: initdb failed."
			return 0
		fi
		printf "\ninclude_if_exists = 'docsift.conf'\n" | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
	fi
	# Rewritten at every start so that a changed port or state dir takes effect.
	as_pg tee "$PG_DATA/docsift.conf" >/dev/null <<EOF
# Written by scripts/services.sh; a throwaway test cluster.
listen_addresses = '127.0.0.1'
port = ${PG_PORT}
unix_socket_directories = '${PG_SOCKET_DIR}'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

	if ! pg_private_running; then
		# setsid: the server outlives the shell (and make) that started it.
		if ! as_pg setsid -w "$bindir/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 30 >/dev/null 2>&1 9>&-; then
			tail -n 20 "$PG_LOG" >&2 || true
			fail_service "PostgreSQL: the private cluster did not start (log: $PG_LOG)."
			return 0
		fi
		say "started PostgreSQL: $PG_PRIVATE_DSN (log $PG_LOG)"
	fi
	if ! pg_answers "$PG_PRIVATE_DSN"; then
		fail_service "PostgreSQL: the private cluster runs but does not answer on $PG_PRIVATE_DSN (log: $PG_LOG)."
	fi
}

pg_stop() {
	if pg_private_running; then
		local bindir
		bindir=$(pg_bindir)
		as_pg "$bindir/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null
		say "stopped PostgreSQL private cluster (127.0.0.1:${PG_PORT})"
	else
		verbose "postgres: no private cluster running (the machine's server is never stopped)"
	fi
}

# --------------------------------------------------------------------- MinIO

minio_healthy() {
	curl -fsS -o /dev/null -m 2 "http://${MINIO_ADDR}/minio/health/ready" 2>/dev/null
}

# The server at MINIO_ADDR accepts our credentials (signed ListBuckets).
minio_credentials_ok() {
	local code
	code=$(curl -sS -o /dev/null -w '%{http_code}' -m 5 \
		--aws-sigv4 "aws:amz:us-east-1:s3" --user "${MINIO_USER}:${MINIO_PASSWORD}" \
		"http://${MINIO_ADDR}/" 2>/dev/null) || return 1
	[[ $code == 200 ]]
}

# Prints the pid of the MinIO this script started, if it is still running.
minio_our_pid() {
	[[ -f $MINIO_PID ]] || return 1
	local pid
	pid=$(<"$MINIO_PID")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# Guard against a recycled pid.
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "minio server" || return 1
	printf '%s\n' "$pid"
}

minio_binary_ok() {
	[[ -x $MINIO_BIN ]] || return 1
	if [[ -f $MINIO_STAMP && $(<"$MINIO_STAMP") == "$MINIO_MODULE@$MINIO_VERSION" ]]; then
		return 0
	fi
	# No stamp (e.g. built by hand): trust the build info embedded by go.
	if go version -m "$MINIO_BIN" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+${MINIO_MODULE}[[:space:]]+${MINIO_VERSION}([[:space:]]|$)"; then
		printf '%s\n' "$MINIO_MODULE@$MINIO_VERSION" >"$MINIO_STAMP"
		return 0
	fi
	return 1
}

minio_build_running() {
	pgrep -f "go install ${MINIO_MODULE}@" >/dev/null 2>&1
}

# Builds the pinned MinIO into the tool cache once (4-8 min cold).
minio_ensure_binary() {
	ensure_go_on_path
	if minio_binary_ok && ! minio_build_running; then
		return 0
	fi
	mkdir -p "$TOOLS_DIR/bin"
	# Another build (by hand or by a concurrent run) is under way: wait for it.
	local waited=0
	if minio_build_running; then
		say "a MinIO build is already running (log: $MINIO_BUILD_LOG); waiting for it…"
		while minio_build_running && ((waited < MINIO_BUILD_WAIT)); do
			sleep 5
			waited=$((waited + 5))
		done
		if minio_binary_ok; then
			return 0
		fi
	fi
	(
		# One build at a time; whoever gets the lock second finds the binary.
		exec 8>"$TOOLS_DIR/minio-build.lock"
		flock 8
		if minio_binary_ok; then
			exit 0
		fi
		say "building MinIO ${MINIO_VERSION} into $MINIO_BIN (once; 4-8 minutes; log: $MINIO_BUILD_LOG)"
		local tmp
		tmp=$(mktemp -d "$TOOLS_DIR/build.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		# Outside the checkout so the project's go.mod is never touched.
		if ! (cd "$tmp" && GOWORK=off GOFLAGS=-mod=mod GOBIN="$tmp/bin" \
			go install "${MINIO_MODULE}@${MINIO_VERSION}") >"$MINIO_BUILD_LOG" 2>&1; then
			tail -n 20 "$MINIO_BUILD_LOG" >&2
			exit 1
		fi
		mv -f "$tmp/bin/minio" "$MINIO_BIN"
		printf '%s\n' "$MINIO_MODULE@$MINIO_VERSION" >"$MINIO_STAMP"
		say "built $MINIO_BIN"
	)
}

minio_start() {
	if minio_healthy; then
		local pid
		if pid=$(minio_our_pid); then
			verbose "minio: up on $MINIO_ADDR (pid $pid)"
		else
			say "reusing the MinIO already answering on $MINIO_ADDR"
		fi
		if ! minio_credentials_ok; then
			fail_service "MinIO on $MINIO_ADDR rejects the test credentials ($MINIO_USER); stop it or set DOCSIFT_MINIO_PORT."
		fi
		return 0
	fi
	if ! minio_our_pid >/dev/null && port_open "$MINIO_HOST" "$MINIO_PORT"; then
		fail_service "MinIO: port $MINIO_ADDR is taken by something that is not a ready MinIO (set DOCSIFT_MINIO_PORT)."
		return 0
	fi
	if ! minio_our_pid >/dev/null; then
		if ! minio_ensure_binary; then
			fail_service "MinIO: could not build ${MINIO_MODULE}@${MINIO_VERSION} (log: $MINIO_BUILD_LOG)."
			return 0
		fi
		mkdir -p "$MINIO_DIR"
		# A fresh data dir per server: test buckets never pile up.
		rm -rf "$MINIO_DATA"
		mkdir -p "$MINIO_DATA"
		rm -f "$MINIO_PID"
		# setsid: its own session, so it outlives this shell and make; the
		# inner shell writes its own pid, which exec hands to minio.
		# shellcheck disable=SC2016 # expanded by the inner shell
		MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASSWORD \
			MINIO_UPDATE=off MINIO_BROWSER=off \
			setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$MINIO_PID" \
			"$MINIO_BIN" server "$MINIO_DATA" \
			--address "$MINIO_ADDR" --console-address "$MINIO_HOST:$MINIO_CONSOLE_PORT" \
			</dev/null >"$MINIO_LOG" 2>&1 9>&- &
	fi
	local deadline=$((SECONDS + MINIO_TIMEOUT))
	until minio_healthy; do
		if ((SECONDS >= deadline)); then
			tail -n 20 "$MINIO_LOG" >&2 || true
			fail_service "MinIO did not become ready on $MINIO_ADDR within ${MINIO_TIMEOUT}s (log: $MINIO_LOG)."
			return 0
		fi
		# Died at start (port race, bad data dir...): no point waiting.
		if [[ -f $MINIO_PID ]] && ! minio_our_pid >/dev/null; then
			tail -n 20 "$MINIO_LOG" >&2 || true
			fail_service "MinIO exited at start (log: $MINIO_LOG)."
			return 0
		fi
		sleep 0.2
	done
	say "started MinIO on $MINIO_ADDR (pid $(minio_our_pid || echo '?'), log $MINIO_LOG)"
}

minio_stop() {
	local pid
	if ! pid=$(minio_our_pid); then
		rm -f "$MINIO_PID"
		if minio_healthy; then
			verbose "minio: the server on $MINIO_ADDR was not started by services.sh; left alone"
		else
			verbose "minio: not running"
		fi
		return 0
	fi
	kill -TERM "$pid"
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$MINIO_PID"
	say "stopped MinIO (pid $pid)"
}

# ------------------------------------------------------------------ commands

# Serialises start/stop of concurrent runs. Daemons are started with 9>&- so
# they never hold the lock.
take_lock() {
	mkdir -p "$STATE_DIR"
	exec 9>"$STATE_DIR/.lock"
	flock 9
}

# Quotes a value for the shell, only when it needs it.
shell_quote() {
	if [[ $1 =~ ^[A-Za-z0-9@%+=:,./_-]+$ ]]; then
		printf '%s' "$1"
	else
		printf "'%s'" "${1//\'/\'\\\'\'}"
	fi
}

want() { [[ " ${SERVICES[*]} " == *" $1 "* ]]; }

cmd_start() {
	take_lock
	if want postgres; then pg_start; fi
	if want minio; then minio_start; fi
	if [[ $FAILED == 1 ]]; then
		say "some services are missing (see above)."
	fi
}

cmd_stop() {
	take_lock
	if want minio; then minio_stop; fi
	if want postgres; then pg_stop; fi
}

cmd_status() {
	local ok=0 dsn pid
	if ! want postgres; then
		:
	elif dsn=$(pg_select); then
		printf 'postgres: up    %s (%s)\n' "$dsn" "$(pg_describe "$dsn")"
	else
		printf 'postgres: down  (nothing answers on %s:%s nor on 127.0.0.1:%s)\n' "$PG_PROBE_HOST" "$PG_PROBE_PORT" "$PG_PORT"
		ok=1
	fi
	if ! want minio; then
		:
	elif minio_healthy; then
		if pid=$(minio_our_pid); then
			printf 'minio:    up    %s (pid %s, started by services.sh, data %s, log %s)\n' "$MINIO_ADDR" "$pid" "$MINIO_DATA" "$MINIO_LOG"
		else
			printf 'minio:    up    %s (not started by services.sh)\n' "$MINIO_ADDR"
		fi
	else
		printf 'minio:    down  (%s)\n' "$MINIO_ADDR"
		ok=1
	fi
	return "$ok"
}

cmd_env() {
	local dsn
	if dsn=$(pg_select); then
		printf 'export DOCSIFT_TEST_POSTGRES_DSN=%s\n' "$(shell_quote "$dsn")"
	else
		printf '# PostgreSQL: none answers (scripts/services.sh start)\n'
		say "PostgreSQL: none answers; run scripts/services.sh start"
	fi
	if ! minio_healthy; then
		say "MinIO is not running on $MINIO_ADDR; run scripts/services.sh start"
	fi
	printf 'export DOCSIFT_TEST_S3_ENDPOINT=%s\n' "$(shell_quote "$MINIO_ADDR")"
	printf 'export DOCSIFT_TEST_S3_ACCESS_KEY=%s\n' "$(shell_quote "$MINIO_USER")"
	printf 'export DOCSIFT_TEST_S3_SECRET_KEY=%s\n' "$(shell_quote "$MINIO_PASSWORD")"
}

usage() {
	printf 'usage: %s start|stop|status|env [postgres|minio] [-v]\n' "$0" >&2
	exit 2
}

cmd=${1:-}
[[ $# -gt 0 ]] && shift
SERVICES=()
for arg in "$@"; do
	case $arg in
	-v | --verbose) DOCSIFT_VERBOSE=1 ;;
	postgres | minio) SERVICES+=("$arg") ;;
	*) usage ;;
	esac
done
if [[ ${#SERVICES[@]} -eq 0 ]]; then
	SERVICES=(postgres minio)
fi
case $cmd in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) cmd_env ;;
*) usage ;;
esac
