#!/usr/bin/env bash
# ebprof flame end to end: inputs (files, stdin, merging, pprof), errors and
# exit codes, escaping, the options' visible effects.  Every SVG written is
# checked with xmllint.
. "$(dirname "$0")/../lib.sh"

F() { "$EBPROF" flame "$@"; }
wellformed() { xmllint --noout "$1" 2>/dev/null; }
# titles SVG: the frames' tooltips, one a line.
titles() { grep -o '<title>[^<]*' "$1" | sed 's/<title>//'; }
# attr SVG NAME ATTR: ATTR of the rect of the first frame called NAME.
attr() {
	grep -F "<title>$2 (" "$1" | head -n 1 |
		sed -n "s/.*<rect[^>]* $3=\"\([^\"]*\)\".*/\1/p"
}

cat >"$TMP/a.folded" <<'EOF'
main;run;compute 1234567
main;run;io_[k] 1000
main;idle 66
EOF
cat >"$TMP/b.folded" <<'EOF'
main;run;compute 33
other;spin 100
EOF

# --- basics
if F "$TMP/a.folded" >"$TMP/a.svg" 2>"$TMP/err" && wellformed "$TMP/a.svg" &&
	[ ! -s "$TMP/err" ]; then
	pass flame-basic
else
	fail flame-basic "exit or stderr: $(cat "$TMP/err")"
fi
titles "$TMP/a.svg" | grep -qx 'compute (1,234,567 samples, 99.91%)' &&
	pass flame-thousands || fail flame-thousands "$(titles "$TMP/a.svg" | head -n 3)"
titles "$TMP/a.svg" | grep -qx 'io (1,000 samples, 0.08%)' &&
	pass flame-suffix-stripped || fail flame-suffix-stripped "no 'io' frame"
# Offline: no reference leaves the file.
if grep -Eo 'url\([^)]*\)|(href|src)="[^"]*"' "$TMP/a.svg" |
	grep -v '^url(#' | grep -q . ||
	grep -Eq '@import|https?://[^"]*\.(js|css)' "$TMP/a.svg"; then
	fail flame-offline "external reference in the SVG"
else
	pass flame-offline
fi

# --- several files merge, stdin works, -o writes the same
F "$TMP/a.folded" "$TMP/b.folded" >"$TMP/ab.svg" 2>/dev/null
cat "$TMP/a.folded" "$TMP/b.folded" | F >"$TMP/stdin.svg" 2>/dev/null
cmp -s "$TMP/ab.svg" "$TMP/stdin.svg" && pass flame-stdin-merge ||
	fail flame-stdin-merge "files and stdin differ"
titles "$TMP/ab.svg" | grep -qx 'compute (1,234,600 samples, 99.91%)' &&
	pass flame-files-merge || fail flame-files-merge "counts not summed"
F -o "$TMP/o.svg" "$TMP/a.folded" "$TMP/b.folded" >"$TMP/o.out" 2>&1
cmp -s "$TMP/o.svg" "$TMP/ab.svg" && [ ! -s "$TMP/o.out" ] &&
	pass flame-output-file || fail flame-output-file "-o output differs"

# --- pprof input (written by ebprof report) draws the same graph
if "$EBPROF" report --format pprof -o "$TMP/a.pb.gz" "$TMP/a.folded" \
	2>/dev/null; then
	F "$TMP/a.pb.gz" >"$TMP/p.svg" 2>"$TMP/err"
	if wellformed "$TMP/p.svg" &&
		[ "$(titles "$TMP/p.svg" | sort)" = "$(titles "$TMP/a.svg" | sort)" ]; then
		pass flame-pprof
	else
		fail flame-pprof "frames differ from the folded input's"
	fi
	F --flamechart "$TMP/a.pb.gz" >"$TMP/pc.svg" 2>/dev/null &&
		wellformed "$TMP/pc.svg" &&
		titles "$TMP/pc.svg" | grep -q '^compute (1,234,567 ' &&
		pass flame-pprof-chart || fail flame-pprof-chart "no chart of pprof"
