#!/usr/bin/env bash
# record --off-cpu: wall-clock profiles.  One thread with a known split of
# its wall time (computing, in nanosleep, blocked on a pipe another thread
# fills after a delay) must show those shares and sum to its wall time;
# fsync waits show as disk, mutex waits as sleeping under the lock call; a
# context-switch storm is charged in full (short blocks summed in the
# kernel); report and flame read both output formats.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "offcpu" "needs root to load BPF programs"
	exit 0
fi
W=$WL/offcpu-fp

# sum FOLDED REGEX: sum of the counts of lines matching REGEX.
sum() {
	awk -v re="$2" '{ n = $NF; s = $0; sub(/ [0-9.]+$/, "", s); if (s ~ re) t += n }
		END { print t + 0 }' "$1"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print 0; else printf "%.1f\n", 100 * a / b }'; }

# --- the known split, folded (wall-clock microseconds)
timeout 120 "$EBPROF" -q record --off-cpu -F 999 -o "$TMP/split.folded" \
	-- "$W" split 30 >"$TMP/split.out"
read -r c s p t < <(sed 's/[a-z]*=//g' "$TMP/split.out")
f=$TMP/split.folded
all=$(sum "$f" '^wc-worker;')
comp=$(pct "$(sum "$f" '^wc-worker;.*;compute_phase(;|$)')" "$all")
slp=$(pct "$(sum "$f" '^wc-worker;.*;sleep_phase;clock_nanosleep;.*\[off-cpu: sleeping\]$')" "$all")
pip=$(pct "$(sum "$f" '^wc-worker;.*;pipe_phase;read;.*\[off-cpu: sleeping\]$')" "$all")
want_c=$(pct "$c" "$t"); want_s=$(pct "$s" "$t"); want_p=$(pct "$p" "$t")
if near "$comp" "$want_c" 3 && near "$slp" "$want_s" 3 && near "$pip" "$want_p" 3; then
	pass "offcpu split: compute/sleep/pipe $comp/$slp/$pip% (measured $want_c/$want_s/$want_p%)"
else
	fail "offcpu split shares" "got $comp/$slp/$pip%, want $want_c/$want_s/$want_p% ±3: $(sort -k2 -n -r "$f" | head -c 600)"
fi
us=$(awk -v t="$t" 'BEGIN { printf "%.0f\n", t * 1e6 }')
tol=$(awk -v u="$us" 'BEGIN { printf "%.0f\n", u / 10 }')
if near "$all" "$us" "$tol"; then
	pass "offcpu split: thread total $all us, wall time $us us"
else
	fail "offcpu split: thread total" "$all us vs wall time $us us (±10%)"
fi
# The leaf fix-up gave blocked stacks the caller of the frameless wrapper.
if grep -q ';sleep_phase;clock_nanosleep;.*\[off-cpu: sleeping\] ' "$f" &&
   grep -q ';pipe_phase;read;.*\[off-cpu: sleeping\] ' "$f"; then
	pass "offcpu: blocked stacks keep the caller of the syscall wrapper"
else
	fail "offcpu: leaf fix-up on blocked stacks" "$(grep 'off-cpu' "$f" | head -c 600)"
fi
check "offcpu: nothing else than the command's threads" \
	bash -c "! grep -Ev '^(wc-worker|wc-filler|offcpu-fp|ebprof);' '$f'"

# --- the same as pprof: types, report views, --per-thread
timeout 120 "$EBPROF" -q record --off-cpu -F 999 -o "$TMP/split.pb.gz" \
	-- "$W" split 30 >"$TMP/split2.out"
read -r c s p t < <(sed 's/[a-z]*=//g' "$TMP/split2.out")
if command -v go >/dev/null; then
	types=$(timeout 60 go tool pprof -raw "$TMP/split.pb.gz" 2>/dev/null | grep -m1 -A1 '^Samples:' | tail -1)
	if echo "$types" | grep -Eq 'samples/count(\[dflt\])? cpu/nanoseconds off_cpu/nanoseconds'; then
		pass "offcpu pprof: sample types samples, cpu, off_cpu (go tool pprof)"
	else
		fail "offcpu pprof: sample types" "$types"
	fi
