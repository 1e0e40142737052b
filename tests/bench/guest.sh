#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench`, run by tests/guest/runner in bench mode
# (module loaded, ext4 scratch disk on /mnt/scratch). Everything it prints
# goes to the host: "# ..." lines are progress, "BENCH {json}" lines are
# records (tests/bench/report.py reads them).
#
#   guest.sh [--quick] [--rounds N] [--runtime S] [--ramp S] [--size MiB]
#            [--media ram,virtio] [--jobs NAME,...] [--targets NAME,...]
#            [--scale N] [--tools FILE]
#
# For each medium (ram: ext4 on a brd RAM disk; virtio: the ext4 scratch
# disk) it writes identical, fully written backing files and binds the
# targets, each on its own file: loop buffered (f1), vfsblk buffered (f2),
# loop --direct-io=on (f3), vfsblk direct I/O (f4); the file target is fio
# on f1 itself. Then, per job of jobs.fio, one fio process runs the job on
# every target, round after round, targets interleaved A B C D E, E D C B A,
# ..., one after the other (stonewall); before each run the page cache is
# written back and dropped (drop_caches). A sampler reads
# /proc/stat (CPU time, context switches) over a window inside each run's
# measured time. A target that cannot be set up is reported missing.
# One more target, only when --targets names it: nullblk, Debian's null_blk
# as a blk-mq device that completes each request in its queue_rq without
# moving data, the floor of what any blk-mq driver can cost (not in the
# ext4 job: it keeps no data).
# At the end: the scale figures (N devices bound at once, vfsblk and loop).

set -euo pipefail
# One compound command: bash parses it whole before running it, so edits
# to this file during a run do not change the run.
{

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

: "${VFSBLKCTL:?}" "${KROOT:?}" "${VFSBLK_KO:?}"
SCRATCH=${SCRATCH:-/mnt/scratch}
JOBFILE=$VFSBLK_TREE/tests/bench/jobs.fio
FS_JOB=ext4-randwrite-4k-qd32

# Full mode: about 40 minutes under software emulation on an idle machine.
quick=0
ROUNDS=4
RUNTIME=3
RAMP=1
SIZE=1024
FS_SIZE=256
MEDIA="ram virtio"
JOBS="randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd32 randrw70-4k-qd16x2
seqread-128k-qd8 seqwrite-128k-qd8 psync-randread-4k-x4 write-4k-fdatasync
$FS_JOB"
TARGETS="file loop loop-dio vfsblk vfsblk-dio"
SCALE=256

while [ $# -gt 0 ]; do
	case "$1" in
	--quick)
		quick=1 ROUNDS=1 RUNTIME=1 RAMP=0.5 SIZE=64 FS_SIZE=32
		MEDIA=ram SCALE=8
		JOBS="randread-4k-qd1 randread-4k-qd32 randwrite-4k-qd32 seqread-128k-qd8"
		shift ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--runtime) RUNTIME=$2; shift 2 ;;
	--ramp) RAMP=$2; shift 2 ;;
	--size) SIZE=$2; shift 2 ;;
	--media) MEDIA=${2//,/ }; shift 2 ;;
	--jobs) JOBS=${2//,/ }; shift 2 ;;
	--targets) TARGETS=${2//,/ }; shift 2 ;;
	--scale) SCALE=$2; shift 2 ;;
	--tools) TOOLS_LIST=$2; shift 2 ;;
	*) echo "guest.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
