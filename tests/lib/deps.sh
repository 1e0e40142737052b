#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that building, linting and the VM tests need,
# when missing. Safe to run again: it does nothing when all are present.

set -euo pipefail

PKGS="qemu-system-x86 busybox-static kmod e2fsprogs fio util-linux cpio
xz-utils build-essential bc flex bison libelf-dev dwarves sparse
linux-source-6.1 perl libsmartcols-dev pkg-config gcc make
fdisk dosfstools python3 jq gnuplot-nox dmsetup btrfs-progs"

missing=()
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "# installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -o APT::Sandbox::User=root "$@"; }
if ! apt_get install -y -q --no-install-recommends "${missing[@]}" \
	>/dev/null 2>&1; then
	apt_get update -q >/dev/null ||
		{ echo "deps.sh: apt-get update failed" >&2; exit 1; }
	apt_get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		{ echo "deps.sh: apt-get install failed: ${missing[*]}" >&2; exit 1; }
fi