else
	skip flame-pprof "ebprof report cannot write pprof"
fi

# --- empty and bad input
: >"$TMP/empty"
expect_error flame-empty 1 'no samples' F -o "$TMP/e.svg" "$TMP/empty"
wellformed "$TMP/e.svg" && grep -q 'No samples' "$TMP/e.svg" &&
	pass flame-empty-svg || fail flame-empty-svg "no valid SVG for empty input"
printf 'garbage\nmore garbage\n' >"$TMP/bad"
expect_error flame-all-bad 1 "no samples.*2 .*'.*bad' line 1" \
	F -o "$TMP/bad.svg" "$TMP/bad"
printf 'a;b 3\nnot a stack\na;c 1\nx;y\n' >"$TMP/some-bad"
F "$TMP/some-bad" >"$TMP/sb.svg" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	grep -q "ignored 2 lines.*line 2" "$TMP/err" && wellformed "$TMP/sb.svg"; then
	pass flame-bad-lines-once
else
	fail flame-bad-lines-once "exit $rc, stderr: $(cat "$TMP/err")"
fi

# --- usage and I/O errors
expect_error flame-bad-palette 2 "unknown palette 'nope'" F --colors nope
expect_error flame-bad-width 2 "--width" F --width abc
expect_error flame-bad-minwidth 2 "--minwidth" F --minwidth 5%%
expect_error flame-chart-base 2 "do not combine" \
	F --flamechart --base "$TMP/a.folded" "$TMP/a.folded"
expect_error flame-missing-file 1 "cannot read '$TMP/nope'" F "$TMP/nope"
expect_error flame-missing-base 1 "cannot read '$TMP/nope'" \
	F --base "$TMP/nope" "$TMP/a.folded"
expect_error flame-bad-output 1 "cannot write" \
	F -o "$TMP/no/such/dir/x.svg" "$TMP/a.folded"
expect_error flame-bad-option 2 "unknown option" F --frobnicate
F --help | grep -q -- '--minwidth' && pass flame-help || fail flame-help "no help"

# --- escaping: hostile names, title, subtitle, countname
printf '%s\n' 'a;<script>window.x=1</script> 2' \
	'a;]]><svg onload="alert(1)">&amp; 1' "a;it's \"q\" & <b> 1" \
	"a;$(printf 'h\xc3\xa9 \xe6\x97\xa5 \xff\xfe\x01') 1" >"$TMP/hostile"
F --title '<script>t</script>' --subtitle ']]>&' --countname '<b>&' \
	"$TMP/hostile" >"$TMP/h.svg" 2>/dev/null
if wellformed "$TMP/h.svg" && [ "$(grep -c '<script' "$TMP/h.svg")" -eq 1 ] &&
	! grep -q '<svg onload\|<b>\|<script>t\|<script>window' "$TMP/h.svg" &&
	grep -q '&lt;script&gt;window.x=1&lt;/script&gt;' "$TMP/h.svg"; then
	pass flame-escaping
else
	fail flame-escaping "markup from names reached the SVG"
fi
grep -q 'hé 日' "$TMP/h.svg" && pass flame-non-ascii ||
	fail flame-non-ascii "non-ASCII name lost"

# --- options with visible effects
y_all=$(attr "$TMP/a.svg" all y)
y_cmp=$(attr "$TMP/a.svg" compute y)
F --inverted "$TMP/a.folded" >"$TMP/inv.svg" 2>/dev/null
yi_all=$(attr "$TMP/inv.svg" all y)
yi_cmp=$(attr "$TMP/inv.svg" compute y)
if wellformed "$TMP/inv.svg" && awk -v a="$y_all" -v c="$y_cmp" -v ia="$yi_all" \
	-v ic="$yi_cmp" 'BEGIN { exit !(a > c && ia < ic) }'; then
	pass flame-inverted