JOBS=${JOBS//$'\n'/ }

WORK=$(mktemp -d /tmp/bench.XXXXXX)
RAMMNT=/mnt/bench-ram
FSMNT=/mnt/bench-fs

note() { printf '# %s\n' "$*"; }
emit() { printf 'BENCH %s\n' "$1"; }
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%dms", s * 1000 }'; }

# --- Targets ------------------------------------------------------------------

declare -A FILE_OF=([file]=f1 [loop]=f1 [vfsblk]=f2 [loop-dio]=f3 [vfsblk-dio]=f4)
declare -A DEV_OF DIO_OF NOTE_OF MISSING

# setup_target TARGET DIR: bind the device; fills DEV_OF, DIO_OF (the direct
# I/O mode in effect: 1, 0, or "" when the kernel does not say), NOTE_OF,
# or MISSING (why it cannot be set up).
setup_target() {
	local t=$1 f=$2/${FILE_OF[$1]:-} dev="" out
	case "$t" in
	file)
		dev=$f
		DIO_OF[$t]=1 ;;
	loop|loop-dio)
		local opt=off
		[ "$t" = loop-dio ] && opt=on
		if ! dev=$(losetup --direct-io="$opt" --find --show "$f" 2>&1) ||
			! wait_node "$dev"; then
			MISSING[$t]="losetup --direct-io=$opt: $dev"
			return 1
		fi
		DIO_OF[$t]=$(sys_dio "$dev" loop) ;;
	vfsblk)
		if ! dev=$(vfsblk_add --direct-io=off "$f"); then
			# A tool or module without the option: buffered is
			# the only mode there.
			out=$dev
			dev=$(vfsblk_add "$f") || { MISSING[$t]="$out; $dev"; return 1; }
			NOTE_OF[$t]="--direct-io=off refused ($out); plain add"
		fi
		DIO_OF[$t]=$(sys_dio "$dev" vfsblk) ;;
	vfsblk-dio)
		dev=$(vfsblk_add --direct-io=on "$f") || { MISSING[$t]=$dev; return 1; }
		DIO_OF[$t]=$(sys_dio "$dev" vfsblk) ;;
	nullblk)
		dev=$(nullblk_up "$SIZE") || { MISSING[$t]=$dev; return 1; } ;;
	*)	MISSING[$t]="unknown target"
		return 1 ;;
	esac
	DEV_OF[$t]=$dev
	return 0
}

teardown_targets() {
	local t dev mp
	for t in "${!DEV_OF[@]}"; do
		dev=${DEV_OF[$t]}
		awk -v d="$dev" '$1 == d { print $2 }' /proc/mounts |
			while read -r mp; do umount "$mp"; done
		case "$t" in
		loop|loop-dio) losetup -d "$dev" ;;
		vfsblk|vfsblk-dio) "$VFSBLKCTL" remove "$dev" >/dev/null ;;
		nullblk) nullblk_down ;;
		esac
	done
	DEV_OF=()
}

# --- One job on every target --------------------------------------------------

# One sample: time, busy and total CPU ticks (USER_HZ), context switches.
# Builtins only: a process start costs milliseconds under emulation.
stat_sample() {
	local -a l f
	local line busy=0 total=0 ctxt=0
	mapfile -t l </proc/stat
	for line in "${l[@]}"; do
		case "$line" in
		"cpu "*)
			read -r -a f <<<"$line"
			busy=$((f[1] + f[2] + f[3] + f[6] + f[7] + f[8]))
			total=$((busy + f[4] + f[5])) ;;
		"ctxt "*) ctxt=${line#ctxt } ;;
		esac
	done
	echo "$EPOCHREALTIME $busy $total $ctxt"
}

# nap SECONDS: sleep without starting a process (read times out on a FIFO
# nobody writes; fd 7, opened by sampler).
nap() {
	read -r -t "$1" -u 7 _ || true
}

# sleep_until T: T in microseconds of EPOCHREALTIME.
sleep_until() {
	local d=$(($1 - ${EPOCHREALTIME/./}))
	((d > 0)) || return 0
	nap "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"
}

# sampler N: for runs 1..N, wait for run K's mark (touched by its
# exec_prerun when the run starts), then sample /proc/stat from RAMP +
# 0.25 s after it to 0.25 s before the run ends, into stat.K.
sampler() {
	local k i m
	exec 7<>"$WORK/nap"
	for ((k = 1; k <= $1; k++)); do
		for ((i = 0; i < 30000; i++)); do
			[ -e "$WORK/mark.$k" ] && break
			nap 0.02
		done
		[ -e "$WORK/mark.$k" ] || return 0
		m=${EPOCHREALTIME/./}
		sleep_until $((m + RAMP_US + 250000))
		stat_sample >"$WORK/stat.$k"
		sleep_until $((m + RAMP_US + RUNTIME_US - 250000))
		stat_sample >>"$WORK/stat.$k"
	done
}

