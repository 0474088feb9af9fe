#!/usr/bin/env bash
# JIT code named: Node.js perf maps (--perf-basic-prof) and jitdumps
# (--perf-prof), compared with perf on the same runs; a map in another mount
# and PID namespace, one that grows while recorded, one whose process exits
# first; hostile maps (FIFO, link to a root-only file, another user's
# file); HotSpot JVMs named through the attach mechanism.
. "$(dirname "$0")/../lib.sh"

JS=$ROOT/tests/workloads/jit_hot.js
T=timeout
# JIT frames without a name: "[anon]_[j]" and the like.
UNNAMED='\[[^];]*\]+_\[j\]'

if [ "$(id -u)" -ne 0 ]; then
	skip jit "needs root to load BPF programs"
	exit 0
fi
if ! command -v node >/dev/null; then
	fail jit "node is not installed (nodejs, see scripts/install-deps.sh)"
	exit 0
fi
cd "$TMP" || exit 1	# node --perf-prof writes its files in its cwd
# The runtimes' maps outlive them: remove ours (made since the start, of
# our workloads) when done.
touch "$TMP/start"
trap 'for f in /tmp/perf-*.map; do [ "$f" -nt "$TMP/start" ] &&
	grep -qE "jit_hot\.js|JitHot|jit_perf\.py" "$f" 2>/dev/null && rm -f "$f"; done
	rm -rf "$TMP"' EXIT

# perf_share PERF.DATA PID REGEX: % of PID's samples with a frame matching.
perf_share() {
	perf script -i "$1" -F pid,ip,sym 2>/dev/null | awk -v pid="$2" -v re="$3" '
		function flush() { if (mine) { t++; if (hit) m++ } mine = hit = 0 }
		/^[ \t]*[0-9]+[ \t]*$/ { flush(); mine = ($1 == pid); next }
		/^[ \t]*$/ { flush(); next }
		{ if ($0 ~ re) hit = 1 }
		END { flush(); if (t == 0) print 0; else printf "%.1f\n", 100 * m / t }'
}

# ratio A B: A / B in percent (0 when B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b > 0 ? 100 * a / b : 0) }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# --- node --perf-basic-prof, as the command
$T 30 "$EBPROF" -q record -F 499 -o "$TMP/cmd.folded" -- node --perf-basic-prof "$JS" 3
h=$(share "$TMP/cmd.folded" ';JS:\*hotLoop [^;]*jit_hot\.js:[0-9:]*_\[j\]')
u=$(share "$TMP/cmd.folded" "$UNNAMED")
if ge "$h" 60 && lt "$u" 2; then
	pass "jit node perf map: hotLoop named in $h% of samples, unnamed JIT frames $u%"
else
	fail "jit node perf map" "hotLoop $h%, unnamed $u%: $(sort -t' ' -k2 -nr "$TMP/cmd.folded" | head -c 400)"
fi
$T 30 "$EBPROF" -q record -F 499 -o "$TMP/cmd.pb.gz" -- node --perf-basic-prof "$JS" 1 >/dev/null 2>&1
"$EBPROF" -q report --format folded "$TMP/cmd.pb.gz" >"$TMP/cmd-pb.folded" 2>&1
if ! command -v go >/dev/null; then
	fail "jit node pprof" "go is not installed (golang-go, for go tool pprof)"
elif (cd "$TMP" && $T 60 go tool pprof -raw "$TMP/cmd.pb.gz") >"$TMP/raw" 2>&1 &&
	grep -Eq '^ *[0-9]+: 0x[0-9a-f]+/0x[0-9a-f]+/0x[0-9a-f]+ /tmp/perf-[0-9]+\.map' "$TMP/raw" &&
	grep -Eq 'M=[0-9]+ JS:\*hotLoop [^ ]*jit_hot\.js:[0-9:]+ :0' "$TMP/raw" &&
	grep -q ';JS:\*hotLoop [^;]*_\[j\]' "$TMP/cmd-pb.folded"; then
	pass "jit node pprof: names in a mapping named for the map (go tool pprof), JIT kind kept"
else
	fail "jit node pprof" "$(grep -m3 -E 'perf-|hotLoop' "$TMP/raw" | tr '\n' '|')"
fi

