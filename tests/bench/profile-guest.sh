#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of tests/bench/profile, run by tests/guest/runner (script
# mode, the bench kernel command line). Everything it prints goes to the
# host.
#
#   profile-guest.sh [--queues N] [--media ram|virtio] JOB TARGET...
#
# On ext4 on a brd RAM disk (--media ram, the default) or on the VM's
# virtio scratch disk (--media virtio), fully written backing files of
# 512 MiB; the targets: file (fio on the backing file itself),
# vfsblk-dio, loop-dio, nullblk (null_blk completing each request in
# queue_rq, no data moved).
# For each target, one at a time: fio runs JOB of tests/bench/jobs.fio
# for 14 s, and `perf record -a -g` (cpu-clock, 2000 Hz per CPU) samples
# 8 s of it, from a second after its I/O began. Printed per target:
# fio's I/O rate, its lookups in ext4's extent status cache and how many
# of them missed, the CPU time of each process per I/O (kernel workers
# included), then for each symbol of the fio process's call chains its
# inclusive and own CPU time per I/O, in microseconds: samples divided
# by the I/Os of the profiled time (fio's rate times its length). Rows
# below a few tenths of a microsecond are few samples: approximate.
# vfsblk-dio is bound to the file target's own file. Then, for 2 s more
# of the same run, `perf record -e sched:sched_switch -a` counts the
# context switches of each process: printed per I/O, with the whole
# machine's from /proc/stat over the profiled window.
# The ext4 job (ext4-randwrite-4k-qd32) runs, as in the benchmark, on a
# 256 MiB file of ext4 made and mounted on the device, or for the file
# target on a file of the medium's own ext4; null_blk keeps no data and
# cannot take it. For vfsblk-dio, also its hardware queues (N with
# --queues, else one per CPU) and the share of fio's requests it served
# from the submitting task and from its batch worker.

set -euo pipefail
{

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

: "${VFSBLKCTL:?}" "${KROOT:?}"
QUEUES=()
MEDIUM=ram
while [ $# -gt 0 ]; do
	case "$1" in
	--queues) QUEUES=(--queues "$2"); shift 2 ;;
	--media) MEDIUM=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -lt 2 ]; then
	echo "usage: profile-guest.sh [--queues N] [--media ram|virtio] JOB" \
		"TARGET..."
	exit 2
fi
JOB=$1
shift
SIZE=512
HZ=2000
WINDOW=8
SWITCHES=2
FS_JOB=ext4-randwrite-4k-qd32
FS_SIZE=256
case "$MEDIUM" in
ram)	MNT=/mnt/profile-ram DISK=ram0 ;;
virtio)	MNT=${SCRATCH:-/mnt/scratch}/profile DISK=vda ;;
*)	echo "unknown medium '$MEDIUM' (want ram or virtio)"
	exit 2 ;;
esac
FSMNT=/mnt/profile-fs
WORK=$(mktemp -d /tmp/profile.XXXXXX)
JOBFILE=$VFSBLK_TREE/tests/bench/jobs.fio

# KiB read and written by every bio submitted so far.
vmstat_io() {
	awk '$1 == "pgpgin" || $1 == "pgpgout" { s += $2 } END { print s }' \
		/proc/vmstat
}

# Context switches so far, of every CPU.
ctxt() { awk '$1 == "ctxt" { print $2 }' /proc/stat; }

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	! mountpoint -q "$FSMNT" || umount "$FSMNT"
	# On the virtio disk, it finds no RAM disk to take down.
	ram_bench_down "$MNT"
	[ "$MEDIUM" = ram ] || rm -rf "$MNT"
	rm -rf "$WORK"
}
trap cleanup EXIT

fs=
[ "$JOB" != "$FS_JOB" ] || fs=$FS_SIZE
if [ "$MEDIUM" = ram ]; then
	ram_ext4_up $((2 * SIZE + ${fs:-0} + 256)) "$MNT"
else
	mkdir -p "$MNT"
fi
for f in f1 f2; do
	dd if=/dev/zero of="$MNT/$f" bs=1M count="$SIZE" oflag=direct \
		conv=fsync status=none
done
if [ -n "$fs" ]; then
	dd if=/dev/zero of="$MNT/fsjob" bs=1M count="$FS_SIZE" oflag=direct \
		conv=fsync status=none
fi
kmodprobe loop
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid

