#!/usr/bin/env bash
# ebprof push when the server fails: retried on 503 (with Retry-After),
# not retried on 400 (its message shown), a server that is down or slow
# gives a clear error in bounded time.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pyroscope/lib.sh"
trap 'fake_stop_all; rm -rf "$TMP"' EXIT

if [ ! -x "$EBPROF" ]; then
	skip push_retry "no $EBPROF"
	exit 0
fi
printf 'main;a 3\nmain;b 4\n' >"$TMP/a.folded"
FAST="--retry-delay 100ms"

fake_start fail2 --fail-first 2 --fail-status 503 || { fail push_retry_server "fake server"; exit 0; }
"$EBPROF" push --server "$FAKE_URL" --app a $FAST "$TMP/a.folded" 2>"$TMP/err"
rc=$?
check push_503_then_ok [ $rc -eq 0 ]
check push_503_attempts [ "$(fq '[r["status"] for r in reqs]' | tr '\n' ' ')" = "503 503 200 " ]
check push_503_ingested_once [ "$(fq 'len(ok)')" = 1 ]
check push_503_warns_retry grep -q 'HTTP 503: injected failure 1); retrying in' "$TMP/err"
check push_503_content [ "$(fq 'folded(merged(ok))')" = "$(printf 'main;a 3\nmain;b 4')" ]

fake_stop; fake_start r429 --fail-first 1 --fail-status 429 --retry-after 1
check push_429_retry_after "$EBPROF" push --server "$FAKE_URL" --app a $FAST "$TMP/a.folded"
# The server asked for 1 s; the backoff alone would wait about 0.1 s.
check push_429_waited [ "$(fq 'reqs[1]["t"] - reqs[0]["t"] >= 0.95')" = True ]

fake_stop; fake_start r400 --always 400 --message 'bad things: profile rejected'
expect_error push_400_message 1 "HTTP 400: bad things: profile rejected" \
	"$EBPROF" push --server "$FAKE_URL" --app a $FAST "$TMP/a.folded"
check push_400_not_retried [ "$(fq 'len(reqs)')" = 1 ]

fake_stop; fake_start r401 --always 401 --message 'invalid credentials'
expect_error push_401_hint 1 "invalid credentials.*EBPROF_PUSH_PASSWORD" \
	"$EBPROF" push --server "$FAKE_URL" --app a $FAST "$TMP/a.folded"

fake_stop; fake_start r500 --always 500
"$EBPROF" push --server "$FAKE_URL" --app a --retries 2 $FAST "$TMP/a.folded" 2>"$TMP/err"
rc=$?
check push_500_gives_up [ $rc -eq 1 ]
check push_500_attempts [ "$(fq 'len(reqs)')" = 3 ]
check push_500_message grep -q "cannot push.*HTTP 500: injected failure" "$TMP/err"

# A port nothing listens on: the server's port after it stopped.
fake_stop; fake_start down; url=$FAKE_URL; fake_stop
start=$(date +%s)
timeout 120 "$EBPROF" push --server "$url" --app a --retries 2 $FAST "$TMP/a.folded" 2>"$TMP/err"
rc=$?
check push_down_fails [ $rc -eq 1 ]
check push_down_message grep -q "cannot push '.*a.folded': cannot reach $url: .*(gave up after retries)" "$TMP/err"
check push_down_retried [ "$(grep -c 'retrying in' "$TMP/err")" = 2 ]

fake_stop; fake_start slow --slow 5
timeout 120 "$EBPROF" push --server "$FAKE_URL" --app a --timeout 1s --retries 0 "$TMP/a.folded" 2>"$TMP/err"
rc=$?
check push_timeout_fails [ $rc -eq 1 ]
check push_timeout_message grep -qi "timed out\|timeout" "$TMP/err"
exit 0
