#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/bench/profile, run by tests/guest/runner (script
# mode, the bench kernel command line). Everything it prints goes to the
# host.
#
#   profile-guest.sh JOB TARGET...
#
# On ext4 on a brd RAM disk, fully written backing files of 512 MiB; the
# targets: file (fio on the backing file itself), vfsblk-dio, loop-dio,
# nullblk (null_blk completing each request in queue_rq, no data moved).
# For each target, one at a time: fio runs JOB of tests/bench/jobs.fio
# for 14 s, and `perf record -a -g` (cpu-clock, 2000 Hz per CPU) samples
# 8 s of it, from a second after its I/O began. Printed per target:
# fio's I/O rate, its lookups in ext4's extent status cache and how many
# of them missed, the CPU time of each process per I/O (kernel workers
# included), then for each symbol of the fio process's call chains its
# inclusive and own CPU time per I/O, in microseconds: samples divided
# by the I/Os of the profiled time (fio's rate times its length). Rows
# below a few tenths of a microsecond are few samples: approximate.
# vfsblk-dio is bound to the file target's own file.

set -euo pipefail
{

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

: "${VFSBLKCTL:?}" "${KROOT:?}"
[ $# -ge 2 ] || { echo "usage: profile-guest.sh JOB TARGET..."; exit 2; }
JOB=$1
shift
SIZE=512
HZ=2000
WINDOW=8
MNT=/mnt/profile-ram
WORK=$(mktemp -d /tmp/profile.XXXXXX)
JOBFILE=$VFSBLK_TREE/tests/bench/jobs.fio

# KiB read and written by every bio submitted so far.
vmstat_io() {
	awk '$1 == "pgpgin" || $1 == "pgpgout" { s += $2 } END { print s }' \
		/proc/vmstat
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	ram_bench_down "$MNT"
	rm -rf "$WORK"
}
trap cleanup EXIT

ram_ext4_up $((2 * SIZE + 256)) "$MNT"
for f in f1 f2; do
	dd if=/dev/zero of="$MNT/$f" bs=1M count="$SIZE" oflag=direct \
		conv=fsync status=none
done
kmodprobe loop
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid

target_path() { # TARGET: prints the path fio runs on
	local dev
	case "$1" in
	file)	echo "$MNT/f1" ;;
	vfsblk-dio)
		dev=$(vfsblk_add --direct-io=on "$MNT/f1") ||
			{ echo "$dev" >&2; return 1; }
		echo "$dev" ;;
	loop-dio)
		losetup --direct-io=on -f --show "$MNT/f2" ;;
	nullblk)
		nullblk_up "$SIZE" ;;
	*)	echo "unknown target $1" >&2
		return 1 ;;
	esac
}

for t in "$@"; do
	path=$(target_path "$t")
	# The page cache only, as the benchmark: dropping the slab caches
	# too would empty ext4's extent status cache, which holds each
	# file's extents since it was written. The first random reads
	# would then each look up the extent tree and fill that cache with
	# entries of one block, a cost the benchmark's runs never see.
	sync
	echo 1 >/proc/sys/vm/drop_caches
	# fio runs alone first; perf samples a window well inside its run,
	# once it has been doing I/O for a second (a start from 9p can take
	# seconds under emulation).
	BENCH_FILE=$path BENCH_RUNTIME=$((WINDOW + 6))s BENCH_RAMP=0 \
		fio --section="$JOB" --output-format=json --eta=never \
		--output="$WORK/fio.json" "$JOBFILE" &
	fio_pid=$!
	read -r es_hit0 es_miss0 <<<"$(ram_es_lookups)"
	io0=$(vmstat_io)
	for ((i = 0; i < 600; i++)); do
		[ "$(vmstat_io)" -gt $((io0 + 1024)) ] && break
		sleep 0.1
	done
	sleep 1
	perf record -q -e cpu-clock -F "$HZ" -a -g -o "$WORK/perf.data" \
		-- sleep "$WINDOW"
	wait "$fio_pid"
	read -r es_hit1 es_miss1 <<<"$(ram_es_lookups)"
	iops=$(jq '[.jobs[] | .read.iops + .write.iops] | add' "$WORK/fio.json")
	secs=$(perf report -i "$WORK/perf.data" --header-only 2>/dev/null |
		awk '/^# sample duration :/ { print $5 / 1000 }')
	# One sample is 1/HZ s of one CPU's time; the I/Os of the window
	# are fio's rate times its length.
	per=$(awk -v hz="$HZ" -v iops="$iops" -v s="$secs" \
		'BEGIN { printf "%.9g", 1e6 / hz / (iops * s) }')
	printf '=== %s on %s (%s): %.0f I/O per second, %.1f s profiled\n' \
		"$JOB" "$t" "$path" "$iops" "$secs"
	printf '  ext4 extent status cache: %d lookups, %d missed\n' \
		$((es_hit1 + es_miss1 - es_hit0 - es_miss0)) \
		$((es_miss1 - es_miss0))
	# Samples per process: "PERCENT SAMPLES COMM" lines.
	comms=$(perf report -i "$WORK/perf.data" --stdio -n --no-children \
		--sort comm -g none 2>/dev/null | awk '!/^#/ && NF >= 3')
	echo "  process: us of CPU per I/O"
	awk -v per="$per" '{ printf "  %8.2f  %s\n", $2 * per, $3 }' \
		<<<"$comms"
	total=$(awk '{ s += $2 } END { print s }' <<<"$comms")
	echo "  symbol of fio's call chains: inclusive, own us of CPU per I/O"
	perf report -i "$WORK/perf.data" --stdio --children --comm fio \
		--percentage absolute --sort sym -g none --percent-limit 0.3 \
		2>/dev/null | awk -v per="$per" -v total="$total" '
		/^#/ || NF < 4 { next }
		{
			c = $1; o = $2; sub(/%/, "", c); sub(/%/, "", o)
			f = total / 100 * per
			sym = $4
			for (i = 5; i <= NF; i++)
				sym = sym " " $i
			if (sym ~ /^0x|^0000/)
				next
			if (++n <= 70)
				printf "  %8.2f %8.2f  %s\n", c * f, o * f, sym
		}'
	rm -f "$WORK/perf.data"
	if [ "$t" = vfsblk-dio ]; then
		"$VFSBLKCTL" remove "$path" >/dev/null
	elif [ "$t" = loop-dio ]; then
		losetup -d "$path"
	elif [ "$t" = nullblk ]; then
		nullblk_down
	fi
done
exit 0
}