else
	fail flame-inverted "y: all $y_all compute $y_cmp; inverted $yi_all $yi_cmp"
fi
grep -q '>Icicle Graph<' "$TMP/inv.svg" && pass flame-inverted-title ||
	fail flame-inverted-title "title not Icicle Graph"

F --reverse "$TMP/a.folded" >"$TMP/rev.svg" 2>/dev/null
# Leaves at the root: compute sits right above "all", main at the top.
[ "$(titles "$TMP/rev.svg" | sed -n 2p)" = 'compute (1,234,567 samples, 99.91%)' ] &&
	awk -v a="$(attr "$TMP/rev.svg" all y)" -v c="$(attr "$TMP/rev.svg" compute y)" \
		'BEGIN { exit !(a - c == 16) }' &&
	pass flame-reverse || fail flame-reverse "$(titles "$TMP/rev.svg" | head -n 3)"

printf 'm;a 1\nm;b 1\nm;a 1\n' >"$TMP/chart"
F --flamechart "$TMP/chart" >"$TMP/chart.svg" 2>/dev/null
[ "$(titles "$TMP/chart.svg" | tr '\n' '|')" = \
	'all (3 samples, 100.00%)|m (3 samples, 100.00%)|a (1 samples, 33.33%)|b (1 samples, 33.33%)|a (1 samples, 33.33%)|' ] &&
	grep -q '>Flame Chart<' "$TMP/chart.svg" &&
	pass flame-flamechart || fail flame-flamechart "$(titles "$TMP/chart.svg" | tr '\n' '|')"
F "$TMP/chart" >"$TMP/nochart.svg" 2>/dev/null
[ "$(titles "$TMP/nochart.svg" | grep -c '^a ')" -eq 1 ] &&
	pass flame-graph-merges || fail flame-graph-merges "a not merged"

awk 'BEGIN { for (i = 0; i < 200; i++) print "r;f" i, 1; print "r;big", 50000 }' \
	>"$TMP/narrow"
F "$TMP/narrow" >"$TMP/n1.svg" 2>/dev/null
F --minwidth 0 "$TMP/narrow" >"$TMP/n0.svg" 2>/dev/null
F --minwidth 2% "$TMP/narrow" >"$TMP/n2.svg" 2>/dev/null
if titles "$TMP/n1.svg" | grep -qx '\[200 narrow frames\] (200 samples, 0.40%)' &&
	[ "$(titles "$TMP/n0.svg" | wc -l)" -eq 203 ] &&
	titles "$TMP/n2.svg" | grep -qx '\[200 narrow frames\] (200 samples, 0.40%)' &&
	wellformed "$TMP/n1.svg"; then
	pass flame-minwidth-aggregate
else
	fail flame-minwidth-aggregate "$(titles "$TMP/n1.svg" | tail -n 2)"
fi
# The aggregate fills the rest of its parent: r's x + width = agg's x + width.
r_end=$(awk -v x="$(attr "$TMP/n1.svg" r x)" -v w="$(attr "$TMP/n1.svg" r width)" \
	'BEGIN { print x + w }')
a_end=$(awk -v x="$(attr "$TMP/n1.svg" '[200 narrow frames]' x)" \
	-v w="$(attr "$TMP/n1.svg" '[200 narrow frames]' width)" 'BEGIN { print x + w }')
near "$r_end" "$a_end" 0.11 && pass flame-minwidth-adds-up ||
	fail flame-minwidth-adds-up "parent ends at $r_end, aggregate at $a_end"

