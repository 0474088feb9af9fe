#!/usr/bin/env bash
# `record` at sample rates the reader cannot follow: it stops on time
# (-d, SIGINT, SIGTERM), its memory stays bounded, it still writes the
# recording, and the summary says how much was lost and suggests a lower -F.
. "$(dirname "$0")/../lib.sh"

# The kernel lowers kernel.perf_event_max_sample_rate when interrupts take
# too long: ask for as much as it allows now.
maxrate=$(cat /proc/sys/kernel/perf_event_max_sample_rate)
rate() { [ "$1" -le "$maxrate" ] && echo "$1" || echo "$maxrate"; }

# peak CMD...: runs CMD, writes its peak RSS (KiB) to $TMP/peak.
peak() {
	python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(
	resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$TMP/peak" "$@"
}

sh -c 'while :; do :; done' &
busy=$!
trap 'kill $busy 2>/dev/null; rm -rf "$TMP"' EXIT

# Memory: the ring buffer (mapped twice, at most 2 x 256 MiB) and at most
# 64 MiB of samples kept aside; without bounds it grew by gigabytes.
LIMIT_KB=$((900 * 1024))

overload() {
	local name=$1; shift
	peak timeout -s KILL 30 "$EBPROF" record "$@" -d 1 \
		-o "$TMP/$name.folded" 2>"$TMP/$name.err"
	local rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "overload: $name stops on time" "exit $rc (137: killed after 30 s); $(tail -n 2 "$TMP/$name.err")"
		return
	fi
	pass "overload: $name stops on time"
	if [ "$(cat "$TMP/peak")" -lt "$LIMIT_KB" ]; then
		pass "overload: $name memory bounded"
	else
		fail "overload: $name memory bounded" "peak RSS $(cat "$TMP/peak") KiB"
	fi
	check "overload: $name wrote stacks" test -s "$TMP/$name.folded"
}

overload pid -p "$busy" -F "$(rate 100000)"
overload all -a -F "$(rate 50000)"
# When 1% or more was lost, the summary says so and suggests a lower -F.
lost_share=$(sed -nE 's/.*: ([0-9]+) samples in .* \(([0-9]+) lost.*/\1 \2/p' \
	"$TMP/all.err" | awk '{ print ($1 + $2) ? int(100 * $2 / ($1 + $2)) : 0 }')
if [ -z "$lost_share" ]; then
	fail "overload: summary counts lost samples" "$(head -n 2 "$TMP/all.err")"
elif [ "$lost_share" -lt 1 ] ||
     grep -q "samples were lost: .*use a lower -F (e.g. -F [0-9]*)" "$TMP/all.err"; then
	pass "overload: summary counts lost samples, suggests a lower -F ($lost_share% lost)"
else
	fail "overload: summary suggests a lower -F" "$(head -n 3 "$TMP/all.err")"
fi

# SIGINT and SIGTERM under overload: stop promptly, still write the file.
for sig in INT TERM; do
	rm -f "$TMP/sig.folded"
	"$EBPROF" record -a -F "$(rate 50000)" -o "$TMP/sig.folded" \
		2>"$TMP/sig.err" &
	rec=$!
	sleep 2
	kill -"$sig" "$rec"
	# Bounded wait: a livelocked reader never sees the signal.
	for _ in $(seq 100); do
		kill -0 "$rec" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$rec" 2>/dev/null; then
		kill -KILL "$rec"
		wait "$rec"
		fail "overload: SIG$sig stops record" "still running 10 s later"
		continue
	fi
	wait "$rec"
	rc=$?
	if [ "$rc" -eq 0 ] && [ -s "$TMP/sig.folded" ]; then
		pass "overload: SIG$sig stops record and writes the file"
	else
		fail "overload: SIG$sig stops record and writes the file" "exit $rc; $(tail -n 2 "$TMP/sig.err")"
	fi
done