target_path() { # TARGET: prints the path fio runs on
	local dev
	case "$1" in
	file)	echo "$MNT/f1" ;;
	vfsblk-dio)
		dev=$(vfsblk_add --direct-io=on "${QUEUES[@]}" "$MNT/f1") ||
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
	dev=$path
	if [ -n "$fs" ]; then
		if [ "$t" = file ]; then
			path=$MNT/fsjob
		else
			fs_job_up "$dev" "$FSMNT" "$FS_SIZE"
			path=$FSMNT/fsjob
		fi
	fi
	# The page cache only, as the benchmark: dropping the slab caches
	# too would empty ext4's extent status cache, which holds each
	# file's extents since it was written. The first random reads
	# would then each look up the extent tree and fill that cache with
	# entries of one block, a cost the benchmark's runs never see.
	sync
	echo 1 >/proc/sys/vm/drop_caches
	# Nothing for a target other than vfsblk.
	read -r rd0 wr0 in0 ba0 _ <<<"$(counters "$dev")"
	# fio runs alone first; perf samples a window well inside its run,
	# once it has been doing I/O for a second (a start from 9p can take
	# seconds under emulation).
	BENCH_FILE=$path BENCH_FS_FILE=$path BENCH_FS_SIZE=${FS_SIZE}M \
		BENCH_RUNTIME=600s BENCH_RAMP=0 \
		fio --section="$JOB" --output-format=json --eta=never \
		--output="$WORK/fio.json" "$JOBFILE" &
	fio_pid=$!
	read -r es_hit0 es_miss0 <<<"$(ext4_es_lookups "$DISK")"
	io0=$(vmstat_io)
	for ((i = 0; i < 600; i++)); do
		[ "$(vmstat_io)" -gt $((io0 + 1024)) ] && break
		sleep 0.1
	done
	sleep 1
	cs0=$(ctxt)
	perf record -q -e cpu-clock -F "$HZ" -a -g -o "$WORK/perf.data" \
		-- sleep "$WINDOW"
	cs1=$(ctxt)
	perf record -q -e sched:sched_switch -c 1 -a -o "$WORK/switch.data" \
		-- sleep "$SWITCHES"
	# fio runs until the profiler is done, however slow the machine:
	# on SIGTERM it ends its jobs, writes its results after a line that
	# says so, and exits with 128.
	kill -TERM "$fio_pid"
	rc=0
	wait "$fio_pid" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 128 ]; then
		echo "fio on $t ($path) failed: exit status $rc"
		exit 1
	fi
	read -r es_hit1 es_miss1 <<<"$(ext4_es_lookups "$DISK")"
	read -r rd1 wr1 in1 ba1 _ <<<"$(counters "$dev")"
	iops=$(sed -n '/^{/,$p' "$WORK/fio.json" |
		jq '[.jobs[] | .read.iops + .write.iops] | add')
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
	if [ "$t" = vfsblk-dio ]; then
		awk -v q="$(find "/sys/block/${dev##*/}/mq" -mindepth 1 \
			-maxdepth 1 | wc -l)" -v n=$((rd1 + wr1 - rd0 - wr0)) \
			-v i=$((in1 - in0)) -v b=$((ba1 - ba0)) 'BEGIN {
			if (n < 1)
				n = 1
			printf "  vfsblk, hardware queues: %d; of %d " \
				"requests, %.0f%% served inline, %.0f%% " \
				"by the batch worker\n", q, n, 100 * i / n,
				100 * b / n }'
	fi
	# /proc/stat's count over the profiled window, against fio's
	# average rate: the profiler's own switches included.
	awk -v c=$((cs1 - cs0)) -v iops="$iops" -v s="$secs" 'BEGIN {
		printf "  context switches per I/O: %.2f\n", c / (iops * s) }'
	echo "  process: context switches per I/O (${SWITCHES} s)"
	perf report -i "$WORK/switch.data" --stdio -n --sort comm 2>/dev/null |
		awk -v iops="$iops" -v s="$SWITCHES" '
		!/^#/ && NF >= 3 && $2 / (iops * s) >= 0.005 {
			printf "  %8.2f  %s\n", $2 / (iops * s), $3 }'
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
	rm -f "$WORK/perf.data" "$WORK/switch.data"
	if [ -n "$fs" ] && [ "$t" != file ]; then
		umount "$FSMNT"
	fi
	if [ "$t" = vfsblk-dio ]; then
		"$VFSBLKCTL" remove "$dev" >/dev/null
	elif [ "$t" = loop-dio ]; then
		losetup -d "$dev"
	elif [ "$t" = nullblk ]; then
		nullblk_down
	fi
done
exit 0
}
