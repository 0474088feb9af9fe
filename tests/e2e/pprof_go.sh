#!/usr/bin/env bash
# Go's own pprof tool (`go tool pprof`, Debian's golang-go) as an
# independent reader of ebprof's pprof files: it names the profiled program
# (the first mapping), opens on CPU time, and shows the same stacks and
# totals as ebprof's folded conversion of the same file.  Also for files
# that `report --format pprof` converted from folded input.
. "$(dirname "$0")/../lib.sh"

if ! command -v go >/dev/null; then
	fail "pprof go" "go is not installed (scripts/install-deps.sh installs golang-go)"
	exit 0
fi
export HOME=$TMP PPROF_TMPDIR=$TMP GOCACHE=$TMP/gocache GOFLAGS=
gp() { timeout 120 go tool pprof "$@" 2>"$TMP/gp.err"; }

# folded_of_traces FILE: `go tool pprof -traces -unit=ns` as folded lines
# (root first, function names only), equal stacks summed.
folded_of_traces() {
	gp -traces -unit=ns "$@" | awk '
		function flush() {
			if (n) { s = f[n]; for (i = n - 1; i >= 1; i--) s = s ";" f[i]; sum[s] += v }
			n = 0
		}
		/^-+\+-+$/ { flush(); next }
		/^ *[a-z_]+: / { next }		# labels
		/^ *[0-9]+(ns)? +[^ ]/ { flush(); v = $1; sub(/ns$/, "", v); n = 1; f[1] = $2; next }
		/^ +[^ ]/ && n { f[++n] = $1 }
		END { flush(); for (s in sum) print s, sum[s] }' | sort
}

# folded_of_ebprof FILE [OPTS]: ebprof's folded conversion without the
# comm root frame and the kind suffixes, equal stacks summed.
folded_of_ebprof() {
	"$EBPROF" report --format folded "$@" | sed -E 's/^[^;]*;//; s/_\[[kjiw]\]//g' |
		awk '{ v = $NF; sub(/ [0-9.]+$/, ""); sum[$0] += v } END { for (s in sum) print s, sum[s] }' |
		sort
}

# --- a PIE program recorded as a command
if ! "$EBPROF" -q record -F 999 -o "$TMP/pie.pb.gz" -- "$WL/cpusplit-fp" 2 2>"$TMP/err"; then
	fail "pprof go: record" "$(cat "$TMP/err")"
	exit 0
fi
gp -top "$TMP/pie.pb.gz" >"$TMP/top" || fail "pprof go: -top" "$(cat "$TMP/gp.err")"
check "pprof go: File names the command's program, not the kernel" \
	grep -qx 'File: cpusplit-fp' "$TMP/top"
check "pprof go: opens on cpu time (Type: cpu)" grep -qx 'Type: cpu' "$TMP/top"
# The file's own order (go tool pprof -raw shows its reordered copy), read
# with the independent npm decoder.
node "$ROOT/tests/node/pprof-check.mjs" info "$TMP/pie.pb.gz" |
	sed -n 's/^mapping \([^ ]*\) .*/\1/p' >"$TMP/maps"
if head -1 "$TMP/maps" | grep -q '/cpusplit-fp$' &&
	tail -1 "$TMP/maps" | grep -q 'kernel'; then
	pass "pprof go: program's mapping first, kernel mapping last"
else
	fail "pprof go: mapping order" "$(tr '\n' '|' <"$TMP/maps")"
fi
folded_of_traces "$TMP/pie.pb.gz" >"$TMP/go.cpu"
folded_of_ebprof --sample-type cpu "$TMP/pie.pb.gz" >"$TMP/eb.cpu"
if [ -s "$TMP/go.cpu" ] && cmp -s "$TMP/go.cpu" "$TMP/eb.cpu"; then
	pass "pprof go: -traces (cpu ns) equals ebprof's folded conversion"
else
	fail "pprof go: -traces cpu" "$(diff "$TMP/go.cpu" "$TMP/eb.cpu" | head -5 | tr '\n' '|')"
fi
folded_of_traces -sample_index=samples "$TMP/pie.pb.gz" >"$TMP/go.n"
folded_of_ebprof --sample-type samples "$TMP/pie.pb.gz" >"$TMP/eb.n"
if [ -s "$TMP/go.n" ] && cmp -s "$TMP/go.n" "$TMP/eb.n"; then
	pass "pprof go: -traces (samples/count kept) equals ebprof's folded"
else
	fail "pprof go: -traces samples" "$(diff "$TMP/go.n" "$TMP/eb.n" | head -5 | tr '\n' '|')"
fi
gtotal=$(gp -top -unit=ns "$TMP/pie.pb.gz" | sed -n 's/.*Total samples = \([0-9]*\)ns.*/\1/p')
etotal=$(awk '{ t += $NF } END { print t + 0 }' "$TMP/eb.cpu")
if [ -n "$gtotal" ] && [ "$gtotal" = "$etotal" ]; then
	pass "pprof go: total cpu time equals ebprof's ($gtotal ns)"
else
	fail "pprof go: totals" "go '$gtotal', ebprof '$etotal'"
fi
share_go=$(gp -top "$TMP/pie.pb.gz" | awk '$NF == "burn" { sub(/%/, "", $2); print $2 }')
if [ -n "$share_go" ] && awk -v s="$share_go" 'BEGIN { exit !(s > 90) }'; then
	pass "pprof go: burn is the hot function ($share_go% flat)"
