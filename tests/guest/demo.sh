#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vfsblk walk-through, narrated: each command is printed ("# cmd")
# before it runs, followed by its output. Run by tests/guest/runner for
# `tests/run --demo` (`make demo`); its output goes to the user's terminal.

set -euo pipefail
PATH=$(dirname "$VFSBLKCTL"):$PATH
modprobe -d "$KROOT" ext4

say() { printf '\n== %s\n' "$*"; }
cmd() {
	printf '# %s\n' "$*"
	"$@" 2>&1
}

cd "$SCRATCH"
say "A 30 MiB file full of zeros"
cmd dd if=/dev/zero of=virtualfs bs=1M count=30
cmd ls -ls virtualfs

say "Make it a block device"
printf '# vfsblkctl add %s\n' "$SCRATCH/virtualfs"
dev=$(vfsblkctl add "$SCRATCH/virtualfs")
echo "$dev"
cmd vfsblkctl list
cmd ls -l "$dev"

say "Put an ext3 filesystem on it and mount it"
cmd mkfs -t ext3 -m 1 -v "$dev"
cmd mkdir -p /mnt/vfs
cmd mount -t ext3 "$dev" /mnt/vfs
printf "# echo 'hello world!' > /mnt/vfs/hello.txt\n"
echo 'hello world!' >/mnt/vfs/hello.txt
cmd cat /mnt/vfs/hello.txt
cmd df -h /mnt/vfs
cmd tune2fs -l "$dev"

say "Unmount it and remove the device"
cmd umount /mnt/vfs
cmd vfsblkctl remove "$dev"
cmd vfsblkctl list

say "A copy of the file is the same filesystem"
cmd cp virtualfs virtualfs.copy
printf '# vfsblkctl add %s\n' "$SCRATCH/virtualfs.copy"
dev=$(vfsblkctl add "$SCRATCH/virtualfs.copy")
echo "$dev"
cmd vfsblkctl info "$dev"
cmd mount "$dev" /mnt/vfs
cmd ls -l /mnt/vfs
cmd cat /mnt/vfs/hello.txt
[ "$(cat /mnt/vfs/hello.txt)" = 'hello world!' ]
cmd umount /mnt/vfs
cmd vfsblkctl remove "$dev"
say "Done"
