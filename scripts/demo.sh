#!/bin/sh
# `make demo`: records the demo workload (tests/workloads/demo.c) for 3 s,
# writes demo.folded and demo.svg into the checkout, and prints the top
# functions.  Needs root (BPF); make demo has already built everything.
set -e
cd "$(dirname "$0")/.."
EBPROF=${EBPROF:-build/ebprof}
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "recording the demo workload for 3 s ..." >&2
$SUDO "$EBPROF" record -F 499 -o demo.folded -- build/workloads/demo-fp 3
if "$EBPROF" --list-cmds | grep -qx flame; then
	"$EBPROF" flame --title "ebprof demo" -o demo.svg demo.folded
	echo "wrote demo.svg (open it in a browser)" >&2
fi
echo "top functions (self samples):"
if "$EBPROF" --list-cmds | grep -qx report; then
	"$EBPROF" report -n 10 demo.folded
else
	awk '{ n = $NF; sub(/ [0-9]+$/, ""); k = split($0, f, ";");
		self[f[k]] += n; t += n }
		END { for (s in self) printf "%6.1f%%  %s\n", 100 * self[s] / t, s }' \
		demo.folded | sort -rn | head -10
fi
