# shellcheck shell=sh disable=SC2016 # awk programs stay in single quotes
# shellcheck disable=SC2034,SC2153,SC2154 # lib-shared: set in one file of lib/, read in another (the gate checks them together)
# base.sh - what every script that sources lib/ needs first: the suite's
# folders, the messages (usage_error, die, note), and small helpers.
#
# scripts/lib/ is the drivers' shared shell, one subject a file, sourced in
# this order (each file names what it calls from the others):
#   base.sh     folders, messages, numbers, quoting
#   table.sh    benchmarks.txt's rows, the Pythons found here
#   args.sh     the options every driver takes, their checks, --help
#   command.sh  the command line a tool runs (the runner, its options)
#   run.sh      running it: the fixed environment, signals, post-processing
#   context.sh  the context file: what produced a result
#   loop.sh     the loop over benchmarks: progress, temporary folders, commit
#   given.sh    the signals and environment rangewall was given
#
# A tool's driver sets TOOL, defines run_one(), sources all seven, then:
#   rw_parse_args "$@"        # -n N, -c CHUNK, -a yes|no, -m MODE,
#                             # -M MEASURE, -p PY, -s FILE, -o DIR, BENCH...
#   rw_for_each_bench         # progress, temp dirs, context, atomic commit
#
# Every benchmark's facts (names, sizes, arguments, which tool runs which
# by default) are rows of benchmarks.txt, read here; a driver adds only its
# tool's own defaults (RW_ANNOTATE_DEFAULT, RW_MODE_DEFAULT, RW_N_INTS).
#
# run_one BENCH DIR runs the tool on BENCH with its raw output in DIR, a
# fresh temporary folder.  It returns non-zero on failure, may set
# RW_SUMMARY to a short figure for the progress line, and calls rw_run for
# the command it profiles so that the context file records it exactly.
# A result appears at RESULTS/BENCH/TOOL/ only when run_one succeeded; an
# earlier result stays in place until then.

# --- the suite's folders and defaults ----------------------------------------
prog=${0##*/}
# The suite's root: the folder above the script's (scripts/TOOL) or two
# above (scripts/ROLE/NAME) that holds benchmarks.txt.
case $0 in */*) RW_ROOT=${0%/*} ;; *) RW_ROOT=. ;; esac
if [ -f "$RW_ROOT/../benchmarks.txt" ]; then RW_ROOT=$RW_ROOT/..; else RW_ROOT=$RW_ROOT/../..; fi
RW_ROOT=$(cd "$RW_ROOT" && pwd)
RW_BUILD=${RW_BUILD:-$RW_ROOT/build}
RW_BIN_DIR=$RW_BUILD	# where the native benchmarks' binaries are
RW_TABLE=$RW_ROOT/benchmarks.txt	# every benchmark's row: see its header
VALGRIND=${VALGRIND:-valgrind}
PYTHON3=${PYTHON3:-/usr/bin/python3}
[ -x "$PYTHON3" ] || PYTHON3=python3
# The rangewall command (scripts/rangewall) runs a driver on the user's own
# program: RW_USER=1 and RW_USER_* say what (see rw_user_cmd).  The tool
# then runs in the user's folder and environment, with the user's stdin,
# stdout and stderr (kept here as fds 7, 8, 9), and the program's exit
# status is the driver's.
if [ -n "${RW_USER:-}" ]; then
	exec 7<&0 8>&1 9>&2
	RW_DIE_STATUS=125
fi
# The signals the program starts with: those rangewall was given
# (given.sh); the rangewall command read them as it started.
# shellcheck source=scripts/lib/given.sh
. "$RW_ROOT/scripts/lib/given.sh"
[ -n "${RW_SIGNAL_OPTS:-}" ] || rw_given_signals
# A driver's own defaults (it may set them before sourcing or after):
RW_ANNOTATE_DEFAULT=${RW_ANNOTATE_DEFAULT:-no}	# -a for c-intlist
RW_MODE_DEFAULT=${RW_MODE_DEFAULT:-pymalloc}	# -m for py-*
RW_N_INTS=''	# N for benchmarks counting ints, if not the table's

# --- messages ----------------------------------------------------------------
# usage_error: bad input, exit 2.  die: a failure, exit 1 (125 when the
# rangewall command runs the driver: the program's own statuses are the
# others).  note: stderr.
usage_error() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit "${RW_DIE_STATUS:-1}"; }
note() { printf '%s: %s\n' "$prog" "$*" >&2; }

# rw_now: seconds since the epoch, to the nanosecond (GNU date).
# rw_since T0: seconds since rw_now gave T0, to the millisecond.
rw_now() { date +%s.%N; }
rw_since() { awk -v a="$1" -v b="$(rw_now)" 'BEGIN { printf "%.3f", b - a }'; }

# rw_group 10000000 -> 10,000,000 (the shell's own: no process started)
rw_group() {
	_gs=$1 _go=
	while [ ${#_gs} -gt 3 ]; do
		_go=,${_gs#"${_gs%???}"}$_go
		_gs=${_gs%???}
	done
	printf '%s\n' "$_gs$_go"
}

# --- input checks ------------------------------------------------------------
# rw_count WHAT VALUE MAX: print VALUE as plain digits if it is a whole
# number from 1 to MAX ('_' and ',' may group digits); else exit 2.
rw_count() {
	_v=$(printf '%s' "$2" | tr -d '_,')
	case $_v in
	'' | *[!0-9]*) _v=bad ;;
	*) _v=$(printf '%s' "$_v" | sed 's/^0*//') ;;
	esac
	# Compare lengths first: the shell's arithmetic is only 64-bit.
	if [ "$_v" = bad ] || [ -z "$_v" ] || [ ${#_v} -gt ${#3} ] ||
		[ "$_v" -gt "$3" ]; then
		usage_error "$1 '$2' is not a whole number from 1 to $3"
	fi
	printf '%s\n' "$_v"
}

# rw_require CMD...: exit 2 naming the first missing command.
rw_require() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 ||
			usage_error "'$_c' is not installed (run: make deps)"
	done
}

# rw_quote WORD: WORD quoted for the shell ('...'), whatever it holds.
rw_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
