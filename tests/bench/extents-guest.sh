#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/bench/extents, run by tests/guest/runner (script
# mode, the bench kernel command line). Everything it prints goes to the
# host.
#
#   extents-guest.sh ROUNDS
#
# On ext4 on a brd RAM disk, for each target in turn: a new 1 GiB file
# written whole (dd oflag=direct), the caches dropped (drop_caches 3: the
# file's entries in ext4's extent status cache go, the blocks of its
# extent tree stay in the buffer cache), then three runs of 5 s in a row
# of the job psync-randread-4k-x4 of tests/bench/jobs.fio. Targets:
# vfsblk-ro-dio (add --read-only --direct-io=on: no SEEK_HOLE at ADD),
# loop-ro-dio (losetup -r --direct-io=on) and file (fio on the file
# itself), interleaved A B C, C B A, ... For each run one line
#   RUN TARGET ROUND WINDOW IOPS LOOKUPS MISSES
# (WINDOW 1 to 3; LOOKUPS and MISSES: the run's lookups in the extent
# status cache of the RAM disk's filesystem, and those that missed).

set -euo pipefail
{

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

: "${VFSBLKCTL:?}" "${KROOT:?}"
ROUNDS=${1:?usage: extents-guest.sh ROUNDS}
MNT=/mnt/extents-ram
FILE=$MNT/backing
JOB=psync-randread-4k-x4
JOBFILE=$VFSBLK_TREE/tests/bench/jobs.fio
TARGETS="vfsblk-ro-dio loop-ro-dio file"
WORK=$(mktemp -d /tmp/extents.XXXXXX)

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	ram_bench_down "$MNT"
	rm -rf "$WORK"
}
trap cleanup EXIT

kmodprobe loop
ram_ext4_up 1280 "$MNT"
echo "# kernel $(uname -r), $ROUNDS round(s)"

target_path() { # TARGET: prints the path fio runs on
	case "$1" in
	vfsblk-ro-dio)	vfsblk_add --read-only --direct-io=on "$FILE" ;;
	loop-ro-dio)	losetup -r --direct-io=on -f --show "$FILE" ;;
	file)		echo "$FILE" ;;
	esac
}

for ((round = 1; round <= ROUNDS; round++)); do
	order=$TARGETS
	((round % 2)) || order=$(tr ' ' '\n' <<<"$TARGETS" | tac | tr '\n' ' ')
	for t in $order; do
		rm -f "$FILE"
		dd if=/dev/zero of="$FILE" bs=1M count=1024 oflag=direct \
			conv=fsync status=none
		sync
		echo 3 >/proc/sys/vm/drop_caches
		path=$(target_path "$t") || { echo "$path"; exit 1; }
		for w in 1 2 3; do
			read -r h0 m0 <<<"$(ext4_es_lookups ram0)"
			BENCH_FILE=$path BENCH_RUNTIME=5s BENCH_RAMP=0 \
				fio --section="$JOB" --output-format=json \
				--eta=never --output="$WORK/fio.json" "$JOBFILE"
			read -r h1 m1 <<<"$(ext4_es_lookups ram0)"
			printf 'RUN %s %d %d %.0f %d %d\n' "$t" "$round" "$w" \
				"$(jq '[.jobs[] | .read.iops] | add' "$WORK/fio.json")" \
				$((h1 + m1 - h0 - m0)) $((m1 - m0))
		done
		case "$t" in
		vfsblk-ro-dio)	"$VFSBLKCTL" remove "$path" >/dev/null ;;
		loop-ro-dio)	losetup -d "$path" ;;
		esac
	done
done
exit 0
}
