#!/usr/bin/env bash
# Python stacks in `ebprof record`: every CPython on the machine (pyenv
# 3.10-3.13 with a shared libpython, Debian's static stripped python3.11)
# gives named Python functions, "qualname (file.py)", outermost first, with
# a 60/30/10 CPU split between three threads that matches the threads' own
# CPU times; a C extension (zlib) shows its native frames under the Python
# frame that called it while another thread holds the GIL; recursion 200
# deep comes out whole; a process started during -a is detected; pprof
# carries file and lines; --no-python shows the interpreter; and for 3.12,
# perf with `python -X perf` agrees on the innermost Python function.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "python" "needs root to load BPF programs"
	exit 0
fi
PYW=$ROOT/tests/workloads/pysplit.py

. "$ROOT/tests/python_interps.sh"
if [ "${#interps[@]}" -lt 5 ]; then
	fail "python: interpreters" "found only ${interps[*]}"
fi

# rec FOLDED LOG ARGS...: records, the summary kept in LOG
rec() {
	local f=$1 log=$2; shift 2
	timeout 120 "$EBPROF" record -F 999 -o "$f" "$@" 2>"$log"
}

# python_summary LOG: "complete total" of the Python samples
python_summary() {
	sed -n 's/.*python: .* \([0-9]*\) of \([0-9]*\) Python samples with complete.*/\1 \2/p' "$1"
}