# The two samples of a run as JSON (null when the sampler missed it).
sample_json() { # FILE
	local t1 b1 o1 c1 t2 b2 o2 c2 us
	{ read -r t1 b1 o1 c1 && read -r t2 b2 o2 c2; } <"$1" 2>/dev/null ||
		{ echo null; return; }
	us=$((${t2/./} - ${t1/./}))
	printf '{"seconds":%d.%06d,"busy_ticks":%d,"total_ticks":%d,"ctxt":%d}\n' \
		$((us / 1000000)) $((us % 1000000)) $((b2 - b1)) $((o2 - o1)) $((c2 - c1))
}

# The lines of a section of jobs.fio ([global] or a job).
section() { # NAME
	awk -v s="[$1]" '/^\[/ { on = ($0 == s); next }
		on && !/^[ \t]*(#|;|$)/ { print }' "$JOBFILE"
}

# shellcheck disable=SC2016 # a jq program
FIO_FIGURES='{
	read_iops: .read.iops, write_iops: .write.iops,
	read_bw: .read.bw_bytes, write_bw: .write.bw_bytes,
	read_ios: .read.total_ios, write_ios: .write.total_ios,
	read_lat_p50_ns: .read.lat_ns.percentile["50.000000"],
	read_lat_p99_ns: .read.lat_ns.percentile["99.000000"],
	read_clat_p50_ns: .read.clat_ns.percentile["50.000000"],
	read_clat_p99_ns: .read.clat_ns.percentile["99.000000"],
	write_clat_p50_ns: .write.clat_ns.percentile["50.000000"],
	write_clat_p99_ns: .write.clat_ns.percentile["99.000000"],
	runtime_ms: ([.read.runtime, .write.runtime] | max),
	fio_usr_cpu: .usr_cpu, fio_sys_cpu: .sys_cpu, fio_ctx: .ctx,
	fio_error: .error }'

