#!/usr/bin/env bash
# Benchmark of continuous mode: `ebprof record -a -F 99 --push URL --app
# bench --interval 15s` against the loopback fake Pyroscope server for N
# minutes (default 10; `scripts/bench-push.sh 2` for 2), with a busy
# workload on every CPU.  Alongside, in the same run, a baseline `ebprof
# record -a -F 99` that writes a file instead of uploading.  Prints, for
# both: the share of one CPU each used over the run, over the first and the
# last minute, and RSS at start (after the first interval) and at the end;
# then the ratio push / baseline and what the server received.  Needs root
# (BPF).  No thresholds: machines differ; read the figures.
#   scripts/bench-push.sh [MINUTES]          O=build-push ...
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
O=${O:-build}
EBPROF=${EBPROF:-$PWD/$O/ebprof}
MIN=${1:-${MINUTES:-10}}
case "$MIN" in
''|*[!0-9]*) echo "bench-push: MINUTES must be a whole number" >&2; exit 2 ;;
esac
if [ "$MIN" -lt 2 ]; then
	echo "bench-push: give at least 2 minutes (start, first and last minute)" >&2
	exit 2
fi
TMP=$(mktemp -d /tmp/ebprof-bench-push.XXXXXX)
. "$ROOT/tests/pyroscope/lib.sh"
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	fake_stop_all
	rm -rf "$TMP"
}
trap cleanup EXIT

if ! "$EBPROF" record --list-opts 2>/dev/null | grep -qx -- --push; then
	echo "bench-push: skipped: 'ebprof record' has no --push option yet"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "bench-push: skipped: needs root for BPF"
	exit 0
fi

fake_start bench >/dev/null
SECS=$((MIN * 60))
HZ=$(getconf CLK_TCK)

# Work on every CPU, so that there is something to sample.
for _ in $(seq "$(nproc)"); do
	( end=$((SECONDS + SECS + 30)); while [ $SECONDS -lt $end ]; do :; done ) &
	PIDS="$PIDS $!"
done

"$EBPROF" -q record -a -F 99 -d "$SECS" --push "$FAKE_URL" --app bench \
	--interval 15s --spool-dir "$TMP/spool" >/dev/null 2>"$TMP/push.err" &
PUSH=$!
"$EBPROF" -q record -a -F 99 -d "$SECS" -o "$TMP/base.folded" \
	>/dev/null 2>"$TMP/base.err" &
BASE=$!
PIDS="$PIDS $PUSH $BASE"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
now_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }

# "Start" is after the first interval: the first window was uploaded.
sleep 20
t0=$(now_cs); p0=$(cpu_ticks $PUSH); b0=$(cpu_ticks $BASE)
prss0=$(rss_kib $PUSH); brss0=$(rss_kib $BASE)
sleep 40
t1=$(now_cs); p1=$(cpu_ticks $PUSH); b1=$(cpu_ticks $BASE)
left=$((SECS - 20 - 40 - 65))
[ $left -gt 0 ] && sleep $left
t2=$(now_cs); p2=$(cpu_ticks $PUSH); b2=$(cpu_ticks $BASE)
sleep 60
t3=$(now_cs); p3=$(cpu_ticks $PUSH); b3=$(cpu_ticks $BASE)
prss1=$(rss_kib $PUSH); brss1=$(rss_kib $BASE)
wait $PUSH || echo "bench-push: record --push exited with $?: $(tail -n 3 "$TMP/push.err")"
wait $BASE || echo "bench-push: baseline record exited with $?: $(tail -n 3 "$TMP/base.err")"

share() { awk -v d="$1" -v t="$2" -v hz="$HZ" 'BEGIN { if (t <= 0) print "n/a"; else printf "%.2f%%", 100 * (d / hz) / (t / 100) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

echo "continuous mode, ${MIN} min at 99 Hz system-wide, $(nproc) CPUs busy"
printf '%-22s %10s %10s %10s %12s %12s\n' "" "cpu(run)" "cpu(1st)" "cpu(last)" "rss(start)" "rss(end)"
printf '%-22s %10s %10s %10s %12s %12s\n' "record --push" \
	"$(share $((p3 - p0)) $((t3 - t0)))" "$(share $((p1 - p0)) $((t1 - t0)))" \
	"$(share $((p3 - p2)) $((t3 - t2)))" "$(mib "$prss0")" "$(mib "$prss1")"
printf '%-22s %10s %10s %10s %12s %12s\n' "record -o (baseline)" \
	"$(share $((b3 - b0)) $((t3 - t0)))" "$(share $((b1 - b0)) $((t1 - t0)))" \
	"$(share $((b3 - b2)) $((t3 - t2)))" "$(mib "$brss0")" "$(mib "$brss1")"
awk -v p=$((p3 - p0)) -v b=$((b3 - b0)) 'BEGIN {
	if (b > 0) printf "cpu ratio push/baseline: %.2f\n", p / b }'
echo "server received: $(fq 'len(ok)') uploads, $(fq 'sum(r["total"] for r in ok)') samples, $(fq 'len(reqs) - len(ok)') refused"
