#!/usr/bin/env bash
# Launch benchmark of the desktop window (issue 22): seeds a library with
# N documents (app/internal/smokeseed, the SQLite bulk loader), then
# launches the real desktop binary L times in a virtual X server and
# prints, from process start to the first page of all documents answered
# over the WebKit bridge (the App's own figure, DOCSIFT_SMOKE=1), the
# p50 and p95; then the idle RSS of the window process and of WebKit's
# helper processes, and the same for an empty Wails window
# (app/internal/emptywindow) with the same options, so that what Docsift
# adds is seen apart. It prints figures; it asserts no time.
#
#   scripts/bench-launch.sh BINARY [DOCUMENTS [LAUNCHES]]
#
# Defaults: 100000 documents, 10 launches. Needs what the smoke test
# needs (xvfb-run, dbus-run-session) and Go (to seed and to build the
# empty window).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
DOCSIFT_LOG_NAME=bench-launch
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# rss_of PID: "process-KiB helpers-KiB" (helpers: its direct children,
# WebKit's web and network processes).
rss_of() {
	local pid=$1 own helpers
	own=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	helpers=$(ps --ppid "$pid" -o rss= | awk '{ s += $1 } END { print s + 0 }')
	echo "$own $helpers"
}

# percentile P of the numbers on stdin (nearest rank).
percentile() {
	sort -n | awk -v p="$1" '{ a[NR] = $1 } END { i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; print a[i] }'
}

inside() {
	local bin=$1 empty=$2 work=$3 docs=$4 launches=$5
	local data=$work/data log i ms
	export XDG_CONFIG_HOME=$work/config
	: >"$work/times"
	for ((i = 1; i <= launches; i++)); do
		log=$work/launch-$i.log
		: >"$log"
		DOCSIFT_DATA_DIR=$data DOCSIFT_SMOKE=1 "$bin" desktop --no-watch >"$log" 2>&1 &
		local app=$!
		local deadline=$((SECONDS + 120))
		until grep -q '^smoke: first page of all' "$log"; do
			kill -0 "$app" 2>/dev/null || { cat "$log" >&2; die "launch $i: the window exited"; }
			((SECONDS < deadline)) || { cat "$log" >&2; die "launch $i: no first page within 120 s"; }
			sleep 0.02
		done
		ms=$(sed -n 's/^smoke: first page of all \([0-9]*\) documents answered \([0-9]*\) ms after start.*/\2/p' "$log" | head -n1)
		echo "$ms" >>"$work/times"
		sed -n 's/^smoke: first page of all .*(the query took \(.*\) ms)$/\1/p' "$log" | head -n1 >>"$work/queries"
		say "launch $i: first page of all $(sed -n 's/^smoke: first page of all \([0-9]*\) documents.*/\1/p' "$log" | head -n1) documents answered $ms ms after start"
		if ((i == 1)); then
			# Idle: the App prints the Go heap 2 s after the first call.
			deadline=$((SECONDS + 15))
			until grep -q '^smoke: go memory idle' "$log"; do
				((SECONDS < deadline)) || break
				sleep 0.1
			done
			sleep 1
			read -r own helpers < <(rss_of "$app")
			echo "$own $helpers" >"$work/rss-docsift"
			sed -n 's/^smoke: go memory idle: //p' "$log" | head -n1 >"$work/gomem"
		fi
		kill -TERM "$app"
		wait "$app" || true
	done

	log=$work/empty.log
	: >"$log"
	"$empty" >"$log" 2>&1 &
	local ew=$!
	local deadline=$((SECONDS + 60))
	until grep -q '^emptywindow: dom ready' "$log"; do
		kill -0 "$ew" 2>/dev/null || { cat "$log" >&2; die "the empty window exited"; }
		((SECONDS < deadline)) || die "the empty window did not load"
		sleep 0.05
	done
	sleep 3 # the same idle moment as Docsift's (2 s after the first call, then 1 s)
	read -r own helpers < <(rss_of "$ew")
	echo "$own $helpers" >"$work/rss-empty"
	sed -n 's/^emptywindow: dom ready \([0-9]*\) ms.*/\1/p' "$log" >"$work/empty-ready"
	kill -TERM "$ew"
	wait "$ew" || true
}

if [[ ${1:-} == --inside ]]; then
	shift
	inside "$@"
	exit 0
fi

if [[ $# -lt 1 || $# -gt 3 ]]; then
	echo "usage: scripts/bench-launch.sh BINARY [DOCUMENTS [LAUNCHES]]" >&2
	exit 2
fi
bin=$(realpath "$1")
docs=${2:-100000}
launches=${3:-10}
[[ -x $bin ]] || die "$1 is not an executable (build it with \`make desktop\`)"
ensure_go_on_path
for tool in xvfb-run Xvfb dbus-run-session go; do
	command -v "$tool" >/dev/null 2>&1 || die "missing: $tool (scripts/setup.sh installs it)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/docsift-bench-launch.XXXXXX")
trap 'rm -rf "$work"' EXIT
say "building the empty Wails window"
go build -tags production,webkit2_41,nodynamic -o "$work/emptywindow" ./app/internal/emptywindow
say "seeding $docs documents"
DOCSIFT_DATA_DIR=$work/data "$bin" ls >/dev/null
go run ./app/internal/smokeseed -n "$docs" "$work/data/docsift.db"

xvfb-run -a -s "-screen 0 1280x900x24 -nolisten tcp" dbus-run-session -- "$0" --inside "$bin" "$work/emptywindow" "$work" "$docs" "$launches"

p50=$(percentile 50 <"$work/times")
p95=$(percentile 95 <"$work/times")
read -r own helpers <"$work/rss-docsift"
read -r eown ehelpers <"$work/rss-empty"
load=$(cut -d' ' -f1-3 /proc/loadavg)
say "launch to first page answered, $launches launches at $docs documents: p50 ${p50} ms, p95 ${p95} ms (all: $(tr '\n' ' ' <"$work/times"))"
say "the first page's query itself (in Go, of the above): p50 $(percentile 50 <"$work/queries") ms"
say "idle RSS, Docsift window: process $((own / 1024)) MiB, WebKit helpers $((helpers / 1024)) MiB; Go runtime: $(cat "$work/gomem")"
say "idle RSS, empty Wails window: process $((eown / 1024)) MiB, WebKit helpers $((ehelpers / 1024)) MiB (page loaded $(cat "$work/empty-ready") ms after start)"
say "Docsift adds: process $(((own - eown) / 1024)) MiB, helpers $(((helpers - ehelpers) / 1024)) MiB"
say "machine: $(nproc) cores, load average $load while measuring (figures under load are upper bounds)"
