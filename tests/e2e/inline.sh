#!/usr/bin/env bash
# Inlined functions as frames (_[i]) and source lines from DWARF.  Each
# workload runs once, recorded by ebprof and by perf at the same time; the
# oracle for "this sample is inside inlined function F" is eu-addr2line -i
# on perf's sampled addresses (this perf shows no inlined frames itself).
# ebprof must show F as an inlined frame on >= 95% of those samples, in
# the chain eu-addr2line gives; pprof output carries one line per inline
# level with file and line (read back with go tool pprof).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip inline "needs root to load BPF programs"
	exit 0
fi
for t in perf eu-addr2line go; do
	if ! command -v $t >/dev/null; then
		fail inline "$t is not installed (see scripts/install-deps.sh)"
		exit 0
	fi
done
export GOCACHE=$TMP/gocache

# record_both TAG BIN [EBPROF OPTIONS]: BIN runs 5 s; ebprof and perf
# record it for 4 s into $TMP/TAG.folded and $TMP/TAG.perf.
record_both() {
	local tag=$1 bin=$2 pid pp; shift 2
	"$bin" 5 &	# exits by itself
	pid=$!
	sleep 0.3
	timeout 30 perf record -F 1999 -p "$pid" -o "$TMP/$tag.perf" -- sleep 4 \
		>/dev/null 2>&1 &
	pp=$!
	timeout 30 "$EBPROF" -q record -F 1999 -p "$pid" -d 4 "$@" -o "$TMP/$tag.folded"
	wait "$pp"
	wait "$pid"
}

# oracle_share TAG BIN FUNC: share of perf's samples that eu-addr2line -i
# places inside FUNC (inlined or not), from sym+off and nm's addresses.
oracle_share() {
	local tag=$1 bin=$2 f=$3
	perf script -i "$TMP/$tag.perf" --no-demangle -F ip,sym,symoff,dso \
		--hide-call-graph 2>/dev/null | awk '{ print $2 }' >"$TMP/$tag.symoff"
	nm "$bin" | awk '{ print $3, $1 }' >"$TMP/$tag.nm"
	python3 -c '
import sys
a = dict(l.split() for l in open(sys.argv[1]) if len(l.split()) == 2)
for l in open(sys.argv[2]):
    s, _, off = l.strip().partition("+")
    print(hex(int(a[s], 16) + int(off, 16)) if s in a and off else "0x0")
' "$TMP/$tag.nm" "$TMP/$tag.symoff" >"$TMP/$tag.addrs"
	eu-addr2line -a -i -f -e "$bin" <"$TMP/$tag.addrs" | awk -v f="$f" '
		/^0x/ { if (n) { t++; if (hit) m++ } n = 1; hit = 0; next }
		$1 == f { hit = 1 }
		END { if (n) { t++; if (hit) m++ } if (!t) print 0; else printf "%.1f\n", 100 * m / t }'
}

# check_inline NAME TAG BIN MANGLED CHAIN_RE: ebprof's share of samples
# with CHAIN_RE (ending in an _[i] frame) >= 95% of the oracle's share of
# samples inside MANGLED.
check_inline() {
	local name=$1 tag=$2 bin=$3 fn=$4 re=$5 want got
	want=$(oracle_share "$tag" "$bin" "$fn")
	got=$(share "$TMP/$tag.folded" "$re")
	if awk -v w="$want" -v g="$got" 'BEGIN { exit !(w >= 30 && g >= 0.95 * w) }'; then
		pass "$name: inlined frames on $got% of samples, eu-addr2line -i: $want%"
	else
		fail "$name" "ebprof $got% with the inlined chain, eu-addr2line -i on perf's samples $want%"
	fi
}

record_both c "$WL/inline-fp"
check_inline "inline C (always_inline)" c "$WL/inline-fp" hot_step \
	';main;hot_outer;hot_loop_\[i\];hot_step_\[i\]$'