# run_job MEDIUM DIR JOB: every target, every round, in one fio process.
run_job() {
	local medium=$1 dir=$2 job=$3 round t order k=0 jf=$WORK/job.fio
	local -a runs=()
	local start rc=0 err="" path stat figs name i
	local r0 w0 i0 b0 f0 l0 m0 r1 w1 i1 b1 f1 l1 m1
	local -A before=()

	if [ "$job" = "$FS_JOB" ]; then
		prepare_fs "$dir" || true
	fi
	# The job file: jobs.fio's global and job options, then one section
	# per run, which names the run's file. No filename in [global]: with
	# thread=1, fio then does part of each run's I/O (all of it with
	# fdatasync=1) on the global file instead of the run's own.
	{
		echo "[global]"
		section global
		section "$job"
	} | grep -v '^[[:space:]]*filename[[:space:]]*=' >"$jf"
	for ((round = 1; round <= ROUNDS; round++)); do
		order=$TARGETS
		((round % 2)) || order=$(tr ' ' '\n' <<<"$TARGETS" | tac | tr '\n' ' ')
		for t in $order; do
			if [ -n "${MISSING[$t]:-}" ]; then
				emit "$(jq -cn --arg m "$medium" --arg j "$job" --arg t "$t" \
					--argjson r "$round" --arg w "${MISSING[$t]}" \
					'{kind: "run", medium: $m, job: $j, target: $t,
					  round: $r, missing: $w}')"
				continue
			fi
			path=${DEV_OF[$t]}
			if [ "$job" = "$FS_JOB" ]; then
				path=${FS_FILE_OF[$t]:-}
				if [ -z "$path" ]; then
					emit "$(jq -cn --arg m "$medium" --arg j "$job" \
						--arg t "$t" --argjson r "$round" \
						--arg e "${FS_ERR_OF[$t]:-no file system}" \
						'{kind: "run", medium: $m, job: $j, target: $t,
						  round: $r, error: $e}')"
					continue
				fi
			fi
			k=$((k + 1))
			runs+=("$t $round")
			printf '[%s.%d]\nstonewall\nfilename=%s\nexec_prerun=touch %s\nexec_postrun=/bin/sh %s\n' \
				"$t" "$round" "$path" "$WORK/mark.$k" "$WORK/drop" >>"$jf"
		done
	done
	[ "$k" -gt 0 ] || return 0

	# Each run touches its mark as it starts (exec_prerun: inside the
	# run's time, so only that), and after it (exec_postrun, outside)
	# writes back and drops the page cache for the next one.
	rm -f "$WORK"/mark.* "$WORK"/stat.* "$WORK"/out.json
	sh "$WORK/drop"
	for t in $TARGETS; do
		[ -z "${DEV_OF[$t]:-}" ] || before[$t]=$(counters "${DEV_OF[$t]}")
	done
	sampler "$k" &
	local spid=$!
	start=$(now)
	(cd "$WORK" && BENCH_FS_SIZE="${FS_SIZE}M" BENCH_RUNTIME=$RUNTIME_MS \
		BENCH_RAMP=$RAMP_MS \
		exec fio --output-format=json --output="$WORK/out.json" "$jf") \
		>"$WORK/fio.log" 2>&1 || rc=$?
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	[ "$rc" = 0 ] || err="fio status $rc: $(tail -n 3 "$WORK/fio.log" | tr '\n' ' ')"
	sed -i -n '/^{/,$p' "$WORK/out.json"

	for ((i = 1; i <= k; i++)); do
		read -r t round <<<"${runs[i - 1]}"
		name="$t.$round"
		figs=$(jq -c --arg n "$name" \
			"[.jobs[] | select(.jobname == \$n)][0] // empty | $FIO_FIGURES" \
			"$WORK/out.json" 2>/dev/null) || figs=""
		stat=$(sample_json "$WORK/stat.$i")
		emit "$(jq -cn --arg m "$medium" --arg j "$job" --arg t "$t" \
			--argjson r "$round" --argjson s "$i" --argjson st "$stat" \
			--argjson f "${figs:-null}" --arg e "$err" \
			'{kind: "run", medium: $m, job: $j, target: $t, round: $r,
			  seq: $s, fio: $f, stat: $st}
			 + (if $f == null then {error: (if $e == "" then "no figures" else $e end)}
			    else {} end)')"
	done
	# How many of the job's requests each vfsblk target served from the
	# submitting task, and how many its batch worker started (all its
	# runs together).
	for t in "${!before[@]}"; do
		[ -n "${before[$t]}" ] || continue
		read -r r0 w0 i0 b0 f0 l0 m0 <<<"${before[$t]}"
		read -r r1 w1 i1 b1 f1 l1 m1 <<<"$(counters "${DEV_OF[$t]}")" ||
			continue
		emit "$(jq -cn --arg m "$medium" --arg j "$job" --arg t "$t" \
			--argjson r $((r1 - r0)) --argjson w $((w1 - w0)) \
			--argjson i $((i1 - i0)) --argjson b $((b1 - b0)) \
			--argjson f $((f1 - f0)) --argjson l $((l1 - l0)) \
			--argjson x $((m1 - m0)) \
			'{kind: "counters", medium: $m, job: $j, target: $t,
			  reads: $r, writes: $w, inline_submits: $i,
			  batched_submits: $b, flushes: $f, inline_flushes: $l,
			  inline_misses: $x}')"
	done
	note "$medium $job: $k runs in $(elapsed "$start")s${err:+; $err}"
	if [ "$job" = "$FS_JOB" ]; then
		unmount_fs
	fi
}

