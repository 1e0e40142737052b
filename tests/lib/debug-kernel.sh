#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernels of `make check-debug`: Debian's linux-source-6.1 or
# linux-source-6.12, `make tinyconfig` plus tests/debug-kernel.config
# (KASAN, lockdep, might_sleep checks, kmemleak, fault injection;
# everything the tests load built in), built once and cached.
#
#   debug-kernel.sh build [6.1|6.12]    build when not cached, print the
#                                       cache root
#   debug-kernel.sh release [6.1|6.12]  print the kernel release (uname -r)
#   debug-kernel.sh root [6.1|6.12]     print the cache root (built or not)
#
# The series defaults to 6.1. The cache root,
# $VFSBLK_CACHE/debug-kernel/<source version>-<hash>/, where <hash> covers
# the config fragment, the build steps of this script and the compiler,
# has the layout of tests/lib/kernels.sh's kernels: boot/vmlinuz-RELEASE,
# lib/modules/RELEASE/ (modules.builtin, so that modprobe -d succeeds for
# built-in modules) and "build", the kernel's object tree (.config,
# Module.symvers, modules_prepare done), usable as KDIR for out-of-tree
# modules. The release is 6.1.N-vfsblk-debug-<hash> (6.12.N-... for
# 6.12), so that build/RELEASE of `make kmod` never mixes two
# configurations.
#
# The source comes from the linux-source-<series> package (installed with
# apt when missing), whose tarball in /usr/src is unpacked once per
# package version under $VFSBLK_CACHE/debug-kernel/src/. VFSBLK_DEBUG_SRC
# names an unpacked tree to use instead (only read: the objects go to the
# cache), whatever the series. VFSBLK_DEBUG_JOBS: parallel make jobs
# (default: the number of CPUs).

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TREE=$(cd "$HERE/../.." && pwd)
CACHE=${VFSBLK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfsblk}
FRAGMENT=$TREE/tests/debug-kernel.config
SERIES=${2:-6.1}
case "$SERIES" in
6.1|6.12) ;;
*) echo "debug-kernel.sh: unknown series '$SERIES' (want 6.1 or 6.12)" >&2
   exit 2 ;;
esac
PKG=linux-source-$SERIES
JOBS=${VFSBLK_DEBUG_JOBS:-$(nproc)}

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }

apt_get() { apt-get -o APT::Sandbox::User=root "$@"; }

pkg_version() {
	dpkg-query -W -f='${Status} ${Version}\n' "$PKG" 2>/dev/null |
		sed -n 's/^install ok installed //p'
}

ensure_package() {
	[ -z "${VFSBLK_DEBUG_SRC:-}" ] || return 0
	[ -z "$(pkg_version)" ] || return 0
	echo "debug-kernel.sh: installing $PKG" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt_get install -y -q --no-install-recommends "$PKG" \
		>/dev/null 2>&1; then
		apt_get update -q >/dev/null || die "apt-get update failed"
		apt_get install -y -q --no-install-recommends "$PKG" \
			>/dev/null || die "cannot install $PKG"
	fi
}

# Source version: the package's, or the Makefile's of VFSBLK_DEBUG_SRC.
src_version() {
	local src=${VFSBLK_DEBUG_SRC:-}
	if [ -n "$src" ]; then
		[ -f "$src/Makefile" ] ||
			die "VFSBLK_DEBUG_SRC=$src is no kernel tree"
		make -s -C "$src" kernelversion 2>/dev/null ||
			die "cannot read the version of $src"
	else
		pkg_version
	fi
}

hash() {
	{ cat "$FRAGMENT"; sed -n '/^# BUILD-BEGIN/,/^# BUILD-END/p' "$0";
	  gcc --version | head -n1; } | sha256sum | cut -c1-8
}

root_dir() { echo "$CACHE/debug-kernel/$(src_version)-$(hash)"; }

# SERIES.N-vfsblk-debug-HASH, from the source version (6.1.N-D,
# 6.12.N-D~deb12uM).
release() {
	local ver
	ver=$(src_version)
	echo "${ver%%-*}-vfsblk-debug-$(hash)"
}

