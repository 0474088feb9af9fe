#!/usr/bin/env bash
# ebprof push against the loopback fake Pyroscope server
# (tests/pyroscope/fake_server.py): what arrives equals the local file,
# name and labels, query, auth headers, times, splitting, stdin, dry run.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pyroscope/lib.sh"
trap 'fake_stop_all; rm -rf "$TMP"' EXIT

if [ ! -x "$EBPROF" ]; then
	skip push "no $EBPROF"
	exit 0
fi

cat >"$TMP/a.folded" <<'EOF'
main;work;compute 40
main;work;compute 2
main;work;io_wait 7
main;idle 1.4
kworker/0:1;worker_thread;schedule_k 5
app with space;do thing 3
EOF
touch "$TMP/a.folded"
grep -v '1.4$' "$TMP/a.folded" >"$TMP/int.folded"

fake_start plain || { fail push_server_start "fake server"; exit 0; }

# --- folded upload: content, query, times
"$EBPROF" push --server "$FAKE_URL" --app myapp "$TMP/a.folded" \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 0 ]; then
	fail push_folded "exit $rc: $(cat "$TMP/err")"
elif [ "$(fq 'len(ok)')" != 1 ]; then
	fail push_folded "want 1 accepted request, got: $(fq 'len(reqs)')"
elif [ "$(fq 'folded(merged(ok))')" != "$(fq 'folded(load(args[0]))' "$TMP/a.folded")" ]; then
	fail push_folded "received stacks differ: $(fq 'folded(merged(ok))' | head -c 300)"
else
	pass push_folded
fi
check push_folded_format [ "$(fq 'ok[0]["format"]')" = folded ]
check push_folded_integer_warning grep -q 'rounded to integers' "$TMP/err"
check push_name [ "$(fq 'ok[0]["query"]["name"]')" = "myapp.cpu{}" ]
check push_query_params [ "$(fq '[ok[0]["query"][k] for k in ("spyName", "sampleRate", "units", "aggregationType")]' | tr '\n' ' ')" = "ebprof 99 samples sum " ]
check push_service_and_type [ "$(fq 'ok[0]["app"] + " " + ok[0]["profile_type"]')" = "myapp cpu" ]
# Folded files carry no time: the file's mtime (ns) is both from and until.
mt=$(stat -c %Y "$TMP/a.folded")
check push_folded_time_is_mtime [ "$(fq 'ok[0]["from_ns"] // 10**9')" = "$mt" ]
check push_local_file_unchanged grep -q '^main;idle 1.4$' "$TMP/a.folded"
check push_stdout_empty [ ! -s "$TMP/out" ]

# --- labels: sorted, checked
fake_stop; fake_start labels
check push_labels_sorted "$EBPROF" push --server "$FAKE_URL" --app svc \
	--label zone=eu-1 --label a.b=x/y --label env=prod "$TMP/a.folded"
check push_labels_name [ "$(fq 'ok[0]["query"]["name"]')" = "svc.cpu{a.b=x/y,env=prod,zone=eu-1}" ]
check push_labels_parsed [ "$(fq 'ok[0]["labels"]')" = '{"a.b": "x/y", "env": "prod", "zone": "eu-1"}' ]
expect_error push_label_comma 2 "not allowed in a value" \
	"$EBPROF" push --server "$FAKE_URL" --app svc --label 'k=a,b' "$TMP/a.folded"
expect_error push_label_name_char 2 "label name 'k-1'" \
	"$EBPROF" push --server "$FAKE_URL" --app svc --label 'k-1=v' "$TMP/a.folded"
expect_error push_label_twice 2 "given twice" \
	"$EBPROF" push --server "$FAKE_URL" --app svc --label k=1 --label k=2 "$TMP/a.folded"
expect_error push_app_char 2 "application name 'my app'" \
	"$EBPROF" push --server "$FAKE_URL" --app 'my app' "$TMP/a.folded"
expect_error push_no_app 2 "--app" \
	"$EBPROF" push --server "$FAKE_URL" "$TMP/a.folded"
expect_error push_bad_url 2 "http:// or https://" \
	"$EBPROF" push --server "ftp://127.0.0.1/" --app x "$TMP/a.folded"
check push_labels_nothing_sent [ "$(fq 'len(reqs)')" = 1 ]

# --- auth and headers
fake_stop; fake_start auth
EBPROF_PUSH_PASSWORD='s3cr:et' "$EBPROF" push --server "$FAKE_URL" --app a \
	--user alice "$TMP/a.folded" 2>"$TMP/err"
check push_basic_auth [ "$(fq 'ok[-1]["headers"].get("authorization")')" = "Basic $(printf 'alice:s3cr:et' | base64)" ]
expect_error push_user_needs_env 2 "EBPROF_PUSH_PASSWORD" \
	env -u EBPROF_PUSH_PASSWORD "$EBPROF" push --server "$FAKE_URL" --app a --user alice "$TMP/a.folded"
EBPROF_PUSH_TOKEN=tok-env-123 "$EBPROF" push --server "$FAKE_URL" --app a \
	"$TMP/a.folded" 2>"$TMP/err"
check push_bearer_env [ "$(fq 'ok[-1]["headers"].get("authorization")')" = "Bearer tok-env-123" ]
printf 'tok-file-456\n' >"$TMP/token"; chmod 600 "$TMP/token"
EBPROF_PUSH_TOKEN=ignored "$EBPROF" push --server "$FAKE_URL" --app a \
	--token-file "$TMP/token" --tenant team-7 --header 'X-Proxy-Key: k1' \
	"$TMP/a.folded" 2>"$TMP/err"
