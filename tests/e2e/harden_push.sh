#!/usr/bin/env bash
# ebprof push and its secrets, against the loopback fake Pyroscope server:
# a password in the server URL never shows in a message, in --dry-run or in
# /proc/PID/cmdline (and still authenticates); control characters in the
# token, tenant or a header are refused before anything is sent; the token
# and password variables are gone from /proc/PID/environ; a count of 2^63
# or more is an error, never a stack silently dropped.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pyroscope/lib.sh"
trap 'fake_stop_all; rm -rf "$TMP"' EXIT
T="timeout 60"
PW=s3cretPW42
TOK=tok-hidden-77

cat >"$TMP/a.folded" <<'EOF'
main;work 40
main;idle 2
EOF

fake_start slow --slow 2 --require-auth "Basic $(printf "bob:$PW" | base64)" ||
	{ fail harden_push_server "fake server"; exit 0; }
URL=${FAKE_URL/http:\/\//http:\/\/bob:$PW@}

# -- the password in the URL: works, never shown --
"$EBPROF" push --timeout 20s --server "$URL" --app app "$TMP/a.folded" \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 1
tr '\0' ' ' </proc/$pid/cmdline >"$TMP/cmdline" 2>/dev/null
wait $pid
rc=$?
check harden_push_url_auth [ $rc -eq 0 -a "$(fq 'len(ok)')" = 1 ]
if grep -q "$FAKE_PORT" "$TMP/cmdline" && ! grep -q "$PW" "$TMP/cmdline"; then
	pass harden_push_url_not_in_cmdline
else
	fail harden_push_url_not_in_cmdline "$(cat "$TMP/cmdline")"
fi
check harden_push_url_warns grep -q "password in the server URL" "$TMP/err"
"$EBPROF" push --dry-run --server "$URL" --app app "$TMP/a.folded" \
	>"$TMP/dry" 2>&1
if grep -q 'bob:\*\*\*@' "$TMP/dry" && ! grep -q "$PW" "$TMP/dry"; then
	pass harden_push_url_dry_run_redacted
else
	fail harden_push_url_dry_run_redacted "$(head -c 300 "$TMP/dry")"
fi
# Unreachable server, bad scheme, retries: every message redacted.
$T "$EBPROF" push --server "http://bob:$PW@127.0.0.1:1" --app app --retries 1 \
	--retry-delay 100ms "$TMP/a.folded" >"$TMP/unreach" 2>&1
if grep -q 'cannot push.*bob:\*\*\*@127.0.0.1:1' "$TMP/unreach" && ! grep -q "$PW" "$TMP/unreach"; then
	pass harden_push_url_unreachable_redacted
else
	fail harden_push_url_unreachable_redacted "$(head -c 400 "$TMP/unreach")"
fi
"$EBPROF" push --server "ftp://bob:$PW@host" --app app "$TMP/a.folded" >"$TMP/scheme" 2>&1
check harden_push_url_scheme_redacted sh -c "! grep -q '$PW' '$TMP/scheme' && grep -q 'bob:\*\*\*@' '$TMP/scheme'"
fake_stop

# -- control characters in header values: refused, nothing sent --
fake_start plain || { fail harden_push_server2 "fake server"; exit 0; }
expect_error harden_push_token_crlf 1 "control character" \
	env EBPROF_PUSH_TOKEN=$'abc\r\nX-Evil: 1' \
	"$EBPROF" push --server "$FAKE_URL" --app app "$TMP/a.folded"
printf 'abc\001def\n' >"$TMP/token"
chmod 600 "$TMP/token"
expect_error harden_push_token_file_ctrl 1 "one token on one line" \
	"$EBPROF" push --server "$FAKE_URL" --app app --token-file "$TMP/token" "$TMP/a.folded"
expect_error harden_push_tenant_ctrl 2 "control characters" \
	"$EBPROF" push --server "$FAKE_URL" --app app --tenant $'t\x01' "$TMP/a.folded"
expect_error harden_push_header_ctrl 2 "'X-A: \.\.\.': the value holds a control character" \
	"$EBPROF" push --server "$FAKE_URL" --app app --header $'X-A: b\vc' "$TMP/a.folded"
# A header may carry a secret (X-Api-Key): errors never echo its value.
"$EBPROF" push --server "$FAKE_URL" --app app --header "X-Api-Key hdr-secret-9" \
	"$TMP/a.folded" >"$TMP/hdr.err" 2>&1
check harden_push_header_value_not_shown sh -c "grep -q 'wants' '$TMP/hdr.err' && ! grep -q hdr-secret-9 '$TMP/hdr.err'"
check harden_push_ctrl_nothing_sent [ "$(fq 'len(reqs)')" = 0 ]
fake_stop

# -- the secret variables are wiped from /proc/PID/environ --
fake_start slow2 --slow 2 || { fail harden_push_server3 "fake server"; exit 0; }
EBPROF_PUSH_TOKEN=$TOK "$EBPROF" push --timeout 20s --server "$FAKE_URL" --app app \
	"$TMP/a.folded" 2>/dev/null &
pid=$!
sleep 1
tr '\0' '\n' </proc/$pid/environ >"$TMP/environ" 2>/dev/null
wait $pid
check harden_push_token_sent [ "$(fq 'ok[0]["headers"].get("authorization")')" = "Bearer $TOK" ]
if [ -s "$TMP/environ" ] && ! grep -q "$TOK" "$TMP/environ"; then
	pass harden_push_token_not_in_environ
else
	fail harden_push_token_not_in_environ "$(grep EBPROF "$TMP/environ")"
fi
EBPROF_PUSH_PASSWORD=$PW "$EBPROF" push --timeout 20s --server "$FAKE_URL" --app app \
	--user bob "$TMP/a.folded" 2>/dev/null &
pid=$!
sleep 1
tr '\0' '\n' </proc/$pid/environ >"$TMP/environ2" 2>/dev/null
wait $pid
if [ -s "$TMP/environ2" ] && ! grep -q "$PW" "$TMP/environ2"; then
	pass harden_push_password_not_in_environ
else
	fail harden_push_password_not_in_environ "$(grep EBPROF "$TMP/environ2")"
fi
fake_stop

# -- counts Pyroscope cannot take: an error, nothing sent, nothing dropped --
fake_start counts || { fail harden_push_server4 "fake server"; exit 0; }
for c in 9223372036854775808 18446744073709551616 99999999999999999999; do
	printf 'main;work 40\nmain;huge %s\n' "$c" >"$TMP/big.folded"
	expect_error "harden_push_count_$c" 1 "2\^63 or more" \
		"$EBPROF" push --server "$FAKE_URL" --app app "$TMP/big.folded"
done
check harden_push_count_nothing_sent [ "$(fq 'len(reqs)')" = 0 ]
printf 'main;work 40\nmain;big 4611686018427387904\n' >"$TMP/ok.folded"
check harden_push_count_2_62_sent "$EBPROF" -q push --server "$FAKE_URL" --app app "$TMP/ok.folded"
check harden_push_count_2_62_value [ "$(fq 'sum(v for k, v in merged(ok).items() if k.endswith("big"))')" = 4611686018427387904 ]
