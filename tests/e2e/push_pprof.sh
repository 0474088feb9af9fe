#!/usr/bin/env bash
# ebprof push of pprof recordings: sent byte for byte as multipart field
# "profile"; the fake server decodes them with python3-protobuf and a
# protoc-compiled common/format/profile.proto (independent of ebprof's decoder).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pyroscope/lib.sh"
trap 'fake_stop_all; rm -rf "$TMP"' EXIT

if [ ! -x "$EBPROF" ]; then
	skip push_pprof "no $EBPROF"
	exit 0
fi
if ! fake_have_pb; then
	skip push_pprof "python3-protobuf or protoc missing (scripts/install-deps.sh)"
	exit 0
fi
if [ ! -f "$ROOT/common/format/profile.proto" ]; then
	skip push_pprof "no common/format/profile.proto"
	exit 0
fi
cat >"$TMP/a.folded" <<'EOF2'
main;work;compute 40
main;work;io_wait 7
main;idle 1
EOF2
fake_start pprof || { fail push_pprof_server "fake server"; exit 0; }

# A pprof written by an encoder that is not ebprof's, with its own times.
t=$(( ($(date +%s) - 120) * 1000000000 ))
"$PY" "$ROOT/tests/pyroscope/make_pprof.py" "$ROOT/common/format/profile.proto" \
	"$TMP/a.folded" "$TMP/a.pb.gz" "$t" 10000000000
cp "$TMP/a.pb.gz" "$TMP/a.pb.gz.orig"
"$EBPROF" push --server "$FAKE_URL" --app prof --label k=v "$TMP/a.pb.gz" 2>"$TMP/err"
rc=$?
check push_pprof_ok [ $rc -eq 0 ]
check push_pprof_multipart [ "$(fq 'ok[0]["format"] + " " + ok[0]["filename"] + " " + ",".join(ok[0]["fields"])')" = "multipart profile.pprof profile" ]
check push_pprof_bytes_as_is [ "$(fq 'ok[0]["profile_sha256"]')" = "$(fq 'sha(args[0])' "$TMP/a.pb.gz")" ]
check push_pprof_content [ "$(fq 'folded(merged(ok))')" = "$(fq 'folded(load(args[0]))' "$TMP/a.folded")" ]
check push_pprof_times [ "$(fq 'ok[0]["query"]["from"] + " " + ok[0]["query"]["until"]')" = "$t $((t + 10000000000))" ]
check push_pprof_no_format_param [ "$(fq '"format" in ok[0]["query"] or "sampleRate" in ok[0]["query"]')" = False ]
check push_pprof_file_unchanged cmp -s "$TMP/a.pb.gz" "$TMP/a.pb.gz.orig"

# Raw (not gzipped) pprof too.
"$PY" "$ROOT/tests/pyroscope/make_pprof.py" "$ROOT/common/format/profile.proto" \
	"$TMP/a.folded" "$TMP/a.pb" "$t" 10000000000 --raw
check push_pprof_raw "$EBPROF" push --server "$FAKE_URL" --app prof "$TMP/a.pb"
check push_pprof_raw_content [ "$(fq 'folded(merged(ok[-1:]))')" = "$(fq 'folded(load(args[0]))' "$TMP/a.folded")" ]

# Old pprof: its own time_nanos decides, --now overrides it.
told=$(( ($(date +%s) - 7200) * 1000000000 ))
"$PY" "$ROOT/tests/pyroscope/make_pprof.py" "$ROOT/common/format/profile.proto" \
	"$TMP/a.folded" "$TMP/old.pb.gz" "$told" 10000000000
n=$(fq 'len(reqs)')
expect_error push_pprof_too_old 1 "ended (1h59m|2h[0-9]+m) ago.*--now" \
	"$EBPROF" push --server "$FAKE_URL" --app prof "$TMP/old.pb.gz"
check push_pprof_too_old_not_sent [ "$(fq 'len(reqs)')" = "$n" ]

# ebprof's own pprof writer, read back by the independent decoder.
if "$EBPROF" report -F pprof -o "$TMP/own.pb.gz" "$TMP/a.folded" 2>/dev/null; then
	check push_pprof_own "$EBPROF" push --server "$FAKE_URL" --app prof "$TMP/own.pb.gz"
	# ebprof keeps the root frame of folded input as the comm label,
	# not as a frame, in pprof.
	check push_pprof_own_content [ "$(fq 'folded(merged(ok[-1:]))')" = "$(printf 'idle 1\nwork;compute 40\nwork;io_wait 7')" ]
else
	skip push_pprof_own "ebprof report -F pprof failed"
fi
exit 0
