#!/usr/bin/env bash
# Benchmark of DWARF unwinding (issue 7 figures), measured in one run:
#  1. added cost per sample of `ebprof record --call-graph dwarf` against
#     `perf record --call-graph dwarf`, same frequency, same 8 KiB copy,
#     on a fixed-work program built without frame pointers: ROUNDS
#     interleaved rounds, medians of the CPU time of the whole process
#     tree (workload + profiler: the BPF program and perf's copy are
#     charged to the workload) and of the wall time;
#  2. user-space unwinding throughput (stacks/s on one core) from ebprof's
#     own timing of its unwinder, on shallow (qsort, ~12 frames) and deep
#     (recursion 150) stacks.
# perf record only stores the stacks (perf report unwinds later); ebprof
# unwinds and symbolizes while recording: its figure includes that.
# Needs root.  Usage: scripts/bench-unwind.sh [ROUNDS] (default 5).
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
EBPROF=${EBPROF:-$O/ebprof}
WL=$O/workloads
ROUNDS=${1:-5}
UNITS=${UNITS:-60000}
FREQ=${FREQ:-999}
T=$(mktemp -d /tmp/bench-unwind.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-unwind: needs root" >&2; exit 1; }
command -v perf >/dev/null || { echo "bench-unwind: needs perf" >&2; exit 1; }
make -s O="$O" all "$WL/fixedwork-nofp" "$WL/unwind_chains-nofp" >/dev/null

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# cost OUT CMD...: appends "wall_ns cpu_ns" of CMD's whole process tree.
cost() {
	local out=$1; shift
	python3 - "$@" >>"$out" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic_ns()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
w = time.monotonic_ns() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(w, int((r.ru_utime + r.ru_stime) * 1e9))
PY
}

: >"$T/alone"; : >"$T/eb"; : >"$T/perf"; : >"$T/es"; : >"$T/ps"
for r in $(seq "$ROUNDS"); do
	cost "$T/alone" "$WL/fixedwork-nofp" "$UNITS"
	cost "$T/eb" "$EBPROF" record --user-only --call-graph dwarf -F "$FREQ" \
		-o "$T/e.folded" -- "$WL/fixedwork-nofp" "$UNITS" 2>"$T/e.err"
	sed -nE 's/^ebprof record: ([0-9]+) samples.*/\1/p' "$T/e.err" >>"$T/es"
	cost "$T/perf" perf record --call-graph dwarf -F "$FREQ" \
		-o "$T/perf.data" -- "$WL/fixedwork-nofp" "$UNITS" 2>"$T/p.err"
	sed -nE 's/.*\(([0-9]+) samples\).*/\1/p' "$T/p.err" >>"$T/ps"
done
col() { awk -v c="$1" '{ print $c }' "$2" | median; }
aw=$(col 1 "$T/alone"); ac=$(col 2 "$T/alone")
ew=$(col 1 "$T/eb"); ec=$(col 2 "$T/eb")
pw=$(col 1 "$T/perf"); pc=$(col 2 "$T/perf")
es=$(median <"$T/es"); ps=$(median <"$T/ps")
echo "fixed work without frame pointers, median of $ROUNDS interleaved rounds at $FREQ Hz, 8 KiB stack copies:"
awk -v aw="$aw" -v ac="$ac" -v ew="$ew" -v ec="$ec" -v pw="$pw" -v pc="$pc" -v es="$es" -v ps="$ps" 'BEGIN {
	printf "  %-30s %9s %9s %8s %14s %14s\n", "", "wall ms", "cpu ms", "samples", "+cpu us/smpl", "+wall us/smpl"
	printf "  %-30s %9.1f %9.1f\n", "alone", aw / 1e6, ac / 1e6
	printf "  %-30s %9.1f %9.1f %8d %14.2f %14.2f\n", "ebprof record --call-graph dwarf", ew / 1e6, ec / 1e6, es, (ec - ac) / 1e3 / es, (ew - aw) / 1e3 / es
	printf "  %-30s %9.1f %9.1f %8d %14.2f %14.2f\n", "perf record --call-graph dwarf", pw / 1e6, pc / 1e6, ps, (pc - ac) / 1e3 / ps, (pw - aw) / 1e3 / ps
	printf "  ebprof / perf added CPU per sample: %.2f (target <= 1)\n", ((ec - ac) / es) / ((pc - ac) / ps)
}'

# Unwinding throughput, from ebprof's own timing of the unwinder.
for wl in qsort recurse; do
	"$EBPROF" record --user-only --call-graph dwarf -F "$FREQ" -o "$T/u.folded" \
		-- "$WL/unwind_chains-nofp" "$wl" 3 2>"$T/u.err"
	sed -nE 's/.*dwarf unwinding: .* ([0-9.]+) frames and .* ([0-9.]+) us per stack/\1 \2/p' "$T/u.err" |
		awk -v wl="$wl" '{ printf "unwinding (%s): %.1f frames per stack, %.2f us per stack = %.0f stacks/s on one core (target >= 50000)\n", wl, $1, $2, 1e6 / $2 }'
done
