# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by tests/guest/runner and tests/lib/guest-lib.sh, in the
# guest. Sourcing this file defines functions and nothing else. They use
# VFSBLKCTL, CTLPROBE, VFSBLK_KO and KROOT from the guest environment.

# Modules of the booted kernel (ext4 and friends) from the cached tree.
kmodprobe() { modprobe -d "$KROOT" "$@"; }

# wait_node PATH [SECONDS]: wait until the block device node PATH appears
# (devtmpfs creates it after the disk is added), at most SECONDS (10).
wait_node() {
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[ -b "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# ram_ext4_up MIB DIR: load brd with one RAM disk of MIB MiB, /dev/ram0,
# and mount ext4 made on it, its inode tables and journal written now
# rather than in the background, on DIR. ram_ext4_down DIR undoes it.
ram_ext4_up() {
	kmodprobe brd rd_nr=1 rd_size=$(($1 * 1024)) &&
		wait_node /dev/ram0 &&
		mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 \
			/dev/ram0 &&
		mkdir -p "$2" &&
		mount -t ext4 /dev/ram0 "$2"
}
ram_ext4_down() { umount "$1" && rmmod brd; }

# ram_bench_down DIR: for the EXIT trap of a benchmark script, undo
# whatever it left: vfsblk and loop devices, null_blk, the RAM disk's ext4
# on DIR and brd. It turns errexit off, so that one failure does not stop
# the rest.
ram_bench_down() {
	set +e
	vfs_reset
	losetup -D
	nullblk_down
	! mountpoint -q "$1" || umount "$1"
	rmmod brd 2>/dev/null
	return 0
}

# ext4_es_lookups DISK: "HITS MISSES", the lookups so far in the extent
# status cache of the ext4 mounted from DISK (ram0, vda; from its
# es_shrinker_info).
ext4_es_lookups() {
	sed -n 's|^ *\([0-9]*\)/\([0-9]*\) cache hits/misses$|\1 \2|p' \
		"/proc/fs/ext4/$1/es_shrinker_info"
}

# nullblk_up MIB: load null_blk with one device of at least MIB MiB,
# /dev/nullb0, a blk-mq device as vfsblk's defaults make (a hardware queue
# per CPU, 128 requests each, 4 KiB blocks) that completes each request in
# its queue_rq without moving data (irqmode=0, memory_backed=0). Prints
# the node, or why it failed and returns 1. nullblk_down removes it, if
# loaded.
nullblk_up() {
	local out
	if [ -e /dev/nullb0 ]; then
		echo "/dev/nullb0 already exists"
		return 1
	fi
	out=$(kmodprobe null_blk nr_devices=1 queue_mode=2 irqmode=0 \
		memory_backed=0 bs=4096 gb=$((($1 + 1023) / 1024)) \
		submit_queues="$(nproc)" hw_queue_depth=128 2>&1) ||
		{ echo "modprobe null_blk: $out"; return 1; }
	wait_node /dev/nullb0 || { echo "no node /dev/nullb0"; return 1; }
	echo /dev/nullb0
}
nullblk_down() { [ ! -d /sys/module/null_blk ] || rmmod null_blk; }

# vfsblk_add [-t SECONDS] ARG...: vfsblkctl add ARG..., then wait for the
# node of the device it printed, at most SECONDS (10). Prints the node, or
# why it failed and returns 1.
vfsblk_add() {
	local bound=10 out dev
	if [ "${1:-}" = -t ]; then
		bound=$2
		shift 2
	fi
	out=$("$VFSBLKCTL" add "$@" 2>&1) ||
		{ echo "vfsblkctl add $*: $out"; return 1; }
	# No grep: every process costs in the emulated guest.
	[[ "$out" =~ /dev/vfsblk[0-9]+ ]] ||
		{ echo "vfsblkctl add $* printed no device: $out"; return 1; }
	dev=${BASH_REMATCH[0]}
	wait_node "$dev" "$bound" || { echo "no node $dev"; return 1; }
	echo "$dev"
}

# counters DEV: the vfsblk device's "reads writes inline_submits
# batched_submits flushes inline_flushes inline_misses" (sysfs; 0 for a
# counter the module does not have), or nothing for another kind of
# target.
counters() {
	local d=/sys/block/${1##*/}/vfsblk r w i b=0 nf=0 nl=0 nm=0
	if [ -r "$d/inline_submits" ] && read -r r <"$d/reads" &&
		read -r w <"$d/writes" && read -r i <"$d/inline_submits"; then
		[ ! -r "$d/batched_submits" ] || read -r b <"$d/batched_submits"
		read -r nf <"$d/flushes"
		[ ! -r "$d/inline_flushes" ] || read -r nl <"$d/inline_flushes"
		[ ! -r "$d/inline_misses" ] || read -r nm <"$d/inline_misses"
		echo "$r $w $i $b $nf $nl $nm"
	fi
}

# fs_job_up DEV DIR MIB: the ext4 of the benchmark's ext4 job: ext4 made
# on DEV (inode tables and journal written now, nothing discarded),
# mounted on DIR, with a file DIR/fsjob of MIB MiB written.
fs_job_up() {
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0,nodiscard \
		"$1" &&
		mkdir -p "$2" &&
		mount -t ext4 "$1" "$2" &&
		dd if=/dev/zero of="$2/fsjob" bs=1M count="$3" oflag=direct \
			conv=fsync status=none
}

# sys_dio DEV [KIND]: the direct I/O mode of block device DEV as sysfs
# says in KIND/dio (KIND vfsblk, or loop), or nothing when it has none.
sys_dio() {
	local f=/sys/block/${1##*/}/${2:-vfsblk}/dio
	if [ -r "$f" ]; then cat "$f"; fi
}

# qattr DEV ATTR: /sys/block/NAME/queue/ATTR of DEV, given as a vfsblk
# index N or as any block device's name or node (vfsblk0, /dev/ram0).
qattr() {
	local d=${1##*/}
	case $d in *[!0-9]*) ;; *) d=vfsblk$d ;; esac
	cat "/sys/block/$d/queue/$2"
}

# qwc DEV: the write_cache of block device DEV's queue (qattr), its spaces
# as "_" ("write_back" or "write_through"), one word for a table's column.
qwc() {
	local w
	w=$(qattr "$1" write_cache) && echo "${w// /_}"
}

# Devices currently bound, as vfsblkN names.
vfs_devices() {
	local d
	for d in /sys/block/vfsblk*; do
		[ -e "$d" ] && echo "${d##*/}"
	done
	return 0
}

# Back to the state every case starts in: unmount what is mounted from a
# vfsblk device, remove every device (deferred if something still holds
# it), load the module if it is not, and turn inline submission back on (a
# case that turned it off may have failed meanwhile).
vfs_reset() {
	local d mp
	for d in $(vfs_devices); do
		awk -v d="/dev/$d" '$1 == d { print $2 }' /proc/mounts |
			while read -r mp; do
				umount "$mp" 2>/dev/null || umount -l "$mp"
			done
	done
	for d in $(vfs_devices); do
		"$VFSBLKCTL" remove "/dev/$d" >/dev/null 2>&1 ||
			"$CTLPROBE" remove "${d#vfsblk}" --deferred >/dev/null 2>&1
	done
	[ -d /sys/module/vfsblk ] || insmod "$VFSBLK_KO" >/dev/null 2>&1
	echo 1 >/sys/module/vfsblk/parameters/inline_submit 2>/dev/null || true
}
