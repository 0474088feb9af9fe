#!/usr/bin/env bash
# Peak RSS of `ebprof record -a -F 99 -d 10` (system-wide, 10 s) for the
# dynamic build, the static build, and a baseline binary measured in the
# same run (BASE=path, default /work/main/build/ebprof if present: the
# build that links libcurl and its TLS/HTTP stack).  Target: <= 24 MiB.
# Needs root.  Usage: scripts/bench-rss.sh [SECONDS] (default 10).
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-10}
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
printf '%-34s %10s %6s\n' binary "peak KiB" libs
for b in ${BASE:+"$BASE"} build/ebprof build/ebprof-static; do
	[ -x "$b" ] || continue
	k=$(rss "$b")
	printf '%-34s %10s %6s\n' "$b" "$k" "$(ldd "$b" | wc -l)"
done
