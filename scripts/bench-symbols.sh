#!/usr/bin/env bash
# Benchmark of symbol resolution with and without inline frames and source
# lines (issue 14 figures), measured in one run on a generated C program
# with FUNCS functions, each a loop of always-inlined helpers (~10k
# distinct sampled addresses at the defaults):
#  1. `ebprof -v record` of the program, ROUNDS times each with and
#     without --no-inline: the time from the end of sampling to the built
#     profile (every address symbolized; libc and ld.so too, with their
#     debug files), from its own -v line; medians;
#  2. perf record -g of the same program, then perf report --no-inline and
#     --inline on that perf.data (the baseline; perf report also reads and
#     sorts the samples);
#  3. the symbolizer alone on the distinct addresses of that perf.data
#     (tests/helpers/sym_bench): the cost of DWARF per address.
# Target: (1) with inline and lines <= 2x the time without.
# Needs root and perf.  Usage: scripts/bench-symbols.sh [ROUNDS] (default 3).
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
EBPROF=${EBPROF:-$O/ebprof}
ROUNDS=${1:-3}
FUNCS=${FUNCS:-1500}
FREQ=${FREQ:-9999}
SECS=${SECS:-6}
T=$(mktemp -d /tmp/bench-symbols.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-symbols: needs root" >&2; exit 1; }
command -v perf >/dev/null || { echo "bench-symbols: needs perf" >&2; exit 1; }
make -s O="$O" all "$O/tests/helpers/sym_bench" >/dev/null
BENCH=$O/tests/helpers/sym_bench
python3 - "$FUNCS" >"$T/big.c" <<'PY'
import sys
n = int(sys.argv[1])
print("#include <stdlib.h>\n#include <time.h>\nvolatile unsigned long sink;")
print("static inline __attribute__((always_inline)) unsigned long"
      " mix(unsigned long x, unsigned long k)"
      " { x ^= x >> 7; return x * 2862933555777941757UL + k; }")
print("static inline __attribute__((always_inline)) unsigned long"
      " step(unsigned long x, unsigned long k)"
      " { return mix(mix(x, k), k + 1) ^ (x >> 3); }")
for i in range(n):
    print(f"__attribute__((noinline)) unsigned long f{i}(unsigned long x)"
          f" {{ for (int i = 0; i < 40 + {i % 13}; i++) x = step(x, {i} + i);"
          f" return x; }}")
print("typedef unsigned long (*fn)(unsigned long);\nstatic fn tab[] = {")
print(",".join(f"f{i}" for i in range(n)) + "};")
print("int main(int c, char **v) { double s = c > 1 ? atof(v[1]) : 5;"
      " struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);"
      " unsigned long x = 1, r = 7; do { for (int i = 0; i < 4096; i++) {"
      " r = r * 6364136223846793005UL + 1; x = tab[(r >> 33) % (sizeof(tab)/sizeof(*tab))](x); }"
      " clock_gettime(CLOCK_MONOTONIC, &b); } while (b.tv_sec - a.tv_sec +"
      " (b.tv_nsec - a.tv_nsec) / 1e9 < s); sink = x; return 0; }")
PY
gcc -O2 -g -fno-omit-frame-pointer -o "$T/big" "$T/big.c"
perf record -q -F "$FREQ" -g -o "$T/perf.data" -- "$T/big" "$SECS" >/dev/null 2>&1
perf script -i "$T/perf.data" --no-demangle -F ip,sym,symoff,dso 2>/dev/null |
	awk -v b="$T/big" '$0 ~ "\\(" b "\\)" { print $2 }' | sort -u >"$T/symoff"
nm "$T/big" | awk '{ print $3, $1 }' >"$T/nm"
python3 - "$T/nm" "$T/symoff" >"$T/addrs" <<'PY'
import sys
a = dict(l.split() for l in open(sys.argv[1]) if len(l.split()) == 2)
for l in open(sys.argv[2]):
    s, _, off = l.strip().partition("+")
    if s in a and off:
        print(hex(int(a[s], 16) + int(off, 16)))
PY
sort -u -o "$T/addrs" "$T/addrs"
n=$(wc -l <"$T/addrs")
samples=$(perf script -i "$T/perf.data" -F ip 2>/dev/null | grep -c . || true)

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
# rec OUT [OPTIONS]: appends "ms frames" of one recording's symbolization
rec() {
	local out=$1; shift
	"$EBPROF" -v record -F "$FREQ" "$@" -o "$T/r.pb.gz" -- "$T/big" "$SECS" 2>&1 |
		sed -n 's/.*symbolized and built the profile in \([0-9.]*\) ms (\([0-9]*\) distinct frames).*/\1 \2/p' >>"$out"
}
for r in $(seq "$ROUNDS"); do
	rec "$T/rec-inline"
	rec "$T/rec-plain" --no-inline
	"$BENCH" "$T/big" "$T/addrs" plain >>"$T/plain"
	"$BENCH" "$T/big" "$T/addrs" inline >>"$T/inline"
	ms perf report -i "$T/perf.data" --stdio --no-inline >>"$T/perf-plain"
	ms perf report -i "$T/perf.data" --stdio --inline >>"$T/perf-inline"
done
ri=$(awk '{ print $1 }' "$T/rec-inline" | median)
rp=$(awk '{ print $1 }' "$T/rec-plain" | median)
fi_=$(awk '{ print $2 }' "$T/rec-inline" | median)
fp=$(awk '{ print $2 }' "$T/rec-plain" | median)
plain=$(awk '{ print $3 }' "$T/plain" | median)
inl=$(awk '{ print $3 }' "$T/inline" | median)
frames=$(awk '{ print $2 }' "$T/inline" | head -n 1)
pp=$(median <"$T/perf-plain")
pi=$(median <"$T/perf-inline")
ratio=$(awk -v a="$ri" -v b="$rp" 'BEGIN { printf "%.2f", a / b }')
echo "program: $FUNCS functions with inlined loops, $FREQ Hz for $SECS s, $ROUNDS rounds (medians)"
printf "record, end of sampling to profile, --no-inline: %8.1f ms (%s distinct frames)\n" "$rp" "$fp"
printf "record, end of sampling to profile, inline+lines: %7.1f ms (%s distinct frames, %sx)\n" "$ri" "$fi_" "$ratio"
printf "perf report --no-inline (perf.data, %s samples): %6d ms\n" "$samples" "$pp"
printf "perf report --inline (same perf.data):          %6d ms\n" "$pi"
printf "symbolizer alone, %s distinct addresses: %.1f ms symbols only, %.1f ms with inline and lines (%s frames)\n" \
	"$n" "$plain" "$inl" "$frames"
if awk -v r="$ratio" 'BEGIN { exit !(r <= 2) }'; then
	echo "PASS inline + lines within 2x"
else
	echo "FAIL inline + lines above 2x"
	exit 1
fi
