#!/usr/bin/env bash
# `ebprof record` against hostile users and careless endings: a spool
# directory another user made, made open or made a link is refused in one
# line (nothing planted is followed or sent); SIGKILL leaves no temporary
# file; SIGHUP in continuous mode still sends the last window; a command
# killed by a signal is reported (exit 0: the recording is written); the
# secret variables are not in /proc/PID/environ of ebprof or its command.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pyroscope/lib.sh"
trap 'fake_stop_all; rm -rf "$TMP"' EXIT
T="timeout 60"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	skip harden_record "needs root (BPF) and setpriv"
	exit 0
fi
chmod 755 "$TMP"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }

fake_start spool || { fail harden_record_server "fake server"; exit 0; }
"$WL/cpusplit-fp" 30 & wl=$!

# -- the spool directory: someone else's, open to others, a link --
mkdir -m 1777 "$TMP/sticky"
push_spool() {
	$T "$EBPROF" record -p "$wl" -d 1 --push "$FAKE_URL" --app app \
		--interval 1s --spool-dir "$1"
}
as_nobody mkdir -m 700 "$TMP/sticky/theirs"
echo "root only" >"$TMP/victim"
chmod 600 "$TMP/victim"
as_nobody sh -c "ln -s '$TMP/victim' '$TMP/sticky/theirs/.lock'
	ln -s '$TMP/victim' '$TMP/sticky/theirs/.tmp-0000000000000001'
	printf 'ebprof-spool 1\nname forged.cpu{}\nfrom 1\nuntil 2\nrate 99\nformat folded\nlength 6\n\nx;y 9\n' \
		>'$TMP/sticky/theirs/0000000000000001.spool'"
expect_error harden_spool_theirs 1 "spool directory.*belongs to another user" \
	push_spool "$TMP/sticky/theirs"
check harden_spool_theirs_untouched [ "$(cat "$TMP/victim")" = "root only" ]
check harden_spool_theirs_links_kept [ -L "$TMP/sticky/theirs/.lock" ]
mkdir -m 777 "$TMP/sticky/open"
chmod 777 "$TMP/sticky/open"
expect_error harden_spool_open 1 "spool directory.*other users may open it" \
	push_spool "$TMP/sticky/open"
mkdir -m 700 "$TMP/mine"
as_nobody ln -s "$TMP/mine" "$TMP/sticky/link"
expect_error harden_spool_link 1 "spool directory.*symbolic link is refused" \
	push_spool "$TMP/sticky/link"
check harden_spool_nothing_sent [ "$(fq 'len(reqs)')" = 0 ]
# Our own spool, still fine.
check harden_spool_ours push_spool "$TMP/mine/spool"
check harden_spool_ours_mode [ "$(stat -c '%U %a' "$TMP/mine/spool")" = "root 700" ]
fake_stop

# -- SIGHUP in continuous mode: the last window is still sent --
fake_start hup || { fail harden_record_server2 "fake server"; exit 0; }
"$EBPROF" -q record -F 199 -p "$wl" --push "$FAKE_URL" --app app \
	--interval 10s --spool-dir "$TMP/mine/spool2" & rp=$!
sleep 2
kill -HUP "$rp"
$T tail --pid="$rp" -f /dev/null
wait "$rp"
rc=$?
check harden_push_sighup_exit0 [ "$rc" -eq 0 ]
check harden_push_sighup_window_sent [ "$(fq 'len(ok)')" -ge 1 ]
fake_stop

# -- under nohup (SIGHUP ignored), a hang-up does not stop the recording --
s0=$(date +%s%N)
( trap '' HUP; exec "$EBPROF" -q record -p "$wl" -d 2.5 -o "$TMP/nohup.folded" ) & rp=$!
sleep 1
kill -HUP "$rp"
wait "$rp"
rc=$?
ms=$((($(date +%s%N) - s0) / 1000000))
check harden_nohup_keeps_recording [ "$rc" -eq 0 -a "$ms" -ge 2400 -a -s "$TMP/nohup.folded" ]

# -- SIGKILL while recording: no temporary file in the directory --
mkdir "$TMP/out"
"$EBPROF" -q record -p "$wl" -o "$TMP/out/k.folded" & rp=$!
sleep 1.5
kill -KILL "$rp"
wait "$rp" 2>/dev/null
check harden_sigkill_no_temp [ -z "$(ls -A "$TMP/out")" ]

# -- a closed stdout is an error before sampling, not a recording lost --
expect_error harden_record_stdout_closed 1 "standard output is closed" \
	sh -c "exec >&-; exec $T '$EBPROF' record -d 0.5 -o - -p $wl"

# -- a command killed by a signal is said, as perf does --
(
	ulimit -c 0
	$T "$EBPROF" record -o "$TMP/segv.folded" -- \
		sh -c "'$WL/cpusplit-fp' 0.5; kill -SEGV \$\$" 2>"$TMP/segv.err"
) && rc=0 || rc=$?
check harden_command_signal_exit0 [ "$rc" -eq 0 -a -s "$TMP/segv.folded" ]
check harden_command_signal_said \
	grep -q "the command was killed by signal 11 (Segmentation fault)" "$TMP/segv.err"

# -- secrets: not in our environ, not in the command's --
fake_start env || { fail harden_record_server3 "fake server"; exit 0; }
EBPROF_PUSH_TOKEN=tok-rec-55 "$EBPROF" -q record --push "$FAKE_URL" --app app \
	--spool-dir none -- sh -c "tr '\\0' '\\n' </proc/\$\$/environ >'$TMP/child.env'
		grep SigIgn /proc/\$\$/status >'$TMP/child.sig'; sleep 2" &
rp=$!
sleep 1.5
tr '\0' '\n' </proc/$rp/environ >"$TMP/ebprof.env" 2>/dev/null
$T tail --pid="$rp" -f /dev/null
wait "$rp"
if [ -s "$TMP/ebprof.env" ] && [ -s "$TMP/child.env" ] &&
	! grep -q tok-rec-55 "$TMP/ebprof.env" "$TMP/child.env"; then
	pass harden_record_token_not_in_environ
else
	fail harden_record_token_not_in_environ "$(grep -h EBPROF_PUSH "$TMP/ebprof.env" "$TMP/child.env")"
fi
# push ignores SIGPIPE (libcurl); the command gets it back.
ign=$(awk '{ print $2 }' "$TMP/child.sig" 2>/dev/null)
check harden_record_command_sigpipe [ -n "$ign" -a $((0x${ign:-1000} & 0x1000)) -eq 0 ]
kill "$wl" 2>/dev/null
wait "$wl" 2>/dev/null || true
