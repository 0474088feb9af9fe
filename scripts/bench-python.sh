#!/usr/bin/env bash
# Benchmark of Python stacks in `ebprof record` (issue figures), per
# interpreter (pyenv 3.10-3.13, Debian's static python3.11), one run:
#  1. the BPF program's cost per sample of a Python workload with Python
#     frames, against the same workload's frame-pointer-only samples
#     (--no-python), from kernel.bpf_stats_enabled;
#  2. a fixed amount of Python work alone, under `ebprof record -F 4999`
#     and under `perf record -g -F 4999`, ROUNDS interleaved rounds,
#     medians, as added microseconds per sample;
#  3. the share of the Python samples whose whole Python chain was read.
# Needs root.  Usage: scripts/bench-python.sh [ROUNDS] (default 3).
set -eu
cd "$(dirname "$0")/.."
EBPROF=${EBPROF:-build/ebprof}
PYW=$PWD/tests/workloads/pysplit.py
ROUNDS=${1:-3}
UNITS=${UNITS:-60000}
T=$(mktemp -d /tmp/bench-python.XXXXXX)
old_stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
trap 'sysctl -qw kernel.bpf_stats_enabled="$old_stats" 2>/dev/null || true; rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-python: needs root" >&2; exit 1; }
make -s all >/dev/null

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# BPF statistics of a recording's log: "runs ns_per_run kept_samples"
bpf_stats() {
	awk '/BPF program:/ { runs = $6; ns = $8 } / samples in / { s = $3 }
		END { print runs + 0, ns + 0, s + 0 }' "$1"
}
# kept_ns ERRFILE: BPF nanoseconds per kept sample, the runs that only
# filtered out another process's sample (costing $FILTER_NS) taken away
kept_ns() {
	bpf_stats "$1" | awk -v f="$FILTER_NS" '{ if ($3) printf "%.0f", ($1 * $2 - ($1 - $3) * f) / $3; else print 0 }'
}

. "$PWD/tests/python_interps.sh"

sysctl -qw kernel.bpf_stats_enabled=1
# What a run costs that only filters out another process's sample.
sleep 30 & idle=$!
"$EBPROF" -v record -F 4999 -d 3 -p "$idle" -o "$T/f.folded" 2>"$T/f.err"
kill "$idle"; wait "$idle" 2>/dev/null || true
FILTER_NS=$(bpf_stats "$T/f.err" | awk '{ print $2 }')
echo "BPF cost of a run that filters a sample out: $FILTER_NS ns"
printf "%-34s %8s %8s %6s %10s %10s %7s %9s\n" interpreter "fp ns" "py ns" "x fp" "ebprof us" "perf us" ratio complete
for py in "${interps[@]}"; do
	"$EBPROF" -v record --no-python -F 4999 -o "$T/n.folded" -- "$py" "$PYW" 2 split \
		>/dev/null 2>"$T/n.err"
	"$EBPROF" -v record -F 4999 -o "$T/p.folded" -- "$py" "$PYW" 2 split \
		>/dev/null 2>"$T/p.err"
	nns=$(kept_ns "$T/n.err")
	pns=$(kept_ns "$T/p.err")
	complete=$(sed -n 's/.*python: .* \([0-9]*\) of \([0-9]*\) Python samples with complete.*/\1 \2/p' "$T/p.err" |
		awk '{ printf "%.2f%%", $2 ? 100 * $1 / $2 : 0 }')
	: >"$T/alone"; : >"$T/e"; : >"$T/p"; : >"$T/es"; : >"$T/ps"
	for r in $(seq "$ROUNDS"); do
		s=$(now); "$py" "$PYW" "$UNITS" fixed; echo $(( $(now) - s )) >>"$T/alone"
		s=$(now)
		"$EBPROF" record -F 4999 -o "$T/e.folded" -- "$py" "$PYW" "$UNITS" fixed 2>"$T/e.err"
		echo $(( $(now) - s )) >>"$T/e"
		sed -nE 's/^ebprof record: ([0-9]+) samples.*/\1/p' "$T/e.err" >>"$T/es"
		s=$(now)
		perf record -g -F 4999 -o "$T/perf.data" -- "$py" "$PYW" "$UNITS" fixed 2>"$T/p2.err" >/dev/null
		echo $(( $(now) - s )) >>"$T/p"
		sed -nE 's/.*\(([0-9]+) samples\).*/\1/p' "$T/p2.err" >>"$T/ps"
	done
	awk -v name="$py" -v pns="$pns" -v nns="$nns" -v c="$complete" \
	    -v a="$(median <"$T/alone")" -v e="$(median <"$T/e")" -v p="$(median <"$T/p")" \
	    -v es="$(median <"$T/es")" -v ps="$(median <"$T/ps")" 'BEGIN {
		eu = (e - a) / 1e3 / es; pu = (p - a) / 1e3 / ps
		printf "%-34s %8d %8d %6.2f %10.2f %10.2f %7.2f %9s\n", name, nns, pns,
			nns ? pns / nns : 0, eu, pu, pu ? eu / pu : 0, c }'
done
echo "(fp ns / py ns: the sampling program's run time per sample of the workload, --no-python (frame pointers"
echo " only) and with Python frames; x fp: their ratio;"
echo " ebprof/perf us: added wall time per sample on $UNITS units of fixed Python work at 4999 Hz, median of $ROUNDS interleaved rounds;"
echo " ratio: ebprof / perf; complete: Python samples with their whole Python chain)"
