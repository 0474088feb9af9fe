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
TM="tmux -L ebprof-top-test-$$"
# A container as containers.sh makes one: a cgroup named as Docker's.
CT_ID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
CT_BASE=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)/ebprof-top-$$.slice
CT_CG=$CT_BASE/docker-$CT_ID.scope
C=
trap 'kill $W $C 2>/dev/null; wait 2>/dev/null; rmdir "$CT_CG" "$CT_BASE" 2>/dev/null
	$TM kill-server 2>/dev/null; rm -rf "$TMP"' EXIT

# last_share FILE FUNCTION: TOTAL% of FUNCTION in the last snapshot of a
# batch output.
last_share() {
	awk -v fn="$2" '/^ebprof top - / { delete t } $NF == fn { t[fn] = $2 }
		END { print (fn in t) ? t[fn] : -1 }' "$1"
}

# --- batch mode: the split, the header, the recording at exit
timeout 30 "$EBPROF" top -p "$W" --batch -F 499 -n 5 --rows 1000 \
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

# --- a command: watched from its start, top ends when it exits
timeout 30 "$EBPROF" top --batch -F 199 -n 20 -- "$WL/cpusplit-fp" 2 \
	>"$TMP/cmd.out" 2>"$TMP/cmd.err"
rc=$?
n=$(grep -c '^ebprof top - ' "$TMP/cmd.out")
if [ "$rc" -eq 0 ] && [ "$n" -ge 1 ] && [ "$n" -le 4 ] &&
   grep -q 'the target exited' "$TMP/cmd.err" && grep -q ' work_a$' "$TMP/cmd.out"; then
	pass "top: -- COMMAND is watched until it exits"
else
	fail "top: -- COMMAND" "exit $rc, $n snapshots: $(cat "$TMP/cmd.err")"
fi
expect_error "top: a command that cannot run" 1 "cannot run '/nonexistent'" \
	timeout 10 "$EBPROF" top --batch -- /nonexistent

