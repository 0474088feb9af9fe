#!/usr/bin/env bash
# Output files a hostile user cannot redirect, and that nothing is lost or
# left behind: -o through links in a sticky directory (the rule of
# fs.protected_symlinks and fs.protected_regular, whatever the sysctls),
# links onto another file system, 0600 recordings, kept owner and mode,
# a full disk (ENOSPC, not EIO), Ctrl-C while writing, a closed or full
# stdout (one line).  The other user is `nobody` through setpriv.
. "$(dirname "$0")/../lib.sh"
T="timeout 60"
SMALL=$TMP/small
cleanup() { umount "$SMALL" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	skip harden_files "needs root and setpriv (another user's links)"
	exit 0
fi
chmod 755 "$TMP"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
printf 'main;a;b 3\nmain;a;c 2\n' >"$TMP/in.folded"
report() { $T "$EBPROF" report --format folded "$@" "$TMP/in.folded"; }

# -- links in a sticky world-writable directory (/tmp's mode) --
mkdir -m 1777 "$TMP/sticky"
echo "root only" >"$TMP/victim"
chmod 600 "$TMP/victim"
as_nobody ln -s "$TMP/victim" "$TMP/sticky/out.folded"
expect_error harden_sticky_link_refused 1 "refused.*protected_symlinks" \
	report -o "$TMP/sticky/out.folded"
check harden_sticky_link_victim_kept [ "$(cat "$TMP/victim")" = "root only" ]
check harden_sticky_link_kept [ -L "$TMP/sticky/out.folded" ]
# A dangling link another user planted, to make root create a file.
as_nobody ln -s "$TMP/created-by-root" "$TMP/sticky/new.folded"
expect_error harden_sticky_dangling_refused 1 "refused" \
	report -o "$TMP/sticky/new.folded"
check harden_sticky_dangling_nothing [ ! -e "$TMP/created-by-root" ]
# Our own link there is followed; so is the directory owner's.
ln -s "$TMP/mine.folded" "$TMP/sticky/mine"
check harden_sticky_own_link report -o "$TMP/sticky/mine"
check harden_sticky_own_link_target grep -q 'main;a;b 3' "$TMP/mine.folded"
mkdir -m 1777 "$TMP/theirs"
chown nobody: "$TMP/theirs"
as_nobody ln -s "$TMP/owner.folded" "$TMP/theirs/out"
check harden_sticky_dir_owner_link report -o "$TMP/theirs/out"
check harden_sticky_dir_owner_target [ -s "$TMP/owner.folded" ]
# Another user's file there is not replaced (protected_regular).
as_nobody sh -c "echo theirs >'$TMP/sticky/file.folded'"
expect_error harden_sticky_file_refused 1 "refused" \
	report -o "$TMP/sticky/file.folded"
check harden_sticky_file_kept [ "$(cat "$TMP/sticky/file.folded")" = theirs ]
# A link in an intermediate directory is checked too.
as_nobody ln -s "$TMP" "$TMP/sticky/dir"
expect_error harden_sticky_dir_link_refused 1 "refused" \
	report -o "$TMP/sticky/dir/victim"
check harden_sticky_dir_link_victim [ "$(cat "$TMP/victim")" = "root only" ]

# -- modes and owners --
rm -f "$TMP/new.folded"
(umask 022; report -o "$TMP/new.folded" 2>/dev/null)
check harden_new_file_0600 [ "$(stat -c %a "$TMP/new.folded")" = 600 ]
mkdir -m 755 "$TMP/plain"
echo old >"$TMP/plain/kept.folded"
chown nobody: "$TMP/plain/kept.folded"
chmod 640 "$TMP/plain/kept.folded"
check harden_replace_write report -o "$TMP/plain/kept.folded"
check harden_replace_keeps_owner_mode \
	[ "$(stat -c '%U %a' "$TMP/plain/kept.folded")" = "nobody 640" ]
check harden_replace_content grep -q 'main;a;b 3' "$TMP/plain/kept.folded"

# -- another file system: a small tmpfs --
mkdir "$SMALL"
if ! mount -t tmpfs -o size=256k tmpfs "$SMALL"; then
	skip harden_xdev "cannot mount a tmpfs"
else
	ln -s "$SMALL/x.folded" "$TMP/xdev.folded"
	check harden_xdev_link_write report -o "$TMP/xdev.folded"
	check harden_xdev_link_kept [ -L "$TMP/xdev.folded" ]
	check harden_xdev_target grep -q 'main;a;b 3' "$SMALL/x.folded"
	# Full: ENOSPC in one line, the previous file intact, no temp file.
	awk 'BEGIN { for (i = 0; i < 40000; i++) printf "main;f%d;g%d 1\n", i % 97, i }' \
		>"$TMP/big.folded"
	expect_error harden_enospc 1 "No space left on device" \
		$T "$EBPROF" report --format folded -o "$SMALL/x.folded" "$TMP/big.folded"
	check harden_enospc_previous_kept grep -q 'main;a;b 3' "$SMALL/x.folded"
	check harden_enospc_no_temp [ "$(ls -A "$SMALL")" = x.folded ]
	expect_error harden_enospc_flame 1 "No space left on device" \
		$T "$EBPROF" flame --minwidth 0 -o "$SMALL/x.svg" "$TMP/big.folded"
	check harden_enospc_flame_no_temp [ "$(ls -A "$SMALL")" = x.folded ]
	umount "$SMALL"
fi

# -- Ctrl-C, SIGTERM, SIGHUP while writing: no temporary file left --
awk 'BEGIN { srand(1); for (i = 0; i < 150000; i++)
	printf "main;f%d;g%d;h%d %d\n", i % 97, i % 1013, i, 1 + int(rand() * 99) }' \
	>"$TMP/huge.folded"
