#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks, on every supported guest kernel: the module builds with
# W=1 and sparse (C=2) without a warning, checkpatch (from Debian's
# linux-source-6.1) and kernel-doc have nothing to say, and the tool
# builds warning-free.

set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${VFSBLK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfsblk}
fail=0

tests/lib/deps.sh

# checkpatch and kernel-doc, extracted once from the linux-source tarball.
scripts=$CACHE/linux-scripts-6.1
if [ ! -x "$scripts/scripts/checkpatch.pl" ]; then
	mkdir -p "$scripts"
	tar -xf /usr/src/linux-source-6.1.tar.xz -C "$scripts" \
		--strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/scripts/kernel-doc \
		linux-source-6.1/.clang-format
fi

src=(drivers/block/vfsblk/*.[ch] include/uapi/linux/vfsblk.h)

for series in 6.1 6.12; do
	rel=$(tests/lib/kernels.sh resolve "$series")
	# Without objects every file is compiled, so W=1 warnings show; C=2
	# has sparse check every file in the same build.
	rm -f "build/$rel"/drivers/block/vfsblk/*.o
	rc=0
	log=$(make -s kmod KREL="$rel" C=2 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then
		echo "$log" >&2
		echo "lint: $rel: the module does not build" >&2
		fail=1
	elif grep -E "warning:|error:" <<<"$log"; then
		echo "lint: $rel: W=1 C=2 build is not clean" >&2
		fail=1
	else
		echo "lint: $rel: W=1 and sparse clean"
	fi
done

if ! "$scripts/scripts/checkpatch.pl" --no-tree --strict -q -f "${src[@]}"; then
	echo "lint: checkpatch has remarks" >&2
	fail=1
else
	echo "lint: checkpatch clean"
fi

kdoc=$(KBUILD_EXTRA_WARN=2 "$scripts/scripts/kernel-doc" -none "${src[@]}" 2>&1)
if [ -n "$kdoc" ]; then
	echo "$kdoc" >&2
	echo "lint: kernel-doc has remarks" >&2
	fail=1
else
	echo "lint: kernel-doc clean"
fi

exit $fail
