# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for tests/cases/*, sourced inside the guest (tests/guest/runner
# exports the variables below). A case exits 0 to pass, 77 to skip, any
# other status to fail; everything it prints is shown when it fails.
#
#   VFSBLKCTL   the CLI (tools/vfsblkctl)
#   CTLPROBE    raw ioctl prober (tests/helpers/ctlprobe.c)
#   VFSBLK_BIN  directory of the built tests/helpers/*.c programs
#   SCRATCH     ext4 directory for backing files
#   VFSBLK_KO   the module built for the booted kernel
#   KROOT       cached root of the booted kernel (modules)

set -euo pipefail

# shellcheck source=tests/lib/guest-common.sh
. "$VFSBLK_TREE/tests/lib/guest-common.sh"

: "${VFSBLKCTL:?}" "${CTLPROBE:?}" "${VFSBLK_KO:?}" "${KROOT:?}"
SCRATCH=${SCRATCH:-/mnt/scratch}
CONTROL=/dev/vfsblk-control
# Bound of every wait, in seconds: the guest is emulated and slow.
WAIT_BOUND=${WAIT_BOUND:-180}

# Per-case work directory on the scratch filesystem, removed at exit.
CASE_DIR=$(mktemp -d "$SCRATCH/case.XXXXXX")
MNT=$(mktemp -d /mnt/mnt.XXXXXX)

log() { echo "--- $*"; }
die() { echo "FAIL: $*" >&2; exit 1; }
fail() { die "$@"; }
skip() { echo "SKIP: $*"; exit 77; }

# Echo a command, then run it.
run() {
	echo "+ $*"
	"$@"
}

# wait_for [-t SECONDS] CMD...: poll until CMD succeeds; die at the bound.
wait_for() {
	local bound=$WAIT_BOUND start delay=0.05
	if [ "${1:-}" = -t ]; then
		bound=$2
		shift 2
	fi
	start=$(date +%s)
	until "$@"; do
		if (($(date +%s) - start >= bound)); then
			die "timed out after ${bound}s waiting for: $*"
		fi
		sleep "$delay"
		[ "$delay" = 1 ] || delay=$(awk -v d="$delay" 'BEGIN { d *= 2; print (d > 1 ? 1 : d) }')
	done
}

# expect_errno ERRNAME CMD...: CMD (usually $CTLPROBE ...) must fail and
# print ERRNAME as its last line.
expect_errno() {
	local want=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" != 0 ] || die "expected $want, but it succeeded: $* -> $out"
	[ "$(tail -n1 <<<"$out")" = "$want" ] ||
		die "expected $want from: $*; got (status $rc): $out"
	echo "ok: $want from: $*"
}

# expect_ok CMD...: CMD must succeed; its output is printed.
expect_ok() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = 0 ] || die "expected success from: $*; got status $rc: $out"
	printf '%s\n' "$out"
}

# expect_fail CMD...: CMD must exit non-zero; its output is printed.
expect_fail() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" != 0 ] || die "expected failure from: $*; it succeeded: $out"
	printf '%s\n' "$out"
	return 0
}

# vfs_add FILE [ARGS...]: add a device, print its node (/dev/vfsblkN).
vfs_add() {
	local dev
	dev=$(vfsblk_add -t "$WAIT_BOUND" "$@") || die "$dev"
	echo "$dev"
}

