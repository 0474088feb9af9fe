#!/bin/sh
# Installs every Debian package that building, testing and the demo need.
# Idempotent: does nothing (and needs no network) when all are present;
# otherwise runs apt-get update once and installs what is missing.
set -e
PKGS="make gcc g++ clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev
libcapstone-dev libunwind-dev libiberty-dev libcurl4-openssl-dev
libjson-c-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler python3-protobuf
libzstd-dev liblzma-dev
libc6-dbg linux-perf libxml2-utils util-linux procps pkg-config
nodejs chromium openjdk-17-jdk-headless golang-go xz-utils libdebuginfod-dev
debuginfod elfutils libdw-dev curl iproute2
libncurses-dev tmux"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run as root: sudo $0" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
