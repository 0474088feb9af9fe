#!/usr/bin/env bash
# End-to-end tests of `ebprof report` on fixtures with known counts: exact
# self and total percentages (recursion counted once), sort keys, filters,
# call trees within 80 columns, JSON checked by jq and Python, Markdown,
# folded and pprof output read back, and the errors (exit 1 and 2).
. "$(dirname "$0")/../lib.sh"

FX=$ROOT/tests/fixtures/report
B=$FX/basic.folded
rep() { "$EBPROF" report "$@"; }

# row SYMBOL FILE: "self total" percentages of the text row for SYMBOL
row() { awk -v s="$1" '$0 !~ /^#/ && $5 == s { gsub(/%/, ""); print $1, $2 }' "$2"; }

rep "$B" >"$TMP/plain.txt" 2>"$TMP/err"
want="inner:40.00 40.00 compute:30.00 70.00 fib:20.00 20.00 parse:10.00 10.00 main:0.00 90.00"
got=""
for s in inner compute fib parse main; do got="$got $s:$(row $s "$TMP/plain.txt")"; done
if [ "${got# }" = "$want" ]; then
	pass "report: exact self and total percentages of the fixture"
else
	fail "report: exact self and total percentages" "got '${got# }'"
fi
if [ "$(row fib "$TMP/plain.txt")" = "20.00 20.00" ]; then
	pass "report: recursion counts once in total (fib 20%, not 55%)"
else
	fail "report: recursion counts once" "$(row fib "$TMP/plain.txt")"
fi
if ! grep -Eq '\] (app|app-100|worker)( |$)' "$TMP/plain.txt" &&
   [ ! -s "$TMP/err" ]; then
	pass "report: the root frame is the comm, not a function; stderr quiet"
else
	fail "report: root frame is the comm" "$(cat "$TMP/plain.txt" "$TMP/err")"
fi
order=$(awk '$0 !~ /^#/ { print $5 }' "$TMP/plain.txt" | head -3 | tr '\n' ' ')
[ "$order" = "inner compute fib " ] && pass "report: ranked by self" ||
	fail "report: ranked by self" "$order"
order=$(rep --children "$B" | awk '$0 !~ /^#/ { print $5 }' | head -2 | tr '\n' ' ')
[ "$order" = "main compute " ] && pass "report --children: ranked by total" ||
	fail "report --children: ranked by total" "$order"

rep -s comm,pid "$B" >"$TMP/comm.txt"
if grep -Eq '^ +90\.00% +90\.00% +90  app +100$' "$TMP/comm.txt" &&
   grep -Eq '^ +10\.00% +10\.00% +10  worker +200$' "$TMP/comm.txt"; then
	pass "report --sort comm,pid: comm-PID root frames split"
else
	fail "report --sort comm,pid" "$(cat "$TMP/comm.txt")"
fi
rep --comm worker "$B" >"$TMP/w.txt"
if [ "$(row compute "$TMP/w.txt")" = "100.00 100.00" ] &&
   grep -q '^# ebprof report: 10 samples (count) of 100 after filters' "$TMP/w.txt"; then
	pass "report --comm: percentages of the kept samples"
else
	fail "report --comm" "$(cat "$TMP/w.txt")"
fi
n=$(rep --pid 200,999 -F json "$B" | jq '.total')
[ "$n" = 10 ] && pass "report --pid: list of pids" || fail "report --pid" "total $n"
n=$(rep --focus '^fib$' -F json "$B" | jq '.total')
m=$(rep --ignore 'fib|parse' -F json "$B" | jq '.total')
[ "$n" = 20 ] && [ "$m" = 70 ] && pass "report --focus / --ignore" ||
	fail "report --focus / --ignore" "focus $n, ignore $m"
n=$(rep -n 2 "$B" | grep -vc '^#')
m=$(rep --percent-limit 15 "$B" | grep -vc '^#')
[ "$n" = 2 ] && [ "$m" = 3 ] && pass "report -n / --percent-limit" ||
	fail "report -n / --percent-limit" "-n 2: $n rows, limit 15: $m rows"
rep "$FX/kernel.folded" >"$TMP/k.txt"
if grep -Eq '15\.00% +15\.00% +3  \[k\] __read +\[kernel\.kallsyms\]$' "$TMP/k.txt" &&
   grep -Eq '\[\.\] \[libc\.so\.6\] +\[libc\.so\.6\]$' "$TMP/k.txt"; then
	pass "report: kernel frames [k] in [kernel.kallsyms], [lib.so] modules"
else
	fail "report: kernel frames and modules" "$(cat "$TMP/k.txt")"
fi
cat "$B" | rep -F json - "$FX/kernel.folded" >"$TMP/merge.json"
[ "$(jq '.total' "$TMP/merge.json")" = 120 ] &&
	pass "report: several files (and stdin) merge" ||
	fail "report: several files merge" "$(jq -c '.total' "$TMP/merge.json")"

# --- JSON, checked by two independent parsers
rep -F json -s sym,dso,comm,pid "$B" >"$TMP/r.json"
if python3 - "$TMP/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["mode"] == "rank" and d["total"] == 100
rows = {(r["sym"], r["comm"], r["pid"]): r for r in d["rows"]}
r = rows[("compute", "app", 100)]
assert (r["self"], r["total"], r["self_pct"], r["total_pct"]) == (20, 60, 20.0, 60.0), r
r = rows[("fib", "app", 100)]
assert (r["self"], r["total"]) == (20, 20), r
assert rows[("compute", "worker", 200)]["dso"] == "[unknown]"
assert all(r["kind"] == "user" for r in d["rows"])
assert d["sort"] == ["sym", "dso", "comm", "pid"] and d["order"] == "self"
PY
then
	pass "report --format json: values and schema (python json)"
