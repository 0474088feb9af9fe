#!/usr/bin/env bash
# Benchmark of `ebprof record --off-cpu` (issue 13 figures), in one run:
# a context-switch storm (two threads bouncing a byte over pipes, ~2
# switches per round trip) for SECONDS, ROUNDS interleaved rounds, medians:
#   alone; under ebprof record --off-cpu (default --off-cpu-min 20us: short
#   blocks summed in the kernel); under --off-cpu-min 0 (a ring record with
#   stacks per block); under bcc libbpf-tools offcputime when OFFCPUTIME
#   names its binary.
# Prints switches per second handled, added ns per switch against the
# workload alone and against offcputime, blocks dropped, and the blocked
# totals ebprof and offcputime measure when both trace the same run.
# Needs root.  Usage: scripts/bench-offcpu.sh [ROUNDS] [SECONDS]
# (default 5, 2).  OFFCPUTIME=/path/to/offcputime (built from
# iovisor/bcc libbpf-tools against the system libbpf, outside this tree).
set -eu
cd "$(dirname "$0")/.."
EBPROF=${EBPROF:-build/ebprof}
W=build/workloads/offcpu-fp
ROUNDS=${1:-5}
SECS=${2:-2}
OFFCPUTIME=${OFFCPUTIME:-}
DELAY=1		# the tracer attaches while the workload waits
T=$(mktemp -d /tmp/bench-offcpu.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-offcpu: needs root" >&2; exit 1; }
make -s all "$W" >/dev/null
if [ -n "$OFFCPUTIME" ] && [ ! -x "$OFFCPUTIME" ]; then
	echo "bench-offcpu: OFFCPUTIME=$OFFCPUTIME is not executable" >&2
	exit 1
fi

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# ns per round trip and switches per trip from the workload's line
trip_ns() { sed -n 's/trips=\([0-9]*\) seconds=\([0-9.]*\) switches=\([0-9]*\).*/\1 \2 \3/p' "$1" |
	awk '{ printf "%.1f %.3f\n", $2 * 1e9 / $1, $3 / $1 }'; }

# run NAME TRACER...: one round of the storm under TRACER (none: alone).
run() {
	local name=$1 pid; shift
	"$W" pingpong "$SECS" "$DELAY" >"$T/$name.out" & pid=$!
	case $name in
	alone) ;;
	ebprof*) "$EBPROF" record -p "$pid" --off-cpu "$@" -o "$T/$name.folded" 2>"$T/$name.err" & ;;
	offcputime) "$OFFCPUTIME" -p "$pid" "$((DELAY + ${SECS%.*} + 1))" >"$T/$name.txt" 2>&1 & ;;
	esac
	wait "$pid"
	wait
	read -r ns per < <(trip_ns "$T/$name.out")
	echo "$ns" >>"$T/$name.ns"
	echo "$per" >>"$T/per"
	if [ -f "$T/$name.err" ]; then
		sed -n 's/.*off-CPU: \([0-9]*\) blocks with stacks.* \([0-9]*\) under .*lost: \([0-9]*\) blocks .* \([0-9]*\) (.*short-block map full.*/\1 \2 \3 \4/p' \
			"$T/$name.err" >>"$T/$name.cnt"
	fi
}

tools="alone ebprof ebprof0"
[ -n "$OFFCPUTIME" ] && tools="$tools offcputime"
for r in $(seq "$ROUNDS"); do
	for t in $tools; do
		case $t in
		ebprof0) run ebprof0 --off-cpu-min 0 ;;
		*) run "$t" ;;
		esac
	done
done

per=$(median <"$T/per")
a=$(median <"$T/alone.ns")
echo "context-switch storm: ${SECS} s, median of $ROUNDS interleaved rounds, $per switches per round trip"
printf "  %-28s %9.0f ns/trip  %9.0f switches/s\n" "alone" "$a" \
	"$(awk -v a="$a" -v p="$per" 'BEGIN { print p * 1e9 / a }')"
for t in $tools; do
	[ "$t" = alone ] && continue
	m=$(median <"$T/$t.ns")
	label=$t
	case $t in
	ebprof) label="ebprof --off-cpu" ;;
	ebprof0) label="ebprof --off-cpu-min 0" ;;
	offcputime) label="bcc offcputime" ;;
	esac
	awk -v l="$label" -v m="$m" -v a="$a" -v p="$per" 'BEGIN {
		printf "  %-28s %9.0f ns/trip  %9.0f switches/s  +%.0f ns per switch\n",
			l, m, p * 1e9 / m, (m - a) / p }'
	echo "$m" >"$T/$t.med"
done
for t in ebprof ebprof0; do
	awk -v l="$t" '{ b += $1; s += $2; lost += $3; slost += $4; n++ }
		END { printf "  %s: per round %.0f blocks with stacks, %.0f summed short, dropped %.0f + %.0f (counted)\n",
			l == "ebprof" ? "ebprof --off-cpu" : "ebprof --off-cpu-min 0",
			b / n, s / n, lost / n, slost / n }' "$T/$t.cnt"
done
# The off-CPU program's own cost per switch, from the kernel's statistics.
old_stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null || true
"$W" pingpong "$SECS" "$DELAY" >/dev/null & pid=$!
"$EBPROF" -v record -p "$pid" --off-cpu -o "$T/stats.folded" 2>"$T/stats.err" || true
wait "$pid" || true
sysctl -qw kernel.bpf_stats_enabled="$old_stats" 2>/dev/null || true
sed -n 's/^ebprof record: debug: \(off-CPU BPF program: .*\)/  \1 (kernel.bpf_stats_enabled; every switch on the host)/p' "$T/stats.err"
if [ -z "$OFFCPUTIME" ]; then
	echo "  bcc offcputime: not measured (set OFFCPUTIME to its binary)"
	exit 0
fi
awk -v e="$(cat "$T/ebprof.med")" -v o="$(cat "$T/offcputime.med")" -v a="$a" -v p="$per" 'BEGIN {
	printf "  added cost per switch, ebprof / offcputime: %.2f\n", (e - a) / (o - a) }'

# Blocked totals of the same run, both tools attached at once.
"$W" pingpong "$SECS" "$DELAY" >"$T/both.out" & pid=$!
"$EBPROF" -q record -p "$pid" --off-cpu -o "$T/both.pb.gz" & ep=$!
"$OFFCPUTIME" -p "$pid" "$((DELAY + ${SECS%.*} + 1))" >"$T/both.txt" 2>&1 & op=$!
wait "$pid" "$ep" "$op"
e=$("$EBPROF" report --sample-type off-cpu --format folded "$T/both.pb.gz" |
	awk '/^wc-p/ { t += $NF } END { printf "%.1f", t / 1e6 }')
o=$(awk '/^ +- +/ { name = $2 } /^ +[0-9]+$/ { if (name ~ /^wc-p/) t += $1 }
	END { printf "%.1f", t / 1e3 }' "$T/both.txt")
# The truth: each thread's wall time less its CPU time (from the workload).
t=$(sed -n 's/.*seconds=\([0-9.]*\).*ping_cpu=\([0-9.]*\) pong_cpu=\([0-9.]*\)/\1 \2 \3/p' "$T/both.out" |
	awk '{ printf "%.1f", (2 * $1 - $2 - $3) * 1e3 }')
echo "  blocked time of wc-ping + wc-pong, one run traced by both: ebprof $e ms, offcputime $o ms;"
echo "    workload's own wall minus thread CPU time: $t ms"
