#!/usr/bin/env bash
# Frame-pointer mode loses no caller under a frameless function in the
# middle of the stack: tests/workloads/midstack.c spends 60% of its CPU
# time in main;phase_a;hot_a;clock_gettime (libc, no frame pointer);vDSO
# and 40% in phase_a;cold_a.  Without the repair, the walk from the vDSO
# goes from clock_gettime to phase_a and hot_a reads far below 60%.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "midstack" "needs root to load BPF programs"
	exit 0
fi
timeout 120 "$EBPROF" record -F 999 --call-graph fp -o "$TMP/ms.folded" \
	-- "$WL/midstack-fp" 3 2>"$TMP/ms.err"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "midstack: record" "exit $rc: $(tail -n 3 "$TMP/ms.err")"
	exit 0
fi
hot=$(share "$TMP/ms.folded" '^midstack-fp;.*;phase_a;hot_a(;|$)')
if near "$hot" 60 2; then
	pass "midstack: hot_a at $hot% of the samples (truth 60%)"
else
	fail "midstack: hot_a share" "$hot%, want 60 +- 2: $(sort -t' ' -k2 -nr "$TMP/ms.folded" | head -5 | tr '\n' '|')"
fi
# Of the samples in libc's clock_gettime (or the vDSO below it) under
# phase_a, the share whose chain goes through hot_a.
grep -E ';phase_a;(.*;)?clock_gettime(;|$)' "$TMP/ms.folded" >"$TMP/cg.folded"
via=$(share "$TMP/cg.folded" ';phase_a;hot_a;clock_gettime(;|$)')
n=$(total "$TMP/cg.folded")
if [ "$n" -gt 100 ] && awk -v v="$via" 'BEGIN { exit !(v >= 99) }'; then
	pass "midstack: $via% of $n clock_gettime stacks through hot_a"
else
	fail "midstack: clock_gettime stacks through hot_a" "$via% of $n: $(grep -v ';hot_a;' "$TMP/cg.folded" | head -3 | tr '\n' '|')"
fi
if grep -Eq 'frameless functions: [0-9]+ skipped callers restored' "$TMP/ms.err"; then
	pass "midstack: record reports the restored callers"
else
	fail "midstack: record's summary" "$(cat "$TMP/ms.err" | tr '\n' '|')"
fi
