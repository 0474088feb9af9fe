#!/usr/bin/env bash
# `ebprof record` writing pprof, checked with the independent decoder
# (npm pprof-format via tests/node/pprof-check.mjs): a valid profile with
# the CPU profile conventions (samples/count + cpu/nanoseconds, period
# 1e9/Hz, time and duration, pid/tid/thread labels, mappings with build
# ids and has_functions, kernel frames in a kernel mapping), whose stacks
# equal ebprof's own folded rendering of the same recording.
. "$(dirname "$0")/../lib.sh"

CHECK=$ROOT/tests/node/pprof-check.mjs

if [ "$(id -u)" -ne 0 ]; then
	skip "pprof record" "needs root to load BPF programs"
	exit 0
fi
if ! command -v node >/dev/null; then
	skip "pprof record" "node is not installed"
	exit 0
fi
if [ ! -d "$ROOT/tests/node/node_modules/pprof-format" ]; then
	npm ci --prefix "$ROOT/tests/node" >"$TMP/npm.log" 2>&1 ||
		{ skip "pprof record" "npm ci failed: $(tail -n 1 "$TMP/npm.log")"; exit 0; }
fi
if ! "$EBPROF" record --help 2>/dev/null | grep -q -- '--format'; then
	skip "pprof record" "'ebprof record' has no --format yet (pprof output not wired)"
	exit 0
fi

if ! "$EBPROF" report --help 2>/dev/null | grep -q -- '--format'; then
	skip "pprof record" "'ebprof report' has no --format yet"
	exit 0
fi

if [ ! -x "$WL/cpusplit-fp" ] || [ ! -x "$WL/syscalls-fp" ]; then
	fail "pprof record" "workloads not built (make O=$O workloads)"
	exit 0
fi
if ! "$EBPROF" -q record -F 999 -o "$TMP/r.pb.gz" -- "$WL/cpusplit-fp" 2 2>"$TMP/err"; then
	fail "pprof record: record -o r.pb.gz" "$(cat "$TMP/err")"
	exit 0
fi
if [ "$(head -c 2 "$TMP/r.pb.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
	pass "pprof record: .pb.gz output is gzipped"
else
	fail "pprof record: .pb.gz output is gzipped" "$(head -c 60 "$TMP/r.pb.gz")"
fi
if node "$CHECK" decode --strict --thread-roots "$TMP/r.pb.gz" >"$TMP/r.js" 2>"$TMP/err"; then
	pass "pprof record: valid for pprof-format (strict checks)"
else
	fail "pprof record: valid for pprof-format" "$(cat "$TMP/err")"
fi
"$EBPROF" -q report --format folded "$TMP/r.pb.gz" >"$TMP/r.folded" 2>"$TMP/err"
if [ -s "$TMP/r.folded" ] && cmp -s "$TMP/r.js" "$TMP/r.folded"; then
	pass "pprof record: stacks decoded independently equal ebprof's folded"
else
	fail "pprof record: stacks equal ebprof's folded" \
		"$(diff "$TMP/r.js" "$TMP/r.folded" | head -n 4 | tr '\n' ' ') $(cat "$TMP/err")"
fi
chain="cpusplit-fp-[0-9]+/[0-9]+;__libc_start_call_main;main;run;work_a;burn"
if grep -Eq "^$chain [0-9]+$" "$TMP/r.js"; then
	pass "pprof record: exact chain main;run;work_a;burn, leaf last"
else
	fail "pprof record: exact chain" "$(head -c 300 "$TMP/r.js")"
fi
node "$CHECK" info "$TMP/r.pb.gz" >"$TMP/info" 2>&1
want() {
	if grep -Eq -- "$2" "$TMP/info"; then
		pass "pprof record: $1"
	else
		fail "pprof record: $1" "no /$2/ in: $(tr '\n' ' ' <"$TMP/info" | head -c 400)"
	fi
}
want "sample types samples/count, cpu/nanoseconds" \
	'^sample_type samples/count$'
want "cpu/nanoseconds sample type" '^sample_type cpu/nanoseconds$'
want "period type cpu/nanoseconds" '^period_type cpu/nanoseconds$'
want "period 1e9/999 Hz" '^period 1001001$'
want "time_nanos set" '^time_nanos [1-9][0-9]{18}$'
want "duration_nanos set" '^duration_nanos [1-9][0-9]{8,}$'
want "pid label" '^label pid$'
want "tid label" '^label tid$'
want "thread name label" '^label thread_comm$'
want "the workload's mapping has a build id and functions" \
	"^mapping .*/cpusplit-fp build_id=[0-9a-f]{16,} has_functions=1$"
want "comments with the recording's metadata" '^comment .+'
# cpu/nanoseconds = samples x period.
node "$CHECK" decode --sample-type samples "$TMP/r.pb.gz" >"$TMP/s.js"
node "$CHECK" decode --sample-type cpu "$TMP/r.pb.gz" >"$TMP/c.js"
if [ "$(total "$TMP/s.js")" -gt 0 ] &&
   [ "$(total "$TMP/c.js")" = "$(( $(total "$TMP/s.js") * 1001001 ))" ]; then
	pass "pprof record: cpu nanoseconds = samples x period"
else
	fail "pprof record: cpu nanoseconds = samples x period" \
		"$(total "$TMP/c.js") vs $(total "$TMP/s.js") samples"
fi

# Kernel frames land in a kernel mapping, marked _[k] when rendered.
"$EBPROF" -q record -F 999 -o "$TMP/k.pb.gz" -- "$WL/syscalls-fp" 1 2>"$TMP/err" ||
	fail "pprof record: record syscalls workload" "$(cat "$TMP/err")"
node "$CHECK" decode "$TMP/k.pb.gz" >"$TMP/k.js" 2>&1
if grep -q '_\[k\]' "$TMP/k.js" && node "$CHECK" info "$TMP/k.pb.gz" | grep -q '^mapping \[kernel'; then
	pass "pprof record: kernel frames in a [kernel...] mapping"
else
	fail "pprof record: kernel frames in a kernel mapping" "$(head -c 300 "$TMP/k.js")"
fi

# --format beats the extension.
"$EBPROF" -q record -F 199 --format folded -o "$TMP/f.pb.gz" -- "$WL/cpusplit-fp" 1
if grep -q "^cpusplit-fp;" "$TMP/f.pb.gz"; then
	pass "pprof record: --format folded beats the .pb.gz extension"
else
	fail "pprof record: --format folded beats the extension" "$(head -c 100 "$TMP/f.pb.gz" | od -c | head -2)"
fi
