#!/usr/bin/env bash
# Benchmark of `ebprof record` (issue figures), all measured in one run:
#  1. a fixed-work CPU-bound program alone, under `ebprof record -F 4999`
#     and under `perf record -g -F 4999`, ROUNDS interleaved rounds,
#     medians, as added microseconds per sample;
#  2. ebprof's peak RSS during a 10 s system-wide recording;
#  3. time from start to ready (the command is released only once the
#     sampler is attached) and from SIGINT to the file written.
# Needs root.  Usage: scripts/bench-record.sh [ROUNDS] (default 5).
set -eu
cd "$(dirname "$0")/.."
EBPROF=${EBPROF:-build/ebprof}
WL=build/workloads
ROUNDS=${1:-5}
UNITS=${UNITS:-100000}
T=$(mktemp -d /tmp/bench-record.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-record: needs root" >&2; exit 1; }
make -s all "$WL/fixedwork-fp" >/dev/null

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: >"$T/alone"; : >"$T/ebprof"; : >"$T/perf"; : >"$T/es"; : >"$T/ps"
for r in $(seq "$ROUNDS"); do
	s=$(now); "$WL/fixedwork-fp" "$UNITS"; echo $(( $(now) - s )) >>"$T/alone"
	s=$(now)
	"$EBPROF" record -F 4999 -o "$T/e.folded" -- "$WL/fixedwork-fp" "$UNITS" 2>"$T/e.err"
	echo $(( $(now) - s )) >>"$T/ebprof"
	sed -nE 's/^ebprof record: ([0-9]+) samples.*/\1/p' "$T/e.err" >>"$T/es"
	s=$(now)
	perf record -g -F 4999 -o "$T/perf.data" -- "$WL/fixedwork-fp" "$UNITS" 2>"$T/p.err" >/dev/null
	echo $(( $(now) - s )) >>"$T/perf"
	sed -nE 's/.*\(([0-9]+) samples\).*/\1/p' "$T/p.err" >>"$T/ps"
done
a=$(median <"$T/alone"); e=$(median <"$T/ebprof"); p=$(median <"$T/perf")
es=$(median <"$T/es"); ps=$(median <"$T/ps")
echo "fixed work, median of $ROUNDS interleaved rounds at 4999 Hz (times include each tool's start-up and write-out):"
awk -v a="$a" -v e="$e" -v p="$p" -v es="$es" -v ps="$ps" 'BEGIN {
	printf "  alone            %8.1f ms\n", a / 1e6
	printf "  ebprof record    %8.1f ms  %6d samples  +%.2f us/sample  (x%.3f)\n", e / 1e6, es, (e - a) / 1e3 / es, e / a
	printf "  perf record -g   %8.1f ms  %6d samples  +%.2f us/sample  (x%.3f)\n", p / 1e6, ps, (p - a) / 1e3 / ps, p / a
	printf "  ebprof / perf added cost per sample: %.2f\n", ((e - a) / es) / ((p - a) / ps)
}'

# The BPF program's own cost per sample, from the kernel's BPF statistics.
old_stats=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null || true
"$EBPROF" -v record -F 4999 -o "$T/stats.folded" -- "$WL/cpusplit-fp" 2 2>"$T/stats.err"
sysctl -qw kernel.bpf_stats_enabled="$old_stats" 2>/dev/null || true
sed -n 's/^ebprof record: debug: \(BPF program: .*\)/\1 (kernel.bpf_stats_enabled)/p' "$T/stats.err"

# Start-up: the command runs only once the sampler is attached.
: >"$T/ready"
for r in $(seq "$ROUNDS"); do
	s=$(now)
	"$EBPROF" -q record -F 99 -o "$T/r.folded" -- sh -c "date +%s%N >$T/started"
	echo $(( $(cat "$T/started") - s )) >>"$T/ready"
done
echo "start to ready to sample: median $(median <"$T/ready" | awk '{ printf "%.0f", $1 / 1e6 }') ms (target <= 200 ms)"

# Stop to file written, and peak RSS, during 10 s system-wide.
"$WL/cpusplit-fp" 12 & wl=$!
python3 - "$EBPROF" "$T/all.folded" >"$T/rss" <<'PY'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "-q", "record", "-a", "-F", "99", "-d", "10", "-o", sys.argv[2]])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
echo "peak RSS, 10 s of -a at 99 Hz: $(awk '{ printf "%.1f", $1 / 1024 }' "$T/rss") MiB (target <= 32 MiB)"
: >"$T/stop"
for r in $(seq "$ROUNDS"); do
	rm -f "$T/s.folded"
	"$EBPROF" -q record -a -F 999 -o "$T/s.folded" & rp=$!
	sleep 2
	s=$(now); kill -INT "$rp"
	while [ ! -e "$T/s.folded" ] && kill -0 "$rp" 2>/dev/null; do sleep 0.002; done
	echo $(( $(now) - s )) >>"$T/stop"
	wait "$rp"
done
kill "$wl" 2>/dev/null || true; wait "$wl" 2>/dev/null || true
echo "stop to file written (-a, 2 s at 999 Hz): median $(median <"$T/stop" | awk '{ printf "%.0f", $1 / 1e6 }') ms (target <= 500 ms)"
