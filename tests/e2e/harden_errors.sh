#!/usr/bin/env bash
# Clearer errors for damaged or surprising input: one line that says what
# is wrong, not a misleading one (or none).
. "$(dirname "$0")/../lib.sh"

# unwind-test: a 64-bit ELF whose symbol table is malformed (sh_entsize 0).
python3 - "$WL/demo-fp" "$TMP/badsym" <<'EOF'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", d, 0x28)
shentsize, shnum = struct.unpack_from("<HH", d, 0x3a)
for i in range(shnum):
	o = shoff + i * shentsize
	if struct.unpack_from("<I", d, o + 4)[0] == 2:	# SHT_SYMTAB
		struct.pack_into("<Q", d, o + 0x38, 0)	# sh_entsize
open(sys.argv[2], "wb").write(d)
EOF
expect_error "unwind-test: malformed symbol table is said so" 1 \
	"cannot read '$TMP/badsym': its symbol table is malformed" \
	timeout 20 "$EBPROF" unwind-test "$TMP/badsym"
expect_error "unwind-test: a directory is not a regular file" 1 \
	"cannot open '$TMP': not a regular file" \
	timeout 20 "$EBPROF" unwind-test "$TMP"
kthread=$(awk '$1 == "Name:" { print $2 }' /proc/2/status 2>/dev/null)
if [ "$kthread" = kthreadd ]; then
	expect_error "unwind-test: -p of a kernel thread is an error" 1 \
		"process 2 maps no executable file \(a kernel thread has none\)" \
		timeout 20 "$EBPROF" unwind-test -p 2
else
	skip "unwind-test: -p of a kernel thread" "pid 2 is not kthreadd here"
fi

# report: folded text with one NUL byte is folded text with a bad line.
printf 'main;a 2\nmain;b\0x 1\nmain;c 3\n' >"$TMP/nul.folded"
timeout 20 "$EBPROF" report -F folded "$TMP/nul.folded" >"$TMP/nul.out" 2>"$TMP/nul.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q "1 line is not in folded format (first: line 2)" "$TMP/nul.err" &&
   [ "$(total "$TMP/nul.out")" = 5 ]; then
	pass "report: a NUL byte in folded text makes one bad line"
else
	fail "report: a NUL byte in folded text makes one bad line" "exit $rc; $(cat "$TMP/nul.err")"
fi

# report: an uncompressed pprof profile cut short.
if command -v protoc >/dev/null; then
	printf 'main;a;b 5\nmain;c 7\n' >"$TMP/in.folded"
	/usr/bin/python3 "$ROOT/tests/pyroscope/make_pprof.py" "$ROOT/common/format/profile.proto" \
		"$TMP/in.folded" "$TMP/raw.pb" 1 1 --raw
	head -c $(( $(stat -c %s "$TMP/raw.pb") * 2 / 3 )) "$TMP/raw.pb" >"$TMP/cut.pb"
	expect_error "report: a truncated plain pprof is said so" 1 \
		"cannot read '$TMP/cut.pb': a truncated pprof profile" \
		timeout 20 "$EBPROF" report "$TMP/cut.pb"
	check "report: the whole plain pprof reads" \
		timeout 20 "$EBPROF" report "$TMP/raw.pb"
else
	skip "report: truncated plain pprof" "protoc not installed"
fi
