#!/usr/bin/env bash
# Files that target processes (or profiles) name, replaced by a FIFO: root
# must not block in open() on it.  A user maps an executable file, unmaps
# it and leaves a FIFO at its path; a stripped binary's .gnu_debuglink
# names a FIFO; a profile's mapping path is a FIFO.  Every command here
# must finish (each is bounded by timeout: 124 means it blocked).
. "$(dirname "$0")/../lib.sh"

if ! command -v setpriv >/dev/null; then
	skip "fifo" "setpriv (util-linux) not installed"
	exit 0
fi
NOBODY=$(id -u nobody)
# A directory the unprivileged user owns (the test's $TMP is root's, 0700).
UDIR=$(mktemp -d /tmp/ebprof-fifo.XXXXXX)
chown "$NOBODY" "$UDIR"
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP" "$UDIR"' EXIT

# 1. Map an executable file, unmap it, put a FIFO at its path; again and
#    again while root records the whole system.
cp "$WL/demo-fp" "$UDIR/lib.so"
chown "$NOBODY" "$UDIR/lib.so"
# (the system python: root's pyenv shims are not readable by nobody)
setpriv --reuid="$NOBODY" --regid=65534 --clear-groups /usr/bin/python3 -c '
import mmap, os, shutil, sys, time
d = sys.argv[1]
end = time.time() + 6
i = 0
while time.time() < end:
	p = "%s/m%d.so" % (d, i % 4)
	shutil.copyfile(d + "/lib.so", p)
	with open(p, "rb") as f:
		m = mmap.mmap(f.fileno(), 4096, prot=mmap.PROT_READ | mmap.PROT_EXEC)
	m.close()
	os.unlink(p)
	os.mkfifo(p)
	time.sleep(0.15)	# longer than a reading round of record
	os.unlink(p)
	i += 1
' "$UDIR" &
mapper=$!
sleep 0.3
timeout -s KILL 30 "$EBPROF" record -a -d 3 -o "$TMP/all.folded" 2>"$TMP/all.err"
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$TMP/all.folded" ]; then
	pass "fifo: record -a finishes when a mapped file becomes a FIFO"
else
	fail "fifo: record -a finishes when a mapped file becomes a FIFO" "exit $rc (137: blocked); $(tail -n 2 "$TMP/all.err")"
fi
wait "$mapper"

# stripped_with_link BIN: BIN, stripped, names BIN.debug (its debug info)
# in .gnu_debuglink; the caller then replaces BIN.debug.
stripped_with_link() {
	objcopy --only-keep-debug "$WL/demo-nofp" "$1.debug"
	objcopy --strip-all --add-gnu-debuglink="$1.debug" "$WL/demo-nofp" "$1"
}

# audit_finishes NAME BIN: unwind-test BIN finishes, finding no debug file.
audit_finishes() {
	local rc
	timeout -s KILL 20 "$EBPROF" unwind-test "$2" >"$TMP/ut.out" 2>"$TMP/ut.err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "debug file: *none found" "$TMP/ut.out"; then
		pass "$1"
	else
		fail "$1" "exit $rc (137: blocked); $(cat "$TMP/ut.err")"
	fi
}

# 2. A stripped binary whose .gnu_debuglink names a FIFO beside it.
B=$UDIR/stripped
stripped_with_link "$B"
rm -f "$B.debug"
mkfifo "$B.debug"
chown "$NOBODY" "$B" "$B.debug"
audit_finishes "fifo: unwind-test FILE with a FIFO as its debug link" "$B"
# The same with a 1 TB sparse file (a real debug file, extended): root
# would read it all to check its CRC.
stripped_with_link "$UDIR/huge"
truncate -s 1T "$UDIR/huge.debug"
audit_finishes "huge: unwind-test FILE with a 1 TB sparse debug link" "$UDIR/huge"
rm -f "$UDIR/huge.debug"

setpriv --reuid="$NOBODY" --regid=65534 --clear-groups "$B" 8 >/dev/null &
victim=$!
sleep 0.3
timeout -s KILL 20 "$EBPROF" unwind-test -p "$victim" >"$TMP/utp.out" 2>"$TMP/utp.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^$B$" "$TMP/utp.out"; then
	pass "fifo: unwind-test -p with a FIFO as a debug link"
else
	fail "fifo: unwind-test -p with a FIFO as a debug link" "exit $rc; $(cat "$TMP/utp.err")"
fi
timeout -s KILL 30 "$EBPROF" record -p "$victim" -d 1 -o "$TMP/p.folded" 2>"$TMP/p.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "^stripped" "$TMP/p.folded"; then
	pass "fifo: record of a binary whose debug link is a FIFO"
else
	fail "fifo: record of a binary whose debug link is a FIFO" "exit $rc; $(tail -n 2 "$TMP/p.err")"
fi
kill "$victim" 2>/dev/null
wait "$victim" 2>/dev/null

# 3. report --annotate where the profile's mapping path is a FIFO.
MK=$ROOT/tests/fixtures/report/make-pprof.mjs
BIN=$WL/report_hot-fp
if command -v node >/dev/null &&
   [ -d "$ROOT/tests/node/node_modules/pprof-format" ]; then
	cp "$BIN" "$UDIR/hot"
	vaddr=$(nm "$BIN" | awk '$2 == "T" && $3 == "hot_a" { print $1 }')
	node "$MK" "$TMP/a.pb.gz" "$UDIR/hot" hot_a "$vaddr" "0:5"
	rm "$UDIR/hot"
	mkfifo "$UDIR/hot"
	expect_error "fifo: report --annotate refuses a FIFO as the mapping" 1 \
		"cannot open '$UDIR/hot': not a regular file" \
		timeout -s KILL 20 "$EBPROF" report --annotate hot_a "$TMP/a.pb.gz"
else
	skip "fifo: report --annotate" "node or tests/node/node_modules missing"
fi
