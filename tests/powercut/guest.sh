#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/powercut/run, started by tests/guest/runner
# (VFSBLK_GUEST_SCRIPT) with the scratch ext4 of the previous boot on
# /mnt/scratch and vfsblk loaded. Its output goes to serial 1, which the
# host reads.
#
#   guest.sh [--check ACKED] [--work] [--unsafe] [--nblocks NB]
#            [--direct-io on|off]
#
# --check: the previous boot was cut off while writing records: bind the
# backing file again, mount its ext4 (the journal recovers), check that
# the first ACKED records are there (pc-records check), unmount, run
# e2fsck -fn, and print
#   CHECK acked=A lost=L mount=0|1 e2fsck=RC
# (a filesystem that does not mount loses every record).
# --work: a new backing file and ext4 on a vfsblk device with buffered
# backing I/O (--direct-io off, the default) or direct I/O (on), then
# records appended and overwritten in a file, each
# fdatasync'ed and then acknowledged with an "ACK SEQ" line, until the
# host kills QEMU (after 600 s: "WORKLOAD-END"). --unsafe sets the module
# parameter unsafe_skip_flush first (the negative control).

set -euo pipefail

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

check="" work=0 unsafe=0 nblocks=512 dio=off
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check=$2; shift 2 ;;
	--work) work=1; shift ;;
	--unsafe) unsafe=1; shift ;;
	--nblocks) nblocks=$2; shift 2 ;;
	--direct-io) dio=$2; shift 2 ;;
	*) echo "guest.sh: unknown argument $1"; exit 2 ;;
	esac
done

DIR=/mnt/scratch/powercut
BACKING=$DIR/backing
MNT=/mnt/vfs
mkdir -p "$DIR" "$MNT"

# add_dev MODE: bind the backing file with --direct-io=MODE; sets dev to
# its node (waited for at most 60 s), or exits with why it failed.
add_dev() {
	dev=$(vfsblk_add -t 60 --direct-io="$1" "$BACKING") ||
		{ echo "$dev"; exit 1; }
}

if [ -n "$check" ]; then
	[ -f "$BACKING" ] || { echo "CHECK-ERROR no backing file $BACKING"; exit 1; }
	add_dev off
	mounted=0 lost=$check fsck=0
	if mount -t ext4 "$dev" "$MNT"; then
		mounted=1
		if [ -f "$MNT/records" ]; then
			out=$("$VFSBLK_BIN/pc-records" check --nblocks "$nblocks" \
				--acked "$check" "$MNT/records") || true
			printf '%s\n' "$out" | head -n 5
			lost=$(grep -o 'lost=[0-9]*' <<<"$out" | cut -d= -f2)
			[ -n "$lost" ] || { echo "CHECK-ERROR pc-records: $out"; exit 1; }
		elif [ "$check" = 0 ]; then
			lost=0
		fi
		umount "$MNT"
	fi
	e2fsck -fn "$dev" >/tmp/e2fsck.log 2>&1 || fsck=$?
	[ "$fsck" = 0 ] || head -n 20 /tmp/e2fsck.log
	"$VFSBLKCTL" remove "$dev" >/dev/null
	echo "CHECK acked=$check lost=$lost mount=$mounted e2fsck=$fsck"
fi

if [ "$work" = 1 ]; then
	rm -f "$BACKING"
	fallocate -l 64M "$BACKING"
	sync
	add_dev "$dio"
	want=0
	[ "$dio" = off ] || want=1
	[ "$(sys_dio "$dev")" = "$want" ] || {
		echo "WORKLOAD-ERROR --direct-io=$dio not in effect on $dev"
		exit 1
	}
	mkfs.ext4 -q -F "$dev"
	mount -t ext4 "$dev" "$MNT"
	if [ "$unsafe" = 1 ]; then
		echo 1 >/sys/module/vfsblk/parameters/unsafe_skip_flush
	fi
	echo "WORKLOAD unsafe=$unsafe dio=$dio nblocks=$nblocks dev=$dev"
	"$VFSBLK_BIN/pc-records" write --sync-each --nblocks "$nblocks" \
		--seconds 600 "$MNT/records"
	echo "WORKLOAD-END"
	echo 0 >/sys/module/vfsblk/parameters/unsafe_skip_flush
	umount "$MNT"
	vfs_reset
fi
exit 0
