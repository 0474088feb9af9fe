#!/usr/bin/env bash
# Regenerates the golden SVGs of ebprof flame from ./cases, with the
# embedded script left out (it is tested in the browser, and would make
# every script change a golden change).  Review the diff before committing.
#   O=build-flame tests/golden/flame/regen.sh
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$DIR/../../.." && pwd)
EBPROF=${EBPROF:-$ROOT/${O:-build}/ebprof}

# golden_render ARGS...: the SVG on stdout, without the script's body.
golden_render() {
	"$EBPROF" flame "$@" 2>/dev/null | sed '/<!\[CDATA\[/,/\]\]>/d'
}

if [ "${1:-}" != --lib ]; then
	set -eu
	cd "$DIR"
	grep -v '^#' cases | while read -r name args; do
		# shellcheck disable=SC2086  # ARGS are words
		golden_render $args >"$name.svg"
		echo "wrote $name.svg"
	done
fi
