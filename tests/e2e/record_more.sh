#!/usr/bin/env bash
# More of `ebprof record`: a cgroup v2 target, a library loaded with
# dlopen() during the recording, a binary deleted while it runs, and
# libc's local symbols from its separate debug file.
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
