#!/usr/bin/env bash
# The test runner: every unit test binary in build/tests/ and every
# end-to-end script in tests/e2e/.  Each prints TAP-like lines:
#   ok - NAME | not ok - NAME: why | skip - NAME: why
# A program that exits non-zero without reporting a failure counts as one.
# Ends with exactly one line "N passed, N failed, N skipped"; exits 1 on
# any failure.  TESTS="pattern" runs only the matching programs.
set -u
cd "$(dirname "$0")/.."
export ROOT=$PWD O=${O:-build}
export EBPROF=$ROOT/$O/ebprof
pass=0 fail=0 skip=0
log=$(mktemp -d /tmp/ebprof-tests.XXXXXX)
trap 'rm -rf "$log"' EXIT

run_one() {
	local name=$1; shift
	local out="$log/out" rc
	case "$name" in *${TESTS:-}*) ;; *) return ;; esac
	echo "# $name"
	"$@" >"$out" 2>"$log/err" </dev/null
	rc=$?
	local p f s
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	s=$(grep -c '^skip ' "$out")
	grep -E '^(ok|not ok|skip) ' "$out"
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		sed 's/^/#   /' "$log/err" | tail -n 30
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name: exited with status $rc"
		f=$((f + 1))
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
}

for t in "$O"/tests/*/test_*; do
	[ -x "$t" ] && run_one "${t#"$O"/tests/}" "$t"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] && run_one "$(basename "$t" .sh)" bash "$t"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
