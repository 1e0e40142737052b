#!/bin/sh
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
for c in create add attach remove detach list info help; do
	expect 0 "Usage:" -- "$c" --help
	expect 0 "Usage:" -- help "$c"
done
expect 0 "vfsblkctl 0.1.0" -- --version
expect 0 "vfsblkctl 0.1.0" -- -V

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
expect 2 "'loop0' is not a vfsblk device" -- remove loop0
expect 2 "'vfsblk01' is not a vfsblk device" -- info vfsblk01
expect 2 "cannot be combined" -- list --json --raw
expect 2 "unexpected argument" -- list foo
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

# Without the module: the control node is missing.
export VFSBLKCTL_CONTROL="$TMP/no-such-control"
hint="No such file or directory (is the vfsblk module loaded?)"
[ -e /sys/module/vfsblk ] && hint="No such file or directory"
expect 1 "cannot open $TMP/no-such-control: $hint" -- list
expect 1 "cannot open $TMP/no-such-control: $hint" -- add "$TMP/img"
expect 1 "cannot open $TMP/no-such-control: $hint" -- remove 0
expect 1 "cannot open $TMP/no-such-control: $hint" -- info /dev/vfsblk0
expect 0 "vfsblkctl 0.1.0" -- --version
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
expect 0 "vfsblkctl 0.1.0" -- --version

# The stand-in module: output of list and info, add, remove.
if [ -n "$FAKE" ]; then
	export LD_PRELOAD="$FAKE"
	expect 0 "vfsblk module ABI 1" -- --version
	expect 0 "/dev/vfsblk0   1G  0         0 bound      0 /srv/images/a disk.img" -- list
	expect 0 "/dev/vfsblk5 3145728 1 1 rundown 2 /xxxx" -- list --raw -n -b
	expect 0 '"size": 1073741824,' -- list --json
	expect 0 '"ro": true,' -- list -J
	expect 0 '"vfsblkdevices": [' -- list -J
	expect 0 "xxx (deleted)" -- info 5
	expect 0 "back-maj:min: 8:1" -- info /dev/vfsblk0
	expect 0 '"back-size": 3145828,' -- info --json vfsblk5
	expect 1 "cannot get information on /dev/vfsblk3: no such device" -- info 3
	expect 0 "/dev/vfsblk1" -- add "$TMP/img"
	expect 0 "/dev/vfsblk1" -- attach --read-only --autoclear "$TMP/img"
	expect 0 "last 488 bytes are ignored" -- add "$TMP/odd"
	expect 1 "cannot attach $TMP/tiny: it is smaller than 512 bytes" -- add "$TMP/tiny"
	expect 1 "cannot attach $TMP/fifo: it is a pipe" -- add "$TMP/fifo"
	expect 1 "cannot attach $TMP/dir: it is a directory" -- add -r "$TMP/dir"
	expect 1 "cannot attach /dev/null: it is a character device, not a regular file" -- add /dev/null
	expect 0 "" -- remove 0
	expect 0 "" -- detach /dev/vfsblk0
	expect 1 "cannot remove /dev/vfsblk5: device is in use (mounted or open); use --lazy" -- remove vfsblk5
	expect 0 "/dev/vfsblk5: in use, will be removed at last close" -- remove --lazy 5
	expect 1 "cannot remove /dev/vfsblk4: no such device" -- remove 4

	# A file the caller cannot write: add falls back to read-only.
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		mkdir -m 755 "$TMP/pub" && chmod 711 "$TMP"
		cp "$TMP/img" "$TMP/pub/ro.img" && chmod 444 "$TMP/pub/ro.img"
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$BIN" add "$TMP/pub/ro.img" >"$TMP/out" 2>"$TMP/err"
		if [ $? -eq 0 ] && grep -q "^/dev/vfsblk1$" "$TMP/out" &&
		   grep -q "ro.img: write access denied (Permission denied), attaching read-only" "$TMP/err"; then ok
		else bad "read-only fallback: $(cat "$TMP/out" "$TMP/err")"; fi
		chmod 700 "$TMP"
	fi
	# No devices: the header alone, or nothing with --noheadings.
	export FAKE_VFSBLK_EMPTY=1
	expect 0 "NAME SIZE RO AUTOCLEAR STATE OPEN BACK-FILE BACK-INO BACK-MAJ:MIN" -- list
	expect 0 "NAME SIZE RO AUTOCLEAR STATE OPEN BACK-FILE BACK-INO BACK-MAJ:MIN" -- list --raw
	expect 0 '"vfsblkdevices": [' -- list --json
	"$BIN" list -n >"$TMP/out" 2>&1 && [ ! -s "$TMP/out" ] && ok ||
		bad "list -n without devices printed: $(cat "$TMP/out")"
	unset FAKE_VFSBLK_EMPTY LD_PRELOAD
fi

echo "test-cli: $pass passed, $fail failed: $([ $fail -eq 0 ] && echo ok || echo FAIL)"
[ $fail -eq 0 ]
