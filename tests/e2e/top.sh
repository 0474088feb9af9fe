#!/usr/bin/env bash
# End-to-end tests of `ebprof top`: batch snapshots (text), and the
# interactive view driven in a real terminal (tmux send-keys and
# capture-pane): the 60/30/10 split of cpusplit within 5 points, sorting,
# filtering, callers, kernel and process toggles, `w` writing a valid
# recording, and the terminal restored after q and after SIGTERM.  Always
# on the workload's pid, so other load on the machine does not matter.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "top" "needs root to load BPF programs"
	exit 0
fi

"$WL/cpusplit-fp" 120 & W=$!
trap 'kill $W 2>/dev/null; rm -rf "$TMP"' EXIT

# last_share FILE FUNCTION: TOTAL% of FUNCTION in the last snapshot of a
# batch output.
last_share() {
	awk -v fn="$2" '/^ebprof top - / { delete t } $NF == fn { t[fn] = $2 }
		END { print (fn in t) ? t[fn] : -1 }' "$1"
}

# --- batch mode: the split, the header, the recording at exit
timeout 30 "$EBPROF" top -p "$W" --batch -F 499 -n 5 \
	-o "$TMP/batch.folded" >"$TMP/batch.out" 2>"$TMP/batch.err"
rc=$?
n=$(grep -c '^ebprof top - ' "$TMP/batch.out")
if [ "$rc" -eq 0 ] && [ "$n" -eq 5 ]; then
	pass "top batch: -n 5 prints 5 snapshots and exits 0"
else
	fail "top batch: -n 5" "exit $rc, $n snapshots: $(head -c 300 "$TMP/batch.err")"
fi
if grep -Eq '^samples: [0-9]+ \(\+[0-9]+\), lost: [0-9]+, ebprof CPU: [0-9.]+%, unsymbolized: [0-9.]+%$' "$TMP/batch.out" &&
   grep -Eq '^ SELF%  TOTAL%  PROCESS +MODULE +FUNCTION$' "$TMP/batch.out"; then
	pass "top batch: header and column lines"
else
	fail "top batch: header" "$(head -n 4 "$TMP/batch.out")"
fi
a=$(last_share "$TMP/batch.out" work_a); b=$(last_share "$TMP/batch.out" work_b)
c=$(last_share "$TMP/batch.out" work_c)
if near "$a" 60 5 && near "$b" 30 5 && near "$c" 10 5; then
	pass "top batch: work_a/b/c total shares $a/$b/$c within 5 points of 60/30/10"
else
	fail "top batch: 60/30/10 split" "got $a/$b/$c"
fi
if grep -Eq "^ +[0-9.]+ +[0-9.]+  cpusplit-fp\[$W\] +cpusplit-fp +burn$" "$TMP/batch.out"; then
	pass "top batch: rows name process, module and function"
else
	fail "top batch: row columns" "$(sed -n 5,7p "$TMP/batch.out")"
fi
if [ -s "$TMP/batch.folded" ] &&
   near "$(share "$TMP/batch.folded" ';work_a;burn$')" 60 5 &&
   "$EBPROF" report "$TMP/batch.folded" >/dev/null 2>&1; then
	pass "top batch: -o writes a valid recording at exit"
else
	fail "top batch: -o recording" "$(head -c 300 "$TMP/batch.folded")"
fi

# --- without a terminal, batch mode is the default; pprof by extension
timeout 20 "$EBPROF" top -p "$W" -F 199 -d 0.5 -n 2 --rows 3 \
	-o "$TMP/rec.pb.gz" 2>/dev/null | cat >"$TMP/pipe.out"
if [ "$(grep -c '^ebprof top - ' "$TMP/pipe.out")" -eq 2 ] &&
   [ "$(grep -c 'cpusplit-fp\[' "$TMP/pipe.out")" -eq 6 ]; then
	pass "top: piped output is batch mode, --rows limits the rows"
else
	fail "top: piped output" "$(head -c 400 "$TMP/pipe.out")"
fi
if [ "$(head -c 2 "$TMP/rec.pb.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] &&
   "$EBPROF" report "$TMP/rec.pb.gz" 2>/dev/null | grep -q work_a; then
	pass "top: -o FILE.pb.gz writes pprof"
else
	fail "top: pprof recording" "$(ls -l "$TMP/rec.pb.gz" 2>&1)"
fi

# --- its own process stays out of the view unless --show-self
timeout 20 "$EBPROF" top -a --batch -F 999 -d 0.5 -n 4 --rows 100000 \
	>"$TMP/self.out" 2>/dev/null & T=$!
wait $T
if [ -s "$TMP/self.out" ] && ! grep -q "\[$T\]" "$TMP/self.out"; then
	pass "top: its own samples are left out"
else
	fail "top: own samples" "$(grep "\[$T\]" "$TMP/self.out" | head -3)"
fi

# --- errors: one line, the right status
expect_error "top: two targets is a usage error" 2 'give one target' \
	timeout 10 "$EBPROF" top -p "$W" -a --batch
expect_error "top: -o - is a usage error" 2 'give -o a file name' \
	timeout 10 "$EBPROF" top -p "$W" -o - --batch
expect_error "top: bad -d" 2 "invalid value 'x'" \
	timeout 10 "$EBPROF" top -d x --batch
expect_error "top: no such process" 1 'no such process: 999999999|invalid value' \
	timeout 10 "$EBPROF" top -p 999999999 --batch
