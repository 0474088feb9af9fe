#!/usr/bin/env bash
# The source tree's layout (README, "How a sample flows"): common/ is one
# folder per stage, each including only from itself and the folders below
# it; cmd/ files stay thin; unit tests sit in their stage's folder.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT"

# none NAME LIST: passes when LIST is empty, else names what is in it.
none() { if [ -z "$2" ]; then pass "$1"; else fail "$1" "$2"; fi; }

# Lowest first: a folder may include from itself and from those before it.
order=(lib profile sample symbol unwind runtime container record format render report upload)
declare -A rank
for i in "${!order[@]}"; do rank[${order[$i]}]=$i; done

bad=
for d in common/*/; do
	d=${d%/}; d=${d#common/}
	[ -n "${rank[$d]:-}" ] || bad="$bad $d"
done
for d in "${order[@]}"; do [ -d "common/$d" ] || bad="$bad missing:$d"; done
none "layout: common/ folders are the stages" "$bad"

flat=$(find common -maxdepth 1 -type f | tr '\n' ' ')
none "layout: no file directly in common/" "$flat"

edges=
for f in common/*/*.[ch]; do
	d=${f#common/}; d=${d%%/*}
	while read -r inc; do
		to=${inc%%/*}
		[ "$to" = "$inc" ] && { edges="$edges $f:$inc(no folder)"; continue; }
		case $to in bpf|gen) continue ;; esac
		if [ -z "${rank[$to]:-}" ]; then
			edges="$edges $f:$inc"
		elif [ "${rank[$to]}" -gt "${rank[$d]}" ]; then
			edges="$edges $f->$inc"
		fi
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" |
		grep -v -e '^bpf/sampler.skel.h$' -e '^gen/' -e '^profile.pb-c.h$')
done
none "layout: no upward or sideways include between stage folders" "$edges"

long=
for f in cmd/*.c; do
	n=$(wc -l < "$f")
	[ "$n" -le 600 ] || long="$long $f:$n"
done
none "layout: every cmd/*.c is at most 600 lines" "$long"

stray=
for t in tests/unit/*/test_*.c; do
	d=${t#tests/unit/}; d=${d%%/*}
	[ -n "${rank[$d]:-}" ] || stray="$stray $t"
done
[ -z "$(ls tests/unit/test_*.c 2>/dev/null)" ] || stray="$stray $(ls tests/unit/test_*.c)"
none "layout: unit tests are in their stage's folder" "$stray"