# --- against perf, on the same run: -p PID for both at once
node --perf-basic-prof "$JS" 8 & pid=$!
sleep 1.5
perf record -F 499 -g -p "$pid" -o "$TMP/perf.data" -- sleep 3 >/dev/null 2>&1 &
perfpid=$!
$T 30 "$EBPROF" -q record -F 499 -d 3 -p "$pid" -o "$TMP/p.folded"
wait "$perfpid"
ps=$(perf_share "$TMP/perf.data" "$pid" 'JS:\*hotLoop')
es=$(share "$TMP/p.folded" ';JS:\*hotLoop [^;]*_\[j\]')
u=$(share "$TMP/p.folded" "$UNNAMED")
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
r=$(ratio "$es" "$ps")
if ge "$ps" 30 && ge "$r" 95 && lt "$u" 2; then
	pass "jit node vs perf: hotLoop named in $es% of samples, perf $ps% ($r%), unnamed $u%"
else
	fail "jit node vs perf" "ebprof $es%, perf $ps% ($r%), unnamed $u%"
fi

# --- node --perf-prof: the jitdump, found through its marker mapping.  V8
# buffers it and writes it out at exit: both recordings last until then.
node --perf-prof "$JS" 4.5 & pid=$!
sleep 1.5
perf record -k 1 -F 499 -g -p "$pid" -o "$TMP/perfj.data" >/dev/null 2>&1 &
perfpid=$!
$T 30 "$EBPROF" -q record -F 499 -d 10 -p "$pid" -o "$TMP/j.folded" 2>"$TMP/j.err"
wait "$pid" "$perfpid" 2>/dev/null
ps=0
if perf inject --jit -i "$TMP/perfj.data" -o "$TMP/perfj2.data" >/dev/null 2>&1; then
	ps=$(perf_share "$TMP/perfj2.data" "$pid" 'JS:\*hotLoop')
fi
es=$(share "$TMP/j.folded" ';JS:\*hotLoop [^;]*_\[j\]')
u=$(share "$TMP/j.folded" "$UNNAMED")
r=$(ratio "$es" "$ps")
if [ -f "$TMP/jit-$pid.dump" ] && [ ! -e "/tmp/perf-$pid.map" ] && ge "$ps" 30 &&
	ge "$r" 95 && lt "$u" 2; then
	pass "jit node jitdump: hotLoop named in $es% of samples, perf inject --jit $ps% ($r%), unnamed $u%"
else
	fail "jit node jitdump" "ebprof $es%, perf $ps% ($r%), unnamed $u%; $(ls "$TMP" | grep -v jitted | tr '\n' ' ')"
