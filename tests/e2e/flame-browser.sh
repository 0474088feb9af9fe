#!/usr/bin/env bash
# ebprof flame in a real browser: headless Chromium (Debian's) driven by
# tests/node/flame-browser.mjs hovers, zooms, searches and reloads.
. "$(dirname "$0")/../lib.sh"

NODE_DIR=$ROOT/tests/node
if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null; then
	skip flame-browser "chromium or node is not installed"
	exit 0
fi
if [ ! -d "$NODE_DIR/node_modules/playwright-core" ]; then
	npm ci --prefix "$NODE_DIR" --no-audit --no-fund >"$TMP/npm.log" 2>&1 ||
		{ fail flame-browser "npm ci: $(tail -n 2 "$TMP/npm.log")"; exit 0; }
fi

# Nested matches (bar under bar), kernel frames, hostile names.
cat >"$TMP/in.folded" <<'IN'
main;run;foo;bar;bar 30
main;run;foo;baz 20
main;run;Bar_[k] 7
main;idle;qux;bar 10
main;idle;<script>window.__pwned=true</script> 5
main;idle;x" onload="window.__pwned=true;]]>&amp; 4
main;idle;héllo wörld 日本 3
other;spin 21
IN
# browse NAME ARGS...: draws the input with ARGS and drives it.
browse() {
	local name=$1 rc; shift
	if ! "$EBPROF" flame "$@" -o "$TMP/$name.svg" "$TMP/in.folded" 2>"$TMP/err"; then
		fail "$name" "ebprof flame failed: $(cat "$TMP/err")"
		return
	fi
	xmllint --noout "$TMP/$name.svg" && pass "$name-wellformed" ||
		fail "$name-wellformed" "xmllint rejects the SVG"
	FLAME_TEST_PREFIX="$name: " node "$NODE_DIR/flame-browser.mjs" \
		"$TMP/$name.svg" "$TMP/in.folded" foo bar 'qux,baz' 'sp.n,run' \
		>"$TMP/node.out" 2>"$TMP/node.err"
	rc=$?
	cat "$TMP/node.out"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$TMP/node.out"; then
		fail "$name" "node exited $rc: $(tail -n 3 "$TMP/node.err" | tr '\n' ' ')"
	fi
}

browse flame-browser
browse flame-browser-icicle --inverted --colors annotate
exit 0
