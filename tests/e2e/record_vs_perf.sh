#!/usr/bin/env bash
# `ebprof record` against `perf record -g` on the same workload: the same
# user call chains (frame pointers both), with shares within a few points.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip record_vs_perf "needs root to load BPF programs"
	exit 0
fi
if ! command -v perf >/dev/null; then
	fail record_vs_perf "perf is not installed (linux-perf, see scripts/install-deps.sh)"
	exit 0
fi

# perf script -> folded user stacks "comm;root;...;leaf COUNT" (perf
# prints leaf first, "addr sym+off (dso)"; kernel frames are dropped).
perf_fold() {
	perf script -i "$1" -F comm,ip,sym,dso 2>/dev/null | awk '
		function flush() { if (comm != "" && n > 0) { s = comm;
			for (i = n; i >= 1; i--) s = s ";" f[i]; c[s]++ } n = 0; comm = "" }
		/^[^ \t]/ { flush(); comm = $1; next }
		/^[ \t]*$/ { flush(); next }
		{ if ($0 ~ /\[kernel\.kallsyms\]/) next; sym = $2; sub(/\+0x[0-9a-f]+$/, "", sym); f[++n] = sym }
		END { flush(); for (s in c) print s, c[s] }' | sort
}

# Drops kernel frames from ebprof's folded output and merges.
user_only() {
	sed -E 's/;[^;]*_\[k\]//g' "$1" | awk '{ n = $NF; $NF = ""; sub(/ $/, ""); c[$0] += n }
		END { for (s in c) print s, c[s] }' | sort
}

# Chains holding >= 5% of samples, with their share.
major() {
	awk '{ n = $NF; t += n; $NF = ""; sub(/ $/, ""); c[$0] = n }
		END { for (s in c) if (c[s] / t >= 0.05) printf "%s %.1f\n", s, 100 * c[s] / t }' "$1" | sort
}

perf record -F 499 -g -o "$TMP/perf.data" -- "$WL/cpusplit-fp" 3 >/dev/null 2>&1
perf_fold "$TMP/perf.data" >"$TMP/perf.folded"
"$EBPROF" -q record -F 499 -o "$TMP/ebprof.raw" -- "$WL/cpusplit-fp" 3
user_only "$TMP/ebprof.raw" >"$TMP/ebprof.folded"
major "$TMP/perf.folded" >"$TMP/perf.major"
major "$TMP/ebprof.folded" >"$TMP/ebprof.major"

if [ "$(wc -l <"$TMP/perf.major")" -ge 3 ] &&
	diff <(cut -d' ' -f1 "$TMP/perf.major") <(cut -d' ' -f1 "$TMP/ebprof.major") >/dev/null; then
	pass "record_vs_perf: same major call chains as perf record -g"
else
	fail record_vs_perf "perf: $(tr '\n' '|' <"$TMP/perf.major") ebprof: $(tr '\n' '|' <"$TMP/ebprof.major")"
fi
bad=$(join "$TMP/perf.major" "$TMP/ebprof.major" | awk '{ d = $2 - $3; if (d < 0) d = -d; if (d > 5) print }')
if [ -z "$bad" ] && [ -s "$TMP/ebprof.major" ]; then
	pass "record_vs_perf: chain shares within 5 points of perf's"
else
	fail record_vs_perf_shares "$bad"
fi