# The ext4 job: ext4 made and mounted on each device, with a written file;
# the file target uses a file of the medium's own ext4.
declare -A FS_FILE_OF FS_ERR_OF
prepare_fs() { # DIR
	local t dev mp
	FS_FILE_OF=() FS_ERR_OF=()
	for t in $TARGETS; do
		[ -z "${MISSING[$t]:-}" ] || continue
		if [ "$t" = file ]; then
			FS_FILE_OF[$t]=$1/fsjob
			continue
		fi
		if [ "$t" = nullblk ]; then
			FS_ERR_OF[$t]="null_blk keeps no data"
			continue
		fi
		dev=${DEV_OF[$t]} mp=$FSMNT/$t
		if fs_job_up "$dev" "$mp" "$FS_SIZE" >"$WORK/fs.log" 2>&1; then
			FS_FILE_OF[$t]=$mp/fsjob
		else
			FS_ERR_OF[$t]="ext4 on $dev: $(tr '\n' ' ' <"$WORK/fs.log")"
			note "$t: ${FS_ERR_OF[$t]}"
		fi
	done
}

unmount_fs() {
	local mp
	awk -v m="$FSMNT/" 'index($2, m) == 1 { print $2 }' /proc/mounts |
		while read -r mp; do umount "$mp"; done
}

# --- Media --------------------------------------------------------------------

make_files() { # DIR
	local f start
	start=$(now)
	for f in f1 f2 f3 f4; do
		dd if=/dev/zero of="$1/$f" bs=1M count="$SIZE" oflag=direct \
			conv=fsync status=none
	done
	dd if=/dev/zero of="$1/fsjob" bs=1M count="$FS_SIZE" oflag=direct \
		conv=fsync status=none
	note "wrote 4 x $SIZE MiB backing files in $(elapsed "$start")s"
}

medium_up() { # MEDIUM: prints the directory
	case "$1" in
	ram)
		# The files, the ext4 job's file and room for ext4 itself.
		ram_ext4_up $((4 * SIZE + FS_SIZE + 256)) "$RAMMNT" &&
			mkdir -p "$RAMMNT/bench" || return 1
		echo "$RAMMNT/bench" ;;
	virtio)
		mkdir -p "$SCRATCH/bench" || return 1
		echo "$SCRATCH/bench" ;;
	*)	return 1 ;;
	esac
}

medium_down() { # MEDIUM DIR
	rm -rf "$2"
	if [ "$1" = ram ]; then
		ram_ext4_down "$RAMMNT"
	fi
}

bench_medium() { # MEDIUM
	local medium=$1 dir job t start
	start=$(now)
	MISSING=() DIO_OF=() NOTE_OF=()
	if ! dir=$(medium_up "$medium" 2>&1); then
		note "medium $medium: cannot set up: $dir"
		emit "$(jq -cn --arg m "$medium" --arg w "$dir" \
			'{kind: "medium", medium: $m, missing: ("cannot set up: " + $w)}')"
		return 0
	fi
	make_files "$dir"
	for t in $TARGETS; do
		setup_target "$t" "$dir" || note "$medium: target $t missing: ${MISSING[$t]}"
		emit "$(jq -cn --arg m "$medium" --arg t "$t" --arg d "${DEV_OF[$t]:-}" \
			--arg dio "${DIO_OF[$t]:-}" --arg n "${NOTE_OF[$t]:-}" \
			--arg w "${MISSING[$t]:-}" \
			'{kind: "target", medium: $m, target: $t, device: $d,
			  dio: (if $dio == "" then null else ($dio | tonumber) end)}
			 + (if $n == "" then {} else {note: $n} end)
			 + (if $w == "" then {} else {missing: $w} end)')"
	done
	note "$medium: $(for t in $TARGETS; do printf '%s=%s(dio %s) ' "$t" "${DEV_OF[$t]:-missing}" "${DIO_OF[$t]:-?}"; done)"
	for job in $JOBS; do
		run_job "$medium" "$dir" "$job"
	done
	teardown_targets
	medium_down "$medium" "$dir"
	note "medium $medium: $(elapsed "$start")s"
}

# --- Scale --------------------------------------------------------------------

meminfo() { # FIELD: kB
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2
}

