#!/usr/bin/env bash
# The regression gate of `ebprof report --base`: exit 3 on a real
# regression, 0 on differences within sampling noise (several pairs of
# synthetic recordings of the same code), the noise floor shown to be what
# makes them pass, and the JSON and Markdown outputs of the comparison.
. "$(dirname "$0")/../lib.sh"

GEN=$ROOT/tests/fixtures/report/gen-profile.py
SHARES="parse=30,compute=25,hash=20,alloc=15,io=10"
gate() { "$EBPROF" report "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }

# Same code, different runs: shares move by sampling noise only.
fails=0 loose=0
for seed in 1 2 3 4 5 6 7 8; do
	python3 "$GEN" "$seed" 2000 "$SHARES" >"$TMP/base.folded"
	python3 "$GEN" "$((seed + 100))" 2000 "$SHARES" >"$TMP/new.folded"
	rc=$(gate --base "$TMP/base.folded" --fail-on-regression 1 "$TMP/new.folded")
	[ "$rc" = 0 ] || fails=$((fails + 1))
	rc=$(gate --base "$TMP/base.folded" --fail-on-regression 1 \
		--alpha 1 --min-samples 0 "$TMP/new.folded")
	[ "$rc" = 3 ] && loose=$((loose + 1))
done
if [ "$fails" = 0 ]; then
	pass "gate: 8 noise-only pairs at a 1-point threshold all exit 0"
else
	fail "gate: noise-only pairs exit 0" "$fails of 8 failed the gate"
fi
if [ "$loose" -ge 2 ]; then
	pass "gate: without the noise floor $loose of 8 noise pairs would fail"
else
	fail "gate: the noise floor matters" "only $loose of 8 exceed 1 point"
fi

# A real regression: io goes from 10% to 16% of the time.
python3 "$GEN" 11 2000 "$SHARES" >"$TMP/base.folded"
python3 "$GEN" 12 2000 "parse=30,compute=25,hash=20,alloc=15,io=17" >"$TMP/slow.folded"
rc=$(gate --base "$TMP/base.folded" --fail-on-regression 2 "$TMP/slow.folded")
if [ "$rc" = 3 ] && grep -Eq '!  \[\.\] io ' "$TMP/out" &&
   grep -q "regression: io grew from" "$TMP/err"; then
	pass "gate: io 10% -> 16% exits 3 and names io"
else
	fail "gate: real regression exits 3" "rc $rc: $(cat "$TMP/out" "$TMP/err")"
fi
first=$(grep -v '^#' "$TMP/out" | head -1 | awk '{ print $6 }')
[ "$first" = io ] && pass "gate: ranked by growth" || fail "gate: ranked by growth" "$first"
rc=$(gate --base "$TMP/base.folded" --fail-on-regression 10 "$TMP/slow.folded")
[ "$rc" = 0 ] && pass "gate: a threshold above the growth exits 0" ||
	fail "gate: threshold above the growth" "rc $rc"
rc=$(gate --base "$TMP/base.folded" "$TMP/slow.folded")
[ "$rc" = 0 ] && pass "gate: comparison without --fail-on-regression exits 0" ||
	fail "gate: no gate exits 0" "rc $rc"
# The same growth over 60 samples is not evidence.
python3 "$GEN" 11 60 "$SHARES" >"$TMP/b60.folded"
python3 "$GEN" 12 60 "parse=30,compute=25,hash=20,alloc=15,io=17" >"$TMP/s60.folded"
rc=$(gate --base "$TMP/b60.folded" --fail-on-regression 2 "$TMP/s60.folded")
[ "$rc" = 0 ] && pass "gate: the same shift over 60 samples is noise (exit 0)" ||
	fail "gate: small profiles are noise" "rc $rc: $(cat "$TMP/out")"

"$EBPROF" report --base "$TMP/base.folded" --fail-on-regression 2 -F json \
	"$TMP/slow.folded" >"$TMP/g.json" 2>/dev/null
if python3 - "$TMP/g.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["mode"] == "compare" and d["regressions"] == 1
assert d["gate"] == {"threshold": 2, "min_samples": 10, "alpha": 0.001}
r = d["rows"][0]
assert r["sym"] == "io" and r["regression"] is True and r["delta"] > 2
assert abs(r["delta"] - (r["new_pct"] - r["base_pct"])) < 1e-3
assert abs(r["base_pct"] - 100.0 * r["base"] / d["base_total"]) < 1e-3
assert all(not x["regression"] for x in d["rows"][1:])
PY
then
	pass "gate: --format json (python json)"
else
	fail "gate: --format json"
fi
"$EBPROF" report --base "$TMP/base.folded" --fail-on-regression 2 -F markdown \
	"$TMP/slow.folded" >"$TMP/g.md" 2>/dev/null
if head -1 "$TMP/g.md" | grep -q '^\*\*ebprof: 1 regression\*\*' &&
   grep -Eq '^\| io \| \\\[unknown\\\] \| [0-9.]+ \| [0-9.]+ \| \+[0-9.]+ \| \*\*regression\*\* \|$' "$TMP/g.md"; then
	pass "gate: --format markdown for a pull-request comment"
else
	fail "gate: --format markdown" "$(cat "$TMP/g.md")"
fi
: >"$TMP/empty.folded"
expect_error "gate: base without samples" 1 "no samples" \
	"$EBPROF" report --base "$TMP/empty.folded" "$TMP/slow.folded"
