#!/usr/bin/env bash
# Bad input to `ebprof` and `ebprof record`: one actionable line on
# stderr, the right exit status, no crash.  Plus the CLI basics.
. "$(dirname "$0")/../lib.sh"

expect_error "error: unknown command" 2 "unknown command 'frobnicate'" \
	"$EBPROF" frobnicate
expect_error "error: unknown global option" 2 "unknown option '--frob'" \
	"$EBPROF" --frob
expect_error "error: unknown record option" 2 "unknown option '--frob'" \
	"$EBPROF" record --frob -a
expect_error "error: -F 0" 2 "invalid value '0'" "$EBPROF" record -F 0 -a
expect_error "error: -F abc" 2 "invalid value 'abc'" "$EBPROF" record -F abc -a
expect_error "error: -d -1" 2 "invalid value '-1'" "$EBPROF" record -d -1 -a
expect_error "error: no target" 2 "no target" "$EBPROF" record -F 99
expect_error "error: two targets" 2 "one target" "$EBPROF" record -a -p 1
expect_error "error: bad pid list" 2 "invalid value" "$EBPROF" record -p 12,x
# The highest pid the kernel can hand out, plus one, does not exist.
nopid=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
expect_error "error: nonexistent PID" 1 "no such process: $nopid" \
	"$EBPROF" record -p "$nopid" -d 1
expect_error "error: missing output directory" 1 \
	"cannot create '$TMP/nodir/x.folded': No such file or directory" \
	"$EBPROF" record -a -d 1 -o "$TMP/nodir/x.folded"
expect_error "error: not a cgroup" 1 "not a cgroup v2 directory" \
	"$EBPROF" record --cgroup /tmp -d 1
expect_error "error: command not found" 1 "cannot run 'no-such-command-xyz'" \
	"$EBPROF" record -o "$TMP/x.folded" -- no-such-command-xyz
if command -v setpriv >/dev/null; then
	expect_error "error: not root" 1 "permission denied: run as root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$EBPROF" record -a -d 1 -o /tmp/never.folded
else
	skip "error: not root" "setpriv (util-linux) not installed"
fi

check "cli: --version" sh -c '"$0" --version | grep -Eq "^ebprof [^ ]+$"' "$EBPROF"
check "cli: --help lists record" sh -c '"$0" --help | grep -q "^  record "' "$EBPROF"
check "cli: record --help" sh -c '"$0" record --help | grep -q -- "--freq HZ"' "$EBPROF"
ln -s "$EBPROF" "$TMP/ebprof-record"
check "cli: argv[0] ebprof-record dispatch" sh -c '"$0" --help | grep -q "^usage: ebprof record"' "$TMP/ebprof-record"
