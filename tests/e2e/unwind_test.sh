#!/usr/bin/env bash
# End-to-end tests of `ebprof unwind-test`: the audit of files and of a
# process (unwind tables, frame-pointer prologues, verdicts), its errors,
# and the live self-test of both --call-graph modes.
. "$(dirname "$0")/../lib.sh"

ut() { "$EBPROF" unwind-test "$@"; }

ut "$WL/unwind_chains-fp" >"$TMP/fp.out" 2>&1
if grep -q 'frame pointers: *16 of 16 functions (100%)' "$TMP/fp.out" &&
   grep -q 'verdict: *fp and dwarf both give complete stacks' "$TMP/fp.out" &&
   grep -q '\.eh_frame_hdr: *yes ([0-9]* FDEs)' "$TMP/fp.out"; then
	pass "unwind-test FILE: frame-pointer build, both modes"
else
	fail "unwind-test FILE: frame-pointer build" "$(cat "$TMP/fp.out")"
fi
ut "$WL/unwind_chains-nofp" >"$TMP/nofp.out" 2>&1
if grep -q 'frame pointers: *0 of 16 functions (0%)' "$TMP/nofp.out" &&
   grep -q 'verdict: *needs --call-graph dwarf' "$TMP/nofp.out"; then
	pass "unwind-test FILE: -fomit-frame-pointer build needs dwarf"
else
	fail "unwind-test FILE: -fomit-frame-pointer build" "$(cat "$TMP/nofp.out")"
fi
"$WL/unwind_chains-nofp" qsort 3 & pid=$!
sleep 0.2
ut -p "$pid" >"$TMP/pid.out" 2>&1
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
if grep -q '^/.*/unwind_chains-nofp$' "$TMP/pid.out" &&
   grep -q '^/.*libc.so.6$' "$TMP/pid.out" &&
   grep -q '^overall: use --call-graph dwarf' "$TMP/pid.out"; then
	pass "unwind-test -p: every mapped file, overall verdict dwarf"
else
	fail "unwind-test -p" "$(head -c 600 "$TMP/pid.out")"
fi
expect_error "unwind-test: missing file" 1 "cannot open '/nonexistent'" \
	"$EBPROF" unwind-test /nonexistent
expect_error "unwind-test: not an ELF file" 1 "not a 64-bit ELF file" \
	"$EBPROF" unwind-test /etc/hostname
expect_error "unwind-test: no such process" 1 "no such process" \
	"$EBPROF" unwind-test -p 999999999
expect_error "unwind-test: bad -d" 2 "invalid value '0'" \
	"$EBPROF" unwind-test -d 0
expect_error "unwind-test: files and -p" 2 "not both" \
	"$EBPROF" unwind-test -p 1 /bin/true

if [ "$(id -u)" -ne 0 ]; then
	skip "unwind-test self-test" "needs root to load BPF programs"
	exit 0
fi
check "unwind-test: built-in workload runs" \
	timeout 10 "$EBPROF" --workload unwind_chains-nofp leaf 0.1
expect_error "unwind-test: unknown built-in workload" 2 "unknown workload 'nope'" \
	"$EBPROF" --workload nope leaf
expect_error "unwind-test: workloads missing" 1 "make workloads" \
	"$EBPROF" unwind-test --workloads "$TMP/none"
ut -d 0.7 --workloads "$WL" >"$TMP/self.out" 2>"$TMP/self.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^PASS dwarf$' "$TMP/self.out" &&
   grep -q '^PASS fp$' "$TMP/self.out" &&
   grep -Eq '^dwarf +nofp +recurse +[0-9]+ +100\.0%' "$TMP/self.out"; then
	pass "unwind-test self-test: both modes pass, recursion 150 exact in dwarf"
else
	fail "unwind-test self-test" "exit $rc: $(cat "$TMP/self.out" "$TMP/self.err" | tr '\n' '|')"
fi
if grep -Eq '^fp +fp +recurse +[0-9]+ +0\.0%' "$TMP/self.out"; then
	pass "unwind-test self-test: fp mode is shown cut at 127 frames"
else
	fail "unwind-test self-test: fp recursion" "$(grep '^fp' "$TMP/self.out" | tr '\n' '|')"
fi