fi
"$EBPROF" report --per-thread "$TMP/split.pb.gz" >"$TMP/pt.txt"
ms=$(awk '$1 == "wc-worker" { print $4 }' "$TMP/pt.txt")
want=$(awk -v t="$t" 'BEGIN { printf "%.1f\n", t * 1e3 }')
cpu=$(awk '$1 == "wc-worker" { sub(/%/, "", $5); print $5 }' "$TMP/pt.txt")
if [ -n "$ms" ] && near "$ms" "$want" "$(awk -v w="$want" 'BEGIN { print w / 10 }')" &&
   awk -v c="$cpu" 'BEGIN { exit !(c > 2 && c < 40) }'; then
	pass "offcpu report --per-thread: wc-worker $ms ms (wall $want ms), cpu $cpu%"
else
	fail "offcpu report --per-thread" "$(cat "$TMP/pt.txt")"
fi
"$EBPROF" report "$TMP/split.pb.gz" >"$TMP/wall.txt"
"$EBPROF" report --sample-type off-cpu "$TMP/split.pb.gz" >"$TMP/off.txt"
"$EBPROF" report --sample-type cpu "$TMP/split.pb.gz" >"$TMP/cpu.txt"
if head -1 "$TMP/wall.txt" | grep -q ' wall (nanoseconds)' &&
   head -1 "$TMP/off.txt" | grep -q ' off_cpu (nanoseconds)' &&
   ! awk '/off-cpu:/ && $3 != 0 { bad = 1 } END { exit !bad }' "$TMP/cpu.txt" &&
   grep -q 'off-cpu: sleeping' "$TMP/off.txt"; then
	pass "offcpu report: wall by default, --sample-type off-cpu and cpu"
else
	fail "offcpu report views" "$(head -3 "$TMP/wall.txt" "$TMP/off.txt" "$TMP/cpu.txt")"
fi
"$EBPROF" report --sample-type off-cpu --base "$TMP/split.pb.gz" "$TMP/split.folded" >"$TMP/base.txt" 2>"$TMP/base.err"
check "offcpu report --base on off-CPU time (pprof base, folded new)" \
	grep -q 'sleeping' "$TMP/base.txt"
"$EBPROF" report --sample-type off-cpu "$TMP/split.folded" >"$TMP/foff.txt"
check "offcpu report: folded wall file has the off-cpu view in microseconds" \
	grep -q ' off_cpu (microseconds)' "$TMP/foff.txt"
"$EBPROF" flame -o "$TMP/wall.svg" "$TMP/split.folded"
check "offcpu flame: folded wall file counted in microseconds" \
	grep -q 'microseconds' "$TMP/wall.svg"
"$EBPROF" flame --sample-type off-cpu -o "$TMP/off.svg" "$TMP/split.pb.gz"
check "offcpu flame --sample-type off-cpu (pprof)" grep -q 'off-cpu: sleeping' "$TMP/off.svg"

# --- disk: fsync waits are uninterruptible
timeout 60 "$EBPROF" -q record --off-cpu -o "$TMP/disk.folded" -- "$W" disk "$TMP" 2
d=$(sum "$TMP/disk.folded" '^wc-disk;.*;disk_phase;.*\[off-cpu: disk\]$')
o=$(sum "$TMP/disk.folded" '^wc-disk;.*\[off-cpu: ')
if [ "$o" -gt 0 ] && awk -v d="$d" -v o="$o" 'BEGIN { exit !(d / o >= 0.5) }'; then
	pass "offcpu disk: fsync waits under disk_phase are [off-cpu: disk] ($(pct "$d" "$o")% of off-CPU)"
else
	fail "offcpu disk" "disk $d of $o us: $(grep wc-disk "$TMP/disk.folded" | sort -k2 -n -r | head -c 600)"
fi

# --- lock contention: waiters sleep in the mutex
timeout 60 "$EBPROF" -q record --off-cpu -o "$TMP/lock.folded" -- "$W" lock 2
l=$(sum "$TMP/lock.folded" '^wc-lock;.*(pthread_mutex_lock|__lll_lock_wait).*\[off-cpu: sleeping\]$')
a=$(sum "$TMP/lock.folded" '^wc-lock;')
if awk -v l="$l" -v a="$a" 'BEGIN { exit !(a > 0 && l / a >= 0.3) }'; then
	pass "offcpu lock: $(pct "$l" "$a")% of the lockers' wall time asleep in the mutex"
