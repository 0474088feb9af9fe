# Helpers for end-to-end tests (sourced).  Each check prints one line for
# tests/run.sh: "ok - NAME", "not ok - NAME: why" or "skip - NAME: why".
set -u
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
O=${O:-build}
EBPROF=${EBPROF:-$ROOT/$O/ebprof}
WL=$ROOT/$O/workloads
TMP=$(mktemp -d /tmp/ebprof-e2e.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1: ${2:-failed}"; }
skip() { echo "skip - $1: $2"; }

# check NAME CMD...: passes when CMD succeeds.
check() {
	local name=$1; shift
	if "$@" >"$TMP/check.out" 2>&1; then
		pass "$name"
	else
		fail "$name" "$(tail -n 3 "$TMP/check.out" | tr '\n' ' ')"
	fi
}

# expect_error NAME STATUS PATTERN CMD...: CMD exits with STATUS and prints
# exactly one line on stderr, matching PATTERN (grep -E).
expect_error() {
	local name=$1 want=$2 pat=$3 rc; shift 3
	"$@" >"$TMP/ee.out" 2>"$TMP/ee.err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, want $want; stderr: $(head -c 300 "$TMP/ee.err")"
	elif [ "$(wc -l <"$TMP/ee.err")" -ne 1 ]; then
		fail "$name" "want one line on stderr, got: $(head -c 300 "$TMP/ee.err")"
	elif ! grep -Eq -- "$pat" "$TMP/ee.err"; then
		fail "$name" "stderr '$(cat "$TMP/ee.err")' does not match '$pat'"
	else
		pass "$name"
	fi
}

# share FOLDED REGEX: percentage of samples whose stack matches REGEX.
share() {
	awk -v re="$2" '{ n = $NF; t += n; sub(/ [0-9.]+$/, ""); if ($0 ~ re) m += n }
		END { if (t == 0) print 0; else printf "%.1f\n", 100 * m / t }' "$1"
}

# total FOLDED: sum of counts.
total() { awk '{ t += $NF } END { print t + 0 }' "$1"; }

# near A B TOL: |A - B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
