#!/usr/bin/env bash
# ebprof flame against the golden SVGs of tests/golden/flame (see cases and
# regen.sh there): one check per case, plus xmllint on every output.
. "$(dirname "$0")/../lib.sh"

GD=$ROOT/tests/golden/flame
. "$GD/regen.sh" --lib
cd "$GD" || exit 1
while read -r name args; do
	case "$name" in ''|'#'*) continue ;; esac
	# shellcheck disable=SC2086  # ARGS are words
	golden_render $args >"$TMP/$name.svg"
	if ! xmllint --noout "$TMP/$name.svg" 2>"$TMP/xml.err"; then
		fail "flame-golden-$name" "not well-formed: $(head -c 200 "$TMP/xml.err")"
	elif ! diff -u "$name.svg" "$TMP/$name.svg" >"$TMP/diff" 2>&1; then
		fail "flame-golden-$name" "differs from $name.svg (run regen.sh if intended): $(sed -n 3,8p "$TMP/diff" | tr '\n' ' ' | head -c 400)"
	else
		pass "flame-golden-$name"
	fi
done <cases
