# Helpers for tests and benchmarks that talk to the fake Pyroscope server
# (sourced after tests/lib.sh or on its own; needs $ROOT).
#
#   fake_start NAME [SERVER ARGS...]   starts a server recording into
#       $TMP/NAME, sets FAKE_DIR, FAKE_PORT, FAKE_PID, FAKE_URL; 1 on error
#   fake_stop                          stops the last one started
#   fq EXPR                            evaluates EXPR in tests/pyroscope/query.py
#       over the last server's requests (see there)
#
# Only loopback traffic: the server binds 127.0.0.1, proxies are unset.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
FAKE_PIDS=""

fake_have_pb() {
	"$PY" -c 'import google.protobuf' 2>/dev/null && command -v protoc >/dev/null
}

fake_start() {
	local name=$1 i; shift
	FAKE_DIR=$TMP/$name
	mkdir -p "$FAKE_DIR"
	local proto=()
	if fake_have_pb && [ -f "$ROOT/common/format/profile.proto" ]; then
		proto=(--proto "$ROOT/common/format/profile.proto")
	fi
	"$PY" "$ROOT/tests/pyroscope/fake_server.py" --dir "$FAKE_DIR" \
		"${proto[@]}" --lifetime 900 "$@" 2>"$FAKE_DIR/server.err" &
	FAKE_PID=$!
	FAKE_PIDS="$FAKE_PIDS $FAKE_PID"
	for i in $(seq 100); do
		[ -f "$FAKE_DIR/port" ] && break
		kill -0 "$FAKE_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -f "$FAKE_DIR/port" ]; then
		echo "fake server did not start: $(tail -n 3 "$FAKE_DIR/server.err")" >&2
		return 1
	fi
	FAKE_PORT=$(cat "$FAKE_DIR/port")
	FAKE_URL=http://127.0.0.1:$FAKE_PORT
}

fake_stop() {
	[ -n "${FAKE_PID:-}" ] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=""
	return 0
}

fake_stop_all() {
	local p
	for p in $FAKE_PIDS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	return 0
}

fq() {
	"$PY" "$ROOT/tests/pyroscope/query.py" "$FAKE_DIR" "$@"
}