for py in "${interps[@]}"; do
	v=$(basename "$py")
	tag="$v ($py)"
	rec "$TMP/s.folded" "$TMP/s.log" -- "$py" "$PYW" 3 split >"$TMP/s.out"
	# 3.10 has no co_qualname: methods are named without their class.
	case $v in python3.10) run="run"; boot="_bootstrap" ;;
		   *) run="Runner.run"; boot="Thread._bootstrap" ;; esac
	chain="^$v;$boot \\(threading.py\\);${boot}_inner \\(threading.py\\);[^;]*run \\(threading.py\\);$run \\(pysplit.py\\);outer_a \\(pysplit.py\\);work_a \\(pysplit.py\\);spin \\(pysplit.py\\)"
	if grep -Eq "$chain( [0-9]+|;[^(]*)$" "$TMP/s.folded"; then
		pass "$tag: exact Python chain to spin under outer_a"
	else
		fail "$tag: exact Python chain" "$(grep spin "$TMP/s.folded" | head -2)"
	fi
	a=$(share "$TMP/s.folded" 'outer_a \(pysplit.py\);work_a \(pysplit.py\);spin')
	b=$(share "$TMP/s.folded" ';work_b \(pysplit.py\);spin')
	c=$(share "$TMP/s.folded" ';work_c \(pysplit.py\);spin')
	read -r ta tb tc < <(awk '/^cpu /{ t[$2] = $3 } END { s = t["a"] + t["b"] + t["c"];
		if (s <= 0) { print "none none none"; exit }
		printf "%.1f %.1f %.1f\n", 100 * t["a"] / s, 100 * t["b"] / s, 100 * t["c"] / s }' "$TMP/s.out")
	read -r sa sb sc < <(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { s = a + b + c;
		if (s == 0) s = 1; printf "%.1f %.1f %.1f\n", 100 * a / s, 100 * b / s, 100 * c / s }')
	if near "$sa" "$ta" 3 && near "$sb" "$tb" 3 && near "$sc" "$tc" 3; then
		pass "$tag: split $sa/$sb/$sc matches thread CPU $ta/$tb/$tc (±3)"
	else
		fail "$tag: split" "got $sa/$sb/$sc, thread CPU $ta/$tb/$tc"
	fi
	read -r comp tot < <(python_summary "$TMP/s.log")
	if [ -n "${tot:-}" ] && [ "$tot" -gt 1000 ] &&
	   awk -v c="$comp" -v t="$tot" 'BEGIN { exit !(c >= 0.99 * t) }'; then
		pass "$tag: $comp of $tot Python samples complete (>= 99%)"
	else
		fail "$tag: complete Python stacks" "$(grep python: "$TMP/s.log")"
	fi
	bare=$(awk '{ n = $NF; t += n; if ($0 !~ /\.py\)/) m += n }
		END { printf "%.1f", t ? 100 * m / t : 100 }' "$TMP/s.folded")
	if near "$bare" 0 5; then
		pass "$tag: $bare% of samples without Python frames (< 5%)"
	else
		fail "$tag: samples without Python frames" "$bare%"
	fi

	# zlib releases the GIL while another thread runs Python; with lines
	rec "$TMP/z.folded" "$TMP/z.log" --python-lines -- "$py" "$PYW" 2 zlib >/dev/null
	sq=$(share "$TMP/z.folded" 'squash \(pysplit.py:[0-9]+\)')
	nat=$(share "$TMP/z.folded" 'squash \(pysplit.py:[0-9]+\);[^(]*(libz|deflate|adler32|compress)[^(]*$')
	wa=$(share "$TMP/z.folded" ';work_a \(pysplit.py:[0-9]+\);spin')
	lz=$(grep -n 'zlib.compress(data, 9)' "$PYW" | cut -d: -f1)
	ls=$(grep -n 'x += i \* i' "$PYW" | head -1 | cut -d: -f1)
	lw=$(grep -n 'return spin(budget)' "$PYW" | head -1 | cut -d: -f1)
	inz=$(share "$TMP/z.folded" "squash \\(pysplit.py:$lz\\)")
	# spin's loop: the while, for and body lines
	ins=$(share "$TMP/z.folded" "work_a \\(pysplit.py:$lw\\);spin \\(pysplit.py:($((ls - 2))|$((ls - 1))|$ls)\\)")
	if near "$inz" "$sq" 2 && near "$ins" "$wa" 5 && near "$sq" 50 10 && near "$wa" 50 10; then
		pass "$tag: --python-lines: compress at line $lz ($inz%), spin at $((ls - 2))-$ls called from $lw ($ins%)"
	else
		fail "$tag: --python-lines" "line $lz: $inz% of $sq%, $lw/$ls: $ins% of $wa%; $(grep -o 'spin (pysplit.py:[0-9]*)' "$TMP/z.folded" | sort | uniq -c | head -3)"
	fi
	if near "$sq" 50 10 && awk -v n="$nat" -v s="$sq" 'BEGIN { exit !(n >= 0.8 * s) }' &&
	   near "$wa" 50 10; then
		pass "$tag: zlib frames under squash ($nat% of $sq%) beside the GIL holder ($wa%)"
	else
		fail "$tag: zlib under squash" "squash $sq%, with zlib frames $nat%, work_a $wa%"
	fi

	# --call-graph dwarf: the whole native stack, each interpreter loop
	# replaced by the Python frames it ran (py-spy --native): the C calls
	# between Thread.run and Runner.run stay between them (3.10 has one C
	# call per Python call)
	rec "$TMP/w.folded" "$TMP/w.log" --call-graph dwarf -- "$py" "$PYW" 1.5 zlib >/dev/null
	merged=$(share "$TMP/w.folded" "^$v;clone3;start_thread;.*$boot \\(threading.py\\);.*[^)];$run \\(pysplit.py\\);([^;(]+;)*squash \\(pysplit.py\\);[^(]*deflate[^(]*$")
	sqw=$(share "$TMP/w.folded" 'squash \(pysplit.py\)')
	loop=$(share "$TMP/w.folded" '_PyEval_EvalFrameDefault')
	if near "$sqw" 50 20 && near "$merged" "$sqw" 5 && near "$loop" 0 5; then
		pass "$tag: dwarf: merged native and Python chains ($merged% of $sqw%), $loop% with a bare interpreter loop"
	else
		fail "$tag: dwarf merge" "merged $merged% of $sqw%, loop $loop%: $(grep -m1 squash "$TMP/w.folded" | cut -c1-400)"
	fi

	# recursion 200 deep comes out whole
	rec "$TMP/d.folded" "$TMP/d.log" -- "$py" "$PYW" 1.5 deep >/dev/null
	deep=$(awk '{ n = $NF; c = gsub(/recurse \(pysplit.py\)/, ""); if (c) t += n;
		if (c == 201) m += n } END { printf "%.1f", t ? 100 * m / t : 0 }' "$TMP/d.folded")
	if near "$deep" 100 1; then
		pass "$tag: recursion 200 deep whole in $deep% of its samples"
	else
		fail "$tag: deep recursion" "$deep% whole; $(grep python: "$TMP/d.log")"
	fi
done

# --- a Python process started during -a is found by itself
py=/root/.pyenv/versions/3.12.1/bin/python3.12
[ -x "$py" ] || py=${interps[0]}
( sleep 0.7; exec "$py" "$PYW" 1.5 split >/dev/null ) & late=$!
timeout 120 "$EBPROF" record -a -F 499 -d 3 --per-pid -o "$TMP/a.folded" 2>"$TMP/a.log"
wait "$late"
got=$(grep -E "^python3\\.[0-9]+-$late;" "$TMP/a.folded" | awk '{ t += $NF } END { print t + 0 }')
named=$(grep -E "^python3\\.[0-9]+-$late;.*outer_a \\(pysplit.py\\);work_a \\(pysplit.py\\);spin" "$TMP/a.folded" |
	awk '{ t += $NF } END { print t + 0 }')
if [ "$got" -gt 100 ] && [ "$named" -gt $((got / 3)) ]; then
	pass "record -a: process started later has Python stacks ($named of $got samples in work_a)"
else
	fail "record -a: late Python process" "$named of $got; $(grep python: "$TMP/a.log")"
fi

# --- --no-python: the interpreter, no Python frames
rec "$TMP/n.folded" "$TMP/n.log" --no-python -- "$py" "$PYW" 1 split >/dev/null
if [ "$(total "$TMP/n.folded")" -gt 300 ] && ! grep -q '\.py)' "$TMP/n.folded" &&
   grep -q '_PyEval_EvalFrameDefault' "$TMP/n.folded"; then
	pass "record --no-python: interpreter frames only"
else
	fail "record --no-python" "$(head -c 300 "$TMP/n.folded")"
fi

# --- pprof: functions with file, first line and line
rec "$TMP/p.pb.gz" "$TMP/p.log" -- "$py" "$PYW" 1 split >/dev/null
first=$(grep -n '^def work_b' "$PYW" | cut -d: -f1)
if go tool pprof -raw "$TMP/p.pb.gz" 2>/dev/null >"$TMP/p.raw" &&
   grep -Fq "work_b (pysplit.py) $PYW:$((first + 1)) s=$first" "$TMP/p.raw"; then
	pass "pprof: Python function with file, start line and line ($first)"
else
	fail "pprof: Python function lines" "$(grep -m2 'work_b' "$TMP/p.raw")"
fi

# --- independent view: perf with python -X perf (3.12+ trampolines; DWARF
# unwinding, as the interpreter has no frame pointers, which reaches the
# innermost trampoline): the innermost Python function's shares agree
if [ -x /root/.pyenv/versions/3.12.1/bin/python3.12 ] && command -v perf >/dev/null; then
	py=/root/.pyenv/versions/3.12.1/bin/python3.12
	timeout 120 perf record -q -F 499 --call-graph dwarf,16384 -o "$TMP/perf.data" \
		-- "$py" -X perf "$PYW" 2 zlib >/dev/null 2>&1
	read -r psq psp ptot < <(perf script -i "$TMP/perf.data" -F comm,ip,sym 2>/dev/null | awk '
		function flush() { if (inner != "") { t++; if (inner ~ /^py::squash:/) q++;
			if (inner ~ /^py::spin:/) s++ } inner = "" }
		/^[^ \t]/ { flush(); next }
		/py::/ && inner == "" { inner = $2 }
		END { flush(); printf "%.1f %.1f %d\n", 100 * q / t, 100 * s / t, t }')
	rec "$TMP/x.folded" "$TMP/x.log" -- "$py" "$PYW" 2 zlib >/dev/null
	awk '/\.py\)/' "$TMP/x.folded" >"$TMP/xp.folded"
	osq=$(share "$TMP/xp.folded" 'squash \(pysplit.py\)[^(]*$')
	osp=$(share "$TMP/xp.folded" 'spin \(pysplit.py\)[^(]*$')
	if [ "${ptot:-0}" -gt 300 ] && near "$osq" "$psq" 5 && near "$osp" "$psp" 5; then
		pass "3.12 vs perf -X perf: innermost squash/spin $osq/$osp% (perf $psq/$psp%)"
	else
		fail "3.12 vs perf -X perf" "ours $osq/$osp%, perf $psq/$psp% of ${ptot:-0}"
	fi
fi