F --hash "$TMP/a.folded" >"$TMP/h1.svg" 2>/dev/null
F --hash "$TMP/a.folded" "$TMP/b.folded" >"$TMP/h2.svg" 2>/dev/null
[ -n "$(attr "$TMP/h1.svg" idle fill)" ] &&
	[ "$(attr "$TMP/h1.svg" idle fill)" = "$(attr "$TMP/h2.svg" idle fill)" ] &&
	[ "$(attr "$TMP/h1.svg" compute fill)" = "$(attr "$TMP/h2.svg" compute fill)" ] &&
	pass flame-hash-stable || fail flame-hash-stable "colours differ between graphs"
F --colors annotate "$TMP/a.folded" >"$TMP/ann.svg" 2>/dev/null
case "$(attr "$TMP/ann.svg" io fill)" in
	\#????00) pass flame-annotate-kernel ;;
	*) fail flame-annotate-kernel "kernel frame fill $(attr "$TMP/ann.svg" io fill)" ;;
esac
for p in hot mem io red green blue aqua yellow purple orange annotate java; do
	F --colors "$p" "$TMP/a.folded" >"$TMP/pal.svg" 2>/dev/null &&
		wellformed "$TMP/pal.svg" || { fail flame-palettes "$p"; p=; break; }
done
[ -n "$p" ] && pass flame-palettes
F --width 600 --height 20 --fontsize 9 --title T --countname ticks \
	"$TMP/a.folded" >"$TMP/geo.svg" 2>/dev/null
grep -q '<svg [^>]*width="600"' "$TMP/geo.svg" &&
	[ "$(attr "$TMP/geo.svg" all height)" = 19 ] &&
	[ "$(attr "$TMP/geo.svg" all width)" = 580 ] &&
	titles "$TMP/geo.svg" | grep -qx 'all (1,235,633 ticks, 100.00%)' &&
	grep -q '>T</text>' "$TMP/geo.svg" &&
	pass flame-geometry-options || fail flame-geometry-options "width/height/countname/title not applied"

# --- differential
cat >"$TMP/base" <<'EOF'
main;run;compute 500
main;run;gone;deeper 300
main;idle 200
EOF
cat >"$TMP/new" <<'EOF'
main;run;compute 800
main;idle 200
main;fresh 100
EOF
F --base "$TMP/base" "$TMP/new" >"$TMP/d.svg" 2>"$TMP/err"
if wellformed "$TMP/d.svg" &&
	grep -q '<g class="van"><title>gone (vanished; base 300 samples, 30.00%; -30.00 pp)' "$TMP/d.svg" &&
	grep -q '<g class="van"><title>deeper (vanished;' "$TMP/d.svg" &&
	titles "$TMP/d.svg" | grep -qx 'compute (800 samples, 72.73%; base 500, 50.00%; +22.73 pp)'; then
	pass flame-diff-vanished
else
	fail flame-diff-vanished "$(titles "$TMP/d.svg" | head -n 6 | tr '\n' '|')"
fi
cfill=$(attr "$TMP/d.svg" compute fill)
gfill=$(attr "$TMP/d.svg" gone fill)
case "$cfill" in \#ff????) ok=1 ;; *) ok= ;; esac
[ -n "$ok" ] && [ "$gfill" = 'url(#van)' ] && pass flame-diff-colours ||
	fail flame-diff-colours "compute $cfill, gone $gfill"
# Normalised: BASE's 1000 samples scale to NEW's 1100, so 'gone' is 330
# wide of 1430 (1100 + 330).
gw=$(attr "$TMP/d.svg" gone width)
near "$gw" "$(awk 'BEGIN { print 1180 * 330 / 1430 }')" 0.11 &&
	pass flame-diff-normalised || fail flame-diff-normalised "gone is $gw px"
F --no-normalize --base "$TMP/base" "$TMP/new" >"$TMP/dr.svg" 2>/dev/null
gw=$(attr "$TMP/dr.svg" gone width)
near "$gw" "$(awk 'BEGIN { print 1180 * 300 / 1400 }')" 0.11 &&
	pass flame-diff-raw || fail flame-diff-raw "gone is $gw px"
exit 0
