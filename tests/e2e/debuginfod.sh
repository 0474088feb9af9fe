#!/usr/bin/env bash
# Debug files from a real debuginfod server (elfutils' debuginfod, scanning
# a directory this test fills) for a fully stripped binary that has no
# other source of symbols; a dead server (closed port) and a silent one
# (accepts, never answers) cost at most 5 s.  Runs in its own network
# namespace: the server listens on every interface, and nothing else on
# the machine can reach it or take its port.
if [ -z "${EBPROF_IN_NETNS:-}" ] && [ "$(id -u)" -eq 0 ]; then
	exec timeout 240 unshare -n env EBPROF_IN_NETNS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip debuginfod "needs root to load BPF programs"
	exit 0
fi
if ! command -v debuginfod >/dev/null || ! command -v curl >/dev/null; then
	fail debuginfod "debuginfod and curl are needed (see scripts/install-deps.sh)"
	exit 0
fi
ip link set lo up
PORT=18402
SILENT_PORT=18403
DEAD_PORT=18404

mkdir -p "$TMP/srv" "$TMP/bin"
objcopy --only-keep-debug "$WL/cpusplit-fp" "$TMP/srv/cpusplit.debug"
strip --strip-all --remove-section=.gnu_debuglink -o "$TMP/bin/cpusplit-bare" "$WL/cpusplit-fp"
id=$(readelf -n "$WL/cpusplit-fp" | awk '/Build ID/ { print $3 }')

debuginfod -F -p $PORT -d :memory: -t 0 "$TMP/srv" >"$TMP/server.log" 2>&1 &
srv=$!
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
time.sleep(120)' $SILENT_PORT &
silent=$!
trap 'kill $srv $silent 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 150); do
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/buildid/$id/debuginfo" && break
	sleep 0.2
done
check "debuginfod: the server has the debug file" \
	curl -sf -o /dev/null "http://127.0.0.1:$PORT/buildid/$id/debuginfo"

# rec NAME URLS: records the stripped binary for 2 s, with $TMP/NAME.* files
rec() {
	local t0 t1
	t0=$(date +%s%N)
	DEBUGINFOD_CACHE_PATH=$TMP/cache-$1 DEBUGINFOD_URLS=$2 \
		timeout 60 "$EBPROF" record -F 999 -o "$TMP/$1.folded" \
		-- "$TMP/bin/cpusplit-bare" 2 2>"$TMP/$1.err"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$TMP/$1.ms"
}

rec none ""
if grep -q work_a "$TMP/none.folded"; then
	fail debuginfod_control "the stripped binary was named without a server"
else
	pass "debuginfod: without a server the stripped binary is unnamed (control)"
fi

rec served "http://127.0.0.1:$PORT"
a=$(share "$TMP/served.folded" ';work_a;burn')
b=$(share "$TMP/served.folded" ';work_b;burn')
c=$(share "$TMP/served.folded" ';work_c;burn')
if near "$a" 60 4 && near "$b" 30 4 && near "$c" 10 3; then
	pass "debuginfod: names from the served debug file, split 60/30/10 ($a/$b/$c)"
else
	fail debuginfod_names "split $a/$b/$c: $(head -c 300 "$TMP/served.err")"
fi
# other sampled modules (ld.so with .dynsym only) may be asked for too
if grep -Eq 'debuginfod: [1-9][0-9]* of [0-9]+ modules symbolized' "$TMP/served.err" &&
	! grep -q 'debuginfod: .*cpusplit-bare (build id' "$TMP/served.err" &&
	[ -n "$(find "$TMP/cache-served" -name debuginfo 2>/dev/null)" ]; then
	pass "debuginfod: summary says it was fetched, into the client's cache"
else
	fail debuginfod_summary "$(grep debuginfod "$TMP/served.err" | head -3)"
fi
rec flag ""
DEBUGINFOD_CACHE_PATH=$TMP/cache-flag timeout 60 "$EBPROF" record -F 499 \
	--debuginfod="http://127.0.0.1:$PORT" -o "$TMP/flag.folded" \
	-- "$TMP/bin/cpusplit-bare" 1 2>"$TMP/flag.err"
check "debuginfod: --debuginfod=URLS" grep -q ';work_a;burn' "$TMP/flag.folded"
DEBUGINFOD_CACHE_PATH=$TMP/cache-no DEBUGINFOD_URLS="http://127.0.0.1:$PORT" \
	timeout 60 "$EBPROF" record -F 499 --no-debuginfod -o "$TMP/no.folded" \
	-- "$TMP/bin/cpusplit-bare" 1 2>"$TMP/no.err"
if grep -q work_a "$TMP/no.folded" || grep -q debuginfod "$TMP/no.err"; then
	fail debuginfod_off "--no-debuginfod still fetched"
else
	pass "debuginfod: --no-debuginfod fetches nothing"
fi

for kind in dead silent; do
	port=$DEAD_PORT
	[ $kind = silent ] && port=$SILENT_PORT
	rec $kind "http://127.0.0.1:$port"
	cost=$(($(cat "$TMP/$kind.ms") - $(cat "$TMP/none.ms")))
	if [ -s "$TMP/$kind.folded" ] && [ $cost -le 5000 ] &&
		grep -Eq 'debuginfod: 0 of [0-9]+ modules' "$TMP/$kind.err" &&
		grep -q 'cpusplit-bare (build id' "$TMP/$kind.err"; then
		pass "debuginfod: a $kind server costs ${cost} ms (<= 5 s), recording kept"
	else
		fail debuginfod_$kind "cost ${cost} ms; $(grep debuginfod "$TMP/$kind.err" | tr '\n' ' ')"
	fi
done
expect_error "debuginfod: --debuginfod without servers is a usage error" 2 \
	'needs servers' env -u DEBUGINFOD_URLS "$EBPROF" record --debuginfod -- true