else
	fail "offcpu lock" "$l of $a us: $(sort -k2 -n -r "$TMP/lock.folded" | head -c 600)"
fi

# --- a context-switch storm: every block charged, none lost uncounted
timeout 60 "$EBPROF" record --off-cpu -o "$TMP/pp.folded" -- "$W" pingpong 1 \
	>"$TMP/pp.out" 2>"$TMP/pp.err"
secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$TMP/pp.out")
ping=$(sum "$TMP/pp.folded" '^wc-ping;')
pong=$(sum "$TMP/pp.folded" '^wc-pong;')
us=$(awk -v t="$secs" 'BEGIN { printf "%.0f\n", t * 1e6 }')
lost=$(sed -n 's/.*lost: \([0-9]*\) blocks.*short-block map full, \([0-9]*\) switch-outs.*/\1 \2/p' "$TMP/pp.err")
# A storm on a loaded host leaves threads runnable for long stretches;
# each thread's total must still be its wall time, within a fifth.
if near "$pong" "$us" "$((us / 5))" && near "$ping" "$us" "$((us / 5))" &&
   grep -q '\[off-cpu: blocks under 20 us\]' "$TMP/pp.folded" && [ -n "$lost" ]; then
	pass "offcpu storm: ping $ping us, pong $pong us of $us us; counted lost: $lost"
else
	fail "offcpu storm" "ping $ping pong $pong of $us us; $(grep off-CPU "$TMP/pp.err")"
fi

# The blocked time against the workload's own count: wall - thread CPU.
# The thread's CPU time includes the off-CPU program's own run at each of
# its switches (some microseconds, charged to the thread switching out),
# which makes wall - CPU short of the blocked time in a storm: allow a
# fifth.
want=$(sed -n 's/.*seconds=\([0-9.]*\).*ping_cpu=\([0-9.]*\).*/\1 \2/p' "$TMP/pp.out" |
	awk '{ printf "%.0f", ($1 - $2) * 1e6 }')
off=$(sum "$TMP/pp.folded" '^wc-ping;.*\[off-cpu: [a-z]*\]$')
if [ -n "$want" ] && near "$off" "$want" "$((want / 5))"; then
	pass "offcpu storm: wc-ping blocked $off us, wall - CPU time $want us"
else
	fail "offcpu storm: blocked time" "$off us vs $want us ±20%"
fi

# --- --off-cpu-wakers: the pipe's waker is the filler's write, the
# sleep's a timer interrupt
timeout 60 "$EBPROF" -q record --off-cpu --off-cpu-wakers -o "$TMP/wk.folded" \
	-- "$W" split 10 >/dev/null
pw=$(sum "$TMP/wk.folded" '^wc-worker;.*;pipe_phase;read;.*\[off-cpu: sleeping\];try_to_wake_up_\[w\];.*anon_pipe_write_\[w\];.*;wc-filler_\[w\]$')
pa=$(sum "$TMP/wk.folded" '^wc-worker;.*;pipe_phase;read;.*\[off-cpu: sleeping\]')
sw=$(sum "$TMP/wk.folded" '^wc-worker;.*;sleep_phase;.*\[off-cpu: sleeping\];.*hrtimer_wakeup_\[w\];.*\[interrupt\]_\[w\]$')
sa=$(sum "$TMP/wk.folded" '^wc-worker;.*;sleep_phase;.*\[off-cpu: sleeping\]')
if awk -v a="$pw" -v b="$pa" -v c="$sw" -v d="$sa" 'BEGIN { exit !(b > 0 && d > 0 && a / b > 0.9 && c / d > 0.9) }'; then
	pass "offcpu --off-cpu-wakers: pipe woken by wc-filler's write, sleep by a timer interrupt"
else
	fail "offcpu --off-cpu-wakers" "pipe $pw of $pa, sleep $sw of $sa: $(grep 'wc-worker.*_\[w\]' "$TMP/wk.folded" | head -c 800)"
