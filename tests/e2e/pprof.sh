#!/usr/bin/env bash
# pprof against an independent implementation (npm pprof-format, driven by
# tests/node/pprof-check.mjs): ebprof's pprof decodes and validates there
# and its stacks equal ebprof's own folded output; pprof written by that
# encoder reads in ebprof.  Uses $O/tests/helpers/pprof_tool (the library
# without the command line) and, when it exists, `ebprof report`.
. "$(dirname "$0")/../lib.sh"

TOOL=$ROOT/$O/tests/helpers/pprof_tool
CHECK=$ROOT/tests/node/pprof-check.mjs

if ! command -v node >/dev/null; then
	skip pprof-independent "node is not installed"
	exit 0
fi
if [ ! -d "$ROOT/tests/node/node_modules/pprof-format" ]; then
	npm ci --prefix "$ROOT/tests/node" >"$TMP/npm.log" 2>&1 ||
		{ skip pprof-independent "npm ci failed: $(tail -n 1 "$TMP/npm.log")"; exit 0; }
fi
if [ ! -x "$TOOL" ]; then
	fail pprof-independent "$TOOL is not built (make O=$O unit)"
	exit 0
fi

# same NAME A B: files A and B are equal (and A is not empty).
same() {
	if [ ! -s "$2" ]; then
		fail "$1" "$2 is empty"
	elif cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "$(diff "$2" "$3" | head -n 4 | tr '\n' ' ')"
	fi
}

# --- ebprof's pprof, decoded by the independent decoder
"$TOOL" gen -n 50000 -k 5000 -s 7 -o "$TMP/synth.pb.gz" &&
"$TOOL" gen -n 50000 -k 5000 -s 7 -o "$TMP/synth.folded" ||
	fail pprof-gen "pprof_tool gen failed"
if node "$CHECK" decode --strict "$TMP/synth.pb.gz" >"$TMP/synth.js" 2>"$TMP/err"; then
	pass "pprof: ebprof's pprof is valid for pprof-format (strict checks)"
else
	fail "pprof: ebprof's pprof is valid for pprof-format" "$(cat "$TMP/err")"
fi
same "pprof: stacks decoded independently equal ebprof's folded output" \
	"$TMP/synth.js" "$TMP/synth.folded"
node "$CHECK" decode --sample-type samples "$TMP/synth.pb.gz" >"$TMP/synth-s.js" 2>&1
"$TOOL" convert -t samples -o "$TMP/synth-s.folded" "$TMP/synth.pb.gz"
same "pprof: the samples/count type agrees too" "$TMP/synth-s.js" "$TMP/synth-s.folded"
if [ "$(total "$TMP/synth-s.folded")" = 50000 ]; then
	pass "pprof: 50000 samples in, 50000 counted"
else
	fail "pprof: sample count" "got $(total "$TMP/synth-s.folded")"
fi

# --- folded input becomes a name-only pprof with the same stacks
printf '%s\n' 'app;main;work;memcpy 7' 'app;main;sys_read_[k];vfs_read_[k] 3' \
	'app;main;jit_fn_[j] 2' 'app;main;work;inl_[i] 4' 'x;y z 1' >"$TMP/in.folded"
"$TOOL" convert -o "$TMP/named.pb.gz" "$TMP/in.folded"
node "$CHECK" decode "$TMP/named.pb.gz" >"$TMP/named.js" 2>&1
sort "$TMP/in.folded" >"$TMP/in.sorted"
same "pprof: folded -> pprof keeps every stack (independent decoder)" \
	"$TMP/named.js" "$TMP/in.sorted"

# --- pprof from the independent encoder, read by ebprof
node "$CHECK" encode "$TMP/foreign.pb.gz" && node "$CHECK" encode --raw "$TMP/foreign.pb" ||
	fail pprof-encode "pprof-check encode failed"
