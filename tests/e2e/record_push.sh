#!/usr/bin/env bash
# Continuous mode, `ebprof record --push`: each interval's profile reaches
# a (fake, loopback) Pyroscope server; windows are contiguous and do not
# overlap; while the server fails, windows wait in the spool and all of
# them arrive later, once each.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pyroscope/lib.sh"
trap 'fake_stop_all; rm -rf "$TMP"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	skip record_push "needs root to load BPF programs"
	exit 0
fi

# Windows of one series, in order: "from_ns until_ns" per line.
windows() { fq '[ "%d %d" % (r["from_ns"], r["until_ns"]) for r in sorted(ok, key=lambda r: r["from_ns"]) ]'; }
contiguous() {
	awk 'NR > 1 && $1 != prev { bad = 1 } { if ($2 <= $1) bad = 1; prev = $2 }
		END { exit bad }' "$1"
}

fake_start cont || { fail record_push_server "fake server did not start"; exit 0; }
"$WL/cpusplit-fp" 6 & wl=$!
"$EBPROF" -q record -F 199 -p "$wl" --push "$FAKE_URL" --app wl \
	--interval 1s --label env=test --spool-dir "$TMP/spool1" -d 4.5
rc=$?
wait "$wl" 2>/dev/null
windows >"$TMP/w1"
n=$(wc -l <"$TMP/w1")
check record_push_exit0 [ "$rc" -eq 0 ]
if [ "$n" -ge 4 ] && [ "$n" -le 6 ] && contiguous "$TMP/w1"; then
	pass "record_push_windows: $n contiguous, non-overlapping windows"
else
	fail record_push_windows "$n windows: $(tr '\n' ' ' <"$TMP/w1")"
fi
check record_push_name [ "$(fq 'sorted(set(r["app"] + "." + r["profile_type"] for r in ok))')" = wl.cpu ]
check record_push_labels [ "$(fq 'all(r["labels"].get("env") == "test" and r["labels"].get("hostname") for r in ok)')" = True ]
check record_push_stacks [ "$(fq 'sum(v for k, v in merged(ok).items() if k.endswith(";work_a;burn"))' )" -gt 100 ]
fake_stop

# The server fails (503) for the first ~2.5 s: nothing lost, nothing twice.
touch "$TMP/down"
fake_start outage --fail-file "$TMP/down" || { fail record_push_server2 "fake server"; exit 0; }
( sleep 2.5; rm -f "$TMP/down" ) &
"$WL/cpusplit-fp" 7 & wl=$!
"$EBPROF" -q record -F 199 -p "$wl" --push "$FAKE_URL" --app wl \
	--interval 1s --retry-delay 200ms --spool-dir "$TMP/spool2" -d 5.5
rc=$?
wait "$wl" 2>/dev/null
windows >"$TMP/w2"
n=$(wc -l <"$TMP/w2")
failed=$(fq 'len([r for r in reqs if r["status"] == 503])')
dups=$(sort "$TMP/w2" | uniq -d | wc -l)
if [ "$rc" -eq 0 ] && [ "$failed" -ge 1 ] && [ "$n" -ge 5 ] && [ "$dups" -eq 0 ] &&
	contiguous "$TMP/w2"; then
	pass "record_push_outage: $failed failed attempts, then all $n windows once each"
else
	fail record_push_outage "rc=$rc failed=$failed windows=$n dups=$dups: $(tr '\n' ' ' <"$TMP/w2")"
fi
check record_push_spool_empty [ -z "$(ls "$TMP/spool2" 2>/dev/null | grep -v lock)" ]

expect_error record_push_needs_app 2 "app" \
	"$EBPROF" record -a -d 1 --push http://127.0.0.1:9
expect_error record_push_no_o 2 "drop -o" \
	"$EBPROF" record -a -d 1 --push http://127.0.0.1:9 --app x -o x.folded
