#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve and fetch Debian guest kernels into a cache directory, without
# installing them on the host (no /boot, no boot loader, no initramfs).
#
#   kernels.sh resolve 6.1|6.12     print the full kernel release
#   kernels.sh fetch RELEASE        unpack image, modules and headers
#   kernels.sh root RELEASE         print the cache root of a release
#
# Layout of a fetched release, under $VFSBLK_CACHE/kernels/RELEASE:
#   boot/vmlinuz-RELEASE, lib/modules/RELEASE/, usr/src/linux-headers-*,
#   and "build" -> the headers' build tree, usable as KDIR.

set -euo pipefail

CACHE=${VFSBLK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfsblk}

die() { echo "kernels.sh: $*" >&2; exit 1; }

need_lists() {
	if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
		apt-get -o APT::Sandbox::User=root update -q >/dev/null
	fi
}

# The packages ship no modules.dep (postinst makes it): build it in the
# cache so that modprobe -d works there.
depmod_root() {
	local rel=$1 root=$CACHE/kernels/$1
	if [ ! -s "$root/lib/modules/$rel/modules.dep" ]; then
		depmod -b "$root" "$rel" || die "depmod failed in $root"
	fi
}

resolve() {
	need_lists
	case "$1" in
	6.1)
		apt-cache depends linux-image-amd64 |
			sed -n 's/.*Depends: linux-image-\(6\.1\.[^ ]*-amd64\)$/\1/p' |
			head -n1
		;;
	6.12)
		apt-cache search --names-only \
			'^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
			sed -n 's/^linux-headers-\([^ ]*\) .*/\1/p' |
			sort -V | tail -n1
		;;
	6.*)	echo "$1" ;;
	*)	die "unknown kernel series '$1' (want 6.1 or 6.12)" ;;
	esac
}

fetch() {
	local rel=$1 root=$CACHE/kernels/$1 tmp pkgs p flavourless common
	if [ -e "$root/.complete" ]; then
		depmod_root "$rel"
		echo "$root"
		return
	fi
	need_lists
	flavourless=${rel%-amd64}
	common=linux-headers-$flavourless-common
	pkgs="linux-image-$rel-unsigned linux-headers-$rel $common"
	# The kbuild package name differs between series: ask apt.
	pkgs="$pkgs $(apt-cache depends "linux-headers-$rel" |
		sed -n 's/.*Depends: \(linux-kbuild-[^ ]*\)$/\1/p' | head -n1)"
	tmp=$(mktemp -d "$CACHE/dl.XXXXXX" 2>/dev/null ||
		{ mkdir -p "$CACHE"; mktemp -d "$CACHE/dl.XXXXXX"; })
	rm -rf "$root"
	mkdir -p "$root"
	# shellcheck disable=SC2086 # $pkgs is a list of package names
	(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q $pkgs >/dev/null) ||
		die "apt-get download failed for: $pkgs"
	for p in "$tmp"/*.deb; do
		dpkg -x "$p" "$root"
	done
	rm -rf "$tmp"
	# The headers' Makefile includes the common tree by absolute path:
	# point it into the cache.
	sed -i "s|/usr/src/$common|$root/usr/src/$common|g" \
		"$root/usr/src/linux-headers-$rel/Makefile"
	ln -sfn "usr/src/linux-headers-$rel" "$root/build"
	[ -e "$root/boot/vmlinuz-$rel" ] || die "no kernel image in $root"
	depmod_root "$rel"
	touch "$root/.complete"
	echo "$root"
}

case "${1:-}" in
resolve)	[ $# -eq 2 ] || die "usage: $0 resolve SERIES"; resolve "$2" ;;
fetch)		[ $# -eq 2 ] || die "usage: $0 fetch RELEASE"; fetch "$2" ;;
root)		[ $# -eq 2 ] || die "usage: $0 root RELEASE"
		echo "$CACHE/kernels/$2" ;;
*)		die "usage: $0 resolve|fetch|root ARG" ;;
esac
