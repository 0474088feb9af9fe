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
if ! "$EBPROF" flame -o "$TMP/g.svg" "$TMP/in.folded" 2>"$TMP/err"; then
	fail flame-browser "ebprof flame failed: $(cat "$TMP/err")"
	exit 0
fi
xmllint --noout "$TMP/g.svg" && pass flame-browser-wellformed ||
	fail flame-browser-wellformed "xmllint rejects the SVG"
node "$NODE_DIR/flame-browser.mjs" "$TMP/g.svg" "$TMP/in.folded" foo \
	bar 'qux,baz' 'sp.n,run' >"$TMP/node.out" 2>"$TMP/node.err"
rc=$?
cat "$TMP/node.out"
if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$TMP/node.out"; then
	fail flame-browser "node exited $rc: $(tail -n 3 "$TMP/node.err" | tr '\n' ' ')"
fi
exit 0