fi
rm -f "$TMP"/jit-*.dump "$TMP"/jitted-*.so "$TMP"/*.data "$TMP"/isolate-*.log

# --- a container: the map is in the process's own /tmp, under its own pid
if command -v unshare >/dev/null; then
	# the script outside /tmp, which the container's own /tmp hides (the
	# tree under test may itself be under /tmp)
	nsjs=$(mktemp -d /var/tmp/ebprof-jit.XXXXXX)
	cp "$JS" "$nsjs/jit_hot.js"
	unshare --mount --pid --fork --propagation private sh -c \
		'mount -t tmpfs none /tmp && exec node --perf-basic-prof "$0" 6' "$nsjs/jit_hot.js" & ns=$!
	# wait for node (up to 10 s on a loaded host), then for its JIT to warm
	pid=
	for _ in $(seq 100); do
		pid=$(pgrep -P "$ns" -f "jit_hot.js 6" | head -1)
		[ -z "$pid" ] && pid=$(pgrep -f "^node --perf-basic-prof $nsjs/jit_hot.js 6" | head -1)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	sleep 1
	nspid=$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status" 2>/dev/null)
	$T 30 "$EBPROF" -q record -F 499 -d 2 -p "$pid" -o "$TMP/ns.folded"
	kill "$pid" 2>/dev/null; wait "$ns" 2>/dev/null
	rm -rf "$nsjs"
	h=$(share "$TMP/ns.folded" ';JS:\*hotLoop [^;]*_\[j\]')
	u=$(share "$TMP/ns.folded" "$UNNAMED")
	if [ -n "$nspid" ] && [ "$nspid" != "$pid" ] && [ ! -e "/tmp/perf-$pid.map" ] &&
		ge "$h" 60 && lt "$u" 2; then
		pass "jit namespaces: map /tmp/perf-$nspid.map of host pid $pid read in its root ($h% named)"
	else
		fail "jit namespaces" "pid $pid nspid $nspid: $h% named, $u% unnamed"
	fi
	# a jitdump there: found through its marker mapping, named with its
	# namespace pid, in a directory only the container sees
	mkdir -p "$TMP/jns"
	unshare --mount --pid --fork --propagation private sh -c \
		'mount -t tmpfs none "$1" && cd "$1" && exec node --perf-prof "$0" 3.5' "$JS" "$TMP/jns" & ns=$!
	pid=
	for _ in $(seq 100); do	# up to 10 s on a loaded host
		pid=$(pgrep -f "^node --perf-prof $JS 3.5" | head -1)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	sleep 1
	$T 30 "$EBPROF" record -F 499 -d 10 -p "$pid" -o "$TMP/nsj.folded" 2>"$TMP/nsj.err"
	wait "$ns" 2>/dev/null
	h=$(share "$TMP/nsj.folded" ';JS:\*hotLoop [^;]*_\[j\]')
	u=$(share "$TMP/nsj.folded" "$UNNAMED")
	if [ -n "$pid" ] && [ -z "$(ls "$TMP/jns")" ] && ge "$h" 60 && lt "$u" 2; then
		pass "jit namespaces: a jitdump only the container sees ($h% named)"
	else
		fail "jit namespaces jitdump" "pid $pid: $h% named, $u% unnamed; $(grep -i jit "$TMP/nsj.err")"
	fi
else
	fail "jit namespaces" "unshare (util-linux) not installed"
fi

# --- a map that grows while recorded: functions compiled after the start
node --perf-basic-prof "$JS" 5 grow & pid=$!
sleep 0.5
$T 30 "$EBPROF" -q record -F 499 -d 3.5 -p "$pid" -o "$TMP/grow.folded"
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
rm -f "/tmp/perf-$pid.map"
g=$(share "$TMP/grow.folded" ';JS:\*grown_[0-9]+ [^;]*_\[j\]')
n=$(grep -o 'JS:\*grown_[0-9]*' "$TMP/grow.folded" | sort -u | wc -l)
u=$(share "$TMP/grow.folded" "$UNNAMED")
if ge "$g" 40 && [ "$n" -ge 5 ] && lt "$u" 2; then
	pass "jit growing map: $n functions compiled while recording named ($g% of samples), unnamed $u%"
else
	fail "jit growing map" "$g% in $n grown functions, $u% unnamed"
fi

# --- the process exits, and its map goes, before the recording ends
cg_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$cg_root" ] && mkdir "$cg_root/ebprof-jit-$$" 2>/dev/null; then
	cg=$cg_root/ebprof-jit-$$
	sh -c 'echo $$ >"$1/cgroup.procs"; exec node --perf-basic-prof "$0" 1.5' "$JS" "$cg" & pid=$!
	( wait_for=$pid; while kill -0 "$wait_for" 2>/dev/null; do sleep 0.05; done
	  rm -f "/tmp/perf-$wait_for.map" ) &
	$T 30 "$EBPROF" -q record -F 499 -d 3 --cgroup "$cg" -o "$TMP/exit.folded"
	wait
	h=$(share "$TMP/exit.folded" ';JS:\*hotLoop [^;]*_\[j\]')
	u=$(share "$TMP/exit.folded" "$UNNAMED")
	if [ ! -e "/tmp/perf-$pid.map" ] && ge "$h" 40 && lt "$u" 2; then
		pass "jit process exit: names kept after the process and its map went ($h%)"
	else
		fail "jit process exit" "$h% named, $u% unnamed"
	fi
	rmdir "$cg"
else
	fail "jit process exit" "no writable cgroup v2 hierarchy"
fi

# --- hostile maps, for a process of another user (nobody)
if command -v setpriv >/dev/null; then
	cp "$JS" "$TMP/hot.js"
	chmod 755 "$TMP"
	setpriv --reuid=65534 --regid=65534 --clear-groups node "$TMP/hot.js" 12 & pid=$!
	sleep 1
	map=/tmp/perf-$pid.map
	echo "0 7fffffffffff SECRET_NAME" >"$TMP/secret"
	chmod 600 "$TMP/secret"
	mkfifo "$map"; chown 65534:65534 "$map"
	$T 20 "$EBPROF" -q record -F 499 -d 1 -p "$pid" -o "$TMP/fifo.folded"
	rc_fifo=$?
	rm -f "$map"
	setpriv --reuid=65534 --regid=65534 --clear-groups ln -s "$TMP/secret" "$map"
	$T 20 "$EBPROF" -q record -F 499 -d 1 -p "$pid" -o "$TMP/link.folded"
	rm -f "$map"
	echo "0 7fffffffffff OTHER_USER_NAME" >"$map"; chown 12345:12345 "$map"
	$T 20 "$EBPROF" -q record -F 499 -d 1 -p "$pid" -o "$TMP/other.folded"
	rm -f "$map"
	# a map of the process's user that covers none of its code
	echo "10 10 nowhere" >"$map"; chown 65534:65534 "$map"
	$T 20 "$EBPROF" record -F 499 -d 1 -p "$pid" -o "$TMP/miss.folded" 2>"$TMP/miss.err"
	rm -f "$map"
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	if [ "$rc_fifo" -eq 0 ] && [ "$(total "$TMP/fifo.folded")" -ge 100 ]; then
		pass "jit hostile map: a FIFO neither blocks nor names anything"
	else
		fail "jit hostile FIFO" "exit $rc_fifo, $(total "$TMP/fifo.folded") samples"
	fi
	if [ "$(total "$TMP/link.folded")" -ge 100 ] && ! grep -q SECRET_NAME "$TMP/link.folded"; then
		pass "jit hostile map: a link to a root-only file is not followed"
	else
		fail "jit hostile link" "$(grep -c SECRET_NAME "$TMP/link.folded") stacks name SECRET_NAME"
	fi
	if [ "$(total "$TMP/other.folded")" -ge 100 ] && ! grep -q OTHER_USER_NAME "$TMP/other.folded"; then
		pass "jit hostile map: another user's file is refused"
	else
		fail "jit hostile other user" "$(grep -c OTHER_USER_NAME "$TMP/other.folded") stacks name OTHER_USER_NAME"
	fi
	if grep -Eq "node\[$pid\]: JIT addresses without a symbol: 100\.0% of [0-9]+ JIT frames \($map\)" "$TMP/miss.err" &&
		[ "$(share "$TMP/miss.folded" "$UNNAMED")" != 0 ]; then
		pass "jit summary: JIT addresses outside the map counted, not guessed"
	else
		fail "jit summary without a symbol" "$(grep -i jit "$TMP/miss.err")"
	fi
else
	fail "jit hostile maps" "setpriv (util-linux) not installed"
fi

# --- Python 3.12+ -X perf: a perf map of its trampolines; libpython keeps
# no frame pointers, so DWARF mode, which goes through the trampolines by
# frame pointer
PY312=$(ls -d /root/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | head -1)
if [ -n "$PY312" ]; then
	$T 30 "$EBPROF" -q record -F 499 --call-graph dwarf -o "$TMP/py.folded" -- \
		"$PY312" -X perf "$ROOT/tests/workloads/jit_perf.py"
	h=$(share "$TMP/py.folded" ';py::hot_py:[^;]*jit_perf\.py_\[j\]')
	u=$(share "$TMP/py.folded" "$UNNAMED")
	if ge "$h" 80 && lt "$u" 2; then
		pass "jit python -X perf: hot_py named in $h% of samples (dwarf), unnamed $u%"
	else
		fail "jit python -X perf" "$h% named, $u% unnamed"
	fi
else
	skip "jit python -X perf" "no CPython 3.12+ in /root/.pyenv/versions"
fi

# --- HotSpot JVMs: no agent, no flag but -XX:+PreserveFramePointer; the
# perf map comes from asking the JVM, as jcmd Compiler.perfmap does
mkdir -p "$TMP/cls"
# jvm_vs_perf NAME JAVA_HOME: attached with -p after warm-up, against perf
# (with jcmd Compiler.perfmap) on the same run
jvm_vs_perf() {
	local name=$1 jh=$2 pid perfpid ps es u r
	"$jh/bin/java" -XX:+PreserveFramePointer -cp "$TMP/cls" JitHot 9 & pid=$!
	sleep 2.5
	perf record -F 499 -g -p "$pid" -o "$TMP/perf.data" -- sleep 3 >/dev/null 2>&1 &
	perfpid=$!
	$T 30 "$EBPROF" -q record -F 499 -d 3 -p "$pid" -o "$TMP/$name.folded"
	wait "$perfpid"
	$T 30 "$jh/bin/jcmd" "$pid" Compiler.perfmap >"$TMP/jcmd.out" 2>&1
	ps=$(perf_share "$TMP/perf.data" "$pid" 'JitHot\.hotLoop')
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	rm -f "/tmp/perf-$pid.map"
	es=$(share "$TMP/$name.folded" ';double JitHot\.hotLoop\(int\)_\[j\]')
	u=$(share "$TMP/$name.folded" "$UNNAMED")
	r=$(ratio "$es" "$ps")
	if ge "$ps" 30 && ge "$r" 95 && lt "$u" 2; then
		pass "jit $name -p: hotLoop named in $es% of samples, perf+jcmd $ps% ($r%), unnamed $u%"
	else
		fail "jit $name -p" "ebprof $es%, perf+jcmd $ps% ($r%), unnamed $u%; jcmd: $(head -c 200 "$TMP/jcmd.out")"
	fi
}
J17=/usr/lib/jvm/java-17-openjdk-amd64
J25=/usr/lib/jvm/temurin-25-jdk-amd64
if [ -x "$J17/bin/javac" ] && "$J17/bin/javac" -d "$TMP/cls" "$ROOT/tests/workloads/JitHot.java"; then
	jvm_vs_perf jdk17 "$J17"
	if [ -x "$J25/bin/java" ]; then
		jvm_vs_perf jdk25 "$J25"
	fi

	# --call-graph dwarf: no unwind tables in JIT code, frame pointers there
	"$J17/bin/java" -XX:+PreserveFramePointer -cp "$TMP/cls" JitHot 6 & pid=$!
	sleep 2.5
	$T 30 "$EBPROF" -q record -F 499 --call-graph dwarf -d 2 -p "$pid" -o "$TMP/jd.folded"
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	rm -f "/tmp/perf-$pid.map"
	h=$(share "$TMP/jd.folded" ';JavaMain;.*;double JitHot\.hotLoop\(int\)_\[j\]')
	u=$(share "$TMP/jd.folded" '\[unknown\]')
	if ge "$h" 60 && lt "$u" 2; then
		pass "jit jdk17 --call-graph dwarf: hotLoop under JavaMain in $h% of samples, [unknown] in $u%"
	else
		fail "jit jdk17 dwarf" "$h% named under JavaMain, [unknown] in $u%"
	fi

	# started by record: attached at the end of the recording
	$T 40 "$EBPROF" -q record -F 499 -d 4 -o "$TMP/jcmd.folded" -- \
		"$J17/bin/java" -XX:+PreserveFramePointer -cp "$TMP/cls" JitHot 6
	h=$(share "$TMP/jcmd.folded" ';double JitHot\.hotLoop\(int\)_\[j\]')
	u=$(share "$TMP/jcmd.folded" "$UNNAMED")
	if ge "$h" 60 && lt "$u" 2; then
		pass "jit jdk17 as the command: hotLoop named in $h% of samples, unnamed $u%"
	else
		fail "jit jdk17 as the command" "$h% named, $u% unnamed"
	fi
	wait

	# without PreserveFramePointer: a hint; --no-jvm-attach: the JVM is left alone
	"$J17/bin/java" -cp "$TMP/cls" JitHot 6 & pid=$!
	sleep 2
	$T 30 "$EBPROF" record -F 499 -d 1 -p "$pid" -o "$TMP/nofp.folded" 2>"$TMP/nofp.err"
	rm -f "/tmp/perf-$pid.map"
	$T 30 "$EBPROF" record -F 499 -d 1 -p "$pid" --no-jvm-attach -o "$TMP/noatt.folded" 2>"$TMP/noatt.err"
	made=$(ls "/tmp/perf-$pid.map" 2>/dev/null)
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	if grep -q "java\[$pid\]: .*add -XX:+PreserveFramePointer" "$TMP/nofp.err"; then
		pass "jit jvm without frame pointers: the summary says to add -XX:+PreserveFramePointer"
	else
		fail "jit jvm PreserveFramePointer hint" "$(cat "$TMP/nofp.err")"
	fi
	if [ -z "$made" ] && ! grep -q 'JitHot' "$TMP/noatt.folded" && [ "$(total "$TMP/noatt.folded")" -ge 100 ]; then
		pass "jit --no-jvm-attach: no perf map asked for, JIT frames unnamed"
	else
		fail "jit --no-jvm-attach" "map '$made', $(grep -c JitHot "$TMP/noatt.folded") named stacks"
	fi

	# -XX:+DisableAttachMechanism: no SIGQUIT (it would print a thread dump)
	"$J17/bin/java" -XX:+DisableAttachMechanism -cp "$TMP/cls" JitHot 4 >"$TMP/da.out" 2>&1 & pid=$!
	sleep 2
	$T 30 "$EBPROF" record -F 499 -d 1 -p "$pid" -o "$TMP/da.folded" 2>"$TMP/da.err"
	wait "$pid"
	if grep -q "java\[$pid\]: .*-XX:+DisableAttachMechanism" "$TMP/da.err" &&
		! grep -q 'thread dump' "$TMP/da.out" && [ ! -e "/tmp/perf-$pid.map" ]; then
		pass "jit jvm with -XX:+DisableAttachMechanism: left alone, said so"
	else
		fail "jit jvm attach disabled" "$(grep java "$TMP/da.err"; head -c 200 "$TMP/da.out")"
	fi

	# continuous mode: each interval's profile names the JVM's code
	(
		. "$ROOT/tests/pyroscope/lib.sh"
		trap 'fake_stop_all' EXIT
		if fake_start jitpush; then
			"$J17/bin/java" -XX:+PreserveFramePointer -cp "$TMP/cls" JitHot 9 & pid=$!
			sleep 2
			$T 60 "$EBPROF" -q record -F 199 -p "$pid" --push "$FAKE_URL" --app jit \
				--interval 2s --spool-dir "$TMP/spool" -d 6.5
			kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
			rm -f "/tmp/perf-$pid.map"
			n=$(fq 'len(ok)')
			named=$(fq 'sum(1 for r in ok if sum(v for k, v in r.get("samples", {}).items() if "JitHot.hotLoop" in k) * 2 > sum(r.get("samples", {}).values()))')
			if [ "$n" -ge 3 ] && [ "$named" -eq "$n" ]; then
				pass "jit jvm --push: hotLoop named in each of $n intervals"
			else
				fail "jit jvm --push" "$named of $n intervals name hotLoop in most samples"
			fi
		else
			fail "jit jvm --push" "fake server did not start"
		fi
	)

	# a JVM in its own mount and PID namespaces with a private /tmp, and
	# one of another user: attached as its user, in its namespaces
	if command -v unshare >/dev/null; then
		unshare --mount --pid --fork --mount-proc --propagation private sh -c \
			'cd "$1" && mount -t tmpfs none /tmp && exec "$0" -XX:+PreserveFramePointer -cp /proc/self/cwd JitHot 7' \
			"$J17/bin/java" "$TMP/cls" & ns=$!
		sleep 2.5
		pid=$(pgrep -f 'cwd JitHot 7' | while read -r p; do grep -q libjvm "/proc/$p/maps" 2>/dev/null && echo "$p"; done | head -1)
		$T 30 "$EBPROF" -q record -F 499 -d 2 -p "$pid" -o "$TMP/jns.folded"
		inside=$(ls "/proc/$pid/root/tmp/" 2>/dev/null | tr '\n' ' ')
		kill "$pid" 2>/dev/null; wait "$ns" 2>/dev/null
		h=$(share "$TMP/jns.folded" ';double JitHot\.hotLoop\(int\)_\[j\]')
		if ge "$h" 60 && [ ! -e "/tmp/perf-$pid.map" ] && [[ $inside == *perf-1.map* ]]; then
			pass "jit jvm in namespaces: its /tmp/perf-1.map made and read ($h% named)"
		else
			fail "jit jvm in namespaces" "$h% named; its /tmp: $inside"
		fi
	fi
	chmod 755 "$TMP" "$TMP/cls"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$J17/bin/java" -XX:+PreserveFramePointer \
		-cp "$TMP/cls" JitHot 7 & pid=$!
	sleep 2.5
	$T 30 "$EBPROF" -q record -F 499 -d 2 -p "$pid" -o "$TMP/jnobody.folded"
	owner=$(stat -c %u "/tmp/perf-$pid.map" 2>/dev/null)
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	rm -f "/tmp/perf-$pid.map"
	h=$(share "$TMP/jnobody.folded" ';double JitHot\.hotLoop\(int\)_\[j\]')
	if ge "$h" 60 && [ "$owner" = 65534 ]; then
		pass "jit jvm of another user: attached as that user ($h% named)"
	else
		fail "jit jvm of another user" "$h% named, map owner '$owner'"
	fi
else
	fail "jit jvm" "no JDK 17 with javac in $J17"
fi