mkdir "$TMP/out"
echo previous >"$TMP/out/r.pb.gz"
# The signal comes as soon as a temporary file shows (the moment that left
# FILE.tmp.* behind), else after DELAY seconds.  Job control on: background
# jobs must not start with SIGINT ignored.
set -m
left="" seen=0
for sig in INT TERM HUP; do
	for delay in 0.5 1.5; do
		for cmd in report flame; do
			args=(--format pprof -o "$TMP/out/r.pb.gz")
			[ $cmd = flame ] && args=(--minwidth 0 -o "$TMP/out/r.svg")
			$T "$EBPROF" $cmd "${args[@]}" "$TMP/huge.folded" 2>/dev/null &
			pid=$!
			end=$(($(date +%s%N) + ${delay/./} * 100000000))
			while kill -0 "$pid" 2>/dev/null && [ "$(date +%s%N)" -lt "$end" ]; do
				if ls -A "$TMP/out" | grep -qvx -e r.pb.gz -e r.svg; then
					seen=$((seen + 1))
					break
				fi
				sleep 0.01
			done
			kill -"$sig" "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			extra=$(ls -A "$TMP/out" | grep -vx -e r.pb.gz -e r.svg)
			[ -n "$extra" ] && left="$left $cmd-SIG$sig:$extra"
			[ -n "$extra" ] && rm -f "$TMP/out/$extra"
		done
	done
done
if [ -z "$left" ]; then
	pass "harden_signal_no_temp: no temporary file after 12 signals ($seen seen meanwhile)"
else
	fail harden_signal_no_temp "left:$left"
fi
sz=$(stat -c %s "$TMP/out/r.pb.gz")
if [ "$(cat "$TMP/out/r.pb.gz" | head -c 8)" = previous ] || gzip -t "$TMP/out/r.pb.gz" 2>/dev/null; then
	pass "harden_signal_file_whole: previous or complete ($sz bytes)"
else
	fail harden_signal_file_whole "a partial file of $sz bytes"
