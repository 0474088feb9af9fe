#!/usr/bin/env bash
# Containers, pods and systemd units.  No container runtime here, so the
# test makes containers the way runtimes do: a cgroup v2 directory named as
# Docker (systemd driver), containerd under a Kubernetes pod and systemd
# name theirs, the workload in new PID and mount namespaces, and, for names,
# a stand-in Docker API on a unix socket (tests/helpers/docker_api.py).
# Checked: every sample of the two Docker containers under the right one,
# their split against their cgroups' CPU time, --container NAME and id,
# pprof labels (read by go tool pprof), a cgroup removed and a process gone
# before the end, a v1-only container on this hybrid host, a pure v2 mount,
# a slow daemon and an untrusted socket.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/pyroscope/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "containers" "needs root to load BPF programs"
	exit 0
fi
U=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$U" ]; then
	fail "containers" "no cgroup v2 hierarchy mounted"
	exit 0
fi
BASE=$U/ebprof-ct-$$.slice
V1=/sys/fs/cgroup/pids/ebprof-ct-$$
hex64() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
A=$(hex64) B=$(hex64) K=$(hex64) R=$(hex64) E=$(hex64) F=$(hex64)
POD=$(cat /proc/sys/kernel/random/uuid)
UNIT=ebprof-ct-$$.service
CG_A=$BASE/docker-$A.scope
CG_B=$BASE/docker-$B.scope
CG_K=$BASE/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD//-/_}.slice/cri-containerd-$K.scope
CG_U=$BASE/$UNIT
CG_R=$BASE/docker-$R.scope
CG_E=$BASE/docker-$E.scope
pids=()
api=

