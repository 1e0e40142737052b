# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host side of the benchmark's smaller scripts (tests/bench/sparse,
# tests/bench/extents, tests/bench/wcache), sourced by them: their
# options, their one VM, and the median of their runs' figures.

# bench_script_run NAME ROUNDS MEM ARG...: take --kernel 6.1|6.12 (6.1)
# and --rounds N (ROUNDS) from ARG... (-h and anything else: the usage,
# the lines of the sourcing script that start with "#   "), then run
# tests/bench/NAME-guest.sh N in one VM of the benchmark's kernel command
# line with MEM of memory (VFSBLK_MEM overrides it). Its output is shown
# as it comes and kept in the file $BENCH_OUT, removed at exit; its status
# is in BENCH_RC. Must run as root.
# shellcheck disable=SC2034 # BENCH_RC: read by the sourcing script
bench_script_run() {
	local name=$1 rounds=$2 mem=$3 kernel=6.1 tree
	shift 3
	tree=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) [ $# -ge 2 ] || _bench_usage; kernel=$2; shift 2 ;;
		--rounds) [ $# -ge 2 ] || _bench_usage; rounds=$2; shift 2 ;;
		*) _bench_usage ;;
		esac
	done
	case "$rounds" in
	''|*[!0-9]*|0)
		_bench_die "$name" "--rounds wants a positive number, not '$rounds'" ;;
	esac
	[ "$(id -u)" = 0 ] || _bench_die "$name" "must run as root (tests/run)"

	BENCH_OUT=$(mktemp)
	# shellcheck disable=SC2064 # the file's name, now
	trap "rm -f '$BENCH_OUT'" EXIT
	BENCH_RC=0
	VFSBLK_MEM=${VFSBLK_MEM:-$mem} \
	VFSBLK_GUEST_SCRIPT=$tree/tests/bench/$name-guest.sh \
	VFSBLK_SCRIPT_ARGS="$rounds" \
		"$tree/tests/run" --bench --kernel "$kernel" |
		tee "$BENCH_OUT" || BENCH_RC=$?
}

_bench_usage() {
	sed -n 's/^#   //p' "$0" >&2
	exit 2
}
_bench_die() { echo "tests/bench/$1: $2" >&2; exit 1; }

# An awk function for the programs that sum the runs up: median(S), the
# median of the numbers in the string S (separated by spaces), which also
# sets the globals lo and hi to their least and greatest.
# shellcheck disable=SC2016,SC2034 # awk's text, for the sourcing script
BENCH_MEDIAN_AWK='
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		lo = a[1]; hi = a[n]
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
'