else
	fail "report --format json: values and schema"
fi
printf 'a;we"ird\\name\001;\303\251t\351;x 5\n' >"$TMP/odd.folded"
if rep -F json "$TMP/odd.folded" | jq -e '.rows | map(.sym) | index("we\"ird\\name\u0001") != null' >/dev/null; then
	pass "report --format json: quotes, backslashes, control bytes, bad UTF-8 (jq)"
else
	fail "report --format json: escaping" "$(rep -F json "$TMP/odd.folded" | head -c 400)"
fi
rep -g caller -F json "$B" >"$TMP/tree.json"
if python3 - "$TMP/tree.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["mode"] == "call_graph" and d["direction"] == "caller"
main = [n for n in d["roots"] if n["sym"] == "main"][0]
assert main["total"] == 90
fib = [n for n in main["callees"] if n["sym"] == "fib"][0]
assert fib["total"] == 20 and fib["callees"][0]["callees"][0]["self"] == 15
PY
then
	pass "report -g caller --format json: nested tree"
else
	fail "report -g caller --format json"
fi

# --- call trees in text
rep -g caller "$B" >"$TMP/caller.txt"
if grep -Eq '^ +90\.00% +0\.00%  \[\.\] main$' "$TMP/caller.txt" &&
   grep -Eq '^ +15\.00% +15\.00%        \[\.\] fib$' "$TMP/caller.txt"; then
	pass "report -g caller: totals, self and indentation"
else
	fail "report -g caller" "$(cat "$TMP/caller.txt")"
fi
rep -g callee "$B" >"$TMP/callee.txt"
if grep -Eq '^ +30\.00%  \[\.\] compute$' "$TMP/callee.txt" &&
   grep -Eq '^ +10\.00%    \[\.\] work$' "$TMP/callee.txt"; then
	pass "report -g callee: functions above their callers"
else
	fail "report -g callee" "$(cat "$TMP/callee.txt")"
fi
long=$(printf 'f%.0s' $(seq 1 200))
deep=$(seq -f 'fn%g' 1 60 | tr '\n' ';')
printf 'app;%s;%s 3\n' "$deep" "$long" >"$TMP/wide.folded"
w=$(rep -g caller "$TMP/wide.folded" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$w" -le 80 ] && pass "report -g: the tree fits in 80 columns (widest $w)" ||
	fail "report -g: fits in 80 columns" "widest line $w"
n=$(rep -g caller --percent-limit 50 "$B" | grep -vc '^#')
[ "$n" = 2 ] && pass "report -g --percent-limit prunes" ||
	fail "report -g --percent-limit prunes" "$n nodes"

# --- markdown, folded and pprof output
rep -F markdown -n 2 "$B" >"$TMP/r.md"
if [ "$(sed -n 1p "$TMP/r.md")" = "| Self % | Total % | Samples | Symbol | Module |" ] &&
   grep -qx '| 40.00 | 40.00 | 40 | inner | \\\[unknown\\\] |' "$TMP/r.md"; then
	pass "report --format markdown: a table"
else
	fail "report --format markdown" "$(cat "$TMP/r.md")"
fi
rep -F folded --comm app -o "$TMP/app.folded" "$B"
if [ "$(total "$TMP/app.folded")" = 90 ] &&
   grep -qx 'app-100;main;fib;fib;fib 15' "$TMP/app.folded"; then
	pass "report --format folded: the filtered profile, comm-PID kept"
else
	fail "report --format folded" "$(cat "$TMP/app.folded")"
fi
rep -F pprof -o "$TMP/r.pb.gz" "$B"
rep -F json "$TMP/r.pb.gz" | jq -c '[.rows[] | [.sym, .self, .total]]' >"$TMP/a"
rep -F json "$B" | jq -c '[.rows[] | [.sym, .self, .total]]' >"$TMP/b"
if cmp -s "$TMP/a" "$TMP/b" && [ "$(rep -s pid -F json "$TMP/r.pb.gz" | jq -c '[.rows[].pid]')" = "[100,200]" ]; then
	pass "report --format pprof: reads back to the same ranking and pids"
else
	fail "report --format pprof: reads back" "$(cat "$TMP/a") vs $(cat "$TMP/b")"
fi

# --- errors
expect_error "report: missing file is exit 1" 1 "cannot read '.*nope'" \
	"$EBPROF" report "$TMP/nope"
expect_error "report: no file is a usage error" 2 "no recording" \
	"$EBPROF" report
expect_error "report: bad sort key" 2 "bad sort keys 'sym,bogus'" \
	"$EBPROF" report -s sym,bogus "$B"
expect_error "report: bad regex" 2 "bad regular expression" \
	"$EBPROF" report --focus '(' "$B"
expect_error "report: bad format" 2 "bad --format 'xml'" \
	"$EBPROF" report -F xml "$B"
expect_error "report: gate needs --base" 2 "needs --base" \
	"$EBPROF" report --fail-on-regression 1 "$B"
expect_error "report: unknown sample type" 1 "no sample type 'cpu'.*samples" \
	"$EBPROF" report --sample-type cpu "$B"
expect_error "report: annotate needs addresses" 1 "no addresses" \
	"$EBPROF" report --annotate fib "$B"
: >"$TMP/empty.folded"
expect_error "report: empty input" 1 "no samples" \
	"$EBPROF" report "$TMP/empty.folded"
printf 'garbage without count\n' | "$EBPROF" report - >/dev/null 2>"$TMP/e"
grep -q "1 line is not in folded format (first: line 1)" "$TMP/e" &&
	pass "report: lines that do not parse are reported" ||
	fail "report: bad lines reported" "$(cat "$TMP/e")"