cleanup() {
	local p d
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$api" ] && kill "$api" 2>/dev/null
	fake_stop_all
	wait 2>/dev/null
	# Deepest first; a cgroup empties once its tasks are reaped.
	for d in $(find "$BASE" "$V1" -depth -type d 2>/dev/null); do
		rmdir "$d" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

cat >"$TMP/containers.json" <<EOF
[{"Id": "$A", "Name": "/shop-web-1", "Labels": {"com.docker.compose.service": "web", "com.docker.compose.project": "shop"}},
 {"Id": "$B", "Name": "/shop-db-1", "Labels": {"com.docker.compose.service": "db", "com.docker.compose.project": "shop"}},
 {"Id": "$R", "Name": "/removed", "Labels": {}},
 {"Id": "$E", "Name": "/early", "Labels": {}}]
EOF
# start_api SOCKET [ARGS]: the stand-in, ready when it says so.
start_api() {
	local sock=$1; shift
	python3 "$ROOT/tests/helpers/docker_api.py" "$sock" "$TMP/containers.json" "$@" \
		>"$TMP/api.out" 2>&1 &
	api=$!
	for _ in $(seq 50); do
		grep -q ready "$TMP/api.out" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# start CGROUP CMD...: CMD in that cgroup in new PID and mount namespaces.
start() {
	local cg=$1; shift
	mkdir -p "$cg"
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec unshare --pid --mount --fork "$@"' \
		_ "$cg" "$@" &
	pids+=($!)
	last=$!
}
# host pids of cgroup $1 once its workload runs there (unshare and its
# child at least; forking into new namespaces is slow on a busy machine)
workers() {
	local i
	for i in $(seq 100); do
		[ "$(wc -l <"$1/cgroup.procs")" -ge "${2:-2}" ] && break
		sleep 0.03
	done
	cat "$1/cgroup.procs"
}
usage() { awk '$1 == "usage_usec" { print $2 }' "$1/cpu.stat"; }

start_api "$TMP/docker.sock" --log "$TMP/api.log" || fail "containers: stand-in Docker API" "$(cat "$TMP/api.out")"
export DOCKER_HOST=unix://$TMP/docker.sock

# --- two Docker containers, same binary: web runs two processes, db one;
# a containerd container under a burstable pod; a systemd unit; a container
# whose cgroup is removed before the end; one whose process exits early.
timeout 120 "$EBPROF" -q record -a -F 999 -d 6 --per-container --per-pid \
	-o "$TMP/all.folded" 2>"$TMP/all.err" & rec=$!
timeout 120 "$EBPROF" -q record -a -F 999 -d 6 -o "$TMP/all.pb.gz" 2>"$TMP/pb.err" & recpb=$!
sleep 1.5
start "$CG_R" "$WL/cpusplit-fp" 0.8; pr=$last
wr=$(workers "$CG_R")
start "$CG_E" "$WL/cpusplit-fp" 0.6; pe=$last
we=$(workers "$CG_E")
start "$CG_A" sh -c "$WL/cpusplit-fp 2.5 & $WL/cpusplit-fp 2.5; wait"; pa=$last
start "$CG_B" "$WL/cpusplit-fp" 2.5; pb=$last
start "$CG_K" "$WL/cpusplit-fp" 1.5; pk=$last
start "$CG_U" "$WL/cpusplit-fp" 1.5; pu=$last
sleep 0.2
wa=$(workers "$CG_A" 4) wb=$(workers "$CG_B") wk=$(workers "$CG_K") wu=$(workers "$CG_U")
wait "$pr"
sleep 0.2
rmdir "$CG_R" && removed=1 || removed=0
wait "$pa" "$pb" "$pk" "$pu" "$pe"
ua=$(usage "$CG_A") ub=$(usage "$CG_B")
wait "$rec" || fail "containers: record --per-container" "exit $?: $(cat "$TMP/all.err")"
wait "$recpb" || fail "containers: record pprof" "exit $?: $(cat "$TMP/pb.err")"

# root;comm-PID;...: the container each of our processes was seen in
roots() {
	local p
	for p in $2; do
		awk -v p="cpusplit-fp-$p" '{ split($1, f, ";"); if (f[2] == p) { n[f[1]] += $NF } }
			END { for (r in n) print r, n[r] }' "$1"
	done | awk '{ n[$1] += $2 } END { for (r in n) print r, n[r] }'
}
ra=$(roots "$TMP/all.folded" "$wa") rb=$(roots "$TMP/all.folded" "$wb")
if [ "$(echo "$wa" | wc -w)" -ge 2 ] && [ "$(echo "$ra" | wc -l)" -eq 1 ] &&
   [ "${ra%% *}" = shop-web-1 ] && [ "$(echo "$rb" | wc -l)" -eq 1 ] &&
   [ "${rb%% *}" = shop-db-1 ] && [ "${ra##* }" -ge 100 ] && [ "${rb##* }" -ge 50 ]; then
	pass "containers: 100% of each container's samples under its name"
else
	fail "containers: attribution" "web: $ra ($wa); db: $rb ($wb)"
fi
sa=${ra##* } sb=${rb##* }
got=$(awk -v a="$sa" -v b="$sb" 'BEGIN { printf "%.1f", 100 * a / (a + b) }')
want=$(awk -v a="$ua" -v b="$ub" 'BEGIN { printf "%.1f", 100 * a / (a + b) }')
if near "$got" "$want" 5; then
	pass "containers: split web/db $got% of samples, $want% of CPU time (±5)"
else
	fail "containers: split" "web has $got% of the samples, $want% of the CPU time"
fi
echo "# split: web $got% of samples ($sa), $want% of cgroup CPU time; db $sb samples"
rk=$(roots "$TMP/all.folded" "$wk") ru=$(roots "$TMP/all.folded" "$wu")
rr=$(roots "$TMP/all.folded" "$wr") re=$(roots "$TMP/all.folded" "$we")
# want_root NAME ROOTS EXPECTED: all of a workload's samples under EXPECTED
want_root() {
	if [ -n "$2" ] && [ "$(echo "$2" | wc -l)" -eq 1 ] && [ "${2%% *}" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "want $3, got: $(echo "$2" | tr '\n' ' ')"
	fi
}
echo "# workers: web $wa db $wb pod $wk unit $wu removed $wr early $we" | tr '\n' ' '; echo
want_root "containers: containerd container under a pod: short id (no Docker name)" "$rk" "${K:0:12}"
want_root "containers: systemd unit is host" "$ru" "[host]"
want_root "containers: cgroup removed before the end" "$rr" removed
check "containers: the removed cgroup is gone" test "$removed" = 1
want_root "containers: process exited early" "$re" early
# Two recordings ran: each asked the API version once, then once for each
# of the five containers, in the version the daemon speaks.
q=$(sort "$TMP/api.log" | uniq -c | awk '{ print $1 }' | sort -u | tr '\n' ' ')
check "containers: one Docker API query per container and recording" \
	test "$q" = "2 " -a "$(grep -c '^/v1\.52/containers/' "$TMP/api.log")" -eq 10 \
	-a "$(grep -c '^/version$' "$TMP/api.log")" -eq 2

# --- pprof labels, read by go tool pprof
if command -v go >/dev/null; then
	# "key: Total N" then "N (P%): value" lines -> key=value
	tags=$(timeout 120 go tool pprof -tags "$TMP/all.pb.gz" 2>&1 |
		awk '/^ *[^ ]+: Total/ { k = $1; sub(/:$/, "", k); next }
		     /%\): / { sub(/^.*%\): /, ""); print k "=" $0 }')
	miss=""
	for t in "container_id=$A" container_name=shop-web-1 container_name=shop-db-1 \
		 service_name=web service_name=db compose_project=shop "pod_uid=$POD" \
		 pod_qos=burstable "container_name=${K:0:12}" "service_name=${K:0:12}" \
		 "systemd_unit=$UNIT" "service_name=$UNIT" \
		 "cgroup=/ebprof-ct-$$.slice/docker-$A.scope" container_pid=1; do
		echo "$tags" | grep -qxF -- "$t" || miss="$miss '$t'"
	done
	if [ -z "$miss" ]; then
		pass "containers: pprof labels (go tool pprof -tags)"
	else
		fail "containers: pprof labels" "missing$miss"
	fi
else
	fail "containers: pprof labels" "go tool pprof missing"
fi

# --- report over such a recording: --sort container, --container
"$EBPROF" report --sort container -n 100 "$TMP/all.pb.gz" >"$TMP/rep.txt" 2>&1
if grep -Eq ' shop-web-1$' "$TMP/rep.txt" && grep -Eq ' shop-db-1$' "$TMP/rep.txt" &&
   grep -Eq " ${K:0:12}\$" "$TMP/rep.txt" && grep -Eq ' \[host\]$' "$TMP/rep.txt"; then
	pass "containers: report --sort container"
else
	fail "containers: report --sort container" "$(head -c 400 "$TMP/rep.txt")"
fi
"$EBPROF" report --container "shop-db-1,${K:0:6}" --sort container,comm -F json \
	"$TMP/all.pb.gz" >"$TMP/rep.json" 2>&1
got=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted({r["container"] for r in d["rows"]})))' "$TMP/rep.json" 2>&1)
check "containers: report --container NAME,ID-PREFIX ($got)" test "$got" = "${K:0:12} shop-db-1"

# --- record --container NAME / ID prefix: only that container
start "$CG_A" "$WL/cpusplit-fp" 20; pa=$last
start "$CG_B" "$WL/cpusplit-fp" 20; pb=$last
sleep 0.2
timeout 30 "$EBPROF" -q record --container shop-db-1 -F 499 -d 1.5 --per-container \
	-o "$TMP/db.folded" 2>"$TMP/db.err"
if [ "$(total "$TMP/db.folded")" -ge 20 ] && ! grep -qv '^shop-db-1;cpusplit-fp;' "$TMP/db.folded"; then
	pass "containers: --container NAME keeps only that container"
else
	fail "containers: --container NAME" "$(cut -d';' -f1-2 "$TMP/db.folded" | sort | uniq -c | head -5) $(cat "$TMP/db.err")"
fi
DOCKER_HOST=unix://$TMP/none.sock timeout 30 "$EBPROF" -v record --container "${A:0:8}" \
	-F 499 -d 1.5 --per-container -o "$TMP/id.folded" 2>"$TMP/id.err"
if [ "$(total "$TMP/id.folded")" -ge 20 ] && ! grep -qv "^${A:0:12};cpusplit-fp;" "$TMP/id.folded"; then
	pass "containers: --container ID-PREFIX without a daemon, short id as name"
	check "containers: --container of one cgroup filters in the kernel" \
		grep -q "container cgroup .*/docker-$A.scope\$" "$TMP/id.err"
else
	fail "containers: --container ID" "$(cut -d';' -f1-2 "$TMP/id.folded" | sort | uniq -c | head -5) $(cat "$TMP/id.err")"
fi
expect_error "containers: --container unknown name" 1 "no container 'nosuch-ct'.*knows no such" \
	timeout 30 "$EBPROF" record --container nosuch-ct -d 1

# --- continuous mode: one series per container, labelled as Alloy does
if fake_start ct; then
	timeout 30 "$EBPROF" -q record -a -F 199 --push "$FAKE_URL" --app ct --interval 1s \
		-d 2.5 --label-by container --spool-dir none 2>"$TMP/push.err"
	web=$(fq '[ r["labels"].get("container_name") for r in ok if r["labels"].get("container_id") == args[0] ]' "$A" | sort -u)
	lab=$(fq '[ ",".join("%s=%s" % kv for kv in sorted(r["labels"].items()) if kv[0] != "hostname") for r in ok if r["labels"].get("container_id") == args[0] ]' "$A" | sort -u)
	host=$(fq 'sum(1 for r in ok if "container_id" not in r["labels"] and r["labels"].get("service_name") is None)')
	stacks=$(fq 'sum(v for r in ok if r["labels"].get("service_name") == "db" for k, v in r["samples"].items() if "cpusplit-fp" in k or ";burn" in k)')
	if [ "$web" = shop-web-1 ] &&
	   [ "$lab" = "compose_project=shop,container_id=$A,container_name=shop-web-1,service_name=web" ] &&
	   [ "$host" -ge 1 ] && [ "$stacks" -ge 10 ]; then
		pass "containers: --push --label-by container: a series per container"
	else
		fail "containers: --push --label-by container" "web '$web' labels '$lab' host series $host db stacks $stacks $(head -c 300 "$TMP/push.err")"
	fi
	fake_stop
fi
if fake_start svc; then
	timeout 30 "$EBPROF" -q record -a -F 199 --push "$FAKE_URL" --app ct --interval 1s \
		-d 1.5 --label-by service --spool-dir none 2>"$TMP/push2.err"
	got=$(fq '[ ",".join(sorted(k for k in r["labels"] if k != "hostname")) + ":" + r["labels"].get("service_name", "-") for r in ok ]' | sort -u | grep -E ':(web|db)$' | tr '\n' ' ')
	check "containers: --push --label-by service ($got)" test "$got" = "service_name:db service_name:web "
	fake_stop
fi

# --- pure cgroup v2 layout: v1 unmounted, cgroup2 at /sys/fs/cgroup
timeout 30 unshare --mount --propagation private sh -c '
	umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup &&
	exec "$1" -q record -a -F 499 -d 1 --per-container -o "$2"' _ "$EBPROF" "$TMP/v2.folded" \
	2>"$TMP/v2.err"
if grep -q '^shop-web-1;cpusplit-fp;' "$TMP/v2.folded" && grep -q '^shop-db-1;cpusplit-fp;' "$TMP/v2.folded"; then
	pass "containers: pure cgroup v2 mount"
else
	fail "containers: pure cgroup v2 mount" "$(cut -d';' -f1 "$TMP/v2.folded" | sort | uniq -c | head -5) $(cat "$TMP/v2.err")"
fi
kill "$pa" "$pb" 2>/dev/null
wait "$pa" "$pb" 2>/dev/null

# --- hybrid host, runtime on v1 controllers only (cgroupfs driver)
if mkdir -p "$V1/docker/$F"; then
	sh -c 'echo $$ >"$1/cgroup.procs" && exec unshare --pid --mount --fork "$2" "$3"' \
		_ "$V1/docker/$F" "$WL/cpusplit-fp" 20 & pf=$!
	pids+=($pf)
	sleep 0.2
	wf=$(workers "$V1/docker/$F")
	timeout 30 "$EBPROF" -q record -a -F 499 -d 1.5 --per-container --per-pid \
		-o "$TMP/v1.folded" 2>"$TMP/v1.err"
	kill "$pf" 2>/dev/null; wait "$pf" 2>/dev/null
	rf=$(roots "$TMP/v1.folded" "$wf")
	want_root "containers: v1-only container on a hybrid host" "$rf" "${F:0:12}"
else
	fail "containers: v1-only container" "cannot create $V1/docker/$F"
fi

# --- a slow daemon never holds up the recording; an untrusted socket is
# not used
kill "$api"; wait "$api" 2>/dev/null
start_api "$TMP/slow.sock" --delay 20
start "$CG_A" "$WL/cpusplit-fp" 40; pa=$last
sleep 0.2
t0=$(date +%s.%N)
DOCKER_HOST=unix://$TMP/slow.sock timeout 30 "$EBPROF" -q record -a -F 499 -d 1 \
	--per-container -o "$TMP/slow.folded" 2>"$TMP/slow.err"
t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
if grep -q "^${A:0:12};cpusplit-fp;" "$TMP/slow.folded" && awk -v t="$t" 'BEGIN { exit !(t < 6) }'; then
	pass "containers: slow Docker API: short ids, recording took ${t}s"
else
	fail "containers: slow Docker API" "took ${t}s; $(cut -d';' -f1 "$TMP/slow.folded" | sort -u | head -3)"
fi
kill "$api"; wait "$api" 2>/dev/null
start_api "$TMP/nobody.sock"
chown nobody "$TMP/nobody.sock"
DOCKER_HOST=unix://$TMP/nobody.sock timeout 30 "$EBPROF" -q record -a -F 499 -d 1 \
	--per-container -o "$TMP/nobody.folded" 2>"$TMP/nobody.err"
if grep -q "^${A:0:12};cpusplit-fp;" "$TMP/nobody.folded" && ! grep -q '^shop-web-1;' "$TMP/nobody.folded"; then
	pass "containers: socket owned by another user is not trusted"
else
	fail "containers: untrusted socket" "$(cut -d';' -f1 "$TMP/nobody.folded" | sort -u | head -3)"
fi
# An older daemon (API 1.41 at most) is spoken to in its version.
kill "$api"; wait "$api" 2>/dev/null
start_api "$TMP/old.sock" --min-api 1.24 --max-api 1.41 --log "$TMP/old.log"
DOCKER_HOST=unix://$TMP/old.sock timeout 30 "$EBPROF" -q record -a -F 499 -d 1 \
	--per-container -o "$TMP/old.folded" 2>"$TMP/old.err"
if grep -q '^shop-web-1;cpusplit-fp;' "$TMP/old.folded" && grep -q "^/v1.41/containers/$A/json\$" "$TMP/old.log"; then
	pass "containers: API version negotiated with an older daemon"
else
	fail "containers: older daemon" "$(cut -d';' -f1 "$TMP/old.folded" | sort -u | head -3) $(cat "$TMP/old.log")"
fi

# A root-owned socket whose listener is not root: refused after connecting.
kill "$api"; wait "$api" 2>/dev/null
PD=$(mktemp -d /tmp/ebprof-ct-peer.XXXXXX)
cp "$ROOT/tests/helpers/docker_api.py" "$TMP/containers.json" "$PD/"
chmod 755 "$PD"; chown -R nobody "$PD"
runuser -u nobody -- python3 "$PD/docker_api.py" "$PD/peer.sock" "$PD/containers.json" \
	>"$TMP/peer.out" 2>&1 & api=$!
for _ in $(seq 50); do [ -S "$PD/peer.sock" ] && break; sleep 0.1; done
chown root "$PD/peer.sock"
DOCKER_HOST=unix://$PD/peer.sock timeout 30 "$EBPROF" -q record -a -F 499 -d 1 \
	--per-container -o "$TMP/peer.folded" 2>"$TMP/peer.err"
# (the stand-in does answer, to curl)
up=$(curl -s --max-time 5 --unix-socket "$PD/peer.sock" http://d/v1.52/containers/shop-web-1/json)
if [[ $up == *shop-web-1* ]] && grep -q "^${A:0:12};cpusplit-fp;" "$TMP/peer.folded" &&
   ! grep -q '^shop-web-1;' "$TMP/peer.folded"; then
	pass "containers: socket whose listener is not root is not trusted"
else
	fail "containers: untrusted listener" "answer '${up:0:80}'; $(cut -d';' -f1 "$TMP/peer.folded" | sort -u | head -3) $(cat "$TMP/peer.out")"
fi
kill "$api" 2>/dev/null; wait "$api" 2>/dev/null
rm -rf "$PD"
kill "$pa" 2>/dev/null; wait "$pa" 2>/dev/null
exit 0
