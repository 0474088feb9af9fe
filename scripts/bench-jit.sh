#!/usr/bin/env bash
# Benchmark of JIT symbol reading (issue 11): what a perf map of 100k
# entries adds at the end of a recording.  A Node.js process runs JIT code
# without a perf map of its own; ROUNDS interleaved rounds record it with
# no map (the baseline) and with a 100k-entry /tmp/perf-PID.map that
# appears just before the end, so that all of it is read, sorted and
# looked up when the profile is built, and compare the medians of the
# time from SIGINT to the written file and of the CPU time ebprof used
# (the pass/fail figure: it does not depend on the machine's load).
# Needs root.  Usage: scripts/bench-jit.sh [ROUNDS] [ENTRIES] (5, 100000).
set -eu
cd "$(dirname "$0")/.."
EBPROF=${EBPROF:-build/ebprof}
ROUNDS=${1:-5}
ENTRIES=${2:-100000}
T=$(mktemp -d /tmp/bench-jit.XXXXXX)
pid=
trap 'rm -rf "$T"; [ -n "$pid" ] && { kill "$pid" 2>/dev/null; rm -f "/tmp/perf-$pid.map"; }' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-jit: needs root" >&2; exit 1; }
make -s all build/tests/helpers/jit_read >/dev/null

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

node tests/workloads/jit_hot.js 600 & pid=$!
sleep 1
# Entries spread over the process's anonymous executable mappings, as
# long as V8's "JS:*name file:line:col" names.
awk '$2 ~ /x/ && NF == 5 { split($1, r, "-"); print r[1], r[2] }' "/proc/$pid/maps" |
	python3 -c '
import random, sys
n = int(sys.argv[1]); random.seed(1)
ranges = [tuple(int(x, 16) for x in l.split()) for l in sys.stdin]
for i in range(n):
    lo, hi = ranges[i % len(ranges)]
    a = random.randrange(lo, max(lo + 1, hi - 0x400)) & ~0xf
    print("%x %x JS:*function_%d /srv/app/src/module_%d.js:%d:%d" %
          (a, random.randrange(0x40, 0x400), i, i % 977, i % 5000, i % 80))
' "$ENTRIES" >"$T/map"
[ "$(wc -l <"$T/map")" -eq "$ENTRIES" ] || { echo "bench-jit: no JIT mappings in node" >&2; exit 1; }

: >"$T/base"; : >"$T/map.t"; : >"$T/base.cpu"; : >"$T/map.cpu"
# One recording: 1.5 s of sampling, then SIGINT.  Appends the time from the
# signal to the written file (the profile is built, the map read then) to
# $2, and the recording's CPU time (user + system, all of it) to $3: on a
# busy machine the wall time varies by more than what is measured.
stop_time() {
	local rec s
	/usr/bin/time -f "%U %S" -o "$T/cpu" "$EBPROF" -q record -F 999 -p "$pid" -o "$1" & rec=$!
	sleep 1.3
	# Made late, the map is read whole at the end: the worst case.
	[ "$4" = map ] && cp "$T/map" "/tmp/perf-$pid.map"
	sleep 0.2
	s=$(now); kill -INT "$(pgrep -P "$rec" | head -1)"; wait "$rec"
	echo $(( $(now) - s )) >>"$2"
	awk '{ printf "%d\n", ($1 + $2) * 1e9 }' "$T/cpu" >>"$3"
}
for r in $(seq "$ROUNDS"); do
	rm -f "/tmp/perf-$pid.map"
	stop_time "$T/b.folded" "$T/base" "$T/base.cpu" none
	rm -f "/tmp/perf-$pid.map"
	stop_time "$T/m.folded" "$T/map.t" "$T/map.cpu" map
done
# The reading itself, as a recording does it (jit_syms.c): open, parse,
# then the first lookup sorts.
cp "$T/map" "/tmp/perf-$pid.map"
: >"$T/read"; : >"$T/cpu"
for r in $(seq "$ROUNDS"); do
	build/tests/helpers/jit_read "$pid" >"$T/jr"
	awk 'NR == 1 { printf "%d\n", ($1 + $2) * 1e6 }' "$T/jr" >>"$T/read"
	awk 'NR == 1 { printf "%d\n", ($3 + $4) * 1e6 }' "$T/jr" >>"$T/cpu"
done
rd=$(median <"$T/read"); so=$(median <"$T/cpu")
b=$(median <"$T/base"); m=$(median <"$T/map.t")
bc=$(median <"$T/base.cpu"); mc=$(median <"$T/map.cpu")
named=$(grep -c 'JS:\*function_' "$T/m.folded" || true)
echo "record -F 999 -p NODE for 1.5 s, median of $ROUNDS interleaved rounds ($named stacks named from the map):"
awk -v b="$b" -v m="$m" -v bc="$bc" -v mc="$mc" -v n="$ENTRIES" -v rd="$rd" -v so="$so" 'BEGIN {
	printf "                              SIGINT to file      CPU time\n"
	printf "  no perf map (baseline)      %8.1f ms       %8.1f ms\n", b / 1e6, bc / 1e6
	printf "  perf map, %d entries    %8.1f ms       %8.1f ms\n", n, m / 1e6, mc / 1e6
	printf "  added                       %+8.1f ms       %+8.1f ms\n", (m - b) / 1e6, (mc - bc) / 1e6
	printf "  the reading alone (open, parse, sort): %.1f ms of CPU, %.1f ms wall-clock (target <= 100 ms)\n", so / 1e6, rd / 1e6
	exit !(so / 1e6 <= 100 && (mc - bc) / 1e6 <= 100) }'