# --- Python frames, as in record: rows name the Python functions
PY=/root/.pyenv/versions/3.12.1/bin/python3
if [ -x "$PY" ]; then
	"$PY" "$ROOT/tests/workloads/pysplit.py" 60 split >/dev/null & P=$!
	sleep 0.5
	timeout 30 "$EBPROF" top -p "$P" --batch -F 499 -n 3 --rows 1000 \
		>"$TMP/py.out" 2>"$TMP/py.err"
	rc=$?
	# TOTAL% of spin in the last snapshot (the threads share the GIL,
	# so work_a/b/c come near 60/30/10 only over the whole run)
	ps=$(awk '/^ebprof top - / { a = -1 } / spin \(pysplit\.py\)$/ { a = $2 }
		END { print a }' "$TMP/py.out")
	if [ "$rc" -eq 0 ] && grep -Eq "^ +[0-9.]+ +[0-9.]+  python3\[$P\] .* work_a \(pysplit\.py\)$" "$TMP/py.out" &&
	   grep -Eq ' work_b \(pysplit\.py\)$' "$TMP/py.out" &&
	   grep -Eq ' work_c \(pysplit\.py\)$' "$TMP/py.out" &&
	   grep -Eq '^(ebprof top: )?python: 1 processes \(0 unsupported\), [0-9]+ of [1-9][0-9]* Python samples' "$TMP/py.err" &&
	   awk -v s="$ps" 'BEGIN { exit !(s >= 80) }'; then
		pass "top: Python functions in the rows (spin (pysplit.py) in $ps% of samples)"
	else
		fail "top: Python functions" "exit $rc, spin $ps%: $(grep -c 'pysplit' "$TMP/py.out") rows; $(head -c 300 "$TMP/py.err")"
	fi
	timeout 30 "$EBPROF" top -p "$P" --batch --no-python -n 1 --rows 1000 \
		>"$TMP/nopy.out" 2>/dev/null
	if grep -q 'python3\[' "$TMP/nopy.out" && ! grep -q '(pysplit\.py)' "$TMP/nopy.out"; then
		pass "top: --no-python shows the interpreter only"
	else
		fail "top: --no-python" "$(grep -m3 'pysplit' "$TMP/nopy.out")"
	fi
	kill "$P" 2>/dev/null; wait "$P" 2>/dev/null
else
	fail "top: Python functions" "no $PY"
fi

# --- --container and --per-container
if mkdir -p "$CT_CG"; then
	sh -c "echo \$\$ >'$CT_CG/cgroup.procs' && exec '$WL/cpusplit-fp' 60" & C=$!
	sleep 0.3
	timeout 30 "$EBPROF" top --container "${CT_ID:0:12}" --batch -F 199 -n 2 \
		--rows 1000 >"$TMP/ct.out" 2>"$TMP/ct.err"
	rc=$?
	rows=$(awk '/^ +[0-9.]+ +[0-9.]+  /' "$TMP/ct.out")
	if [ "$rc" -eq 0 ] && grep -Eq "cpusplit-fp\[$C\] +cpusplit-fp +burn$" <<<"$rows" &&
	   ! grep -vq "cpusplit-fp\[$C\]" <<<"$rows"; then
		pass "top: --container ID shows that container's processes only"
	else
		fail "top: --container" "exit $rc: $(grep -v "\[$C\]" <<<"$rows" | head -3) $(head -c 300 "$TMP/ct.err")"
	fi
	timeout 30 "$EBPROF" top -a --per-container --batch -F 199 -n 2 \
		--rows 100000 -o "$TMP/perct.folded" >"$TMP/perct.out" 2>"$TMP/perct.err"
	if grep -Eq '^ SELF%  TOTAL%  CONTAINER +MODULE +FUNCTION$' "$TMP/perct.out" &&
	   grep -Eq "^ +[0-9.]+ +[0-9.]+  ${CT_ID:0:12} +cpusplit-fp +work_a$" "$TMP/perct.out" &&
	   grep -Eq '^ +[0-9.]+ +[0-9.]+  \[host\] +cpusplit-fp +work_a$' "$TMP/perct.out" &&
	   grep -q "^${CT_ID:0:12};cpusplit-fp;.*;work_a;burn [0-9]" "$TMP/perct.folded"; then
		pass "top: --per-container rows name the container, else [host]; so does -o's root frame"
	else
		fail "top: --per-container" "$(grep -E 'CONTAINER|work_a' "$TMP/perct.out" | head -5) $(head -c 300 "$TMP/perct.err")"
	fi
	kill "$C" 2>/dev/null; wait "$C" 2>/dev/null
else
	fail "top: containers" "cannot create $CT_CG"
fi
expect_error "top: an unknown container" 1 "no container 'ebprof-no-such-ct'" \
	timeout 10 "$EBPROF" top --container ebprof-no-such-ct --batch -n 1

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

# --- the completions know top's options (they ask the binary)
got=$(PATH=$(dirname "$EBPROF"):$PATH bash -c '
	. "$1"/completions/ebprof.bash
	COMP_WORDS=(ebprof to); COMP_CWORD=1; _ebprof; printf "%s\n" "${COMPREPLY[@]}"
	COMP_WORDS=(ebprof top --sh); COMP_CWORD=2; _ebprof; printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT")
if echo "$got" | grep -qx top && echo "$got" | grep -qx -- --show-self; then
	pass "top: bash completion completes the command and its options"
else
	fail "top: bash completion" "got: $(echo "$got" | tr '\n' ' ')"
fi
# on a terminal of unknown type: one line that suggests --batch (script(1)
# gives a terminal; its output is the terminal's)
env -u TERM script -qec "timeout 10 $EBPROF top -p $W" /dev/null >"$TMP/noterm.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && [ "$(grep -c . "$TMP/noterm.out")" -eq 1 ] &&
   grep -q 'cannot use the terminal (TERM=): .*use --batch' "$TMP/noterm.out"; then
	pass "top: a terminal of unknown type is one clear error"
else
	fail "top: unknown terminal" "exit $rc: $(head -c 300 "$TMP/noterm.out")"
fi

# --- the interactive view, in a real terminal
if ! command -v tmux >/dev/null; then
	fail "top tui" "tmux is not installed (scripts/install-deps.sh)"
	exit 0
fi
screen() { $TM capture-pane -p -t top; }
# wait_for REGEX SECONDS: until the screen shows REGEX.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
keys() { $TM send-keys -t top "$@"; sleep 0.6; }
# rows of the list: lines that start with the two share columns
rows() { screen | grep -E '^ +[0-9]+\.[0-9] +[0-9]+\.[0-9]  '; }
# sorted COLUMN: the rows are in descending order of that column
sorted() { rows | awk -v c="$1" 'NR > 1 && $c > prev + 0.001 { bad = 1 } { prev = $c } END { exit bad }'; }
# start_tui: runs top on a 150x40 terminal, recording the terminal's
# settings before and after, and its exit status
# (a new tmux server each time: one being killed may still own the socket)
tui_runs=0
start_tui() {
	$TM kill-server 2>/dev/null
	tui_runs=$((tui_runs + 1))
	TM="tmux -L ebprof-top-test-$$-$tui_runs"
	rm -f "$TMP/stty.before" "$TMP/stty.after"
	$TM new-session -d -s top -x 150 -y 40 \
		"stty -g > $TMP/stty.before; timeout --foreground 60 $EBPROF top -p $W -F 499 $*; echo EXIT=\$?; stty -g > $TMP/stty.after; sleep 60"
}
restored() {
	wait_for '^EXIT=' 10 && [ -s "$TMP/stty.after" ] &&
	cmp -s "$TMP/stty.before" "$TMP/stty.after" &&
	[ "$($TM display -p -t top '#{alternate_on}#{cursor_flag}')" = 01 ]
}

start_tui -o "$TMP/tui.folded"
a= b= c=
# (sorted by total, so that no kernel row with a little self share pushes
# work_c off the screen)
if wait_for '^samples: [0-9]+' 10 && sleep 4 && keys t && rows >"$TMP/tui.rows" &&
   a=$(last_share "$TMP/tui.rows" work_a) && b=$(last_share "$TMP/tui.rows" work_b) &&
   c=$(last_share "$TMP/tui.rows" work_c) &&
   near "$a" 60 5 && near "$b" 30 5 && near "$c" 10 5; then
	pass "top tui: work_a/b/c total shares $a/$b/$c within 5 points of 60/30/10"
else
	fail "top tui: 60/30/10 split" "got ${a:-}/${b:-}/${c:-}: $(screen | head -12)"
fi
keys t
if screen | grep -q 'sort: total' && sorted 2 && rows | head -7 | grep -q ' work_a$'; then
	pass "top tui: t sorts by total share"
else
	fail "top tui: t" "$(screen | head -10)"
fi
keys s
if screen | grep -q 'sort: self' && sorted 1 && rows | head -1 | grep -q ' burn$'; then
	pass "top tui: s sorts by self share"
else
	fail "top tui: s" "$(screen | head -10)"
fi
keys / w o r K _ b Enter
if screen | grep -q 'filter: worK_b' && [ "$(rows | wc -l)" -eq 1 ] &&
   rows | grep -q ' work_b$'; then
	pass "top tui: / filters rows by a regular expression"
else
	fail "top tui: /" "$(screen | head -10)"
fi
keys Enter
if screen | grep -q '^callers of work_b' &&
   screen | grep -Eq '^ +100\.0%    run$' && screen | grep -Eq '^ +100\.0%      main$'; then
	pass "top tui: Enter shows the callers of a row"
else
	fail "top tui: Enter" "$(screen | sed -n 4,10p)"
fi
keys Escape
keys / BSpace BSpace BSpace BSpace BSpace BSpace Enter
if screen | grep -q 'filter: none' && [ "$(rows | wc -l)" -gt 3 ]; then
	pass "top tui: Escape goes back, an empty filter shows every row"
else
	fail "top tui: back and unfilter" "$(screen | head -10)"
fi
keys k
if screen | grep -q 'kernel: hidden' && ! rows | grep -q '_\[k\]$'; then
	pass "top tui: k hides kernel frames"
else
	fail "top tui: k" "$(rows | grep '_\[k\]' | head -3)"
fi
keys p
if screen | grep -q 'per process: on' && rows | grep -q "cpusplit-fp\[$W\] "; then
	pass "top tui: p shows rows per process"
else
	fail "top tui: p" "$(screen | head -6)"
fi
$TM resize-window -t top -x 90 -y 20; sleep 1.5
if [ "$(screen | wc -l)" -eq 20 ] && screen | grep -q 'SELF%' && [ "$(rows | wc -l)" -ge 5 ] &&
   [ "$(screen | awk '{ if (length($0) > m) m = length($0) } END { print m }')" -le 90 ]; then
	pass "top tui: follows a resize of the terminal"
else
	fail "top tui: resize" "$(screen)"
fi
keys w
if wait_for "wrote $TMP/tui.folded" 5 &&
   near "$(share "$TMP/tui.folded" ';work_a;burn$')" 60 5 &&
   "$EBPROF" report "$TMP/tui.folded" >/dev/null 2>&1; then
	pass "top tui: w writes a valid recording"
else
	fail "top tui: w" "$(screen | tail -2) $(head -c 200 "$TMP/tui.folded" 2>&1)"
fi
keys q
if restored && screen | grep -q '^EXIT=0'; then
	pass "top tui: q exits 0 and restores the terminal"
else
	fail "top tui: q" "$(screen | tail -5)"
fi

start_tui
wait_for '^samples: [0-9]+' 10
$TM send-keys -t top C-c
if restored && screen | grep -q '^EXIT=0'; then
	pass "top tui: Ctrl-C exits 0 and restores the terminal"
else
	fail "top tui: Ctrl-C" "$(screen | tail -5)"
fi

for sig in TERM HUP; do
	start_tui
	wait_for '^samples: [0-9]+' 10
	top_pid=$(pgrep -P "$($TM display -p -t top '#{pane_pid}')" -x timeout)
	top_pid=$(pgrep -P "$top_pid" -x ebprof)
	kill -$sig "$top_pid"
	if restored && screen | grep -q '^EXIT=0'; then
		pass "top tui: SIG$sig exits 0 and restores the terminal"
	else
		fail "top tui: SIG$sig" "$(screen | tail -5)"
	fi
done
