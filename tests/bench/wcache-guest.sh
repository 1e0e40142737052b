#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/bench/wcache, run by tests/guest/runner (script
# mode, the bench kernel command line). Everything it prints goes to the
# host.
#
#   wcache-guest.sh ROUNDS
#
# On ext4 on a brd RAM disk, a backing file of MIB (512) MiB made afresh
# before every run, and a vfsblk device with direct I/O over it whose write
# cache mode its last close chose again. Two jobs, each on its own
# targets, interleaved A B C D, D C B A, ...:
#
# sync: 4k writes at QD1 with an fdatasync after each, for 4 s (the
#   benchmark's write-4k-fdatasync), on
#     file        the file itself, written whole;
#     whole       vfsblk added over the file written whole;
#     filled      vfsblk added over a sparse file, which dd then writes
#                 whole through the device;
#     filled-wb   the same, then "write back" written to the queue's
#                 write_cache, as a device with holes would stay.
# holes: 4k random writes at QD32 for 4 s over the whole file, on
#     file        the file itself, written whole, then its blocks freed
#                 (fallocate --punch-hole);
#     punched     vfsblk added over the file written whole, then the
#                 whole device discarded (blkdiscard), which punches the
#                 file's blocks;
#     punched-wt  the same, then "write through" written to the queue's
#                 write_cache, as a device kept open would stay.
#
# For each run one line
#   RUN JOB TARGET ROUND IOPS ADDED RAN
# (ADDED: the queue's write_cache after ADD, RAN: during the job, spaces
# as "_"; "-" for the file).

set -euo pipefail
{

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

: "${VFSBLKCTL:?}" "${KROOT:?}"
ROUNDS=${1:?usage: wcache-guest.sh ROUNDS}
MNT=/mnt/wcache-ram
FILE=$MNT/backing
MIB=512

trap 'ram_bench_down "$MNT"' EXIT

ram_ext4_up 1024 "$MNT"
echo "# kernel $(uname -r), $ROUNDS round(s)"

make_file() { # sparse|whole
	rm -f "$FILE" || return 1
	if [ "$1" = sparse ]; then
		truncate -s "${MIB}M" "$FILE"
	else
		dd if=/dev/zero of="$FILE" bs=1M count="$MIB" oflag=direct \
			conv=fsync status=none
	fi && sync
}

# setup TARGET: prepares the file and the device of TARGET and prints
# "PATH ADDED", PATH being what fio writes.
setup() {
	local dev added q
	case "$1" in
	file)	make_file whole || return 1
		[ "$job" = sync ] || fallocate --punch-hole --offset 0 \
			--length "${MIB}M" "$FILE" || return 1
		echo "$FILE -"
		return ;;
	filled*) make_file sparse || return 1 ;;
	*)	make_file whole || return 1 ;;
	esac
	dev=$(vfsblk_add --direct-io=on "$FILE") || { echo "$dev" >&2; return 1; }
	q=/sys/block/${dev##*/}/queue/write_cache
	added=$(qwc "$dev")
	# The last close of dd or blkdiscard chooses the mode again.
	case "$1" in
	filled*) dd if=/dev/zero of="$dev" bs=1M count="$MIB" oflag=direct \
			status=none ;;
	punched*) blkdiscard "$dev" ;;
	esac || return 1
	case "$1" in
	filled-wb) echo "write back" >"$q" ;;
	punched-wt) echo "write through" >"$q" ;;
	esac || return 1
	echo "$dev $added"
}

run_fio() { # PATH: prints write IOPS
	local -a o=(--name=w --filename="$1" --ioengine=libaio --direct=1
		--time_based --runtime=4 --size="${MIB}M" --output-format=json)
	case "$job" in
	sync) o+=(--rw=write --bs=4k --iodepth=1 --fdatasync=1) ;;
	holes) o+=(--rw=randwrite --bs=4k --iodepth=32
		--norandommap --randrepeat=0) ;;
	esac
	fio "${o[@]}" | jq '.jobs[0].write.iops'
}

for job in sync holes; do
	if [ "$job" = sync ]; then
		targets="file whole filled filled-wb"
	else
		targets="file punched punched-wt"
	fi
	for ((r = 1; r <= ROUNDS; r++)); do
		order=$targets
		((r % 2)) || order=$(tr ' ' '\n' <<<"$targets" | tac)
		for t in $order; do
			out=$(setup "$t")
			read -r path added <<<"$out"
			ran=-
			[ "$t" = file ] || ran=$(qwc "$path")
			iops=$(run_fio "$path")
			[ "$t" = file ] || "$VFSBLKCTL" remove "$path" >/dev/null
			echo "RUN $job $t $r $iops $added $ran"
		done
	done
done
rm -f "$FILE"
exit
}
