#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/bench/sparse, run by tests/guest/runner (script
# mode, the bench kernel command line). Everything it prints goes to the
# host.
#
#   sparse-guest.sh ROUNDS
#
# On ext4 on a brd RAM disk, a 512 MiB backing file, made afresh before
# every run: sparse (truncate), preallocated (fallocate) or written (dd,
# made once and kept, as the runs only overwrite it). Targets: file (fio
# on the file itself), loop-dio (losetup --direct-io=on), vfsblk-dio (add
# --direct-io=on, the write cache mode ADD chose) and vfsblk-dio-wt (the
# same, then "write through" written to the queue's write_cache). Jobs:
# fill, 256 MiB of 128k writes at QD8 from the start of the file; rand,
# 4k random writes at QD32 for 4 s over the whole file. Targets
# interleaved A B C D, D C B A, ... For each run one line
#   RUN KIND JOB TARGET ROUND IOPS WRITE_CACHE
# (WRITE_CACHE: the queue's write_cache with spaces as "_", "-" for the
# file).

set -euo pipefail
{

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

: "${VFSBLKCTL:?}" "${KROOT:?}"
ROUNDS=${1:?usage: sparse-guest.sh ROUNDS}
MNT=/mnt/sparse-ram
FILE=$MNT/backing
TARGETS="file loop-dio vfsblk-dio vfsblk-dio-wt"

trap 'ram_bench_down "$MNT"' EXIT

kmodprobe loop
ram_ext4_up 1024 "$MNT"
echo "# kernel $(uname -r), $ROUNDS round(s)"

make_file() { # KIND
	case "$1" in
	sparse)
		rm -f "$FILE"
		truncate -s 512M "$FILE" ;;
	prealloc)
		rm -f "$FILE"
		fallocate -l 512M "$FILE" ;;
	written)
		[ -s "$FILE" ] ||
			dd if=/dev/zero of="$FILE" bs=1M count=512 oflag=direct \
				conv=fsync status=none ;;
	esac
	sync
}

setup() { # TARGET: prints the path fio writes
	local dev
	case "$1" in
	file) echo "$FILE" ;;
	loop-dio) losetup --direct-io=on --find --show "$FILE" ;;
	vfsblk-dio|vfsblk-dio-wt)
		dev=$(vfsblk_add --direct-io=on "$FILE")
		[ "$(sys_dio "$dev" vfsblk)" = 1 ] || {
			echo "$dev: no direct I/O" >&2
			return 1
		}
		[ "$1" = vfsblk-dio ] ||
			echo "write through" >"/sys/block/${dev##*/}/queue/write_cache"
		echo "$dev" ;;
	esac
}

teardown() { # TARGET PATH
	case "$1" in
	loop-dio) losetup -d "$2" ;;
	vfsblk-dio*) "$VFSBLKCTL" remove "$2" >/dev/null ;;
	esac
}

run_fio() { # JOB PATH: prints write IOPS
	local -a o=(--name=w --filename="$2" --ioengine=libaio --direct=1
		--output-format=json)
	case "$1" in
	fill) o+=(--rw=write --bs=128k --iodepth=8 --size=256M) ;;
	rand) o+=(--rw=randwrite --bs=4k --iodepth=32 --size=512M
		--time_based --runtime=4 --norandommap --randrepeat=0) ;;
	esac
	fio "${o[@]}" | jq '.jobs[0].write.iops'
}

for kind in sparse prealloc written; do
	rm -f "$FILE"
	for job in fill rand; do
		for ((r = 1; r <= ROUNDS; r++)); do
			order=$TARGETS
			((r % 2)) || order=$(tr ' ' '\n' <<<"$TARGETS" | tac)
			for t in $order; do
				make_file "$kind"
				path=$(setup "$t")
				wc=-
				[ "$t" = file ] || wc=$(qwc "$path")
				iops=$(run_fio "$job" "$path")
				teardown "$t" "$path"
				echo "RUN $kind $job $t $r $iops $wc"
			done
		done
	done
done
rm -f "$FILE"
exit
}