check push_bearer_file [ "$(fq 'ok[-1]["headers"].get("authorization")')" = "Bearer tok-file-456" ]
check push_tenant [ "$(fq 'ok[-1]["headers"].get("x-scope-orgid")')" = team-7 ]
check push_header [ "$(fq 'ok[-1]["headers"].get("x-proxy-key")')" = k1 ]
check push_no_auth_by_default [ "$(fq 'ok[0]["headers"].get("authorization") is None or ok[0]["headers"]["authorization"].startswith("Basic")')" = True ]
expect_error push_no_secret_header 2 "command line" \
	"$EBPROF" push --server "$FAKE_URL" --app a --header 'Authorization: Bearer x' "$TMP/a.folded"
expect_error push_token_file_missing 1 "cannot open token file" \
	"$EBPROF" push --server "$FAKE_URL" --app a --token-file "$TMP/nope" "$TMP/a.folded"
fake_stop
fake_start tenant --require-tenant
expect_error push_tenant_required 1 "HTTP 401: no org id" \
	"$EBPROF" push --server "$FAKE_URL" --app a "$TMP/int.folded"

# --- times
fake_stop; fake_start times
cp "$TMP/a.folded" "$TMP/old.folded"
touch -d '3 hours ago' "$TMP/old.folded"
expect_error push_too_old 1 "older than 1h: add --now" \
	"$EBPROF" push --server "$FAKE_URL" --app a "$TMP/old.folded"
check push_too_old_not_sent [ "$(fq 'len(reqs)')" = 0 ]
before=$(date +%s)
check push_now "$EBPROF" push --server "$FAKE_URL" --app a --now "$TMP/old.folded"
check push_now_time [ "$(fq 'ok[-1]["until_ns"] // 10**9')" -ge "$before" ]
check push_from_until "$EBPROF" push --server "$FAKE_URL" --app a \
	--from now-10m --until now-5m "$TMP/a.folded"
check push_from_until_times [ "$(fq '(ok[-1]["until_ns"] - ok[-1]["from_ns"]) // 10**9')" = 300 ]
t0=$(( $(date +%s) - 300 ))
check push_from_rfc3339 "$EBPROF" push --server "$FAKE_URL" --app a \
	--from "$(date -u -d "@$t0" +%Y-%m-%dT%H:%M:%SZ)" \
	--until "$(date -u -d "@$((t0 + 10))" +%Y-%m-%dT%H:%M:%S+00:00)" "$TMP/a.folded"
check push_from_rfc3339_times [ "$(fq 'str(ok[-1]["from_ns"] // 10**9) + " " + str(ok[-1]["until_ns"] // 10**9)')" = "$t0 $((t0 + 10))" ]
expect_error push_future 1 "in the future" \
	"$EBPROF" push --server "$FAKE_URL" --app a --from now+1h --until now+2h "$TMP/a.folded"
expect_error push_now_and_from 2 "--now replaces" \
	"$EBPROF" push --server "$FAKE_URL" --app a --now --from now-1m "$TMP/a.folded"
expect_error push_bad_time 2 "bad --from" \
	"$EBPROF" push --server "$FAKE_URL" --app a --from yesterday "$TMP/a.folded"

# --- splitting above --max-samples, stdin, dry run
fake_stop; fake_start split
check push_split "$EBPROF" push --server "$FAKE_URL" --app a --max-samples 2 "$TMP/a.folded"
check push_split_requests [ "$(fq 'len(ok)')" = 3 ]
check push_split_content [ "$(fq 'folded(merged(ok))')" = "$(fq 'folded(load(args[0]))' "$TMP/a.folded")" ]
check push_split_same_series [ "$(fq 'len(set((r["query"]["name"], r["from_ns"]) for r in ok))')" = 1 ]
fake_stop; fake_start stdin
"$EBPROF" push --server "$FAKE_URL" --app a - <"$TMP/a.folded" 2>"$TMP/err"
check push_stdin [ "$(fq 'folded(merged(ok))')" = "$(fq 'folded(load(args[0]))' "$TMP/a.folded")" ]
"$EBPROF" push --server "$FAKE_URL" --app 'x' --label k=v --dry-run "$TMP/a.folded" >"$TMP/out" 2>/dev/null
check push_dry_run grep -q "^POST $FAKE_URL/ingest?name=x.cpu%7Bk%3Dv%7D&from=" "$TMP/out"
check push_dry_run_sends_nothing [ "$(fq 'len(reqs)')" = 1 ]
printf 'not folded at all\n' >"$TMP/bad.txt"
expect_error push_bad_input 1 "no samples" \
	"$EBPROF" push --server "$FAKE_URL" --app a "$TMP/bad.txt"
expect_error push_missing_file 1 "cannot read '.*nope'" \
	"$EBPROF" push --server "$FAKE_URL" --app a "$TMP/nope"
# Every file is checked before anything is sent.
check push_check_first_nothing_sent sh -c "! '$EBPROF' push --server '$FAKE_URL' --app a '$TMP/a.folded' '$TMP/nope' 2>/dev/null && [ \"\$('$PY' '$ROOT/tests/pyroscope/query.py' '$FAKE_DIR' 'len(reqs)')\" = 1 ]"
expect_error push_no_file 2 "no recording" \
	"$EBPROF" push --server "$FAKE_URL" --app a

# --- the fake server itself follows Pyroscope's rules
if command -v curl >/dev/null; then
	code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' \
		--data-binary 'a;b 1' "$FAKE_URL/ingest?name=my.service")
	check fake_unknown_profile_type [ "$code" = 400 ]
	code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' \
		--data-binary 'a;b 1.5' "$FAKE_URL/ingest?name=app.cpu")
	check fake_decimal_count_refused [ "$code" = 400 ]
	code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' \
		--data-binary 'a;b 2' "$FAKE_URL/ingest?name=app")
	check fake_no_suffix_is_cpu [ "$code" = 200 ]
fi
exit 0
