#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the vfsblkctl binary: usage errors and exit codes,
# one-line messages, create, and the errors seen without the module.
# No kernel module needed: the control node is pointed at a missing path
# and at /dev/null through $VFSBLKCTL_CONTROL.
#
# With FAKE (test-fakectl.so) the ioctls are answered by that stand-in,
# which checks the arguments and keeps a small device table per process.
#
# Usage: test-cli.sh [path/to/vfsblkctl [path/to/test-fakectl.so]]

BIN=${1:-./vfsblkctl}
FAKE=${2:-}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
case $FAKE in /*|"") ;; *) FAKE=$(pwd)/$FAKE ;; esac

pass=0
fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vfsblkctl-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect RC PATTERN -- ARGS...: run, check the exit code, that stderr is
# one line (when RC != 0) or empty (when 0), and that PATTERN (grep -F, on
# stdout+stderr) appears.
expect() {
	want_rc=$1 pattern=$2
	shift 3
	"$BIN" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne "$want_rc" ]; then
		bad "vfsblkctl $*: exit $rc, want $want_rc; stderr: $(cat "$TMP/err")"
	elif [ "$want_rc" -ne 0 ] && [ "$lines" -ne 1 ]; then
		bad "vfsblkctl $*: $lines lines on stderr, want 1: $(cat "$TMP/err")"
	elif [ -n "$pattern" ] && ! cat "$TMP/out" "$TMP/err" | grep -qF -- "$pattern"; then
		bad "vfsblkctl $*: no '$pattern' in: $(cat "$TMP/out" "$TMP/err")"
	else
		ok
	fi
}

# Help and version.
expect 0 "Usage:" -- --help
expect 0 "Usage:" -- -h
expect 0 "Usage:" -- help
for c in create add attach remove detach list info resize set run help; do
	expect 0 "Usage:" -- "$c" --help
	expect 0 "Usage:" -- help "$c"
done
expect 0 "vfsblkctl 0.2.0" -- --version
expect 0 "vfsblkctl 0.2.0" -- -V
expect 0 "losetup's command line works too" -- --help
expect 0 "DIO-REASON" -- list --help
expect 0 "--direct-io[=MODE]" -- add --help

# Usage errors: exit 2, one line.
expect 2 "no command given" --
expect 2 "unknown command 'nope'" -- nope
expect 2 "unrecognized option '--nope'" -- --nope
expect 2 "unknown command 'nope'" -- help nope
expect 2 "option --size is required" -- create "$TMP/x"
expect 2 "invalid size '1.5G'" -- create --size 1.5G "$TMP/x"
expect 2 "invalid size '0'" -- create --size 0 "$TMP/x"
expect 2 "invalid size '-1'" -- create --size -1 "$TMP/x"
expect 2 "invalid size '10Q'" -- create --size 10Q "$TMP/x"
expect 2 "invalid size ''" -- create --size "" "$TMP/x"
expect 2 "more than 64 bits" -- create --size 18446744073709551616 "$TMP/x"
expect 2 "too large for a file" -- create --size 8388608T "$TMP/x"
expect 2 "missing FILE" -- create --size 1M
expect 2 "missing FILE" -- add
expect 2 "unrecognized option '--bogus'" -- add --bogus "$TMP/x"
expect 2 "missing DEV" -- remove
expect 2 "'loop0' is neither a vfsblk device" -- remove loop0
expect 2 "'vfsblk01' is not a vfsblk device" -- info vfsblk01
expect 2 "cannot be combined" -- list --json --raw
expect 2 "list: 'foo' is not a vfsblk device" -- list foo
expect 2 "invalid offset '100': not a multiple of 512" -- add --offset 100 "$TMP/x"
expect 2 "invalid block size '3000'" -- add -b 3000 "$TMP/x"
expect 2 "invalid direct I/O mode 'yes'" -- add --direct-io=yes "$TMP/x"
expect 2 "invalid name '.x'" -- add --name .x "$TMP/x"
expect 2 "nothing to change" -- set 0
expect 2 "cannot be combined" -- set -r -w 0
expect 2 "missing DEV argument" -- resize
expect 2 "'nope' is not a vfsblk device" -- resize nope
expect 2 "'nope' is not a vfsblk device" -- set -r nope
expect 2 "'nope' is not a vfsblk device" -- info nope
expect 2 "options --output and --output-all" -- list -o NAME --output-all
# losetup's command line: usage errors.
expect 2 "only one of -f, -d, -D, -c" -- -f -D
expect 2 "need a device to set up" -- -r -a
expect 2 "invalid option '-L'" -- -L -f "$TMP/x"
expect 2 "requires an argument" -- -d
expect 2 "--set-capacity takes one device" -- -c 0 1
[ -e "$TMP/x" ] && bad "a usage error created a file" || ok

# create.
expect 0 "" -- create --size 1M "$TMP/img"
if [ "$(stat -c %s "$TMP/img")" = 1048576 ] && [ "$(stat -c %b "$TMP/img")" -le 16 ]; then ok
else bad "create: $TMP/img is not a sparse 1 MiB file: $(stat -c '%s bytes, %b blocks' "$TMP/img")"; fi
expect 1 "file exists (use --force" -- create --size 1M "$TMP/img"
printf 'garbage' >"$TMP/img"
expect 0 "" -- create --size 2KiB --force "$TMP/img"
if [ "$(stat -c %s "$TMP/img")" = 2048 ] && head -c 2048 /dev/zero | cmp -s - "$TMP/img"; then ok
else bad "create --force: $TMP/img is not 2048 zero bytes"; fi
expect 0 "not a multiple of 512" -- create --size 1000 "$TMP/odd"
expect 0 "too small" -- create --size 100 "$TMP/tiny"
mkdir "$TMP/dir"
expect 1 "is a directory" -- create --size 1M --force "$TMP/dir"
mkfifo "$TMP/fifo"
expect 1 "is a pipe" -- create --size 1M --force "$TMP/fifo"
expect 1 "No such file or directory" -- create --size 1M "$TMP/nodir/img"
expect 1 "cannot set the size of" -- create --size 8388607T "$TMP/huge"
[ -e "$TMP/huge" ] && bad "a failed create left $TMP/huge behind" || ok
expect 0 "" -- create --size 1M --preallocate "$TMP/full"
if [ "$(stat -c %s "$TMP/full")" = 1048576 ] && [ "$(stat -c %b "$TMP/full")" -ge 2048 ]; then ok
else bad "create --preallocate: $TMP/full is not 1 MiB allocated: $(stat -c '%s bytes, %b blocks' "$TMP/full")"; fi
expect 1 "bytes for $TMP/huge: " -- create --size 8388607T --preallocate "$TMP/huge"
[ -e "$TMP/huge" ] && bad "a failed create --preallocate left $TMP/huge behind" || ok

# Without the module: the control node is missing.
export VFSBLKCTL_CONTROL="$TMP/no-such-control"
hint="No such file or directory (is the vfsblk module loaded? try 'modprobe vfsblk')"
[ -e /sys/module/vfsblk ] && hint="No such file or directory"
expect 1 "cannot open $TMP/no-such-control: $hint" -- list
expect 1 "cannot open $TMP/no-such-control: $hint" -- add "$TMP/img"
expect 1 "cannot open $TMP/no-such-control: $hint" -- remove 0
expect 1 "cannot open $TMP/no-such-control: $hint" -- info /dev/vfsblk0
expect 0 "vfsblkctl 0.2.0" -- --version
if [ ! -e /dev/vfsblk-control ]; then
	VFSBLKCTL_CONTROL= expect 1 "cannot open /dev/vfsblk-control: $hint" -- list
fi

# A control node that is not vfsblk's: every ioctl gets ENOTTY.
export VFSBLKCTL_CONTROL=/dev/null
expect 1 "cannot list devices: Inappropriate ioctl for device" -- list
expect 1 "cannot attach $TMP/img: Inappropriate ioctl" -- add "$TMP/img"
expect 1 "cannot remove /dev/vfsblk0: Inappropriate ioctl" -- remove 0
# One line per device that failed, and all of them are tried.
"$BIN" remove 1 2 >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 1 ] && [ "$(grep -c 'cannot remove /dev/vfsblk[12]: ' "$TMP/err")" -eq 2 ] &&
   [ "$(wc -l <"$TMP/err")" -eq 2 ]; then ok
else bad "remove 1 2: want exit 1 and one line per device: $(cat "$TMP/err")"; fi
expect 1 "cannot get information on /dev/vfsblk0: Inappropriate ioctl" -- info 0
expect 1 "cannot open $TMP/dir: it is a directory" -- add "$TMP/dir"
expect 1 "cannot open $TMP/nothing: No such file or directory" -- add "$TMP/nothing"
expect 0 "vfsblkctl 0.2.0" -- --version

# The stand-in module (ABI 2): list and info, add, remove, resize, set, and
# losetup's command line. $LOG gets each request as the fake received it.
if [ -n "$FAKE" ]; then
	export LD_PRELOAD="$FAKE"
	LOG=$TMP/requests
	export FAKE_VFSBLK_LOG="$LOG"
	# logged PATTERN...: the requests since the last call match, in order.
	logged() {
		got=$(cat "$LOG" 2>/dev/null)
		: >"$LOG"
		for p in "$@"; do
			if ! printf '%s\n' "$got" | grep -qF -- "$p"; then
				bad "request log has no '$p': $got"
				return
			fi
			got=$(printf '%s\n' "$got" | sed -n "/$(printf '%s' "$p" | sed 's/[][\/.*^$]/\\&/g')/,\$p" | tail -n +2)
		done
		ok
	}
	# json_check ARGS... -- PYTHON: the output of vfsblkctl ARGS parses as
	# JSON and the Python expression (on d, the parsed document) is true.
	json_check() {
		args=()
		while [ "$1" != -- ]; do args+=("$1"); shift; done
		shift
		if ! "$BIN" "${args[@]}" >"$TMP/json" 2>"$TMP/err"; then
			bad "vfsblkctl ${args[*]}: failed: $(cat "$TMP/err")"
		elif python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/json" "$1" 2>"$TMP/err"; then
			ok
		else
			bad "vfsblkctl ${args[*]}: JSON fails $1: $(head -c 300 "$TMP/json") $(cat "$TMP/err")"
		fi
	}

	expect 0 "vfsblk module ABI 2" -- --version
	expect 0 "NAME         SIZE OFFSET SIZELIMIT RO AUTOCLEAR DIO STATE   OPEN LABEL BACK-FILE" -- list
	expect 0 "/dev/vfsblk0   1G      0         0  0         0   1 bound      0 data  /srv/images/a disk.img" -- list
	expect 0 "/dev/vfsblk5 3145728 0 3145728 1 1 0 rundown 2  /xxxx" -- list --raw -n -b
	expect 0 "/dev/vfsblk0 data" -- list -o NAME,LABEL --raw -n
	expect 0 "NAME LABEL INDEX" -- list -o name,label,index --raw
	expect 0 "BACK-FILE INDEX" -- list -o +INDEX --raw
	expect 0 "DIO-REASON" -- list --output-all --raw
	expect 2 "list: unknown column 'bogus' (see 'vfsblkctl list --help')" -- list -o NAME,bogus
	expect 2 "empty column name" -- list -o ,
	expect 0 '"size": 1073741824,' -- list --json
	expect 0 '"ro": true,' -- list -J
	expect 0 '"vfsblkdevices": [' -- list -J
	expect 0 "/dev/vfsblk0 1G" -- list -o NAME,SIZE -n --raw 0
	expect 1 "cannot get information on /dev/vfsblk3: no such device" -- list 3
	expect 2 "list: 'nope' is not a vfsblk device" -- list nope

	# JSON, read by a JSON parser, with the types of the values.
	json_check list --json -- \
		'[x["name"] for x in d["vfsblkdevices"]] == ["/dev/vfsblk0", "/dev/vfsblk5"] and d["vfsblkdevices"][0]["size"] == 1073741824 and d["vfsblkdevices"][0]["ro"] is False and d["vfsblkdevices"][1]["ro"] is True and d["vfsblkdevices"][0]["dio"] is True and d["vfsblkdevices"][0]["label"] == "data" and d["vfsblkdevices"][1]["state"] == "rundown" and d["vfsblkdevices"][1]["open"] == 2 and d["vfsblkdevices"][1]["back-file"].endswith(" (deleted)")'
	json_check list --json --output-all -- \
		'len(d["vfsblkdevices"][0]) == 28 and d["vfsblkdevices"][0]["wcache"] is True and d["vfsblkdevices"][1]["log-sec"] == 4096 and d["vfsblkdevices"][1]["dio-reason"] == "unsupported" and d["vfsblkdevices"][1]["dio-request"] == "on" and d["vfsblkdevices"][0]["queues"] == 2 and d["vfsblkdevices"][1]["back-size"] == 3145828 and d["vfsblkdevices"][0]["back-maj:min"] == "8:1" and d["vfsblkdevices"][1]["autoclear"] is True and d["vfsblkdevices"][0]["discard"] is True'
	json_check list -J -o NAME,SIZE,RO -- \
		'[sorted(x) for x in d["vfsblkdevices"]] == [["name", "ro", "size"]] * 2'
	json_check info --json 5 -- \
		'len(d["vfsblkdevices"]) == 1 and d["vfsblkdevices"][0]["index"] == 5 and d["vfsblkdevices"][0]["sizelimit"] == 3145728 and d["vfsblkdevices"][0]["dio"] is False'
	json_check --json -- \
		'sorted(d["vfsblkdevices"][0]) == ["autoclear", "back-file", "dio", "log-sec", "name", "offset", "ro", "sizelimit"]'
	FAKE_VFSBLK_EMPTY=1 json_check list --json -- 'd == {"vfsblkdevices": []}'

	expect 0 "xxx (deleted)" -- info 5
	expect 0 "back-maj:min: 8:1" -- info /dev/vfsblk0
	expect 0 "dio-reason: unsupported" -- info 5
	expect 0 "label: data" -- info 0
	expect 0 "dio-request: on" -- info 0
	expect 0 "queue-depth: 64" -- info 5
	expect 0 '"back-size": 3145828,' -- info --json vfsblk5
	expect 1 "cannot get information on /dev/vfsblk3: no such device" -- info 3

	# add: every option reaches the request.
	expect 0 "/dev/vfsblk1" -- add "$TMP/img"
	logged "ADD size=136 index=-1 block_size=0 flags=0x0 offset=0 size_limit=0 dio=1 nr_queues=0 queue_depth=0 name="
	expect 0 "/dev/vfsblk1" -- attach --read-only --autoclear "$TMP/img"
	logged "ADD size=136 index=-1 block_size=0 flags=0x3 "
	create() { "$BIN" create --size "$1" --force "$2" >/dev/null 2>&1; }
	create 16M "$TMP/big"
	expect 0 "/dev/vfsblk3" -- add --offset 1M --size-limit 2M -b 4096 --name my.disk \
		--index 3 -P --queues 4 --queue-depth 32 --direct-io=off "$TMP/big"
	logged "ADD size=136 index=3 block_size=4096 flags=0x4 offset=1048576 size_limit=2097152 dio=0 nr_queues=4 queue_depth=32 name=my.disk"
	expect 0 "/dev/vfsblk1" -- add --direct-io=strict "$TMP/big"
	logged "dio=2"
	expect 0 "last 488 bytes are ignored" -- add "$TMP/odd"
	expect 1 "cannot attach $TMP/tiny: it is smaller than 512 bytes" -- add "$TMP/tiny"
	create 2048 "$TMP/tiny2"
	expect 1 "cannot attach $TMP/tiny2: it is smaller than 4096 bytes" -- add -b 4096 "$TMP/tiny2"
	create 4096 "$TMP/tiny2"
	expect 1 "it is 4096 bytes, too small for a block of 512 bytes at offset 4096" -- add -o 4K "$TMP/tiny2"
	expect 1 "cannot attach $TMP/fifo: it is a pipe" -- add "$TMP/fifo"
	expect 1 "cannot attach $TMP/dir: it is a directory" -- add -r "$TMP/dir"
	expect 1 "cannot attach /dev/null: it is a character device, not a regular file" -- add /dev/null
	expect 1 "cannot attach $TMP/img: /dev/vfsblk0 already exists" -- add --index 0 "$TMP/img"
	expect 1 "cannot attach $TMP/img: /dev/vfsblk0 already exists" -- add -i 0 -N data "$TMP/img"
	expect 1 "cannot attach $TMP/img: a device named 'data' already exists" -- add --name data "$TMP/img"
	expect 1 "cannot attach $TMP/img: a device named 'data' already exists" -- add -i 1 -N data "$TMP/img"
	FAKE_VFSBLK_MINORS=1 expect 1 "module was loaded with minors=1" -- add -P "$TMP/img"
	: >"$LOG"

	# Direct I/O: the note when it is not in effect as asked, strict fails.
	FAKE_VFSBLK_NODIO=1 expect 0 "note: /dev/vfsblk1 uses buffered I/O, not direct I/O: the backing file's filesystem does not support direct I/O" -- add "$TMP/img"
	FAKE_VFSBLK_NODIO=1 expect 1 "cannot attach $TMP/img: its filesystem does not support direct I/O (O_DIRECT); use --direct-io=on" -- add --direct-io=strict "$TMP/img"
	FAKE_VFSBLK_DIO_ALIGN=4096 expect 0 "is not a multiple of the file's direct I/O alignment (4096 bytes; try --block-size 4096)" -- add "$TMP/img"
	FAKE_VFSBLK_DIO_ALIGN=4096 expect 1 "direct I/O needs the offset and block size to be multiples" -- add --direct-io=strict "$TMP/img"
	FAKE_VFSBLK_DIO_ALIGN=4096 "$BIN" add -b 4096 "$TMP/big" >"$TMP/out" 2>"$TMP/err"
	[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && ok || bad "add -b 4096 with 4096 alignment: $(cat "$TMP/err")"
	"$BIN" add --direct-io=off "$TMP/img" >"$TMP/out" 2>"$TMP/err"
	[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && ok || bad "add --direct-io=off printed: $(cat "$TMP/err")"
	: >"$LOG"

	# remove: devices, files, --all, --lazy.
	expect 0 "" -- remove 0
	expect 0 "" -- detach /dev/vfsblk0
	logged "REMOVE size=32 index=0 flags=0x0"
	expect 1 "cannot remove /dev/vfsblk5: device is in use (open by a process); use --lazy" -- remove vfsblk5
	expect 0 "/dev/vfsblk5: in use, will be removed at last close" -- remove --lazy 5
	logged "REMOVE size=32 index=5 flags=0x0" "REMOVE size=32 index=5 flags=0x1"
	expect 1 "cannot remove /dev/vfsblk4: no such device" -- remove 4
	expect 1 "cannot remove /dev/vfsblk5: device is in use" -- remove --all
	logged "index=0 flags=0x0" "index=5 flags=0x0"
	expect 0 "will be removed at last close" -- remove --all --lazy
	export FAKE_VFSBLK_FILE="$TMP/big"
	expect 0 "" -- remove "$TMP/big"
	logged "REMOVE size=32 index=2 flags=0x0"
	expect 1 "cannot remove $TMP/img: no vfsblk device is backed by it" -- remove "$TMP/img"
	expect 2 "'$TMP/nothing' is neither a vfsblk device" -- remove "$TMP/nothing"
	"$BIN" remove 0 "$TMP/img" 4 >"$TMP/out" 2>"$TMP/err"
	if [ $? -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 2 ]; then ok
	else bad "remove 0 FILE 4: want exit 1 and two lines: $(cat "$TMP/err")"; fi
	logged "index=0" "index=4"

	# list -j FILE, and losetup's -j.
	expect 0 "/dev/vfsblk2" -- list -j "$TMP/big" -n --raw -o NAME
	"$BIN" list -j "$TMP/big" -n -o NAME >"$TMP/out" && [ "$(cat "$TMP/out")" = /dev/vfsblk2 ] && ok ||
		bad "list -j FILE: $(cat "$TMP/out")"
	"$BIN" list -j "$TMP/img" -n >"$TMP/out" && [ ! -s "$TMP/out" ] && ok ||
		bad "list -j FILE with no device: $(cat "$TMP/out")"
	expect 1 "cannot look up $TMP/nothing: No such file or directory" -- list -j "$TMP/nothing"
	ino=$(stat -c %i "$TMP/big")
	expect 0 "]:$ino ($(realpath "$TMP/big")), offset 512" -- -j "$TMP/big"
	expect 0 "]:$ino" -- -j "$TMP/big" -o 512
	"$BIN" -j "$TMP/big" -o 1024 >"$TMP/out" && [ ! -s "$TMP/out" ] && ok ||
		bad "-j FILE -o OFFSET of another offset: $(cat "$TMP/out")"
	expect 0 "/dev/vfsblk2 " -- -j "$TMP/big" -l -n

	# resize and set.
	expect 0 "/dev/vfsblk0: 1073741824 bytes (1G)" -- resize 0
	logged "SET size=72 index=0 change=0x1 "
	expect 0 "/dev/vfsblk0: 1048576 bytes (1M)" -- resize --size-limit 1M /dev/vfsblk0
	logged "SET size=72 index=0 change=0x2 flags=0x0 offset=0 size_limit=1048576"
	truncate -s 32M "$TMP/big"
	expect 0 "/dev/vfsblk2: 33553920 bytes (32M)" -- resize 2
	expect 1 "cannot resize /dev/vfsblk5: device is in use (open by a process); shrinking it" -- resize -S 1M 5
	expect 1 "cannot resize /dev/vfsblk3: no such device" -- resize 3
	truncate -s 600 "$TMP/big"
	expect 1 "cannot resize /dev/vfsblk2: a value is out of range, or the device would be smaller than one block" -- resize 2
	truncate -s 16M "$TMP/big"
	expect 0 "" -- set --read-only 0
	logged "SET size=72 index=0 change=0x10 flags=0x1"
	expect 0 "" -- set -w 0
	logged "change=0x10 flags=0x0"
	expect 0 "" -- set --direct-io=off -b 4096 -o 1M -S 2M 0
	logged "change=0x2e flags=0x0 offset=1048576 size_limit=2097152 block_size=4096 dio=0"
	expect 1 "cannot change /dev/vfsblk5: device is in use (open by a process); shrinking it or changing its offset, block size or read-only state" -- set -r 5
	expect 0 "" -- set --direct-io 5
	FAKE_VFSBLK_NODIO=1 expect 0 "note: /dev/vfsblk0 uses buffered I/O, not direct I/O" -- set --direct-io 0
	FAKE_VFSBLK_NODIO=1 expect 1 "cannot change /dev/vfsblk0: the backing file's filesystem does not support direct I/O" -- set --direct-io=strict 0
	expect 1 "cannot change /dev/vfsblk4: no such device" -- set -r 4
	expect 1 "cannot change /dev/vfsblk0: a value is out of range" -- set -o 2G 0
	: >"$LOG"

	# run: an owned device for the life of a command, its status.
	"$BIN" run "$TMP/img" -- sh -c 'echo "dev=$VFSBLK_DEVICE"; exit 3' >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 3 ] && [ "$(cat "$TMP/out")" = dev=/dev/vfsblk1 ] && [ ! -s "$TMP/err" ]; then ok
	else bad "run: exit $rc, want 3: $(cat "$TMP/out" "$TMP/err")"; fi
	logged "ADD size=136 index=-1 block_size=0 flags=0x8 "
	"$BIN" run -r --name t "$TMP/img" true && ok || bad "run -r --name FILE true failed"
	logged "flags=0x9 offset=0 size_limit=0 dio=1 nr_queues=0 queue_depth=0 name=t"
	expect 127 "" -- run "$TMP/img" -- "$TMP/no-such-program"
	expect 1 "cannot open $TMP/nothing" -- run "$TMP/nothing" true
	FAKE_VFSBLK_ABI=1 expect 1 "the loaded vfsblk module has no owner descriptors (ABI 1, run needs ABI 2)" -- run "$TMP/img" true
	: >"$LOG"

	# losetup's command line.
	expect 0 "/dev/vfsblk1" -- -f --show "$TMP/img"
	logged "ADD size=136 index=-1 block_size=0 flags=0x0 offset=0 size_limit=0 dio=0 "
	"$BIN" -f "$TMP/img" >"$TMP/out" 2>"$TMP/err" && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] && ok ||
		bad "-f FILE printed: $(cat "$TMP/out" "$TMP/err")"
	logged "ADD size=136"
	expect 0 "/dev/vfsblk1" -- -fP --show "$TMP/img"
	logged "flags=0x4 "
	expect 0 "/dev/vfsblk1" -- -r -f --show "$TMP/img"
	logged "flags=0x1 "
	expect 0 "/dev/vfsblk1" -- -f --show -o 1M --sizelimit 2M -b 2048 --direct-io "$TMP/big"
	logged "block_size=2048 flags=0x0 offset=1048576 size_limit=2097152 dio=1"
	expect 0 "/dev/vfsblk1" -- -f --show --direct-io=on "$TMP/big"
	logged "dio=1"
	expect 0 "/dev/vfsblk1" -- -f --show --direct-io=off "$TMP/big"
	logged "dio=0"
	FAKE_VFSBLK_NODIO=1 "$BIN" -f --show "$TMP/img" >"$TMP/out" 2>"$TMP/err"
	[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && ok || bad "-f: a note though buffered I/O was asked: $(cat "$TMP/err")"
	expect 0 "/dev/vfsblk1" -- -f
	expect 0 "" -- /dev/vfsblk4 "$TMP/img"
	logged "index=4 "
	expect 1 "cannot attach $TMP/img: /dev/vfsblk0 already exists" -- /dev/vfsblk0 "$TMP/img"
	expect 0 "" -- -d /dev/vfsblk0
	logged "REMOVE size=32 index=0 flags=0x1"
	expect 0 "/dev/vfsblk5: in use, will be removed at last close" -- -d /dev/vfsblk5
	expect 0 "" -- --detach vfsblk0 /dev/vfsblk2
	logged "index=0 flags=0x1" "index=2 flags=0x1"
	expect 1 "cannot remove /dev/vfsblk4: no such device" -- -d /dev/vfsblk4
	expect 0 "will be removed at last close" -- -D
	logged "index=0 flags=0x1" "index=2 flags=0x1" "index=5 flags=0x1"
	expect 0 "/dev/vfsblk0: [2049]:12 (/srv/images/a disk.img)" -- -a
	expect 0 "/dev/vfsblk0: [2049]:12 (/srv/images/a disk.img)" -- /dev/vfsblk0
	expect 0 "/dev/vfsblk5: [0033]:4242 (/xxx" -- --all
	expect 0 ", sizelimit 3145728" -- -a
	expect 0 "NAME         SIZELIMIT OFFSET AUTOCLEAR RO BACK-FILE" -- -l
	expect 0 "/dev/vfsblk0 0 0 0 0 /srv/images/a\\x20disk.img 1 512" -- -l --raw -n vfsblk0
	expect 0 "/dev/vfsblk0 data" -- -l -n --raw -O NAME,LABEL
	expect 0 '"log-sec": 512' -- --json
	expect 0 "" -- -c /dev/vfsblk0
	logged "SET size=72 index=0 change=0x1 "
	"$BIN" -c 0 >"$TMP/out" && [ ! -s "$TMP/out" ] && ok || bad "-c printed: $(cat "$TMP/out")"
	expect 1 "cannot resize /dev/vfsblk3: no such device" -- --set-capacity /dev/vfsblk3
	expect 1 "cannot get information on /dev/vfsblk3: no such device" -- /dev/vfsblk3
	unset FAKE_VFSBLK_FILE

	# A module of ABI 1: the first published sizes, and what it cannot do
	# is refused rather than dropped.
	export FAKE_VFSBLK_ABI=1
	expect 0 "vfsblk module ABI 1" -- --version
	expect 0 "/dev/vfsblk1" -- add "$TMP/img"
	logged "ADD size=72 index=-1 block_size=0 flags=0x0 offset=0 size_limit=0 dio=0 nr_queues=0 queue_depth=0 name="
	expect 0 "/dev/vfsblk1" -- add -r --autoclear --direct-io=off "$TMP/img"
	logged "ADD size=72 index=-1 block_size=0 flags=0x3 "
	expect 0 "/dev/vfsblk2" -- add --index 2 "$TMP/img"
	for opt in "--offset 512" "--size-limit 1M" "--block-size 4096" \
		   "--direct-io" "--direct-io=strict" "--partscan" "--name x" \
		   "--queues 2" "--queue-depth 8"; do
		# shellcheck disable=SC2086
		expect 1 "cannot attach $TMP/img: ${opt%%[ =]*} needs vfsblk ABI 2, the loaded module has ABI 1" -- add $opt "$TMP/img"
	done
	expect 1 "--partscan needs vfsblk ABI 2" -- -fP --show "$TMP/img"
	expect 0 "/dev/vfsblk1" -- -f --show "$TMP/img"
	expect 0 "/dev/vfsblk0 1G" -- list -o NAME,SIZE -n --raw
	expect 0 "log-sec: 512" -- info 0
	expect 1 "cannot resize /dev/vfsblk0: this needs vfsblk ABI 2, the loaded module has ABI 1" -- resize 0
	expect 1 "cannot change /dev/vfsblk0: this needs vfsblk ABI 2" -- set -r 0
	: >"$LOG"
	# A file the caller cannot write: add falls back to read-only, and an
	# ABI 1 module must be asked for it.
	asroot=
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		asroot=1
		mkdir -m 755 "$TMP/pub"
		cp "$TMP/img" "$TMP/pub/ro.img" && chmod 444 "$TMP/pub/ro.img"
		chmod 711 "$TMP"
		: >"$LOG" && chmod 666 "$LOG"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$BIN" add "$TMP/pub/ro.img" >"$TMP/out" 2>"$TMP/err"
		logged "ADD size=72 index=-1 block_size=0 flags=0x1 "
		chmod 700 "$TMP"
	fi
	unset FAKE_VFSBLK_ABI

	if [ -n "$asroot" ]; then
		chmod 711 "$TMP"
		: >"$LOG" && chmod 666 "$LOG"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$BIN" add "$TMP/pub/ro.img" >"$TMP/out" 2>"$TMP/err"
		if [ $? -eq 0 ] && grep -q "^/dev/vfsblk1$" "$TMP/out" &&
		   grep -q "ro.img: write access denied (Permission denied), attaching read-only" "$TMP/err"; then ok
		else bad "read-only fallback: $(cat "$TMP/out" "$TMP/err")"; fi
		# ABI 2: the kernel makes it read-only; the tool does not ask.
		logged "ADD size=136 index=-1 block_size=0 flags=0x0 "
		chmod 700 "$TMP"
	fi
	# No devices: the header alone, or nothing with --noheadings.
	export FAKE_VFSBLK_EMPTY=1
	expect 0 "NAME SIZE OFFSET SIZELIMIT RO AUTOCLEAR DIO STATE OPEN LABEL BACK-FILE" -- list
	expect 0 "NAME SIZE OFFSET SIZELIMIT RO AUTOCLEAR DIO STATE OPEN LABEL BACK-FILE" -- list --raw
	expect 0 '"vfsblkdevices": [' -- list --json
	"$BIN" list -n >"$TMP/out" 2>&1 && [ ! -s "$TMP/out" ] && ok ||
		bad "list -n without devices printed: $(cat "$TMP/out")"
	"$BIN" -a >"$TMP/out" 2>&1 && [ ! -s "$TMP/out" ] && ok ||
		bad "-a without devices printed: $(cat "$TMP/out")"
	expect 0 "/dev/vfsblk0" -- -f
	expect 0 "" -- remove --all
	unset FAKE_VFSBLK_EMPTY LD_PRELOAD FAKE_VFSBLK_LOG
fi

# bash completion, with stand-ins for bash-completion's helpers.
COMPLETION=$(dirname "$0")/completion/vfsblkctl
# comp WANT WORDS...: completing the last of WORDS offers WANT (grep -F).
comp() {
	want=$1
	shift
	got=$(bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
			cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		}
		_filedir() { :; }
		compopt() { :; }
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
		_vfsblkctl
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" vfsblkctl "$@" 2>&1)
	if printf '%s\n' "$got" | grep -qxF -- "$want"; then ok
	else bad "completion of '$*' lacks '$want': $(echo $got)"; fi
}
comp resize re
comp run ru
comp --queue-depth run --queue-d
comp attach at
comp --partscan add --par
comp --direct-io= set --dir
comp strict add --direct-io=st
comp 4096 add -b 40
comp --lazy remove --la
comp NAME,BACK-FILE list -o NAME,BACK
comp LOG-SEC -l -O LOG
comp --detach-all --detach-
comp create help cr

echo "test-cli: $pass passed, $fail failed: $([ $fail -eq 0 ] && echo ok || echo FAIL)"
[ $fail -eq 0 ]