fi

# --- -p of a running process: blocks open when the recording starts and
# when it stops are charged, so every thread sums to the recording's time
"$W" split 100 >/dev/null & pid=$!
sleep 0.5
timeout 30 "$EBPROF" record --off-cpu -p "$pid" -d 2 -o "$TMP/p.folded" 2>"$TMP/p.err"
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
secs=$(sed -n 's/^ebprof record: [0-9]* samples in \([0-9.]*\) s.*/\1/p' "$TMP/p.err")
us=$(awk -v t="$secs" 'BEGIN { printf "%.0f", t * 1e6 }')
w=$(sum "$TMP/p.folded" '^wc-worker;'); f=$(sum "$TMP/p.folded" '^wc-filler;')
m=$(sum "$TMP/p.folded" '^offcpu-fp;')
if [ -n "$us" ] && near "$w" "$us" "$((us / 10))" && near "$f" "$us" "$((us / 10))" &&
   near "$m" "$us" "$((us / 10))" &&
   grep -q '^offcpu-fp;\[off-cpu: blocked since before the recording\];\[off-cpu: sleeping\] ' "$TMP/p.folded"; then
	pass "offcpu -p: each thread sums to the recording ($w, $f, $m of $us us)"
else
	fail "offcpu -p: thread totals" "worker $w filler $f main $m of $us us: $(grep off-CPU "$TMP/p.err")"
fi

# --- the same targets as CPU samples: -t (one thread), --cgroup
"$W" split 40 >/dev/null & pid=$!
for _ in $(seq 50); do
	tid=$(grep -l '^wc-worker$' /proc/"$pid"/task/*/comm 2>/dev/null | head -1 | cut -d/ -f5)
	[ -n "$tid" ] && break
	sleep 0.05
done
timeout 30 "$EBPROF" -q record --off-cpu -t "$tid" -d 1 -o "$TMP/tid.folded"
if grep -q '^wc-worker;.*\[off-cpu: sleeping\] ' "$TMP/tid.folded" &&
   ! grep -qv '^wc-worker;' "$TMP/tid.folded"; then
	pass "offcpu -t: only the chosen thread's blocks"
else
	fail "offcpu -t" "$(cut -d';' -f1 "$TMP/tid.folded" | sort | uniq -c | head)"
fi
cg_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$cg_root" ] && mkdir "$cg_root/ebprof-offcpu-$$" 2>/dev/null; then
	cg=$cg_root/ebprof-offcpu-$$
	"$W" lock 3 & inside=$!
	echo "$inside" >"$cg/cgroup.procs"
	timeout 30 "$EBPROF" -q record --off-cpu -d 1 --cgroup "$cg" -o "$TMP/cg.folded"
	wait "$inside"
	if grep -q 'off-cpu' "$TMP/cg.folded" && ! grep -Eqv '^(wc-lock|offcpu-fp);' "$TMP/cg.folded"; then
		pass "offcpu --cgroup: only the cgroup's threads"
	else
		fail "offcpu --cgroup" "$(cut -d';' -f1 "$TMP/cg.folded" | sort | uniq -c | head)"
	fi
	rmdir "$cg"
else
	fail "offcpu --cgroup" "no writable cgroup v2 hierarchy"
fi
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null

# --- usage errors
expect_error "offcpu: --off-cpu-min needs --off-cpu" 2 'needs --off-cpu' \
	"$EBPROF" record --off-cpu-min 1ms -a
expect_error "offcpu: dwarf refused" 2 'frame-pointer stacks only' \
	"$EBPROF" record --off-cpu --call-graph dwarf -a
expect_error "offcpu: not with --push" 2 "not pushed continuously" \
	"$EBPROF" record --off-cpu --push http://127.0.0.1:9 -a
expect_error "offcpu: --off-cpu-wakers needs --off-cpu" 2 'off-cpu-wakers needs --off-cpu' \
	"$EBPROF" record --off-cpu-wakers -a
expect_error "offcpu: bad --off-cpu-min" 2 "invalid value '5x'" \
	"$EBPROF" record --off-cpu --off-cpu-min 5x -a
