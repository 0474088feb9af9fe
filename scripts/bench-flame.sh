#!/usr/bin/env bash
# Benchmark of `ebprof flame`: a deterministic folded file of LINES lines
# (default 500,000) with deep stacks (10 to 53 frames, shared prefixes
# like a real profile), drawn by ebprof and, when
# FLAMEGRAPH_PL=/path/to/flamegraph.pl is set, by flamegraph.pl on the same
# input in the same run.  Prints times, the ratio, SVG sizes and ebprof's
# peak RSS.  No thresholds: machines differ; read the figures.
#   scripts/bench-flame.sh            O=build-flame LINES=100000 ...
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
EBPROF=${EBPROF:-$PWD/$O/ebprof}
LINES=${LINES:-500000}
WORK=$(mktemp -d /tmp/ebprof-bench-flame.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# Park-Miller LCG in awk: exact in doubles, the same output with any awk.
# BASES deep base stacks (a random walk over 400 functions, 10 to 50
# frames), hot ones picked more often, each line adding 0 to 3 leaf frames:
# deep, mostly distinct stacks that share prefixes, like a real profile.
awk -v n="$LINES" -v bases="${BASES:-3000}" 'BEGIN {
	x = 20240601
	for (i = 0; i < 400; i++)
		fn[i] = sprintf("ns%d::Cls%d::fn_%d()", i % 7, i % 53, i)
	for (i = 0; i < 60; i++)
		leaf[i] = sprintf("leaf_%d", i)
	for (b = 0; b < bases; b++) {
		x = (x * 16807) % 2147483647
		depth = 10 + x % 41
		s = "app-" (x % 3)
		f = 0
		for (d = 0; d < depth; d++) {
			x = (x * 16807) % 2147483647
			r = x % 100
			# Mostly the usual callee; sometimes one of a few others.
			c = r < 80 ? 0 : (r < 93 ? 1 : (r < 98 ? 2 : 3 + r % 5))
			f = (f * 7 + c * 13 + d) % 400
			s = s ";" fn[f]
		}
		base[b] = s
	}
	for (l = 0; l < n; l++) {
		x = (x * 16807) % 2147483647
		b = x % 100 < 50 ? x % 50 : x % bases
		s = base[b]
		x = (x * 16807) % 2147483647
		for (t = x % 4; t > 0; t--) {
			x = (x * 16807) % 2147483647
			s = s ";" leaf[x % 60]
		}
		if (x % 10 == 0)
			s = s ";do_syscall_64_[k];ksys_read_[k]"
		x = (x * 16807) % 2147483647
		print s, 1 + x % 20
	}
}' >"$WORK/in.folded"

# peak_rss CMD...: runs CMD (stdout to $WORK/out), prints its peak RSS in KiB.
peak_rss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$WORK/rss" "$@" >"$WORK/out"
		cat "$WORK/rss"
	elif command -v python3 >/dev/null; then
		python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "wb"), check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$WORK/out" "$@"
	else
		"$@" >"$WORK/out"
		echo "n/a"
	fi
}

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

size=$(wc -c <"$WORK/in.folded")
uniq=$(sed 's/ [0-9]*$//' "$WORK/in.folded" | sort -u | wc -l)
frames=$(awk -F';' '{ n += NF } END { print n }' "$WORK/in.folded")
echo "input: $LINES lines, $uniq unique stacks, $frames frames, $size bytes"
# stackcollapse-* and ebprof write sorted lines; measure both orders.
LC_ALL=C sort "$WORK/in.folded" >"$WORK/sorted.folded"

for order in shuffled sorted; do
	in=$WORK/in.folded
	[ "$order" = sorted ] && in=$WORK/sorted.folded
	t0=$(now)
	rss=$(peak_rss "$EBPROF" flame -o "$WORK/ebprof.svg" "$in")
	t1=$(now)
	t_eb=$(secs "$t0" "$t1")
	xmllint --noout --huge "$WORK/ebprof.svg"
	eb_size=$(wc -c <"$WORK/ebprof.svg")
	echo "[$order] ebprof flame:   ${t_eb} s, SVG $eb_size bytes, peak RSS $rss KiB"
	if [ -n "${FLAMEGRAPH_PL:-}" ]; then
		t0=$(now)
		perl "$FLAMEGRAPH_PL" "$in" >"$WORK/pl.svg"
		t1=$(now)
		t_pl=$(secs "$t0" "$t1")
		pl_size=$(wc -c <"$WORK/pl.svg")
		echo "[$order] flamegraph.pl:  ${t_pl} s, SVG $pl_size bytes"
		awk -v o="$order" -v a="$t_pl" -v b="$t_eb" -v sa="$pl_size" \
			-v sb="$eb_size" 'BEGIN {
			printf "[%s] ratio: ebprof %.1fx faster; SVG %.2f of flamegraph.pl\x27s size\n",
				o, a / (b > 0 ? b : 0.01), sb / sa }'
	fi
done
[ -n "${FLAMEGRAPH_PL:-}" ] ||
	echo "flamegraph.pl: not measured (set FLAMEGRAPH_PL=/path/to/flamegraph.pl)"
