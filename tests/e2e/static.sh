#!/usr/bin/env bash
# The production case of `make static`: build/ebprof-static copied alone
# into a root that holds only glibc (the shared libraries of Debian's
# libc6 package: no other package, no compiler, no source tree, no
# workloads), run there by chroot in a private mount namespace with /proc,
# /sys (BTF, tracefs) and /dev bound in.  Its self-test, record (of its own
# built-in workload), report and flame must work, and push must fail with
# one line naming the package to install.
. "$(dirname "$0")/../lib.sh"

STATIC=$ROOT/$O/ebprof-static
if [ ! -x "$STATIC" ]; then
	fail "static: $STATIC" "missing (make static)"
	exit 0
fi
libs=$(ldd "$STATIC" | awk '$1 !~ /^(linux-vdso|\/lib64\/ld-linux)/ { print $1 }' |
	grep -Ev '^lib(c|m|pthread|dl|rt)\.so\.[0-9]+$' | tr '\n' ' ')
if [ -z "$libs" ]; then
	pass "static: only glibc is shared"
else
	fail "static: only glibc is shared" "also needs: $libs"
fi

# The dynamic build says what it is too; -v alone is --version.
"$EBPROF" -v >"$TMP/dynv.out" 2>&1
if grep -q '^build: dynamic' "$TMP/dynv.out" &&
   grep -Eq '^libbpf [0-9.]+ \(shared: .*libbpf\.so' "$TMP/dynv.out" &&
   grep -Eq '^libcurl [0-9.]+ \(loaded for uploads' "$TMP/dynv.out"; then
	pass "version: -v lists the dynamic build's libraries, libcurl on demand"
else
	fail "version: -v" "$(tr '\n' '|' <"$TMP/dynv.out")"
fi

# The root: glibc's libraries and loader, and the binary.
R=$TMP/root
mkdir -p "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
for f in $(dpkg -L libc6 | grep -E '^/(usr/)?lib(64)?/[^/]*(/[^/]*)?\.so(\.[0-9]+)*$'); do
	[ -e "$f" ] || continue
	mkdir -p "$R$(dirname "$f")"
	cp -L "$f" "$R$f"
done
cp "$STATIC" "$R/ebprof"
if [ -e "$R/usr/bin" ] || [ -e "$R/bin" ] || [ -e "$R/usr/lib/x86_64-linux-gnu/libelf.so.1" ]; then
	fail "static: root holds only glibc" "$(find "$R" -maxdepth 3 | head)"
	exit 0
fi

# Everything inside one private mount namespace; outputs land in $R/tmp.
cat >"$TMP/inside.sh" <<INSIDE
set -u
mount --make-rprivate /
for d in proc sys dev; do mount --rbind /\$d "$R/\$d"; done
run() { name=\$1; shift; timeout 120 chroot "$R" "\$@" >"$R/tmp/\$name.out" 2>"$R/tmp/\$name.err"; echo \$? >"$R/tmp/\$name.rc"; }
run version /ebprof --version
run selftest /ebprof unwind-test
run record /ebprof record -F 499 --call-graph dwarf -o /tmp/wl.folded -- /ebprof --workload unwind_chains-nofp qsort 1
run report /ebprof report /tmp/wl.folded
run flame /ebprof flame -o /tmp/wl.svg /tmp/wl.folded
run push /ebprof push --server http://127.0.0.1:9 --app static /tmp/wl.folded
run recpush /ebprof record -a -d 1 --push http://127.0.0.1:9 --app static
INSIDE
if ! timeout 300 unshare --mount bash "$TMP/inside.sh" >"$TMP/inside.out" 2>&1; then
	fail "static: chroot" "$(tail -n 3 "$TMP/inside.out")"
	exit 0
fi
res() { cat "$R/tmp/$1.rc" 2>/dev/null || echo none; }
why() { cat "$R/tmp/$1.out" "$R/tmp/$1.err" 2>/dev/null | tail -n 8 | tr '\n' '|'; }

if [ "$(res version)" = 0 ] && grep -q '^build: *static' "$R/tmp/version.out" &&
   grep -Eq "^libbpf [0-9.]+ \(linked in\)" "$R/tmp/version.out" &&
   grep -q "^bpf ring buffer maps: yes" "$R/tmp/version.out"; then
	pass "static chroot: --version lists a static build and its libraries"
else
	fail "static chroot: --version" "$(why version)"
fi
if [ "$(res selftest)" = 0 ] && grep -q '^PASS dwarf$' "$R/tmp/selftest.out" &&
   grep -q '^PASS fp$' "$R/tmp/selftest.out"; then
	pass "static chroot: unwind-test self-test passes with built-in workloads"
else
	fail "static chroot: unwind-test" "$(why selftest)"
fi
# DWARF unwinding through libc's qsort (no frame pointers, no symbols).
pct=$(share "$R/tmp/wl.folded" '^ebprof;_start;__libc_start_main;\[libc\.so\.6\];main;wl_unwind_chains_nofp;mode_qsort;sort_once;qsort_r;(\[libc\.so\.6\];)+cmp_burn;burn')
if [ "$(res record)" = 0 ] && near "$pct" 100 5; then
	pass "static chroot: record --call-graph dwarf, $pct% exact chains"
else
	fail "static chroot: record" "$(why record) $(head -c 300 "$R/tmp/wl.folded" 2>/dev/null)"
fi
if [ "$(res report)" = 0 ] && grep -q 'cmp_burn' "$R/tmp/report.out"; then
	pass "static chroot: report"
else
	fail "static chroot: report" "$(why report)"
fi
if [ "$(res flame)" = 0 ] && grep -q 'mode_qsort' "$R/tmp/wl.svg" 2>/dev/null; then
	pass "static chroot: flame"
else
	fail "static chroot: flame" "exit $(res flame): $(why flame)"
fi
if [ "$(res push)" = 1 ] && [ "$(wc -l <"$R/tmp/push.err")" -eq 1 ] &&
   grep -q 'libcurl.so.4 not found.*install libcurl4' "$R/tmp/push.err"; then
	pass "static chroot: push without libcurl fails with one line naming libcurl4"
else
	fail "static chroot: push without libcurl" "exit $(res push): $(why push)"
fi
if [ "$(res recpush)" = 1 ] && [ "$(wc -l <"$R/tmp/recpush.err")" -eq 1 ] &&
   grep -q 'libcurl.so.4 not found.*install libcurl4' "$R/tmp/recpush.err"; then
	pass "static chroot: record --push without libcurl fails with one line"
else
	fail "static chroot: record --push without libcurl" "exit $(res recpush): $(why recpush)"
fi