dev_index() { local d=${1##*/}; echo "${d#vfsblk}"; }
dev_exists() { [ -e "/sys/block/${1##*/}" ]; }
dev_gone() { ! dev_exists "$1"; }

# is WHAT GOT WANT: GOT must be WANT.
is() { [ "$2" = "$3" ] || die "$1: '$2', want '$3'"; }
# has TEXT PART: TEXT must contain PART.
has() { grep -qF -- "$2" <<<"$1" || die "no '$2' in: $1"; }

# cached FILE: pages of FILE in the page cache.
cached() { fincore -n -o PAGES -b "$1" | tr -d ' '; }

# sattr DEV ATTR: /sys/block/vfsblkN/vfsblk/ATTR of DEV, given as its
# index N, its name vfsblkN or its node /dev/vfsblkN.
sattr() { cat "/sys/block/vfsblk$(dev_index "$1")/vfsblk/$2"; }

# fsync_through DEV FILE SEEK_MIB MIB: write MIB MiB of new data at
# SEEK_MIB through DEV with dd conv=fsync; the data must then be in FILE,
# DEV's backing file, read with O_DIRECT after dropping caches. Sets df
# (the flushes the driver counted meanwhile) and di (of them, served
# inline).
fsync_through() {
	local f0 i0
	head -c $(($4 << 20)) /dev/urandom >"$CASE_DIR/fsync-data"
	f0=$(sattr "$1" flushes)
	i0=$(sattr "$1" inline_flushes)
	run dd if="$CASE_DIR/fsync-data" of="$1" bs=1M seek="$3" \
		conv=fsync,notrunc status=none
	df=$(($(sattr "$1" flushes) - f0))
	di=$(($(sattr "$1" inline_flushes) - i0))
	log "$1: $df flushes, $di served inline"
	echo 3 >/proc/sys/vm/drop_caches
	dd if="$2" bs=1M skip="$3" count="$4" iflag=direct status=none |
		cmp - "$CASE_DIR/fsync-data" ||
		die "after dd conv=fsync on $1, its backing file lacks the data"
}

# fio_ok WHAT OUT ARGS...: fio with ARGS, its terse output in OUT, must
# exit 0 with no job reporting an error (terse v3: field 5); else OUT is
# printed and the case fails, naming WHAT.
fio_ok() {
	local what=$1 out=$2 err
	shift 2
	echo "+ fio $*"
	fio --output-format=terse "$@" >"$out" ||
		{ cat "$out"; die "$what: fio failed"; }
	err=$(awk -F';' '$1 == 3 && $5 != 0 { print $3 ": " $5 }' "$out")
	[ -z "$err" ] || { cat "$out"; die "$what: fio reported error $err"; }
}

# rewrite_under_writeback DIR SECONDS: for SECONDS, two fio jobs rewrite
# the pages of DIR/r (64 KiB, mmap) while a third writes and fdatasyncs
# it, so that pages change while they are written back. fio must pass.
rewrite_under_writeback() {
	fio --directory="$1" --filename=r --size=64k --bs=4k --time_based \
		--runtime="$2" --refill_buffers --output-format=terse \
		--name=mmap --ioengine=mmap --rw=randwrite --numjobs=2 \
		--name=sync --ioengine=psync --rw=randwrite --fdatasync=1 \
		>"$CASE_DIR/rewrite.out" ||
		{ cat "$CASE_DIR/rewrite.out"; die "fio rewriting $1/r failed"; }
	log "fio rewrote $1/r under writeback for $2 s"
}

# padd ARGS...: add a device with ctlprobe, wait for its node, print its
# index.
padd() {
	local out
	out=$("$CTLPROBE" add "$@") || die "ctlprobe add $* failed: $out"
	out=${out#OK index=}
	out=${out%% *}
	wait_for test -b "/dev/vfsblk$out"
	echo "$out"
}
# iget N FIELD: one field of device N's INFO, from ctlprobe.
iget() { "$CTLPROBE" info "$1" --get "$2"; }
# prm N: remove device N with ctlprobe and wait until it is gone.
prm() {
	run "$CTLPROBE" remove "$1"
	wait_for dev_gone "/dev/vfsblk$1"
}

# xrun WANT ARGS...: vfsblkctl ARGS must exit WANT, with exactly one line
# on stderr when WANT is not 0; $out and $err hold what it printed.
xrun() {
	local want=$1 rc=0
	shift
	"$VFSBLKCTL" "$@" >"$CASE_DIR/out" 2>"$CASE_DIR/err" || rc=$?
	out=$(cat "$CASE_DIR/out")
	err=$(cat "$CASE_DIR/err")
	echo "+ vfsblkctl $* -> $rc${out:+ | $out}${err:+ | $err}"
	[ "$rc" = "$want" ] || die "vfsblkctl $*: exit $rc, want $want"
	if [ "$want" != 0 ] && [ "$(wc -l <"$CASE_DIR/err")" != 1 ]; then
		die "vfsblkctl $*: stderr is not one line"
	fi
	return 0
}
# jcheck JSON EXPR: JSON parses, and the Python EXPR on it (d) is true.
jcheck() {
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" ||
		die "JSON check failed: $2 on: $1"
}

# The module must be loaded with no device: the state every case starts in.
[ -c "$CONTROL" ] || die "$CONTROL missing at case start"
[ -z "$(vfs_devices)" ] || die "devices exist at case start: $(vfs_devices)"

# Cleanup at exit: unmount what the case mounted under $MNT, then every
# vfsblk device (vfs_reset), and remove the work directories.
_cleanup() {
	local rc=$? mp
	set +e
	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	awk -v m="$MNT" 'index($2, m) == 1 { print $2 }' /proc/mounts |
		while read -r mp; do
			umount "$mp" 2>/dev/null || umount -l "$mp"
		done
	vfs_reset
	rm -rf "$CASE_DIR"
	rmdir "$MNT" 2>/dev/null
	exit "$rc"
}
trap _cleanup EXIT