# scale KIND(vfsblk|loop) N DIR: bind N devices at once, each on its own
# sparse file; memory per idle device, time per add and per remove.
scale() {
	local kind=$1 n=$2 dir=$3 i a0 s0 a1 s1 t0 t_add t_rm bound failed=0 d base
	local starts
	for ((i = 0; i < n; i++)); do
		truncate -s 16M "$dir/s$i"
	done
	settle
	a0=$(meminfo MemAvailable) s0=$(meminfo Slab)
	t0=$(now)
	for ((i = 0; i < n; i++)); do
		if [ "$kind" = vfsblk ]; then
			"$VFSBLKCTL" add "$dir/s$i" >/dev/null 2>&1 || failed=$((failed + 1))
		else
			losetup --find "$dir/s$i" >/dev/null 2>&1 || failed=$((failed + 1))
		fi
	done
	t_add=$(elapsed "$t0")
	if [ "$kind" = vfsblk ]; then
		bound=$(vfs_devices | wc -l)
	else
		bound=$(losetup -a | grep -c "$dir/s" || true)
	fi
	settle
	a1=$(meminfo MemAvailable) s1=$(meminfo Slab)
	t0=$(now)
	if [ "$kind" = vfsblk ]; then
		for d in $(vfs_devices); do
			"$VFSBLKCTL" remove "/dev/$d" >/dev/null 2>&1 || failed=$((failed + 1))
		done
	else
		for d in $(losetup -a | awk -F: -v p="$dir/s" 'index($0, p) { print $1 }'); do
			losetup -d "$d" || failed=$((failed + 1))
		done
	fi
	t_rm=$(elapsed "$t0")
	# Starting the tool alone, for reference: as many times as the
	# devices, at most 32.
	starts=$((n < 32 ? n : 32))
	t0=$(now)
	for ((i = 0; i < starts; i++)); do
		if [ "$kind" = vfsblk ]; then
			"$VFSBLKCTL" --help >/dev/null 2>&1 || true
		else
			losetup --help >/dev/null 2>&1 || true
		fi
	done
	base=$(elapsed "$t0")
	rm -f "$dir"/s*
	emit "$(jq -cn --arg k "$kind" --argjson n "$n" --argjson b "$bound" \
		--argjson f "$failed" --argjson ta "$t_add" --argjson tr "$t_rm" \
		--argjson a0 "$a0" --argjson a1 "$a1" --argjson s0 "$s0" \
		--argjson s1 "$s1" --argjson base "$base" --argjson st "$starts" \
		'{kind: "scale", driver: $k, devices: $n, bound: $b, failed: $f,
		  add_seconds: $ta, remove_seconds: $tr,
		  memavailable_kb: [$a0, $a1], slab_kb: [$s0, $s1],
		  tool_starts: $st, tool_start_seconds: $base}')"
	note "scale $kind: $bound of $n bound, add ${t_add}s, remove ${t_rm}s"
}

# --- Tools from memory --------------------------------------------------------

