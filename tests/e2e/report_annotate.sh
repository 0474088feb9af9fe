#!/usr/bin/env bash
# `ebprof report --annotate`: a pprof profile written by an independent
# encoder (npm pprof-format) puts samples on given instructions of a
# function of a workload binary; the report must show them on exactly
# those addresses, with the instructions objdump shows there.
. "$(dirname "$0")/../lib.sh"

BIN=$WL/report_hot-fp
MK=$ROOT/tests/fixtures/report/make-pprof.mjs
if ! command -v node >/dev/null || ! command -v objdump >/dev/null; then
	skip annotate "node or objdump is not installed"
	exit 0
fi
if [ ! -d "$ROOT/tests/node/node_modules/pprof-format" ]; then
	skip annotate "tests/node/node_modules is not installed (npm ci)"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	skip annotate "$BIN is not built (make workloads)"
	exit 0
fi
set -- $(nm -S "$BIN" | awk '$3 == "T" && $4 == "hot_a" { print $1, $2 }')
vaddr=$1 size=$2 vhex=$(printf '%x' $((0x$1)))
objdump -d --no-show-raw-insn --start-address=0x$vaddr \
	--stop-address=$(printf '0x%x' $((0x$vaddr + 0x$size))) "$BIN" |
	awk -F'\t' '/^ *[0-9a-f]+:\t/ { sub(/^ */, "", $1); sub(/:$/, "", $1); split($2, m, " "); print $1, m[1] }' >"$TMP/insns"
second=$(sed -n 2p "$TMP/insns") last=$(tail -n 1 "$TMP/insns")
set -- $second; a2=$1 m2=$2
set -- $last; a3=$1 m3=$2
node "$MK" "$TMP/a.pb.gz" "$BIN" hot_a "$vaddr" \
	"0:5,$((0x$a2 - 0x$vaddr)):7,$((0x$a3 - 0x$vaddr)):3"
"$EBPROF" report --annotate hot_a "$TMP/a.pb.gz" >"$TMP/a.txt" 2>"$TMP/err"
l1=$(grep -E "^ +33\.33% +5 +$vhex:  " "$TMP/a.txt" | sed 's/.*:  //')
l2=$(grep -E "^ +46\.67% +7 +$a2:  " "$TMP/a.txt" | sed 's/.*:  //')
l3=$(grep -E "^ +20\.00% +3 +$a3:  " "$TMP/a.txt" | sed 's/.*:  //')
# capstone spells operand sizes (testq) where objdump may not (test).
if [ -n "$l1" ] && [[ "${l2%% *}" == "$m2"* ]] && [[ "${l3%% *}" == "$m3"* ]]; then
	pass "annotate: samples on the exact instructions ($m2 at $a2, $m3 at $a3)"
else
	fail "annotate: samples per instruction" "$(cat "$TMP/a.txt" "$TMP/err")"
fi
# instruction lines only (source lines "file:line  text" come between)
n=$(grep -Ec '^[ 0-9.%]+ [0-9a-f]+:  ' "$TMP/a.txt")
[ "$n" = "$(wc -l <"$TMP/insns")" ] &&
	pass "annotate: every instruction of the function listed ($n, as objdump)" ||
	fail "annotate: instruction count" "$n listed, objdump has $(wc -l <"$TMP/insns")"
grep -q "^# ebprof report: annotation of hot_a in $BIN (0x$vhex, " "$TMP/a.txt" &&
	pass "annotate: header names the function and file" ||
	fail "annotate: header" "$(head -1 "$TMP/a.txt")"
if "$EBPROF" report --annotate hot_a -F json "$TMP/a.pb.gz" |
   jq -e --arg a "$((0x$a2))" '.total == 15 and (.instructions[] | select(.addr == ($a | tonumber)) | .samples == 7)' >/dev/null; then
	pass "annotate --format json"
else
	fail "annotate --format json"
fi
expect_error "annotate: unknown function" 1 "no function 'nope' in the profile" \
	"$EBPROF" report --annotate nope "$TMP/a.pb.gz"
