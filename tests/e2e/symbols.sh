#!/usr/bin/env bash
# Symbols of stripped binaries, from the sources a production host has:
# MiniDebugInfo (a binary made as Fedora's find-debuginfo makes it) and
# Go's pclntab (go build -ldflags='-s -w', default and PIE).  Each stripped
# binary runs once, recorded by ebprof and by perf at the same time; perf
# reads the unstripped twin (--symfs), so both see the same execution, and
# the CPU split per function must agree within 2 points.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip symbols "needs root to load BPF programs"
	exit 0
fi
for t in perf xz objcopy nm go; do
	if ! command -v $t >/dev/null; then
		fail symbols "$t is not installed (see scripts/install-deps.sh)"
		exit 0
	fi
done

# record_both TAG BIN TWIN: runs BIN (6 s), records it for 5 s with ebprof
# into $TMP/TAG.folded and with perf into $TMP/TAG.perf; TWIN is put where
# perf --symfs $TMP/symfs-TAG finds it in BIN's place.  2999 Hz: ~15000
# samples each, so the two samplers' own noise stays well under 1 point.
record_both() {
	local tag=$1 bin=$2 twin=$3 pid pp
	mkdir -p "$TMP/symfs-$tag$(dirname "$bin")"
	cp "$twin" "$TMP/symfs-$tag$bin"
	"$bin" 6 &	# exits by itself after 6 s
	pid=$!
	sleep 0.3
	timeout 30 perf record -F 2999 -g -p "$pid" -o "$TMP/$tag.perf" -- sleep 5 \
		>/dev/null 2>&1 &
	pp=$!
	timeout 30 "$EBPROF" -q record -F 2999 -p "$pid" -d 5 -o "$TMP/$tag.folded"
	wait "$pp"
	wait "$pid"
}

# perf_share TAG FUNC: share of perf's samples with FUNC in the stack.
perf_share() {
	perf script -i "$TMP/$1.perf" --symfs "$TMP/symfs-$1" -F ip,sym 2>/dev/null |
		awk -v f="$2" '
		function end() { if (n) { t++; if (hit) m++ } n = 0; hit = 0 }
		/^[ \t]*$/ { end(); next }
		{ n++; if ($2 == f) hit = 1 }
		END { end(); if (!t) print 0; else printf "%.1f\n", 100 * m / t }'
}

# same_split NAME TAG FUNC...: ebprof's and perf's shares per FUNC within 2.
same_split() {
	local name=$1 tag=$2 f a b bad="" got=""; shift 2
	for f in "$@"; do
		a=$(share "$TMP/$tag.folded" "(^|;)$f(;|\$)")
		b=$(perf_share "$tag" "$f")
		got="$got $f ebprof $a perf $b;"
		if ! near "$a" "$b" 2 || near "$a" 0 1; then
			bad=1
		fi
	done
	if [ -z "$bad" ]; then
		pass "$name: same split as perf on the unstripped twin ($got)"
	else
		fail "$name" "split differs:$got"
	fi
}

mkdir -p "$TMP/bin"

# --- MiniDebugInfo: Fedora's add_minidebug with binutils and xz
md=$TMP/bin/cpusplit-mini
(
	cd "$TMP" &&
	objcopy --only-keep-debug "$WL/cpusplit-fp" md.debug &&
	strip --strip-all -o "$md" "$WL/cpusplit-fp" &&
	nm -D "$md" --format=posix --defined-only | awk '{ print $1 }' | sort >md.dyn &&
	nm md.debug --format=posix --defined-only |
		awk '{ if ($2 == "T" || $2 == "t" || $2 == "D") print $1 }' | sort >md.funcs &&
	comm -13 md.dyn md.funcs >md.keep &&
	objcopy -S --remove-section .gdb_index --remove-section .comment \
		--keep-symbols=md.keep md.debug md.mini &&
	xz -f md.mini &&
	objcopy --add-section .gnu_debugdata=md.mini.xz "$md"
) >"$TMP/md.log" 2>&1
if ! nm "$md" 2>&1 | grep -q 'no symbols' || ! readelf -S "$md" | grep -q gnu_debugdata; then
	fail symbols_minidebug_build "$(tail -n 3 "$TMP/md.log")"
else
	pass "symbols: MiniDebugInfo binary built (no .symtab, .gnu_debugdata)"
	record_both md "$md" "$WL/cpusplit-fp"
	same_split symbols_minidebug md work_a work_b work_c
	strip --strip-all -o "$TMP/bin/cpusplit-bare" "$WL/cpusplit-fp"
	timeout 30 "$EBPROF" -q record -F 199 -o "$TMP/bare.folded" -- "$TMP/bin/cpusplit-bare" 1
	if grep -q work_a "$TMP/bare.folded" || ! grep -q 'cpusplit-bare\]' "$TMP/bare.folded"; then
		fail symbols_minidebug_control "a binary stripped without .gnu_debugdata was named"
	else
		pass "symbols: without .gnu_debugdata the same binary is unnamed (control)"
	fi
fi

# --- Go: stripped, default and PIE, standard library only, no network
export GOCACHE=$TMP/gocache GOPATH=$TMP/gopath GOFLAGS=-mod=mod GOPROXY=off
unset GO111MODULE
src=$ROOT/tests/workloads/go/cpusplit.go
for mode in default pie; do
	bm=""
	[ "$mode" = pie ] && bm="-buildmode=pie"
	if ! go build $bm -ldflags='-s -w' -o "$TMP/bin/gosplit-$mode" "$src" 2>"$TMP/go.log" ||
		! go build $bm -o "$TMP/gosplit-$mode-full" "$src" 2>>"$TMP/go.log"; then
		fail symbols_go_build_$mode "$(tail -n 3 "$TMP/go.log")"
		continue
	fi
	if ! nm "$TMP/bin/gosplit-$mode" 2>&1 | grep -q 'no symbols'; then
		fail symbols_go_$mode "go build -ldflags='-s -w' left a .symtab"
		continue
	fi
	record_both "go-$mode" "$TMP/bin/gosplit-$mode" "$TMP/gosplit-$mode-full"
	same_split "symbols_go_$mode" "go-$mode" main.workA main.workB main.workC
done

# Go lines from the pclntab in pprof output (stripped binary: no DWARF)
if [ -x "$TMP/bin/gosplit-default" ]; then
	timeout 30 "$EBPROF" -q record -F 499 -o "$TMP/go.pb.gz" -- "$TMP/bin/gosplit-default" 1
	la=$(grep -n '^func workA' "$src" | cut -d: -f1)
	lr=$(grep -n '^		workA()' "$src" | cut -d: -f1)
	go tool pprof -raw "$TMP/go.pb.gz" 2>/dev/null >"$TMP/go.raw"
	if grep -Eq " main\.workA [^ ]*/cpusplit\.go:$la " "$TMP/go.raw" &&
		grep -Eq " main\.run [^ ]*/cpusplit\.go:$lr " "$TMP/go.raw"; then
		pass "symbols: Go file:line from the pclntab in pprof (workA:$la, run calls workA at $lr)"
	else
		fail symbols_go_lines "$(grep -m3 ' main\.' "$TMP/go.raw" | tr '\n' '|')"
	fi
fi