for f in foreign.pb.gz foreign.pb; do
	node "$CHECK" decode "$TMP/$f" >"$TMP/$f.js"
	if "$TOOL" convert -o "$TMP/$f.folded" "$TMP/$f" 2>"$TMP/err"; then
		same "pprof: ebprof reads pprof-format's $f (inlined lines, no symbols, odd names)" \
			"$TMP/$f.folded" "$TMP/$f.js"
	else
		fail "pprof: ebprof reads pprof-format's $f" "$(cat "$TMP/err")"
	fi
done
node "$CHECK" decode --sample-type alloc_objects "$TMP/foreign.pb.gz" >"$TMP/fo.js"
"$TOOL" convert -t alloc_objects -o "$TMP/fo.folded" "$TMP/foreign.pb.gz"
same "pprof: --sample-type alloc_objects agrees with the independent decoder" \
	"$TMP/fo.folded" "$TMP/fo.js"

# --- ebprof's pprof of a foreign pprof still decodes to the same stacks
"$TOOL" convert -o "$TMP/again.pb.gz" "$TMP/foreign.pb.gz"
node "$CHECK" decode "$TMP/again.pb.gz" >"$TMP/again.js" 2>&1
same "pprof: foreign pprof -> ebprof pprof keeps its stacks" \
	"$TMP/again.js" "$TMP/foreign.pb.gz.js"

# --- the commands, once they exist
if ! "$EBPROF" report --help 2>/dev/null | grep -q -- '--format'; then
	skip "pprof: ebprof report --format" "no 'report --format' in $EBPROF yet"
	exit 0
fi
# report names threads in its folded roots (comm-PID/TID) when it can.
node "$CHECK" decode --thread-roots "$TMP/synth.pb.gz" >"$TMP/synth-t.js"
if "$EBPROF" report --format folded "$TMP/synth.pb.gz" >"$TMP/r.folded" 2>"$TMP/err"; then
	same "pprof: ebprof report --format folded of a pprof equals the independent decoder's" \
		"$TMP/r.folded" "$TMP/synth-t.js"
else
	fail "pprof: ebprof report --format folded of a pprof" "$(cat "$TMP/err")"
fi
if "$EBPROF" report --format pprof -o "$TMP/r.pb.gz" "$TMP/in.folded" 2>"$TMP/err"; then
	node "$CHECK" decode "$TMP/r.pb.gz" >"$TMP/r.js" 2>&1
	same "pprof: ebprof report --format pprof of folded input" "$TMP/r.js" "$TMP/in.sorted"
else
	fail "pprof: ebprof report --format pprof of folded input" "$(cat "$TMP/err")"
fi
"$EBPROF" report --format folded "$TMP/in.folded" "$TMP/foreign.pb.gz" >"$TMP/m.folded" 2>"$TMP/err"
if [ "$(total "$TMP/m.folded")" = $(( $(total "$TMP/in.folded") )) ]; then
	# foreign's types (alloc_*) are not the folded input's "samples": only
	# the first input's types survive a merge, as documented.
	pass "pprof: report merges folded and pprof inputs"
else
	fail "pprof: report merges folded and pprof inputs" "total $(total "$TMP/m.folded")"
fi
head -c 300 "$TMP/synth.pb.gz" >"$TMP/trunc.pb.gz"
expect_error "pprof: truncated gzip is one clear error" 1 "truncated gzip" \
	"$EBPROF" report --format folded "$TMP/trunc.pb.gz"
printf '\x0a\x05\x08\x01\x10\x02\x00\xff\xff\xff' >"$TMP/bad.pb"
expect_error "pprof: invalid protobuf is one clear error" 1 "(truncated|not a) pprof profile" \
	"$EBPROF" report --format folded "$TMP/bad.pb"
expect_error "pprof: unknown --sample-type is one clear error" 1 "no sample type 'wall'" \
	"$EBPROF" report --format folded --sample-type wall "$TMP/foreign.pb.gz"
