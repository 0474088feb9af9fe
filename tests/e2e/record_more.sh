#!/usr/bin/env bash
# More of `ebprof record`: a cgroup v2 target, a library loaded with
# dlopen() during the recording, a binary deleted while it runs, libc's
# local symbols from its separate debug file, and processes in another
# mount namespace (as in a container), long- and short-lived.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "record_more" "needs root to load BPF programs"
	exit 0
fi

# --- --cgroup: only the tasks of that cgroup v2 directory
cg_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$cg_root" ] && mkdir "$cg_root/ebprof-test-$$" 2>/dev/null; then
	cg=$cg_root/ebprof-test-$$
	"$WL/cpusplit-fp" 4 & inside=$!
	"$WL/threads-fp" 4 & outside=$!
	echo "$inside" >"$cg/cgroup.procs"
	"$EBPROF" -q record -F 499 -d 1.5 --cgroup "$cg" -o "$TMP/cg.folded"
	kill "$inside" "$outside" 2>/dev/null; wait "$inside" "$outside" 2>/dev/null
	if [ "$(total "$TMP/cg.folded")" -ge 20 ] && ! grep -qv '^cpusplit-fp;' "$TMP/cg.folded"; then
		pass "record --cgroup: only the cgroup's tasks"
	else
		fail "record --cgroup" "$(cut -d';' -f1 "$TMP/cg.folded" | sort | uniq -c | head)"
	fi
	rmdir "$cg"
else
	fail "record --cgroup" "no writable cgroup v2 hierarchy"
fi

# --- dlopen() while recording: the library's mapping appears later
cat >"$TMP/plugin.c" <<'C'
volatile unsigned long plugin_sink;
__attribute__((noinline)) void plugin_hot(void)
{
	volatile unsigned long x = plugin_sink;
	for (unsigned long i = 0; i < 20000000UL; i++)
		x = x * 2862933555777941757UL + 1;
	plugin_sink = x;
}
C
cat >"$TMP/host.c" <<'C'
#include <dlfcn.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	usleep(300000);
	void *h = dlopen(argv[1], RTLD_NOW);
	void (*f)(void) = h ? (void (*)(void))dlsym(h, "plugin_hot") : 0;
	for (int i = 0; f && i < 40; i++)
		f();
	return !f;
}
C
gcc -O2 -fno-omit-frame-pointer -shared -fPIC -o "$TMP/libplugin.so" "$TMP/plugin.c"
gcc -O2 -fno-omit-frame-pointer -o "$TMP/host" "$TMP/host.c" -ldl
"$EBPROF" -q record -F 499 -o "$TMP/dl.folded" -- "$TMP/host" "$TMP/libplugin.so"
s=$(share "$TMP/dl.folded" ';main;plugin_hot$')
if [ "${s%.*}" -ge 70 ]; then
	pass "record dlopen: library loaded during the recording symbolized ($s%)"
else
	fail "record dlopen" "$s%: $(head -c 300 "$TMP/dl.folded")"
fi

# --- a binary deleted while it runs: read through /proc/PID/map_files
cp "$WL/cpusplit-fp" "$TMP/doomed"
"$TMP/doomed" 3 & pid=$!
sleep 0.3
rm -f "$TMP/doomed"
"$EBPROF" -q record -F 499 -d 1.5 -p "$pid" -o "$TMP/del.folded"
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
s=$(share "$TMP/del.folded" '^doomed;.*;run;work_a;burn$')
if near "$s" 60 8; then
	pass "record deleted binary: symbolized after rm ($s% in work_a)"
else
	fail "record deleted binary" "$s%: $(head -c 300 "$TMP/del.folded")"
fi

# --- libc's local functions named through libc6-dbg (perf names them too)
if grep -q ';__libc_start_call_main;main;run;work_a;burn ' "$TMP/del.folded"; then
	pass "record libc debug symbols: __libc_start_call_main named"
else
	fail "record libc debug symbols" "$(head -c 300 "$TMP/del.folded")"
fi

# --- a process in another mount namespace (as in a container): the path
# in its maps does not exist on the host; also short-lived ones there
if command -v unshare >/dev/null; then
	mkdir -p "$TMP/ctr"
	unshare --mount --propagation private --fork sh -c \
		'mount -t tmpfs none "$1" && cp "$0" "$1/cwl" && exec "$1/cwl" 3' \
		"$WL/cpusplit-fp" "$TMP/ctr" & ns=$!
	sleep 0.5
	pid=$(pgrep -f "^$TMP/ctr/cwl 3" | head -1)
	if [ -n "$pid" ] && [ ! -e "$TMP/ctr/cwl" ]; then
		"$EBPROF" -q record -F 499 -d 1.5 -p "$pid" -o "$TMP/ns.folded"
		s=$(share "$TMP/ns.folded" '^cwl;.*;run;work_a;burn$')
		if near "$s" 60 8; then
			pass "record mount namespace: binary only visible inside it symbolized ($s%)"
		else
			fail "record mount namespace" "$s%: $(head -c 300 "$TMP/ns.folded")"
		fi
	else
		fail "record mount namespace" "could not start a process in a mount namespace"
	fi
	kill "$pid" 2>/dev/null; wait "$ns" 2>/dev/null

	( sleep 0.3; unshare --mount --propagation private --fork sh -c \
		'mount -t tmpfs none "$1" && cp "$0" "$1/sl" && "$1/sl" 15 30' \
		"$WL/shortlived-fp" "$TMP/ctr" ) & ns=$!
	"$EBPROF" -q record -a -F 499 -d 2.5 -o "$TMP/nss.folded"
	wait "$ns"
	grep '^sl;' "$TMP/nss.folded" >"$TMP/nss-wl.folded"
	s=$(share "$TMP/nss-wl.folded" ';main;short_child_work;burn')
	u=$(share "$TMP/nss-wl.folded" '\[sl\]')
	if [ "$(total "$TMP/nss-wl.folded")" -ge 50 ] && [ "${s%.*}" -ge 50 ] && near "$u" 0 3; then
		pass "record mount namespace: 30 ms processes there symbolized ($s%)"
	else
		fail "record mount namespace, short-lived" "$s% symbolized, $u% unresolved: $(head -c 300 "$TMP/nss-wl.folded")"
	fi
else
	fail "record mount namespace" "unshare (util-linux) not installed"
fi