# The guest's root is the host's over 9p, which reads a program and its
# libraries again at every start: seconds for fio's sixty libraries under
# emulation. Run the programs the benchmark starts from copies in tmpfs:
# first in PATH, their libraries through LD_LIBRARY_PATH, and the copies of
# the dynamic loader and /bin/sh (fio's exec_prerun) bound over the
# originals. tests/bench/run lists them (--tools FILE: "bin PATH" and
# "lib PATH" lines), as ldd here would take minutes; else ldd.
TOOLS_LIST=${TOOLS_LIST:-}
TOOLS="fio sh bash touch sync jq dd sleep cat awk sed grep tr tac head wc rm
mkdir truncate losetup mount umount mountpoint mkfs.ext4 modprobe rmmod nproc
getconf uname tail readlink"
BOUND=()
tools_to_memory() {
	local dir=$WORK/tools t p ld sh kind start
	local -a bins=() libs=()
	start=$(now)
	mkdir -p "$dir/bin" "$dir/lib"
	if [ -r "$TOOLS_LIST" ]; then
		while read -r kind p; do
			case "$kind" in
			bin) bins+=("$p") ;;
			lib) libs+=("$p") ;;
			esac
		done <"$TOOLS_LIST"
		bins+=("$VFSBLKCTL")
	else
		for t in $TOOLS "$VFSBLKCTL"; do
			p=$(type -P "$t") && bins+=("$p")
		done
		mapfile -t libs < <(ldd "${bins[@]}" 2>/dev/null |
			awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			     $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u)
	fi
	if ! cp -L -t "$dir/bin" "${bins[@]}" || ! cp -L -t "$dir/lib" "${libs[@]}"; then
		note "programs stay on 9p: copying them failed"
		return 0
	fi
	ld=$(readlink -f /lib64/ld-linux-x86-64.so.2)
	sh=$(readlink -f /bin/sh)
	mount --bind "$dir/lib/${ld##*/}" "$ld" && BOUND+=("$ld")
	mount --bind "$dir/bin/sh" "$sh" && BOUND+=("$sh")
	export PATH=$dir/bin:$PATH LD_LIBRARY_PATH=$dir/lib
	VFSBLKCTL=$dir/bin/${VFSBLKCTL##*/}
	hash -r
	note "${#bins[@]} programs run from tmpfs (copied in $(elapsed "$start")s)"
}

# shellcheck disable=SC2317 # run by the EXIT trap
tools_back() {
	local p
	for p in "${BOUND[@]}"; do
		umount "$p" 2>/dev/null
	done
	BOUND=()
}

# --- Main ---------------------------------------------------------------------

BENCH_START=$(now)
RUNTIME_MS=$(ms "$RUNTIME")
RAMP_MS=$(ms "$RAMP")
RAMP_US=$(awk -v s="$RAMP" 'BEGIN { printf "%d", s * 1000000 }')
RUNTIME_US=$(awk -v s="$RUNTIME" 'BEGIN { printf "%d", s * 1000000 }')

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	set +e
	unmount_fs
	vfs_reset
	losetup -D 2>/dev/null
	nullblk_down
	mountpoint -q "$RAMMNT" && umount "$RAMMNT"
	rm -rf "$SCRATCH/bench" "$SCRATCH/scale"
	tools_back
	rm -rf "$WORK"
}
trap cleanup EXIT
printf 'sync\necho 1 >/proc/sys/vm/drop_caches\n' >"$WORK/drop"
mkfifo "$WORK/nap"

kmodprobe loop
tools_to_memory
emit "$(jq -cn --argjson q "$quick" --argjson r "$ROUNDS" --arg rt "$RUNTIME" \
	--arg ra "$RAMP" --argjson s "$SIZE" --argjson fs "$FS_SIZE" \
	--arg media "$MEDIA" --arg jobs "$JOBS" --arg targets "$TARGETS" \
	--arg k "$(uname -r)" --arg fio "$(fio --version)" --argjson cpus "$(nproc)" \
	--argjson mem "$(meminfo MemTotal)" --argjson hz "$(getconf CLK_TCK)" \
	'{kind: "env", quick: ($q == 1), rounds: $r, runtime_s: ($rt | tonumber),
	  ramp_s: ($ra | tonumber), file_mib: $s, fs_file_mib: $fs,
	  media: ($media | split(" ")), jobs: ($jobs | split(" ")),
	  targets: ($targets | split(" ")), kernel: $k, fio: $fio, cpus: $cpus,
	  mem_kb: $mem, user_hz: $hz}')"
note "bench: kernel $(uname -r), files ${SIZE} MiB, ${ROUNDS} round(s) of ${RUNTIME}s (+${RAMP}s ramp)"

for m in $MEDIA; do
	bench_medium "$m"
done
if [ "$SCALE" -gt 0 ]; then
	mkdir -p "$SCRATCH/scale"
	scale vfsblk "$SCALE" "$SCRATCH/scale"
	scale loop "$SCALE" "$SCRATCH/scale"
fi
note "bench: $(elapsed "$BENCH_START")s in the guest"
exit
}