# Unpack the package's tarball once per version; print the tree.
source_tree() {
	local ver dir tarball tmp
	if [ -n "${VFSBLK_DEBUG_SRC:-}" ]; then
		echo "$VFSBLK_DEBUG_SRC"
		return
	fi
	ver=$(pkg_version)
	dir=$CACHE/debug-kernel/src/$PKG-$ver
	if [ ! -e "$dir/.complete" ]; then
		tarball=/usr/src/$PKG.tar.xz
		[ -f "$tarball" ] || die "no $tarball (package $PKG $ver)"
		echo "debug-kernel.sh: unpacking $tarball" >&2
		rm -rf "$dir"
		mkdir -p "$CACHE/debug-kernel/src"
		tmp=$(mktemp -d "$CACHE/debug-kernel/src/tmp.XXXXXX")
		tar -C "$tmp" -xJf "$tarball" || die "cannot unpack $tarball"
		[ -f "$tmp/$PKG/Makefile" ] || die "no $PKG/Makefile in $tarball"
		mv "$tmp/$PKG" "$dir"
		rmdir "$tmp"
		touch "$dir/.complete"
	fi
	echo "$dir"
}

# BUILD-BEGIN (part of the cache key)
# tinyconfig, the fragment and the release suffix; then check that every
# option of the fragment has the value asked for.
configure() {
	local src=$1 obj=$2 rel=$3 line opt val got bad=()
	make -s -C "$src" O="$obj" tinyconfig >/dev/null
	printf 'CONFIG_LOCALVERSION="-%s"\n# CONFIG_LOCALVERSION_AUTO is not set\n' \
		"${rel#*-}" >"$obj/release.config"
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
		.config "$FRAGMENT" release.config >/dev/null)
	make -s -C "$src" O="$obj" olddefconfig >/dev/null
	while read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		opt=${line%%=*}
		val=${line#*=}
		got=$(sed -n "s/^$opt=//p" "$obj/.config")
		if [ "$val" = n ]; then
			[ -z "$got" ] || bad+=("$opt=$got (want n)")
		elif [ "$got" != "$val" ]; then
			bad+=("$opt=${got:-n} (want $val)")
		fi
	done <"$FRAGMENT"
	[ ${#bad[@]} -eq 0 ] ||
		die "options of $FRAGMENT not taken: ${bad[*]}"
	grep -qx "CONFIG_LOCALVERSION=\"-${rel#*-}\"" "$obj/.config" ||
		die "CONFIG_LOCALVERSION not taken"
}

# Built in place (an object tree cannot move); .complete marks the end.
build() {
	local dir src obj rel start
	dir=$(root_dir)
	rel=$(release)
	src=$(source_tree)
	obj=$dir/obj
	rm -rf "$dir"
	mkdir -p "$dir/boot" "$obj"
	start=$(date +%s)
	echo "debug-kernel.sh: building $rel in $dir" >&2
	configure "$src" "$obj" "$rel"
	{
		make -C "$src" O="$obj" -j"$JOBS" bzImage modules &&
		make -C "$src" O="$obj" modules_prepare &&
		make -C "$src" O="$obj" INSTALL_MOD_PATH="$dir" \
			INSTALL_MOD_STRIP=1 modules_install
	} >"$dir/build.log" 2>&1 ||
		{ tail -n 40 "$dir/build.log" >&2;
		  die "kernel build failed (log: $dir/build.log)"; }
	[ -s "$obj/Module.symvers" ] || die "no Module.symvers in $obj"
	[ "$(cat "$obj/include/config/kernel.release")" = "$rel" ] ||
		die "built $(cat "$obj/include/config/kernel.release"), not $rel"
	cp "$obj/arch/x86/boot/bzImage" "$dir/boot/vmlinuz-$rel"
	cp "$obj/.config" "$dir/boot/config-$rel"
	depmod -b "$dir" "$rel" || die "depmod failed"
	ln -sfn obj "$dir/build"
	echo "$(($(date +%s) - start))" >"$dir/build-seconds"
	touch "$dir/.complete"
	echo "debug-kernel.sh: built $rel in $(cat "$dir/build-seconds")s" >&2
}
# BUILD-END

case "${1:-}" in
build)
	[ -f "$FRAGMENT" ] || die "no $FRAGMENT"
	ensure_package
	mkdir -p "$CACHE/debug-kernel"
	exec 8>"$CACHE/debug-kernel/.lock"
	flock 8
	[ -e "$(root_dir)/.complete" ] || build
	root_dir ;;
release) ensure_package; release ;;
root)	ensure_package; root_dir ;;
*)	die "usage: $0 build|release|root [6.1|6.12]" ;;
esac
