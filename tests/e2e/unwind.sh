#!/usr/bin/env bash
# End-to-end tests of complete user stacks: `record --call-graph dwarf` on
# workloads built without frame pointers (C and C++: libc callbacks,
# recursion 150 deep, threads, a signal handler), checked against their
# known chains and against `perf record --call-graph dwarf`; the leaf
# fix-up of frame-pointer mode; option errors.  Shares are statistical
# (a few percentage points of slack), never timings.
. "$(dirname "$0")/../lib.sh"

expect_error "record --call-graph: unknown mode" 2 "invalid value 'lbr'" \
	"$EBPROF" record --call-graph lbr -- true
expect_error "record --call-graph: size too small" 2 "invalid value 'dwarf,4'" \
	"$EBPROF" record --call-graph dwarf,4 -- true
expect_error "record --call-graph: size too large" 2 "dwarf,70000" \
	"$EBPROF" record --call-graph dwarf,70000 -- true

if [ "$(id -u)" -ne 0 ]; then
	skip "unwind" "needs root to load BPF programs"
	exit 0
fi

# --no-inline: the expected chains and perf script show no inlined frames
rec() { "$EBPROF" -q record --user-only --no-inline -F 499 "$@"; }

# exact NAME FILE LEAF_RE CHAIN_RE MIN: among samples whose stack ends with
# LEAF_RE, the share whose whole stack (after the comm) matches CHAIN_RE.
exact() {
	local name=$1 f=$2 leaf=$3 chain=$4 min=$5 got
	got=$(awk -v leaf="$leaf" -v re="$chain" '{
		n = $NF; s = $0; sub(/ [0-9.]+$/, "", s); sub(/^[^;]*;/, "", s)
		if (s !~ leaf) next
		t += n; if (s ~ re) m += n
	} END { if (t == 0) print -1; else printf "%.1f\n", 100 * m / t }' "$f")
	if [ "$got" != -1 ] && awk -v g="$got" -v m="$min" 'BEGIN { exit !(g >= m) }'; then
		pass "$name ($got%)"
	else
		fail "$name" "$got% < $min%; top: $(sort -t' ' -k2 -rn "$f" | awk '{ print $NF }' | head -0)$(awk '{ print $NF, $0 }' "$f" | sort -rn | head -2 | cut -c1-300)"
	fi
}

START='^_start;__libc_start_main;__libc_start_call_main;main;'

# --- C, no frame pointers: a chain through libc's qsort
rec --call-graph dwarf -o "$TMP/qsort.folded" -- "$WL/unwind_chains-nofp" qsort 2
exact "dwarf: qsort callback chain through libc, -fomit-frame-pointer" \
	"$TMP/qsort.folded" ';burn$' \
	"${START}mode_qsort;sort_once;qsort_r;(msort_with_tmp[^;]*;)+cmp_burn;burn$" 97

# --- recursion 150 deep: whole, where perf stops at 127 frames
rec --call-graph dwarf -o "$TMP/rec.folded" -- "$WL/unwind_chains-nofp" recurse 2
rec150=$(printf 'rec;%.0s' $(seq 150))
exact "dwarf: recursion 150 deep comes out whole" "$TMP/rec.folded" \
	';burn$' "${START}mode_recurse;${rec150}burn$" 97

# --- threads: complete down to clone3
rec --call-graph dwarf -o "$TMP/thr.folded" -- "$WL/unwind_chains-nofp" threads 2
exact "dwarf: threads complete to clone3;start_thread" "$TMP/thr.folded" \
	';burn$' '^clone3;start_thread;thread_main;thr_work;burn$' 97

# --- through a signal frame: handler, trampoline, interrupted frame
rec --call-graph dwarf -o "$TMP/sig.folded" -- "$WL/unwind_chains-nofp" signal 3
exact "dwarf: signal handler chain through the trampoline" "$TMP/sig.folded" \
	';on_prof;sig_work;burn$' \
	"${START}mode_signal;spin;(burn;)?[^;]+;on_prof;sig_work;burn$" 95

# --- C++: virtual call, std::function, std::sort
rec --call-graph dwarf -o "$TMP/cxx.folded" -- "$WL/unwind_cxx-nofp" 2
exact "dwarf: C++ chain (virtual, std::function, std::sort)" "$TMP/cxx.folded" \
	';by_weight\(int, int\);burn' \
	"${START}run\\(Shape\\*, double\\);Square::area\\(\\);visit\\(std::function<void \\(\\)> const&\\);std::_Function_handler[^;]*;(std::__[^;]*;|void std::__[^;]*;)*by_weight\\(int, int\\);burn" 97

# --- a copy too short for the stack: counted in the summary, by cause
"$EBPROF" record --user-only -F 499 --call-graph dwarf,512 \
	-o "$TMP/short.folded" -- "$WL/unwind_chains-nofp" recurse 1 \
	2>"$TMP/short.err"