fi
# A file system without O_TMPFILE (NFS, vfat), mimicked by a preloaded
# openat() that refuses it: the named fallback .ebprof.tmp.* shows while
# writing, and SIGINT/SIGTERM/SIGHUP still leave nothing behind.
cat >"$TMP/notmpfile.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
int openat(int dirfd, const char *path, int flags, ...)
{
	static int (*real)(int, const char *, int, ...);
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		errno = EOPNOTSUPP;
		return -1;
	}
	if (!real)
		real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
	return real(dirfd, path, flags, mode);
}
EOF
if ldd "$EBPROF" | grep -q libasan; then
	skip harden_fallback "a sanitizer build cannot take LD_PRELOAD"
elif cc -shared -fPIC -o "$TMP/notmpfile.so" "$TMP/notmpfile.c" -ldl 2>"$TMP/cc.err"; then
	pre="env LD_PRELOAD=$TMP/notmpfile.so"
	mkdir "$TMP/nt"
	check harden_fallback_write $pre $T "$EBPROF" report --format folded -o "$TMP/nt/a.folded" "$TMP/in.folded"
	check harden_fallback_mode [ "$(stat -c %a "$TMP/nt/a.folded")" = 600 -a "$(ls -A "$TMP/nt")" = a.folded ]
	seen=0 left=""
	for sig in INT TERM HUP; do
		$pre $T "$EBPROF" report --format pprof -o "$TMP/nt/r.pb.gz" "$TMP/huge.folded" 2>/dev/null &
		pid=$!
		for i in $(seq 1000); do
			if ls -A "$TMP/nt" | grep -q '^\.ebprof\.tmp\.'; then
				seen=$((seen + 1))
				break
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
		kill -"$sig" "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		extra=$(ls -A "$TMP/nt" | grep -vx -e a.folded -e r.pb.gz)
		[ -n "$extra" ] && left="$left SIG$sig:$extra"
		[ -n "$extra" ] && rm -f "$TMP/nt/$extra"
	done
	if [ "$seen" -ge 1 ] && [ -z "$left" ]; then
		pass "harden_fallback_signal_no_temp: temp seen $seen times, none left"
	else
		fail harden_fallback_signal_no_temp "seen=$seen left:$left"
	fi
else
	skip harden_fallback "no C compiler: $(head -c 200 "$TMP/cc.err")"
fi

set +m

# Standard input spilled for flame: memory, not /tmp.
before=$(ls /tmp | grep -c ebprof-flame)
"$EBPROF" report --format pprof -o "$TMP/in.pb.gz" "$TMP/in.folded"
$T "$EBPROF" flame -o "$TMP/in.svg" - <"$TMP/in.pb.gz"
check harden_flame_stdin_no_tmp [ "$(ls /tmp | grep -c ebprof-flame)" -le "$before" ]

# -- standard output: closed or full, one line --
expect_error harden_stdout_closed 1 "standard output is closed" \
	sh -c "exec >&-; exec $T '$EBPROF' report '$TMP/in.folded'"
expect_error harden_stdout_closed_flame 1 "standard output is closed" \
	sh -c "exec >&-; exec $T '$EBPROF' flame '$TMP/in.folded'"
expect_error harden_stdout_full 1 "No space left on device" \
	sh -c "exec >/dev/full; exec $T '$EBPROF' report '$TMP/in.folded'"
expect_error harden_stdout_full_flame 1 "No space left on device" \
	sh -c "exec >/dev/full; exec $T '$EBPROF' flame '$TMP/in.folded'"
expect_error harden_stdout_full_pprof 1 "No space left on device" \
	sh -c "exec >/dev/full; exec $T '$EBPROF' report --format pprof '$TMP/in.folded'"
# A closed stdout is not reused by the next open(): the input stays intact.
cp "$TMP/in.folded" "$TMP/in2.folded"
sh -c "exec >&-; exec '$EBPROF' report -o - '$TMP/in2.folded'" 2>/dev/null
check harden_stdout_closed_no_reuse cmp -s "$TMP/in.folded" "$TMP/in2.folded"
# Devices are written in place, still.
check harden_dev_null report -o /dev/null
check harden_dev_null_is_device [ -c /dev/null ]
check harden_dev_stdout sh -c "'$EBPROF' report --format folded -o /dev/stdout '$TMP/in.folded' | grep -q 'main;a;b 3'"
