#!/usr/bin/env bash
# Peak RSS of `ebprof record -a -F 99 -d 10` (system-wide, 10 s) for the
# dynamic build, the static build, and a baseline binary measured in the
# same run (BASE=path, default /work/main/build/ebprof if present: the
# build that links libcurl and its TLS/HTTP stack).  Target: <= 24 MiB.
# What else runs decides much of the figure (every process's modules are
# symbolized), so the binaries take turns over ROUNDS rounds and the median
# is printed.  Needs root.  Usage: scripts/bench-rss.sh [SECONDS [ROUNDS]]
# (default 10 s, 3 rounds).
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-10}
ROUNDS=${2:-3}
BASE=${BASE:-/work/main/build/ebprof}
T=$(mktemp -d /tmp/bench-rss.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-rss: needs root" >&2; exit 1; }
make -s all static >/dev/null

rss() {
	/usr/bin/time -f %M -o "$T/rss" "$1" -q record -a -F 99 -d "$SECS" \
		-o "$T/out.folded" 2>/dev/null
	cat "$T/rss"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
bins=()
for b in ${BASE:+"$BASE"} build/ebprof build/ebprof-static; do
	[ -x "$b" ] && bins+=("$b")
done
for r in $(seq "$ROUNDS"); do
	for i in "${!bins[@]}"; do
		rss "${bins[$i]}" >>"$T/rss.$i"
	done
done
printf '%-34s %12s %-24s %5s\n' binary "median KiB" "all rounds" libs
for i in "${!bins[@]}"; do
	printf '%-34s %12s %-24s %5s\n' "${bins[$i]}" "$(median <"$T/rss.$i")" \
		"$(tr '\n' ' ' <"$T/rss.$i")" "$(ldd "${bins[$i]}" | wc -l)"
done