if grep -Eq 'dwarf unwinding: [1-9][0-9]* of [0-9]+ stacks incomplete \([0-9]+ stack copy too short' "$TMP/short.err"; then
	pass "dwarf,512: short copies counted as 'stack copy too short'"
else
	fail "dwarf,512: short copies counted" "$(grep dwarf "$TMP/short.err")"
fi

# --- frame pointers: the leaf fix-up restores a frameless libc leaf's caller
rec -o "$TMP/leaf.folded" -- "$WL/unwind_chains-fp" leaf 2
exact "fp + leaf fix-up: caller of a frameless libc leaf (getppid)" \
	"$TMP/leaf.folded" ';getppid$' \
	'^__libc_start_call_main;main;mode_leaf;call_getppid;getppid$' 97

# --- against perf --call-graph dwarf on the same binary
if ! command -v perf >/dev/null; then
	skip "dwarf vs perf" "perf is not installed"
	exit 0
fi
# perf script -> folded (root first, comm dropped), inlined frames left
# out as ebprof does.  Frames outside the workload's own functions become
# "L": perf names libc's functions from its debug info (__GI___qsort_r,
# __libc_start_main_impl) where ebprof uses the symbol table.
perf_folded() {
	perf script --no-inline -i "$1" -F ip,sym 2>/dev/null | awk '
		function flush() { if (n) { s = f[n]; for (i = n - 1; i >= 1; i--) s = s ";" f[i]; c[s]++ } n = 0 }
		/^$/ { flush(); next }
		{ sub(/^[ \t]+[0-9a-f]+ /, ""); sub(/\+0x[0-9a-f]+$/, ""); f[++n] = $0 }
		END { flush(); for (s in c) print s, c[s] }'
}
# own BINARY < folded: frames not defined in BINARY become "L".
own() {
	awk -v syms="$(nm --defined-only "$1" | awk '$2 ~ /[tTwW]/ { print $3 }' | tr '\n' ' ')" '
		BEGIN { n = split(syms, a, " "); for (i = 1; i <= n; i++) k[a[i]] = 1 }
		{ c = $NF; sub(/ [0-9]+$/, ""); m = split($0, f, ";"); s = ""
		  for (i = 1; i <= m; i++) s = s (i > 1 ? ";" : "") (f[i] in k ? f[i] : "L")
		  t[s] += c }
		END { for (s in t) print s, t[s] }'
}
for wl in qsort recurse; do
	perf record -q -F 499 --call-graph dwarf -o "$TMP/perf-$wl.data" -- \
		"$WL/unwind_chains-nofp" "$wl" 2 >/dev/null 2>&1
	perf_folded "$TMP/perf-$wl.data" > "$TMP/perf-$wl.folded"
done
own "$WL/unwind_chains-nofp" < "$TMP/perf-qsort.folded" | sed 's/^/x;/' > "$TMP/perf-own.folded"
sed 's/^[^;]*;//' "$TMP/qsort.folded" | own "$WL/unwind_chains-nofp" | sed 's/^/x;/' > "$TMP/eb-own.folded"
exact "perf --call-graph dwarf gives the same qsort chain" \
	"$TMP/perf-own.folded" ';burn$' \
	'^_start;L;L;main;mode_qsort;sort_once;L;(L;)+cmp_burn;burn$' 90
# The chains ebprof finds most often are perf's too, frame for frame.
miss=0
while IFS= read -r s; do
	grep -qF -- "$s " "$TMP/perf-own.folded" || miss=$((miss + 1))
done <<< "$(sort -t' ' -k2 -rn "$TMP/eb-own.folded" | head -3 | sed 's/ [0-9]*$//')"
if [ "$miss" -eq 0 ]; then
	pass "dwarf vs perf: ebprof's 3 most frequent qsort stacks are perf's too"
else
	fail "dwarf vs perf: top stacks" "$miss of 3 not in perf's output"
fi
# perf keeps at most 127 frames: the 150-deep recursion is cut there.
perf_max=$(awk '{ sub(/ [0-9]+$/, ""); n = gsub(/;/, ";") + 1; if (n > m) m = n } END { print m + 0 }' "$TMP/perf-recurse.folded")
eb_max=$(awk '{ sub(/ [0-9]+$/, ""); n = gsub(/;/, ";"); if (n > m) m = n } END { print m + 0 }' "$TMP/rec.folded")
if [ "$eb_max" -ge 155 ] && [ "$perf_max" -lt "$eb_max" ]; then
	pass "dwarf: deeper than perf on recursion 150 (ebprof $eb_max frames, perf $perf_max)"
else
	fail "dwarf: deeper than perf" "ebprof $eb_max frames, perf $perf_max"
fi
