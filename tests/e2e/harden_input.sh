#!/usr/bin/env bash
# Hostile input to report, flame and push: endless streams end with one
# error line, and a tiny gzip that describes a huge stack (or millions of
# frames) does not make huge output.  Each command is bounded by timeout.
. "$(dirname "$0")/../lib.sh"

PUSH=(push --server http://127.0.0.1:9 --app hostile --dry-run)

# Endless input: /dev/zero is refused after its first block; `yes` (text)
# after INPUT_MAX_BYTES (1 GiB).
for cmd in report "flame -o $TMP/z.svg" "${PUSH[*]}"; do
	name=${cmd%% *}
	# shellcheck disable=SC2086
	expect_error "endless: $name /dev/zero" 1 \
		"cannot read '/dev/zero': not a recording" \
		timeout -s KILL 20 "$EBPROF" $cmd /dev/zero
	# shellcheck disable=SC2086
	expect_error "endless: yes | $name -" 1 \
		"cannot read '-': more than 1 GiB of input" \
		sh -c 'yes | timeout -s KILL 60 "$@" -' sh "$EBPROF" $cmd
done
expect_error "endless: /dev/zero on flame's stdin" 1 \
	"cannot read '-': not a recording" \
	sh -c 'timeout -s KILL 20 "$1" flame -o "$2" - </dev/zero' sh \
	"$EBPROF" "$TMP/z.svg"
check "endless: no output file is left" test ! -e "$TMP/z.svg"

# Amplification: ~10 KB of gzip, one stack of 5 million frames.
python3 -c '
import gzip, sys
d = b"main;" + b"f;" * 5000000 + b"leaf 1\n"
open(sys.argv[1], "wb").write(gzip.compress(d, 9))' "$TMP/deep.gz"
# ~12 KB of gzip, a thousand stacks of 4000 frames each.
python3 -c '
import gzip, sys
d = b"".join(b"main;s%d;" % i + b"f;" * 4000 + b"leaf 1\n" for i in range(1000))
open(sys.argv[1], "wb").write(gzip.compress(d, 9))' "$TMP/wide.gz"

# size_ok FILE MAX_BYTES
size_ok() { [ -f "$1" ] && [ "$(stat -c %s "$1")" -le "$2" ]; }

timeout -s KILL 60 "$EBPROF" flame -o "$TMP/deep.svg" "$TMP/deep.gz" 2>"$TMP/deep.err"
rc=$?
if [ "$rc" -eq 0 ] && size_ok "$TMP/deep.svg" $((4 << 20)) &&
   grep -q "frames cut" "$TMP/deep.svg" &&
   [ "$(grep -c "cut 1 stack deeper than 4096 frames" "$TMP/deep.err")" -eq 1 ]; then
	pass "amplification: flame of a 5M-frame stack is cut, marked, said once ($(stat -c %s "$TMP/deep.svg") bytes)"
else
	fail "amplification: flame of a 5M-frame stack" "exit $rc, $(stat -c %s "$TMP/deep.svg" 2>/dev/null) bytes; $(cat "$TMP/deep.err")"
fi
zcat "$TMP/deep.gz" | timeout -s KILL 60 "$EBPROF" flame -o "$TMP/deep2.svg" - 2>"$TMP/deep2.err"
rc=$?
if [ "$rc" -eq 0 ] && size_ok "$TMP/deep2.svg" $((4 << 20)) &&
   grep -q "cut 1 stack" "$TMP/deep2.err"; then
	pass "amplification: flame of the same stack as plain text (stream path)"
else
	fail "amplification: flame of the same stack as plain text" "exit $rc; $(cat "$TMP/deep2.err")"
fi
timeout -s KILL 60 "$EBPROF" report -g caller "$TMP/deep.gz" >"$TMP/deep.txt" 2>"$TMP/deep.rerr"
rc=$?
if [ "$rc" -eq 0 ] && size_ok "$TMP/deep.txt" $((4 << 20)) &&
   [ "$(grep -c "cut 1 stack deeper than 4096 frames" "$TMP/deep.rerr")" -eq 1 ]; then
	pass "amplification: report -g caller of a 5M-frame stack ($(stat -c %s "$TMP/deep.txt") bytes)"
else
	fail "amplification: report -g caller of a 5M-frame stack" "exit $rc, $(stat -c %s "$TMP/deep.txt") bytes; $(cat "$TMP/deep.rerr")"
fi
timeout -s KILL 60 "$EBPROF" report -g caller -F json "$TMP/deep.gz" >"$TMP/deep.json" 2>/dev/null
# JSON indentation is bounded (it was quadratic in the depth: 370 MB).
check "amplification: report -g caller -F json of a 5M-frame stack is small" \
	size_ok "$TMP/deep.json" $((8 << 20))
timeout -s KILL 60 "$EBPROF" report -F folded "$TMP/deep.gz" >"$TMP/deep.folded" 2>/dev/null
check "amplification: report -F folded writes the cut stack" \
	awk -F';' 'NF == 4096 && /frames cut/ { ok = 1 } END { exit !ok }' "$TMP/deep.folded"

timeout -s KILL 60 "$EBPROF" flame -o "$TMP/wide.svg" "$TMP/wide.gz" 2>"$TMP/wide.err"
rc=$?
# 500000 frames at most, about 110 bytes each.
if [ "$rc" -eq 0 ] && size_ok "$TMP/wide.svg" $((80 << 20)) &&
   grep -q "narrow frames not drawn: the graph is limited to 500000 frames" "$TMP/wide.err" &&
   xmllint --noout "$TMP/wide.svg" 2>/dev/null; then
	pass "amplification: flame of 4 million frames is bounded ($(stat -c %s "$TMP/wide.svg") bytes)"
else
	fail "amplification: flame of 4 million frames is bounded" "exit $rc, $(stat -c %s "$TMP/wide.svg" 2>/dev/null) bytes; $(cat "$TMP/wide.err")"
fi
timeout -s KILL 60 "$EBPROF" report -g caller --percent-limit 0 -F json "$TMP/wide.gz" >"$TMP/wide.json" 2>"$TMP/wide.rerr"
rc=$?
# At most 100000 nodes; it was 3.3 GB of JSON.
if [ "$rc" -eq 0 ] && size_ok "$TMP/wide.json" $((80 << 20)) &&
   grep -q "call-tree nodes hidden: at most 100000 are shown" "$TMP/wide.rerr"; then
	pass "amplification: report -g --percent-limit 0 of 4 million nodes is bounded ($(stat -c %s "$TMP/wide.json") bytes)"
else
	fail "amplification: report -g --percent-limit 0 of 4 million nodes" "exit $rc, $(stat -c %s "$TMP/wide.json") bytes; $(cat "$TMP/wide.rerr")"
fi