else
	fail "pprof go: hot function" "burn flat '$share_go'"
fi

# --- -disasm: works for a non-PIE program.  For PIE programs go tool pprof
# cannot (its object reader translates no load address); see the README.
if gcc -O2 -g -fno-omit-frame-pointer -no-pie -I"$ROOT/tests/workloads" \
	-o "$TMP/nopie" "$ROOT/tests/workloads/cpusplit.c" 2>"$TMP/cc.err"; then
	"$EBPROF" -q record -F 999 -o "$TMP/nopie.pb.gz" -- "$TMP/nopie" 1 2>"$TMP/err"
	gp -disasm 'burn' "$TMP/nopie.pb.gz" >"$TMP/disasm"
	if grep -q 'ROUTINE =* burn' "$TMP/disasm" &&
		grep -Eq '^ +[0-9.]+m?s +[0-9.]+m?s +[0-9a-f]+:' "$TMP/disasm"; then
		pass "pprof go: -disasm shows burn's instructions with samples"
	else
		fail "pprof go: -disasm" "$(head -c 300 "$TMP/disasm") $(cat "$TMP/gp.err")"
	fi
	check "pprof go: File names a non-PIE program too" \
		sh -c "timeout 60 go tool pprof -top '$TMP/nopie.pb.gz' 2>/dev/null | grep -qx 'File: nopie'"
else
	fail "pprof go: build non-PIE workload" "$(cat "$TMP/cc.err")"
fi

# --- -p PID: the target's program comes first
"$WL/cpusplit-fp" 4 &
wl=$!
sleep 0.3
"$EBPROF" -q record -p "$wl" -F 499 -d 1 -o "$TMP/p.pb.gz" 2>"$TMP/err"
wait "$wl"
check "pprof go: -p names the target's program" \
	sh -c "timeout 60 go tool pprof -top '$TMP/p.pb.gz' 2>/dev/null | grep -qx 'File: cpusplit-fp'"

# --- -a: the program (not a library) in the most samples, summed over its
# mappings, comes first (checked from go tool pprof's own view of samples,
# locations and mappings).
"$WL/cpusplit-fp" 3 &
wl=$!
"$EBPROF" -q record -a -F 199 -d 1.5 -o "$TMP/a.pb.gz" 2>"$TMP/err"
wait "$wl"
gp -raw "$TMP/a.pb.gz" >"$TMP/araw"
verdict=$(awk '
	/^Samples/ { sec = "s"; next } /^Locations/ { sec = "l"; next }
	/^Mappings/ { sec = "m"; next }
	sec == "s" && /^ +[0-9]+ +[0-9]+: / { n++; val[n] = $1; ids[n] = $0; next }
	sec == "l" && /^ +[0-9]+: 0x/ && $3 ~ /^M=/ { id = $1; sub(/:/, "", id); m = $3; sub(/M=/, "", m); lm[id] = m; next }
	# A program is its build id where it has one: go tool pprof merges
	# mappings of equal build ids (copies of a binary at other paths).
	sec == "m" && /^[0-9]+: / { id = $1; sub(/:/, "", id); file[id] = $3
		key[id] = $4 ~ /^[0-9a-f]+$/ ? $4 : $3; if (!first) first = id }
	END {
		for (i = 1; i <= n; i++) {
			split(ids[i], f, ":"); k = split(f[2], locs, " "); delete seen
			for (j = 1; j <= k; j++) { m = lm[locs[j]]; if (m != "" && !seen[key[m]]++) { w[key[m]] += val[i]; name[key[m]] = file[m] } }
		}
		best = ""
		for (kk in w) {
			fl = name[kk]; b = fl; sub(/.*\//, "", b)
			if (fl ~ /kernel/ || fl ~ /^\[/ || fl ~ /^\/memfd:/ || b ~ /\.so($|\.)/) continue
			if (best == "" || w[kk] > w[best]) best = kk
		}
		print (best == key[first] ? "ok" : "first " file[first] " best " name[best])
	}' "$TMP/araw")
if [ "$verdict" = ok ]; then
	pass "pprof go: -a puts the most-sampled program first"
else
	fail "pprof go: -a mapping order" "$verdict"
fi

# --- converted from folded input
"$EBPROF" -q record -F 499 -o "$TMP/x.folded" -- "$WL/cpusplit-fp" 1 2>"$TMP/err"
"$EBPROF" report --format pprof -o "$TMP/conv.pb.gz" "$TMP/x.folded"
gp -top "$TMP/conv.pb.gz" >"$TMP/ctop"
check "pprof go: converted folded: File names the process, not the kernel" \
	grep -qx 'File: cpusplit-fp' "$TMP/ctop"
folded_of_traces "$TMP/conv.pb.gz" >"$TMP/go.conv"
sed -E 's/^[^;]*;//; s/_\[[kjiw]\]//g' "$TMP/x.folded" |
	awk '{ v = $NF; sub(/ [0-9.]+$/, ""); sum[$0] += v } END { for (s in sum) print s, sum[s] }' |
	sort >"$TMP/in.conv"
if [ -s "$TMP/go.conv" ] && cmp -s "$TMP/go.conv" "$TMP/in.conv"; then
	pass "pprof go: converted folded: -traces equals the folded input"
else
	fail "pprof go: converted -traces" "$(diff "$TMP/go.conv" "$TMP/in.conv" | head -5 | tr '\n' '|')"
fi
