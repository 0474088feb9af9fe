#!/usr/bin/env bash
# Benchmark of the pprof writer and reader (common/format/pprof.c) on a large
# synthetic profile: SAMPLES samples (default 1,000,000) over STACKS
# distinct stacks (default 100,000), with mappings, build ids, kernel and
# inlined frames and thread labels, as `record` makes them.  The baseline,
# measured in the same run on the same profile, is the folded format.
# Prints throughput (samples/s), the pprof/folded time ratios, file sizes
# and peak RSS.  No thresholds: machines differ; read the figures.
#   scripts/bench-pprof.sh            O=build-pprof SAMPLES=200000 STACKS=20000
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
SAMPLES=${SAMPLES:-1000000}
STACKS=${STACKS:-100000}
TOOL=$O/tests/helpers/pprof_tool
WORK=$(mktemp -d /tmp/ebprof-bench-pprof.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

make -s O="$O" "$TOOL" >/dev/null

# val FILE KEY: the value of "KEY value" in FILE.
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# Writing: build the profile, then write it; each format in its own process
# so that peak RSS is the format's own.
"$TOOL" gen -S -n "$SAMPLES" -k "$STACKS" -o "$WORK/p.pb.gz" >"$WORK/wp"
"$TOOL" gen -S -n "$SAMPLES" -k "$STACKS" -o "$WORK/p.folded" >"$WORK/wf"
# Reading: a fresh process per format, best of three runs.
best_read() {
	local f=$1 out=$2 i t best=
	for i in 1 2 3; do
		"$TOOL" read "$f" >"$out.$i"
		t=$(val "$out.$i" read_s)
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
			cp "$out.$i" "$out"
		fi
	done
}
best_read "$WORK/p.pb.gz" "$WORK/rp"
best_read "$WORK/p.folded" "$WORK/rf"
if [ "$(val "$WORK/rp" total)" != "$(val "$WORK/rf" total)" ]; then
	echo "bench-pprof: pprof and folded totals differ" >&2
	exit 1
fi

awk -v n="$SAMPLES" -v k="$STACKS" \
    -v wp="$(val "$WORK/wp" write_s)" -v wf="$(val "$WORK/wf" write_s)" \
    -v rp="$(val "$WORK/rp" read_s)" -v rf="$(val "$WORK/rf" read_s)" \
    -v bm="$(val "$WORK/wp" build_peak_rss_kib)" \
    -v wpm="$(val "$WORK/wp" write_peak_rss_kib)" \
    -v wfm="$(val "$WORK/wf" write_peak_rss_kib)" \
    -v rpm="$(val "$WORK/rp" peak_rss_kib)" -v rfm="$(val "$WORK/rf" peak_rss_kib)" \
    -v sp="$(stat -c %s "$WORK/p.pb.gz")" -v sf="$(stat -c %s "$WORK/p.folded")" \
    -v uniq="$(val "$WORK/rp" unique_samples)" 'BEGIN {
	printf "pprof: %d samples, %d distinct stacks (%d after merging labels)\n", n, k, uniq
	printf "  write  pprof %6.3f s  %6.2f M samples/s   folded %6.3f s   pprof/folded %.2f\n", wp, n / wp / 1e6, wf, wp / wf
	printf "  read   pprof %6.3f s  %6.2f M samples/s   folded %6.3f s   pprof/folded %.2f\n", rp, n / rp / 1e6, rf, rp / rf
	printf "  size   pprof %6.1f MB               folded %6.1f MB   pprof/folded %.2f\n", sp / 1e6, sf / 1e6, sp / sf
	printf "  peak RSS: profile built %d MB; writing pprof %d MB, folded %d MB; reading pprof %d MB, folded %d MB\n", bm / 1024, wpm / 1024, wfm / 1024, rpm / 1024, rfm / 1024
}'
