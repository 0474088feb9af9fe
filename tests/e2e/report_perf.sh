#!/usr/bin/env bash
# `ebprof report` against `perf report` on the same workload recorded by
# both: the top functions' self percentages agree within a few points.
# Then two ebprof recordings of the same code pass the regression gate.
. "$(dirname "$0")/../lib.sh"

BIN=$WL/report_hot-fp
TOL=4
if [ "$(id -u)" -ne 0 ]; then
	skip report-perf "needs root to record"
	exit 0
fi
if ! command -v perf >/dev/null; then
	skip report-perf "perf is not installed"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	skip report-perf "$BIN is not built (make workloads)"
	exit 0
fi
# No hardware PMU on some machines: cpu-clock is what ebprof samples too.
if ! perf record -e cpu-clock -F 999 -g -o "$TMP/perf.data" -- "$BIN" 3 \
	>"$TMP/perf.log" 2>&1; then
	skip report-perf "perf record failed: $(tail -n 1 "$TMP/perf.log")"
	exit 0
fi
perf report -i "$TMP/perf.data" --stdio --no-children --sort sym -g none \
	2>/dev/null | awk '$2 == "[.]" || $2 == "[k]" { sub(/%/, "", $1); print $3, $1 }' \
	>"$TMP/perf.txt"
if ! "$EBPROF" -q record -F 999 -o "$TMP/a.folded" -- "$BIN" 3; then
	fail "report-perf: ebprof record" "exit status $?"
	exit 0
fi
"$EBPROF" report -s sym -F json "$TMP/a.folded" |
	jq -r '.rows[] | "\(.sym) \(.self_pct)"' >"$TMP/ebprof.txt"
ok=1 detail=""
for f in hot_a hot_b hot_c; do
	p=$(awk -v f=$f '$1 == f { print $2 }' "$TMP/perf.txt")
	e=$(awk -v f=$f '$1 == f { print $2 }' "$TMP/ebprof.txt")
	detail="$detail $f perf=${p:-none} ebprof=${e:-none}"
	if [ -z "$p" ] || [ -z "$e" ] || ! near "$p" "$e" $TOL; then
		ok=0
	fi
done
if [ $ok = 1 ]; then
	pass "report-perf: self % of hot_a/b/c within $TOL points of perf report:$detail"
else
	fail "report-perf: self % agrees with perf report" "$detail"
fi
top_p=$(head -n 3 "$TMP/perf.txt" | awk '{ print $1 }' | tr '\n' ' ')
top_e=$(head -n 3 "$TMP/ebprof.txt" | awk '{ print $1 }' | tr '\n' ' ')
[ "$top_p" = "$top_e" ] && pass "report-perf: same top-3 order ($top_e)" ||
	fail "report-perf: same top-3 order" "perf: $top_p; ebprof: $top_e"

# The same code recorded twice must pass the gate.
"$EBPROF" -q record -F 999 -o "$TMP/b.folded" -- "$BIN" 3
"$EBPROF" report --base "$TMP/a.folded" --fail-on-regression 3 \
	"$TMP/b.folded" >"$TMP/gate.txt" 2>&1
rc=$?
[ $rc = 0 ] && pass "report-perf: two recordings of the same code pass the gate" ||
	fail "report-perf: same code passes the gate" "exit $rc: $(head -n 8 "$TMP/gate.txt")"