record_both cxx "$WL/inline_tmpl-fp"
check_inline "inline C++ templates" cxx "$WL/inline_tmpl-fp" _ZN3AccImE3addEm \
	';run_ints\(\);Acc<unsigned long> fold<Acc<unsigned long> >\(Acc<unsigned long>, unsigned long\)_\[i\];Acc<unsigned long>::add\(unsigned long\)_\[i\]$'

timeout 30 "$EBPROF" -q record -F 499 --no-inline -o "$TMP/noinl.folded" -- "$WL/inline-fp" 1
if grep -q '_\[i\]' "$TMP/noinl.folded" || ! grep -q ';hot_outer ' "$TMP/noinl.folded"; then
	fail inline_off "--no-inline still shows inlined frames"
else
	pass "inline: --no-inline ends the chain at hot_outer"
fi

# pprof: one location, lines innermost first, with the source lines
src=$ROOT/tests/workloads/inline_tmpl.cc
l_add=$(grep -n 'v ^= v >> 7;\|v = v \* 2862933555777941757UL + x;' "$src" | cut -d: -f1 | tr '\n' '|')
l_fold=$(grep -n 'a.add(i);' "$src" | cut -d: -f1)
l_run=$(grep -n 'tmpl_sink = fold(a' "$src" | cut -d: -f1)
timeout 30 "$EBPROF" -q record -F 499 -o "$TMP/t.pb.gz" -- "$WL/inline_tmpl-fp" 1
go tool pprof -raw "$TMP/t.pb.gz" 2>/dev/null | awk '
	/^Locations/ { on = 1; next } /^Mappings/ { on = 0 }
	on && /^ +[0-9]+: / { if (l != "") print l; l = $0; next }
	on { l = l " |" $0 } END { if (l != "") print l }' >"$TMP/locs"
if grep -E "Acc<unsigned long>::add\(unsigned long\) $src:(${l_add%|}) .*[|] +Acc<unsigned long> fold<.*\) $src:$l_fold .*[|] +run_ints\(\) $src:$l_run " \
	"$TMP/locs" >/dev/null; then
	pass "inline: pprof location with add:{${l_add%|}} <- fold:$l_fold <- run_ints:$l_run (go tool pprof -raw)"
else
	fail inline_pprof "no such location: $(grep -m1 'add(unsigned' "$TMP/locs" | head -c 400)"
fi

# report --annotate: source lines beside the instructions, from DWARF
timeout 30 "$EBPROF" -q record -F 999 -o "$TMP/c.pb.gz" -- "$WL/inline-fp" 1
"$EBPROF" report --annotate hot_outer "$TMP/c.pb.gz" >"$TMP/ann.txt" 2>"$TMP/ann.err"
csrc=$ROOT/tests/workloads/inline.c
l_step=$(grep -n 'x ^= x >> 7;' "$csrc" | cut -d: -f1)
want=$(sed -n "${l_step}p" "$csrc")
if grep -qF "inline.c:$l_step  $want" "$TMP/ann.txt" &&
	! head -n 1 "$TMP/ann.txt" | grep -q ', 0 samples'; then
	pass "inline: report --annotate shows inline.c:$l_step (hot_step, inlined) beside its instructions"
else
	fail inline_annotate "$(head -c 600 "$TMP/ann.txt") $(cat "$TMP/ann.err")"
fi
"$EBPROF" report --annotate hot_outer --format json "$TMP/c.pb.gz" >"$TMP/ann.json" 2>/dev/null
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ins = [i for i in d["instructions"] if i.get("source_line") == int(sys.argv[2])]
sys.exit(0 if ins and all(i["source_file"].endswith("/inline.c") for i in ins) else 1)' \
	"$TMP/ann.json" "$l_step"; then
	pass "inline: report --annotate --format json has source_file and source_line"
else
	fail inline_annotate_json "$(head -c 300 "$TMP/ann.json")"
fi
