#!/usr/bin/env bash
# Benchmark of container attribution (issue 12): the user-space cost per
# sample of resolving its cgroup to an origin (one or two hash lookups once
# the cgroup and process are known), against the same recorder without it,
# measured in the same run, over 16 Docker-named cgroups made for the run.
# The BPF side is unchanged: the cgroup id was already read per sample.
# Needs root.  Usage: scripts/bench-containers.sh
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench-containers: needs root" >&2; exit 1; }
make -s build/tests/helpers/origin_bench >/dev/null
U=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
B=$U/ebprof-bench-$$.slice
trap 'rmdir "$B"/*/ "$B" 2>/dev/null' EXIT
for i in $(seq 16); do
	mkdir -p "$B/docker-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n').scope"
done
build/tests/helpers/origin_bench "${SAMPLES:-200000}" "${ROUNDS:-5}"
