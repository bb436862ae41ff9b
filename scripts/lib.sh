# shellcheck shell=sh disable=SC2016 # awk programs stay in single quotes
# lib.sh - shared helpers for rangewall's tool drivers (POSIX sh, sourced).
#
# A driver sets TOOL, defines run_one(), then:
#   . "${0%/*}/lib.sh"
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

# --- defaults ---------------------------------------------------------------
prog=${0##*/}
case $0 in */*) RW_ROOT=${0%/*}/.. ;; *) RW_ROOT=.. ;; esac
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
# shellcheck source=scripts/given.sh
. "$RW_ROOT/scripts/given.sh"
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

# --- the benchmark table -------------------------------------------------------
# rw_table AWK-PROGRAM [AWK-OPTION...]: run AWK-PROGRAM over benchmarks.txt's rows, with
# col["name"], col["n"], ... the columns' numbers (from its header line)
# and about the rest of the row.
rw_table() {
	_rt_prog=$1
	shift
	awk "$@" '/^# name / { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
		/^#/ || !NF { next }
		{ about = $0; for (i = 1; i < col["about"]; i++) sub(/^[^ ]+ +/, "", about) }
		'"$_rt_prog" "$RW_TABLE"
}

# The table's rows, read once (one line each, the columns blank-separated,
# `about` left out), and RW_COL_<column>, each column's number: the
# lookups below are the shell's own, with no process to start.
RW_ROWS=$(rw_table '{ line = $1; for (i = 2; i < col["about"]; i++) line = line " " $i; print line }')
eval "$(awk '/^# name / { for (i = 2; i <= NF; i++) { c = $i; gsub(/-/, "_", c); print "RW_COL_" c "=" i - 1 }; exit }' "$RW_TABLE")"

# rw_field BENCH COLUMN: BENCH's (NAME@PY's NAME's) value in COLUMN.
rw_field() {
	_rf_name=${1%%@*}
	case $2 in *-*) _rf_c=$(printf '%s' "$2" | tr - _) ;; *) _rf_c=$2 ;; esac
	eval "_rf_col=\$RW_COL_$_rf_c"
	set -f
	_rf_ifs=$IFS
	IFS='
'
	for _rf_row in $RW_ROWS; do
		IFS=$_rf_ifs
		# shellcheck disable=SC2086 # the row's words
		set -- $_rf_row
		if [ "$1" = "$_rf_name" ]; then
			# shellcheck disable=SC2154 # _rf_col is set by the eval above
			eval "printf '%s\\n' \"\${$_rf_col}\""
			break
		fi
	done
	IFS=$_rf_ifs
	set +f
}

# rw_names [py|native|snippet]: the benchmarks' names, table order (all
# but the user's snippet without an argument).
eval "$(rw_table '
	{ all = all " " $1 }
	$1 ~ /^py-/ { py = py " " $1 }
	$1 !~ /^py-/ { native = native " " $1 }
	$col["program"] == "SNIPPET" { snippet = snippet " " $1; sub(" " $1 "$", "", all) }
	END { printf "RW_NAMES_=\"%s\" RW_NAMES_py=\"%s\" RW_NAMES_native=\"%s\" RW_NAMES_snippet=\"%s\"\n",
		substr(all, 2), substr(py, 2), substr(native, 2), substr(snippet, 2) }')"
rw_names() {
	eval "printf '%s\\n' \$RW_NAMES_${1:-}" | tr ' ' '\n'
}

# rw_tool_defaults TOOL: what the driver runs without BENCH, from TOOL's
# column: native names; py-X (every PY= Python) for "default"; py-X@ROLES.
rw_tool_defaults() {
	eval "[ -n \"\${RW_COL_$(echo "$1" | tr - _):-}\" ]" ||
		usage_error "$1 has no column in benchmarks.txt to run by default: name the benchmarks (BENCH=...)"
	rw_table '$col[t] == "-" { next }
		$1 !~ /^py-/ || $col[t] == "default" { print $1; next }
		{ print $1 "@" $col[t] }' -v t="$1"
}

# rw_default_n BENCH / rw_max_n BENCH: N's default and ceiling.  A driver
# whose tool is too slow for the seed's 10,000,000 ints sets RW_N_INTS
# (ltrace stops at every library call).
rw_default_n() {
	if [ -n "$RW_N_INTS" ] && [ "$(rw_field "$1" unit)" = ints ]; then
		echo "$RW_N_INTS"
	else
		rw_field "$1" n
	fi
}
rw_max_n() { rw_field "$1" n_max; }

# rw_chunk BENCH: CHUNK for BENCH ('-' if its args take none).
rw_chunk() {
	case $(rw_field "$1" args) in
	*'{CHUNK}'*) echo "${CHUNK:-$(rw_field "$1" chunk)}" ;;
	*) echo - ;;
	esac
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

# rw_pythons [SELECTION...]: "TAG VERSION CONFIG EXE ROLES BUILD LINK"
# lines (scripts/pythons, cached); exits 2 naming an unknown Python.
rw_pythons() {
	"$RW_ROOT/scripts/pythons" "$@" || exit 2
}

# rw_check_python TAG: exit 2 unless TAG is a Python found here.  Asks
# scripts/pythons once, then remembers.
RW_PYTHONS_FOUND=''
rw_check_python() {
	[ -n "$RW_PYTHONS_FOUND" ] || RW_PYTHONS_FOUND=$(rw_pythons all | awk '{ print $1 }')
	printf '%s\n' "$RW_PYTHONS_FOUND" | grep -qxF -- "$1" ||
		usage_error "unknown Python '$1' (found: $(printf '%s\n' "$RW_PYTHONS_FOUND" | paste -sd, - | sed 's/,/, /g')$(
			case $1 in [0-9]*) echo "; to get it: $("$RW_ROOT/scripts/pythons" --hint "$1")" ;; esac))"
}

# rw_check_bench NAME: a native benchmark, or py-X@TAG with TAG a Python
# found here; else exit 2 naming what is allowed.
rw_check_bench() {
	case $1 in
	py-*)
		if rw_names py | grep -qxF -- "${1%%@*}"; then
			case $1 in *@*) rw_check_python "${1#*@}" ;; esac
			return 0
		fi ;;
	*) rw_names native | grep -qxF -- "$1" && return 0 ;;
	esac
	usage_error "unknown benchmark '$1' (allowed: $(rw_names | paste -sd, - | sed 's/,/, /g'), $(rw_names snippet) with SNIPPET=FILE.py; py-* take @PYTHON)"
}

# rw_expand BENCH...: each py-X without @ becomes py-X@TAG for the Pythons
# that PY selects (default: the seeds', scripts/pythons default); py-X@ROLE
# (ROLE: debug, release, py2, newest, joined by +) for the Pythons in those
# roles -- or, in a driver's default list (RW_FROM_DEFAULTS=1), for PY's
# when PY is set.  A role with no Python here gives a "!BENCH@ROLE ROLE"
# line (rw_skip): rw_check_args skips it with a note, or refuses the list
# if nothing else is left.
rw_expand() {
	_tags=
	for _b in "$@"; do
		case $_b in
		py-*@[a-z]*)
			if [ -n "${RW_FROM_DEFAULTS:-}" ] && [ -n "$PY" ]; then
				rw_expand "${_b%%@*}"
				continue
			fi
			for _r in $(echo "${_b#*@}" | tr + ' '); do
				_rt=$(rw_pythons "$_r" | awk '{ print $1 }') || exit 2
				[ -n "$_rt" ] || rw_skip "${_b%%@*}@$_r" "$_r"
				for _t in $_rt; do echo "${_b%%@*}@$_t"; done
			done ;;
		py-*@*) echo "$_b" ;;
		py-*)
			if [ -z "$_tags" ]; then
				# shellcheck disable=SC2086 # PY is a list of words
				_tags=$(rw_pythons ${PY:-default}) || exit 2
				_tags=$(echo "$_tags" | awk '{ print $1 }')
			fi
			if [ -z "$PY" ]; then	# the seeds' roles: say which are missing
				for _r in debug release py2 newest; do
					[ -n "$(rw_pythons "$_r")" ] || rw_skip "$_b@$_r" "$_r"
				done
			fi
			for _t in $_tags; do echo "$_b@$_t"; done ;;
		*) echo "$_b" ;;
		esac
	done
}

# rw_skip BENCH@ROLE ROLE: tell rw_check_args that BENCH has no Python for
# ROLE here (a "!" line among rw_expand's).
rw_skip() { echo "!$1 $2"; }

# rw_is_py BENCH: true for py-X@TAG.
rw_is_py() { case $1 in py-*@*) return 0 ;; esac; return 1; }

# rw_py_version BENCH: X.Y of py-X@TAG's Python (the rangewall command's:
# RW_USER_PYVER), from its runner's .python line.
rw_py_version() {
	if [ -n "${RW_USER_PYVER:-}" ]; then
		_pv=$RW_USER_PYVER
	else
		read -r _ _pv _ <"$(rw_bench_bin "$1").python" || return 1
	fi
	printf '%s\n' "${_pv%.*}"
}

# rw_tested BENCH: true unless BENCH runs a Python whose X.Y is not in
# pyembed/tested.txt.  Such a Python's runner and hook were built without
# the frames and the guard, which read CPython's internal structures
# (scripts/build-runners): its runs have no Python function names.
RW_TESTED=$(sed '/^#/d' "$RW_ROOT/pyembed/tested.txt" 2>/dev/null)
rw_tested() {
	rw_is_py "$1" || return 0
	printf '%s\n' "$RW_TESTED" | grep -qxF "$(rw_py_version "$1")"
}

# rw_untested_note BENCH: the line that says so, before the run.
rw_untested_note() {
	echo "Python $(rw_py_version "$1") ($1) is not among the versions rangewall was tested on ($(printf '%s\n' "$RW_TESTED" | paste -sd' ' -); pyembed/tested.txt): Python function names (--pyframes) and the guard against specialised calls are off; the tools see the interpreter alone"
}

# rw_py_mode BENCH: the runner's allocator mode for BENCH: MODE if set,
# else the driver's RW_MODE_DEFAULT; Python 2 has only pymalloc.
rw_py_mode() {
	case ${1#*@} in
	2.*) echo pymalloc ;;
	*) echo "${MODE:-$RW_MODE_DEFAULT}" ;;
	esac
}

# rw_writes_fit BENCH: for the benchmarks that take CHUNK, exit 2 before
# anything runs if N writes of CHUNK bytes cannot be held at once in the
# memory available: the join needs every byte written in one block (twice,
# with getvalue).
rw_writes_fit() {
	_args=$(rw_field "$1" args)
	case $_args in *'{CHUNK}'*) ;; *) return 0 ;; esac
	_copies=1
	case $_args in *getvalue*) _copies=2 ;; esac
	# Python 2's unicode is UCS-4 on pyenv's builds: 4 bytes a character.
	case $1 in py-*@2.*) _copies=$((_copies * 4)) ;; esac
	_n=${N:-$(rw_default_n "$1")} _c=$(rw_chunk "$1")
	_need=$(awk -v n="$_n" -v c="$_c" -v k="$_copies" 'BEGIN { printf "%.0f", n * c * k }')
	_avail=$(awk '/^MemAvailable:/ { printf "%.0f", $2 * 1024 }' /proc/meminfo 2>/dev/null)
	if [ -n "$_avail" ] && awk -v a="$_need" -v b="$_avail" 'BEGIN { exit !(a > b) }'; then
		usage_error "$1: $(rw_group "$_n") writes of $(rw_group "$_c") bytes need $(rw_group "$_need") bytes at once, but only $(rw_group "$_avail") are available (MemAvailable)"
	fi
}

# rw_opts: the options the driver takes, for an error message.
rw_opts() {
	case $TOOL in
	dhat*) echo "-n, -c, -a, -m, -M, -p, -o, -s, -d, -h" ;;
	*) echo "-n, -c, -a, -m, -M, -p, -o, -s, -h" ;;
	esac
}

# rw_parse_args "$@": the options every driver takes.  Sets N (empty: each
# benchmark's default), CHUNK, ANNOTATE, MODE, MEASURE, PY, SNIPPET,
# RESULTS and BENCHES (py-X expanded to py-X@TAG; none given: the tool's
# column of benchmarks.txt).  The same names in the environment are the
# defaults (the Makefile's knobs).
rw_parse_args() {
	N=${N:-} CHUNK=${CHUNK:-} ANNOTATE=${ANNOTATE:-} MODE=${MODE:-} PY=${PY:-}
	MEASURE=${MEASURE:-} SNIPPET=${SNIPPET:-} DHAT_MODE=${DHAT_MODE:-}
	RESULTS=${RESULTS:-$RW_ROOT/results}
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) rw_usage; exit 0 ;;
		-d)	# DHAT's own
			[ "${TOOL%%-*}" = dhat ] || usage_error "unknown option '$1' (allowed: $(rw_opts))"
			[ $# -ge 2 ] || usage_error "option $1 needs a value (see $prog -h)"
			DHAT_MODE=$2
			shift 2 ;;
		-n | -c | -a | -m | -M | -p | -o | -s)
			[ $# -ge 2 ] || usage_error "option $1 needs a value (see $prog -h)"
			case $1 in
			-n) N=$2 ;; -c) CHUNK=$2 ;; -a) ANNOTATE=$2 ;; -m) MODE=$2 ;;
			-M) MEASURE=$2 ;; -p) PY=$2 ;; -o) RESULTS=$2 ;; -s) SNIPPET=$2 ;;
			esac
			shift 2 ;;
		--) shift; break ;;
		-*) usage_error "unknown option '$1' (allowed: $(rw_opts))" ;;
		*) break ;;
		esac
	done
	# A driver's variant (RW_VARIANT: shell code) may rename TOOL from the
	# knobs: callgrind with MEASURE=all is callgrind-all, with its own
	# results and its own column of the table.
	[ -z "${RW_VARIANT:-}" ] || eval "$RW_VARIANT"
	RW_FROM_DEFAULTS=
	if [ $# -gt 0 ]; then
		BENCHES=$*
	else
		RW_FROM_DEFAULTS=1
		BENCHES=$(rw_tool_defaults "$TOOL")
	fi
	rw_check_args
}

# rw_check_args: validate the knobs and expand BENCHES (exit 2 on the
# first bad value).  Also used by the Makefile, through scripts/check-args.
rw_check_args() {
	case $ANNOTATE in
	'' | yes | no) ;;
	*) usage_error "ANNOTATE '$ANNOTATE' is not yes or no" ;;
	esac
	case $MODE in
	'' | annotate | malloc | pymalloc) ;;
	*) usage_error "MODE '$MODE' is not annotate, malloc or pymalloc" ;;
	esac
	case $MEASURE in
	'' | snippet | all) ;;
	calls) [ -n "${RW_USER:-}" ] || usage_error "MEASURE '$MEASURE' is not snippet or all" ;;	# rangewall pytest's
	*) usage_error "MEASURE '$MEASURE' is not snippet or all" ;;
	esac
	case ${DHAT_MODE:-} in
	'' | heap | copy | ad-hoc) ;;
	*) usage_error "DHAT_MODE '$DHAT_MODE' is not heap, copy or ad-hoc" ;;
	esac
	case ${PYFRAMES:-} in
	'' | yes | no) ;;
	*) usage_error "PYFRAMES '$PYFRAMES' is not yes or no" ;;
	esac
	for _b in $BENCHES; do
		case $_b in
		py-*@*) ;;
		py-*) rw_check_bench "$_b" ;;	# the name; @TAG is checked below
		esac
	done
	# shellcheck disable=SC2086 # BENCHES is a list of words
	_ex=$(rw_expand $BENCHES) || exit 2
	BENCHES=$(printf '%s\n' "$_ex" | grep -v '^!')
	_sk=$(printf '%s\n' "$_ex" | sed -n 's/^!//p')
	if [ -n "$_sk" ]; then
		if [ -z "$BENCHES" ] && [ -z "${RW_FROM_DEFAULTS:-}" ]; then
			# shellcheck disable=SC2086 # the first skip's two words
			set -- $_sk
			usage_error "no Python found for '$1' (role $2: $("$RW_ROOT/scripts/pythons" --hint "$2"))"
		fi
		# Said once, where the run is: not by scripts/check-args.
		[ -n "${RW_QUIET_SKIPS:-}" ] || printf '%s\n' "$_sk" | while read -r _b _r; do
			note "skipped $_b: no $_r Python here; $("$RW_ROOT/scripts/pythons" --hint "$_r")"
		done
		# A default list whose every Python is missing (callgrind-all's is
		# py-range@py2 alone): nothing to run, and make goes on.
		[ -n "$BENCHES" ] || exit 0
	fi
	# Once each: a default list may name a benchmark twice through roles.
	# shellcheck disable=SC2086 # a list of words
	BENCHES=$(printf '%s\n' $BENCHES | awk '!seen[$0]++')
	for _b in $BENCHES; do
		rw_check_bench "$_b"
		[ -z "$N" ] || rw_count N "$N" "$(rw_max_n "$_b")" >/dev/null
		case $MODE:$_b in
		annotate:*@2.* | malloc:*@2.*)
			usage_error "MODE '$MODE' needs Python 3.6+: $_b has only pymalloc" ;;
		esac
		case ${PYFRAMES:-no}:$_b in
		yes:*@2.*) usage_error "PYFRAMES=yes needs Python 3.6+ (a frame-evaluation hook): $_b has none" ;;
		yes:c-*) [ -n "${RW_FROM_DEFAULTS:-}" ] ||
			usage_error "PYFRAMES=yes is for the py-* benchmarks: $_b runs no Python" ;;
		esac
	done
	[ -z "$N" ] || N=$(rw_count N "$N" 1000000000000) || exit 2
	[ -z "$CHUNK" ] || CHUNK=$(rw_count CHUNK "$CHUNK" 1000000000000) || exit 2
	for _b in $BENCHES; do
		rw_writes_fit "$_b"
		[ "$(rw_field "$_b" program)" != SNIPPET ] || [ -n "${RW_USER:-}" ] ||
			rw_check_snippet
	done
}

# rw_check_snippet: SNIPPET names a readable file; made absolute (the tools
# run in the result's temporary folder).  Else exit 2.
rw_check_snippet() {
	[ -n "$SNIPPET" ] ||
		usage_error "$(rw_names snippet) needs SNIPPET=FILE.py (the Python file to profile)"
	if [ ! -f "$SNIPPET" ] || [ ! -r "$SNIPPET" ]; then
		usage_error "SNIPPET '$SNIPPET' is not a readable file"
	fi
	case $SNIPPET in
	/*) ;;
	*) SNIPPET=$(cd "$(dirname "$SNIPPET")" && pwd)/${SNIPPET##*/} ;;
	esac
}

# rw_require CMD...: exit 2 naming the first missing command.
rw_require() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 ||
			usage_error "'$_c' is not installed (run: make deps)"
	done
}

# --- help ----------------------------------------------------------------------
# rw_opt OPTION TEXT: one option of the help, TEXT wrapped at 76 columns
# under a 14-column indent.
rw_opt() {
	printf '%s\n' "$2" | awk -v first="$1" '{
		n = split($0, w, " "); line = sprintf("  %-11s ", first)
		for (i = 1; i <= n; i++) {
			if (length(line) + 1 + length(w[i]) > 76 && length(line) > 14) {
				print line; line = sprintf("%14s", "") w[i]
			} else line = line (substr(line, length(line)) != " " ? " " : "") w[i]
		}
		print line }'
}

# rw_usage: the driver's --help: its header's first line, the usage line,
# the header up to "# OPTIONS", the options every driver takes (with the
# driver's defaults and the table's benchmarks), then the rest of the
# header up to "# REQUIRES".
rw_usage() {
	sed -n '2s/^# //p' "$0"
	printf '\nUSAGE: scripts/%s [-n N] [-c CHUNK] [-a yes|no] [-m MODE] [-M MEASURE]%s\n' "$prog" \
		"$(case $TOOL in dhat*) echo ' [-d MODE]' ;; esac)"
	printf '       [-p PY] [-s FILE] [-o RESULTS] [BENCH...]\n'
	sed -n '3,/^# OPTIONS$/{/^# OPTIONS$/d; s/^# \{0,1\}//p; }' "$0"
	_ints=
	[ -z "$RW_N_INTS" ] || _ints="; $(rw_group "$RW_N_INTS") for the benchmarks counting ints under $TOOL"
	rw_opt "-n N" "size, in what each benchmark's row of benchmarks.txt counts (default: the row's n, the seeds' sizes$_ints)"
	rw_opt "-c CHUNK" "bytes per write, for the benchmarks whose arguments take it ($(rw_table '$col["args"] ~ /CHUNK/ { printf "%s%s", s, $1; s = ", " }'); default: the row's chunk)"
	rw_opt "-a yes|no" "report c-intlist's ints to Valgrind as heap blocks (default $RW_ANNOTATE_DEFAULT${RW_ANNOTATE_WHY:+: $RW_ANNOTATE_WHY})"
	rw_opt "-m MODE" "the runner's allocator for py-*: annotate, malloc or pymalloc (default $RW_MODE_DEFAULT${RW_MODE_WHY:+: $RW_MODE_WHY}; Python 2 has only pymalloc)"
	rw_opt "-M MEASURE" "snippet or all: what Callgrind counts of a py-* run (default snippet; all adds start-up and finalisation as parts of their own; the callgrind driver then keeps its results in callgrind-all/)"
	case $TOOL in callgrind* | massif | dhat* | memcheck)
		rw_opt "PYFRAMES=yes" "(in the environment, as make's knob) each Python function of a py-* run a frame of its own, named py:NAME (FILE:LINE) in the profile: exact calls and costs per Python function (Python 3.6+; docs/TUTORIAL.md, \"Profile your own code\")" ;;
	esac
	case $TOOL in dhat*)
		rw_opt "-d MODE" "heap, copy or ad-hoc: DHAT's mode (default heap: heap blocks; copy: the bytes memcpy, memmove and their kin copy, per call stack, kept in dhat-copy/; ad-hoc: py-* only, each block pymalloc serves counted per call stack -- numbers and bytes, not lifetimes --, kept in dhat-adhoc/)" ;;
	esac
	rw_opt "-p PY" "the Pythons for a py-* given without @PYTHON: tags as scripts/pythons lists them, \"default\" (the seeds') or \"all\""
	rw_opt "-s FILE" "the Python file that $(rw_names snippet)@PY runs (or SNIPPET=FILE): your own code, N as its sys.argv[1]"
	rw_opt "-o RESULTS" "results folder (default: results/)"
	rw_opt "BENCH" "$(rw_names | paste -sd' ' -), or $(rw_names snippet); each py-* as NAME@PYTHON (py-range@3.11), NAME@ROLE (py-range@release; roles: debug, release, py2, newest, joined by +) or, bare, for every -p Python. Default, from benchmarks.txt's $TOOL column: $(rw_tool_defaults "$TOOL" | awk '
		/@/ { split($0, a, "@"); r = a[2]; gsub(/\+/, " and ", r)
			printf "%s%s on the %s Python%s", s, a[1], r, a[2] ~ /\+/ ? "s" : ""; s = ", "; next }
		/^py-/ { printf "%s%s on -p'"'"'s Pythons", s, $0; s = ", "; next }
		{ printf "%s%s", s, $0; s = ", " }')"
	echo
	sed -n '/^# OPTIONS$/,/^# REQUIRES/{/^# OPTIONS$/d; s/^# \{0,1\}//p; }' "$0"
}

# --- the benchmark's command line ----------------------------------------------
# rw_bench_bin BENCH: the binary that runs BENCH.
rw_bench_bin() {
	if rw_is_py "$1"; then
		echo "$RW_BUILD/pyembed/pyrun-${1#*@}"
	else
		echo "$RW_BIN_DIR/$1"
	fi
}

# rw_bench_cmd BENCH [RUNNER-OPTION...]: print the command that runs BENCH
# at size N (or its default): its program and the row's args, with {N},
# {CHUNK} and {ANNOTATE} (the knob, else the driver's default) put in; a
# py-* in the runner, in the allocator mode rw_py_mode gives, with the
# RUNNER-OPTIONs.  Words: the suite's paths hold no blanks.
#
# Counts must not depend on where the suite lives: a longer path to the
# binary costs the dynamic loader instructions at start-up, and a longer
# path to a snippet makes its file name a bigger string object, which moves
# pymalloc's later blocks (measured: 10,000,000 ints freed in 570,769,494 Ir
# from one clone, 570,144,862 from another).  So the tool runs in a folder
# whose path has the same length wherever the suite lives (RW_RUN, in
# /tmp), the binary through a link there (./c-range, ./pyrun-3.11), and
# the suite's own snippet from a copy there, by its bare name: the same
# strings in every clone.  The copy stays in the result; the links are
# removed after the run (rw_for_each_bench).  A user's SNIPPET runs where
# it is.
rw_bench_cmd() {
	_b=$1
	shift
	_args=$(rw_field "$_b" args | sed -e "s/{N}/${N:-$(rw_default_n "$_b")}/g" \
		-e "s/{CHUNK}/$(rw_chunk "$_b")/g" -e "s/{ANNOTATE}/${ANNOTATE:-$RW_ANNOTATE_DEFAULT}/g" |
		tr , ' ')
	_bin=$(rw_bench_bin "$_b")
	if [ -n "${RW_USER:-}" ]; then
		rw_user_cmd "$_bin" "$@"
		return
	fi
	ln -sf "$_bin" "$RW_RUN/${_bin##*/}"
	if rw_is_py "$_b"; then
		_prog=$(rw_field "$_b" program)
		# The suite's own snippets need no folder of theirs in sys.path
		# (-P); a user's SNIPPET gets its own, as under python.
		case $_prog in
		SNIPPET) _prog=$SNIPPET _p= ;;
		*) cp "$RW_ROOT/$_prog" "$RW_RUN/" && _prog=${_prog##*/} _p=-P ;;
		esac
		echo "./${_bin##*/} --mode=$(rw_py_mode "$_b")${MEASURE:+ --measure=$MEASURE}$(rw_pyframes_opt) $_p $* $_prog $_args"
	else
		echo "./${_bin##*/} $_args"
	fi
}

# rw_user_cmd RUNNER [RUNNER-OPTION...]: the command that runs the user's
# program (the rangewall command): RUNNER in the mode the driver wants,
# its first phase "main", then the word @program@, which rw_run_user
# replaces with the program and its arguments (words that may hold any
# character).  With RW_USER_HOOK (Python 3.8+) RUNNER is not run: the
# user's own python runs the program, and rw_run_user gives the runner's
# options to the hook (pyembed/hook.c) through the environment.
rw_user_cmd() {
	_ub=$1
	shift
	echo "$_ub --mode=$(rw_py_mode "py-snippet@${_ub##*-}")${MEASURE:+ --measure=$MEASURE}$(rw_pyframes_opt)" \
		"--first-phase=main $* @program@"
}

# rw_stack_opt massif|dhat|callers: with PYFRAMES=yes, stacks deep enough
# to reach the Python functions at their top: each Python call adds about
# five native frames (stub, evaluator, call machinery, hook), and Massif
# keeps 30 by default (--depth, at most 200), the others 12
# (--num-callers).  DHAT's flame graph of its peak wants whole stacks, up
# to the program's entry: at 200 frames, 40 % of docutils' peak bytes had
# stacks cut short (an import inside an import inside a function runs 40
# Python frames deep), at 500 (Valgrind's most) 0.04 %.  The depth is the
# run's cost: Valgrind's DHAT alone on docutils took 17 s without
# --pyframes, 25 s with it at 12 frames, 66 s at 40 and 100 s at 500.
rw_stack_opt() {
	[ "${PYFRAMES:-no}" = yes ] || return 0
	case $1 in massif) echo --depth=200 ;; dhat) echo --num-callers=500 ;; *) echo --num-callers=200 ;; esac
}

# rw_pyframes_opt: the runner's --pyframes when PYFRAMES=yes, its map in
# the run's folder.
rw_pyframes_opt() {
	[ "${PYFRAMES:-no}" = yes ] || return 0
	printf ' --pyframes=%s' "$(rw_out pyframes.map)"
}

# rw_out NAME: the name a tool's output file is given: NAME in the run's
# folder, where the tool runs; its full path when the tool runs in the
# user's folder (the rangewall command).
rw_out() {
	if [ -n "${RW_USER:-}" ]; then echo "$RW_RUN/$1${RW_CHILDREN:+.%p}${RW_OUT_PID:+.%p}"; else echo "$1"; fi
}

# rw_children: Valgrind's options to follow the program's children too
# (the rangewall command's --children): each process writes its own files,
# NAME.PID (rw_out); the program's own are renamed NAME after the run.
rw_children() {
	[ -z "${RW_CHILDREN:-}" ] || echo --trace-children=yes
}

# rw_status STATUS: after rw_run failed with STATUS, return 0 if the
# result is the program's and kept: the rangewall command ran the user's
# program, which exited STATUS, and the tool wrote its output (RW_MAIN_OUT,
# in the run's folder).  A program killed by a signal (status 128 + N; the
# tool writes its output as the program dies) is the program's too: a
# SIGTERM gives 143, as under python.  Else return STATUS.
# RW_PROGRAM_STATUS keeps it.
rw_status() {
	RW_PROGRAM_STATUS=$1
	if [ -n "${RW_USER:-}" ] && { [ "$1" -lt 125 ] || [ "$1" -gt 128 ]; } &&
		[ -s "$RW_RUN/${RW_MAIN_OUT:-none}" ]; then
		return 0
	fi
	return "$1"
}

# rw_ltrace_x FUNCTION...: an ltrace -x filter for libc's FUNCTIONs.  A
# breakpoint on the function itself sees every call, wherever it comes
# from; tracing calls through a library's PLT (-e, the seed's way) misses
# the tail calls an LTO build makes (Debian's libpython3.11 jumps to
# malloc), and -l libpython* stops at every call into the interpreter:
# 100x slower.
rw_ltrace_x() {
	for _f in "$@"; do printf '%s@libc.so*\n' "$_f"; done | paste -sd+ -
}

# rw_ltrace_status LOG: return the traced program's exit status, read from
# ltrace's "+++ exited (status N) +++" line: ltrace 0.7.3 itself exits 0
# whatever the program did.  A program killed by a signal returns 1.
rw_ltrace_status() {
	_st=$(sed -n 's/^.*+++ exited (status \([0-9]*\)) +++$/\1/p' "$1" | tail -n 1)
	return "${_st:-1}"
}

# rw_run CMD...: run CMD in the run's folder, so that the tool's output
# files can be named as they will stay (callgrind.out, not a temporary
# path), and record it for the context file; return its status.  Its
# standard output and error go where the caller redirects them.
# CMD runs in a fixed environment: env -i, then RW_FIXED_ENV, whatever the
# caller has, and RW_KEEP_ENV's variables where the caller set them (the
# Valgrind options a user chose, glibc's tunables; the drivers' own settings).  The counts
# follow the environment: a program's start-up walks it, and the locale
# (LANG) and home folder (HOME: the user site folder) shape what the
# interpreter allocates.  py-range@3.11 at n = 100,000 counted 17,141,784
# Ir with LANG set and 17,143,237 with it unset, when LANG was passed on.
# PATH is Debian's default: the tools are found first.  HOME names no
# folder, so no user's files (~/.valgrindrc, a user site) play a part.
RW_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RW_FIXED_ENV="PATH=$RW_PATH LANG=C.UTF-8 HOME=/nonexistent TMPDIR=/tmp"
RW_KEEP_ENV="VALGRIND_LIB VALGRIND_OPTS GLIBC_TUNABLES RW_SNAPSHOT_PREFIX RW_SYSCALL_MARKS"
# The system's library folders (those holding a libc), as LD_LIBRARY_PATH:
# the dynamic loader then finds every library without mapping
# /etc/ld.so.cache, whose size (every package installed adds to it) moved
# where libpython lands and so the counts: a cache grown from 48,015 to
# 49,947 B took py-range@3.11 from 1,671,881,113 to 1,671,873,241 Ir.
# The runners built against a Python elsewhere find it first (DT_RPATH).
RW_LIBDIRS=''
for _d in /usr/lib/*-linux-gnu /usr/lib64 /lib64; do
	[ -e "$_d/libc.so.6" ] && RW_LIBDIRS=$RW_LIBDIRS${RW_LIBDIRS:+:}$_d
done
# rw_libpython_dir EXE: the folder of the libpython EXE links, if any.  A
# Python built elsewhere with --enable-shared (pyenv's) finds it by
# DT_RUNPATH, which LD_LIBRARY_PATH overrides: without its own folder first,
# pyenv's python3.11 would run Debian's libpython3.11.
rw_libpython_dir() {
	ldd "$1" 2>/dev/null | awk '$1 ~ /^libpython/ && $3 ~ /^\// { sub("/[^/]*$", "", $3); print $3; exit }'
}

# rw_fixed_env CMD...: RW_FIXED_CMD, CMD in the fixed environment, as
# quoted words (eval "set -- $RW_FIXED_CMD").
rw_fixed_env() {
	RW_FIXED_CMD="env -i $RW_SIGNAL_OPTS $RW_FIXED_ENV${RW_LIBDIRS:+ LD_LIBRARY_PATH=$RW_LIBDIRS}$(rw_kept_env)"
	for _a in "$@"; do RW_FIXED_CMD="$RW_FIXED_CMD $(rw_quote "$_a")"; done
}

# rw_kept_env: " 'VAR=value'" for each of RW_KEEP_ENV's variables set here.
rw_kept_env() {
	for _v in $RW_KEEP_ENV; do
		eval "[ -z \"\${$_v+x}\" ] || printf ' %s' \"\$(rw_quote \"$_v=\${$_v}\")\""
	done
}

rw_run() {
	# After a Ctrl-C no program starts (walltime's next run, say).
	[ -z "$RW_INTERRUPTED" ] || return 130
	# The tool by its full path (the PATH it runs with may not hold it).
	case $1 in
	*/*) ;;
	*) _tool=$(command -v "$1") && shift && set -- "$_tool" "$@" ;;
	esac
	if [ -n "${RW_USER:-}" ]; then
		rw_run_user "$@"
		return
	fi
	rw_fixed_env "$@"
	shift $#
	eval "set -- $RW_FIXED_CMD"
	_q=$(for _a in "$@"; do printf "'%s' " "$_a"; done)
	RW_COMMAND="${RW_COMMAND:+$RW_COMMAND
}${_q% }"
	# In the background, so that a signal to this script runs its trap at
	# once (sh runs traps only between commands) and stops the tool too.
	(cd "${RW_RUN:-$RW_TMP}" && exec "$@") &
	RW_CHILD=$!
	RW_STAGE=program
	rw_wait "$RW_CHILD"
	_s=$?
	RW_CHILD='' RW_STAGE=post
	rw_pyrename || [ -n "$RW_POST_STOPPED" ] || return 125
	return "$_s"
}

# rw_pyrename: after a run of the runner with --pyframes, its map applied to
# the tools' outputs (scripts/pyrename): Python functions by name.
# A function entered past the runner's hook (pyembed/pyframes.c) makes the
# calls inexact: said now, and kept for the context (RW_PYFRAMES_WARNING).
RW_PYFRAMES_WARNING=''
rw_pyrename() {
	[ -n "${RW_RUN:-}" ] && [ -f "$RW_RUN/pyframes.map" ] || return 0
	_pr=$("$PYTHON3" "$RW_ROOT/scripts/pyrename" "$RW_RUN" 2>"$RW_RUN/pyrename.log") || {
		note "could not name the Python functions: $(tail -n 1 "$RW_RUN/pyrename.log")"
		return 1
	}
	RW_PYFRAMES_WARNING=$(printf '%s\n' "$_pr" | sed -n 's/^warning: //p')
	[ -s "$RW_RUN/pyrename.log" ] || rm -f "$RW_RUN/pyrename.log"
}

# rw_run_user CMD...: rw_run for the rangewall command: CMD and the user's
# program in the user's folder, with the user's stdin, stdout and stderr
# (the driver's own redirections give way), in the user's environment (but
# for what the runner itself ignores) or, with RW_CLEAN_ENV, the suite's.
# CMD holds the runner's command (rw_user_cmd), which becomes either the
# runner with the program (RW_USER_ARGV: the program and its arguments,
# quoted words), or, with RW_USER_HOOK, the user's python with the hook
# preloaded (RANGEWALL_* settings).  The run's files go in RW_RUN; the
# program's start is marked there (rw_started).
rw_run_user() {
	_rs=$RW_RUN/.started
	rm -f "$_rs"
	_n=$# _in_runner='' _env=''
	for _a in "$@"; do
		case $_in_runner:$_a in
		:"$RW_BUILD"/pyembed/pyrun-*)
			_in_runner=1
			[ -n "${RW_USER_HOOK:-}" ] || set -- "$@" "$_a" ;;
		1:--mode=* | 1:--measure=* | 1:--pyframes=* | 1:--first-phase=* | 1:--times=* | 1:--requests=*)
			if [ -n "${RW_USER_HOOK:-}" ]; then
				_k=${_a%%=*} _k=$(printf '%s' "${_k#--}" | tr a-z- A-Z_)
				_env="$_env RANGEWALL_$_k=$(rw_quote "${_a#*=}")"
			else
				set -- "$@" "$_a"
			fi ;;
		1:@program@)
			_in_runner=
			if [ -n "${RW_USER_HOOK:-}" ]; then
				_env="$_env RANGEWALL_STARTED=$(rw_quote "$_rs") RANGEWALL_PARTS=$(rw_quote "$RW_RUN")"
				eval "set -- \"\$@\" $(rw_quote "$RW_USER_EXE") ${RW_USER_ARGV:-}"
			else
				set -- "$@" "--executable=$RW_USER_EXE" "--started=$_rs"
				eval "set -- \"\$@\" ${RW_USER_ARGV:-}"
			fi ;;
		*) set -- "$@" "$_a" ;;
		esac
	done
	shift "$_n"
	if [ -n "${RW_USER_HOOK:-}" ]; then
		_pre=$RW_BUILD/pyembed/rangewall-preload.so
		_env="$_env LD_PRELOAD=$(rw_quote "${LD_PRELOAD:+$LD_PRELOAD:}$_pre")"
		_env="$_env RANGEWALL_HOOK=$(rw_quote "$RW_BUILD/pyembed/pyhook-$RW_USER_TAG.so")"
		_env="$_env RANGEWALL_PYTHON=$(rw_quote "$RW_USER_PYVER") RANGEWALL_PYDEBUG=$RW_USER_PYDEBUG"
		[ -z "${RW_CHILDREN:-}" ] || _env="$_env RANGEWALL_CHILDREN=yes"
		eval "set -- $_env \"\$@\""
	fi
	if [ -n "${RW_CLEAN_ENV:-}" ]; then
		[ -z "${VIRTUAL_ENV:-}" ] || set -- "VIRTUAL_ENV=$VIRTUAL_ENV" "$@"
		_libdirs=$RW_LIBDIRS
		[ -z "${RW_USER_HOOK:-}" ] ||
			RW_LIBDIRS=$(rw_libpython_dir "$RW_USER_EXE")${RW_LIBDIRS:+:$RW_LIBDIRS}
		rw_fixed_env "$@"
		RW_LIBDIRS=$_libdirs
		shift $#
		eval "set -- $RW_FIXED_CMD"
	else
		# The signals as given, and the drivers' own settings (given.sh).
		eval "set -- env $RW_SIGNAL_OPTS $(rw_kept_env) \"\$@\""
	fi
	RW_COMMAND="${RW_COMMAND:+$RW_COMMAND
}$(for _a in "$@"; do printf '%s ' "$(rw_quote "$_a")"; done | sed 's/ $//')"
	# The user's environment: as given to rangewall, not this driver's
	# (given.sh); the context records the command, not its values.
	[ -n "${RW_CLEAN_ENV:-}" ] || [ -z "${RW_GIVEN_ENV+x}" ] ||
		set -- env -i "RW_GIVEN_ENV=$RW_GIVEN_ENV" "RW_GIVEN_PWD=$RW_GIVEN_PWD" \
			/bin/sh -c "$RW_AS_GIVEN" sh "$@"
	if [ -n "${RW_STDIN_FILE:-}" ]; then	# walltime: the same stdin each run
		(cd "$RW_USER_CWD" && exec "$@") <"$RW_STDIN_FILE" >&8 2>&9 &
	else
		(cd "$RW_USER_CWD" && exec "$@") <&7 >&8 2>&9 &
	fi
	RW_CHILD=$!
	RW_STAGE=program
	rw_wait "$RW_CHILD"
	_s=$?
	RW_STAGE=post
	if [ -n "${RW_CHILDREN:-}${RW_OUT_PID:-}" ]; then	# the program's files: NAME.PID -> NAME
		for _f in "$RW_RUN"/*".$RW_CHILD" "$RW_RUN"/*".$RW_CHILD".*; do
			[ -e "$_f" ] || continue
			_n=${_f##*/}
			mv "$_f" "$RW_RUN/${_n%%".$RW_CHILD"*}${_n#*".$RW_CHILD"}"
		done
	fi
	if [ -n "${RW_CHILDREN:-}" ]; then
		# The children's: each process wrote its own log, TOOL.log.PID.
		RW_CHILD_PIDS=$(for _f in "$RW_RUN"/*.log.[0-9]*; do
			[ -e "$_f" ] && printf '%s\n' "${_f##*.log.}"; done | sort -n | paste -sd' ' -)
	fi
	RW_CHILD=
	# The program never started (python could not open it, say): say so,
	# and let no result replace a kept one.
	if [ ! -e "$_rs" ]; then
		RW_NOT_STARTED=$_s
		return 125
	fi
	RW_COMPILED=$(sed -n 's/^compiled //p' "$_rs")
	rm -f "$_rs"
	rw_pyrename || [ -n "$RW_POST_STOPPED" ] || return 125
	return "$_s"
}

# rw_quote WORD: WORD quoted for the shell ('...'), whatever it holds.
rw_quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# rw_post SCRIPT [ARG...] DIR: scripts/SCRIPT on a result's folder; its
# diagnostics in DIR/post.log (kept only if not empty, and shown on error).
rw_post() {
	_pp=$1
	shift
	_pd=$(for _pa in "$@"; do :; done; printf '%s' "$_pa")
	# -S: no site import (the posts need the standard library alone): 15 ms a run
	"$PYTHON3" -S "$RW_ROOT/scripts/$_pp" "$@" 2>"$_pd/post.log" || {
		cat "$_pd/post.log" >&2
		return 1
	}
	[ -s "$_pd/post.log" ] || rm -f "$_pd/post.log"
}

# rw_flame BENCH: the flame graphs of a Callgrind, Massif or DHAT result,
# in RW_TMP/flame/ (scripts/flame).  One that cannot be drawn leaves the
# result as it is, and says why.
rw_flame() {
	case $TOOL in callgrind | callgrind-all | massif | dhat | dhat-copy | dhat-adhoc) ;; *) return 0 ;; esac
	"$PYTHON3" -S "$RW_ROOT/scripts/flame" -q --as "$TOOL" "$RW_TMP" 2>"$RW_TMP/flame.log" ||
		note "$1: no flame graph: $(tail -n 1 "$RW_TMP/flame.log")"
	[ -s "$RW_TMP/flame.log" ] || rm -f "$RW_TMP/flame.log"
}

# --- results -------------------------------------------------------------------
# The machine's facts, once per driver: the same for every result it makes.
RW_MACHINE=''
rw_machine() {
	[ -z "$RW_MACHINE" ] || return 0
	# The suite's own version: the VERSION file of an installed copy (make
	# install writes it), else its commit and whether its tree was modified.
	if [ -f "$RW_ROOT/VERSION" ]; then
		_rv="$(cat "$RW_ROOT/VERSION") (installed in $RW_ROOT)"
	elif _rv=$(git -C "$RW_ROOT" describe --always --exclude='*' --dirty=' (modified)' 2>/dev/null); then
		:	# one git, not two: a short run's every process counts
	else
		_rv=unknown
	fi
	read -r _host </proc/sys/kernel/hostname
	read -r _os </proc/sys/kernel/ostype
	read -r _kernel </proc/sys/kernel/osrelease
	RW_MACHINE="rangewall: $_rv
host: $_host
kernel: $_os $_kernel
$(rw_tools_facts)"
}

# rw_tools_facts: the cpu, glibc, compiler and valgrind lines.  Asking
# ldd, cc and valgrind costs a tenth of a second a run (a third of a
# short run's overhead), so they are kept in the cache scripts/pythons
# uses, under a key made of what they depend on: the tools' paths, sizes
# and times, the kernel.
rw_tools_facts() {
	_cc=$(command -v "${CC:-cc}") _vg=$(command -v "$VALGRIND")
	case ${RW_CACHE:-} in
	none) _tf='' ;;
	'') _tf=${XDG_CACHE_HOME:-$HOME/.cache}/rangewall ;;
	*) _tf=$RW_CACHE ;;
	esac
	# Never in a HOME that is not there (scripts/pythons says why).
	[ -n "${RW_CACHE:-}${XDG_CACHE_HOME:-}" ] || [ -d "${HOME:-/nonexistent}" ] || _tf=
	if [ -n "$_tf" ]; then
		_tf=$_tf/machine.$({ echo "$_kernel $CC $VALGRIND"
			stat -L -c '%n %s %Y' "$_cc" "$_vg" "$(command -v ldd)" 2>/dev/null
			} | cksum | tr ' ' -)
		[ ! -f "$_tf" ] || { cat "$_tf"; return; }
	fi
	_facts="cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
glibc: $(ldd --version 2>/dev/null | head -n 1)
compiler: $(${CC:-cc} --version 2>/dev/null | head -n 1)
valgrind: $($VALGRIND --version 2>/dev/null)"
	printf '%s\n' "$_facts"
	[ -n "$_tf" ] && mkdir -p "${_tf%/*}" 2>/dev/null &&
		printf '%s\n' "$_facts" >"$_tf.$$" && mv "$_tf.$$" "$_tf"
	return 0
}

# rw_context FILE BENCH STATUS [KEY: VALUE...]: what produced a result --
# the machine, every knob that shaped the run, the Python's facts, the
# exact commands -- so that the report and the comparison read it and run
# nothing.  A BENCH that is not a row of benchmarks.txt (the sweep, bench)
# gets the machine, the commands and the KEY: VALUE lines given.
rw_context() {
	rw_machine
	_cf=$1 _cb=$2 _cs=$3
	shift 3
	{
		echo "date: $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
		printf '%s\n' "$RW_MACHINE"
		echo "tool: $TOOL"
		echo "benchmark: $(rw_result_name "$_cb")"
		[ -z "$(rw_field "$_cb" name)" ] || rw_bench_context "$_cb"
		for _kv in "$@"; do printf '%s\n' "$_kv"; done
		rw_settings_context
		printf '%s\n' "$RW_COMMAND" | sed 's/^/command: /'
		echo "exit status: $_cs"
	} >"$_cf"
}

# rw_settings_context: what changed the tools' results from outside their
# command: Valgrind's options from the environment (VALGRIND_OPTS) and from
# .valgrindrc files (in the HOME and the folder the tool ran in), glibc's
# tunables, another Valgrind (VALGRIND_LIB).
rw_settings_context() {
	for _v in VALGRIND_OPTS VALGRIND_LIB GLIBC_TUNABLES; do
		eval "[ -z \"\${$_v+x}\" ] || printf '%s: %s\\n' $_v \"\${$_v}\""
	done
	# The suite's runs and --clean-env: HOME=/nonexistent, a fresh folder.
	if [ -n "${RW_USER:-}" ] && [ -z "${RW_CLEAN_ENV:-}" ]; then
		for _rc in "${HOME:-/nonexistent}/.valgrindrc" "$RW_USER_CWD/.valgrindrc"; do
			[ ! -f "$_rc" ] || echo "valgrindrc: $_rc: $(tr '\n' ' ' <"$_rc")"
		done
	fi
}

# rw_bench_context BENCH: the knobs of a benchmark's run, and its Python.
rw_bench_context() {
	if [ -n "${RW_USER:-}" ]; then
		rw_user_context "$1"
		return
	fi
	_mode=- _measure=- _annotate=- _prog=$(rw_field "$1" program)
	if rw_is_py "$1"; then
		_mode=$(rw_py_mode "$1") _measure=${MEASURE:-snippet}
		[ "$_prog" != SNIPPET ] || _prog=$SNIPPET
	fi
	case $(rw_field "$1" args) in
	*'{ANNOTATE}'*) _annotate=${ANNOTATE:-$RW_ANNOTATE_DEFAULT} ;;
	esac
	echo "name: ${1%%@*}"
	echo "program: $_prog"
	echo "unit: $(rw_field "$1" unit)"
	echo "n: ${N:-$(rw_default_n "$1")}"
	echo "chunk: $(rw_chunk "$1")"
	echo "annotate: $_annotate"
	echo "mode: $_mode"
	echo "measure: $_measure"
	rw_is_py "$1" && echo "pyframes: ${PYFRAMES:-no}"
	[ -z "${RW_UNTESTED:-}" ] || echo "python tested: no (tested: $(printf '%s\n' "$RW_TESTED" | paste -sd' ' -))"
	[ -z "$RW_PYFRAMES_WARNING" ] || echo "pyframes warning: $RW_PYFRAMES_WARNING"
	case $TOOL in dhat*) echo "dhat mode: ${DHAT_MODE:-heap}" ;; esac
	case $TOOL in strace-notcache) echo "glibc tunables: $RW_NOTCACHE (no tcache, as glibc before 2.26)" ;; esac
	rw_binary_context "$1"
}

# rw_binary_context BENCH: the binary that ran, its build flags and, for a
# py-* benchmark, the runner's Python (from the .python file beside it);
# with the hook, the user's python and the hook's flags.
rw_binary_context() {
	if [ -n "${RW_USER_HOOK:-}" ]; then
		echo "binary: $RW_USER_EXE"
		echo "build flags: $(cat "$RW_BUILD/pyembed/pyhook-$RW_USER_TAG.so.flags" 2>/dev/null)"
	else
		echo "binary: $(rw_bench_bin "$1")"
		echo "build flags: $(cat "$(rw_bench_bin "$1").flags" 2>/dev/null)"
	fi
	if rw_is_py "$1"; then
		_py=$(cat "$(rw_bench_bin "$1").python" 2>/dev/null)
		echo "python: $_py"
		printf '%s\n' "$_py" | awk '{ print "python tag: " $1; print "python version: " $2
			print "python config: " $3; print "python exe: " $4; print "python roles: " $5
			print "python build: " $6; print "python link: " $7 }'
	fi
}

# rw_user_context BENCH: what the rangewall command ran: the user's program,
# its arguments, folder, virtualenv and environment, and the Python.
rw_user_context() {
	echo "name: $RW_USER_NAME"
	if [ -n "${RW_USER_MODULE:-}" ]; then
		echo "program: -m $RW_USER_MODULE"
	else
		echo "program: $SNIPPET"
	fi
	echo "args: $(eval "set -- ${RW_USER_ARGV:-}"; shift 2	# -- SCRIPT, or -m MODULE
		for _a in "$@"; do printf '%s ' "$_a"; done | sed 's/ $//')"
	echo "cwd: $RW_USER_CWD"
	[ -z "${RW_CHILD_PIDS:-}" ] ||
		echo "children: $(echo "$RW_CHILD_PIDS" | wc -w) processes, $RW_CHILD_PIDS (their files: NAME.PID; the summary, pyfunctions.txt and the flame graphs are the program's own process)"
	echo "venv: ${RW_USER_VENV:--}"
	if [ -n "${RW_CLEAN_ENV:-}" ]; then
		echo "environment: env -i $RW_FIXED_ENV${RW_LIBDIRS:+ LD_LIBRARY_PATH=$RW_LIBDIRS} (and VIRTUAL_ENV, $RW_KEEP_ENV where set)"
	elif [ -n "${RW_USER_HOOK:-}" ]; then
		echo "environment: the user's as given to rangewall, with PYTHONHASHSEED=0 (PYTHONMALLOC and PYTHONPERFSUPPORT removed: the mode decides)"
	else
		echo "environment: the user's as given to rangewall (the runner ignores PYTHONMALLOC, PYTHONHASHSEED, PYTHONPERFSUPPORT)"
	fi
	if [ -n "${RW_USER_HOOK:-}" ]; then
		echo "interpreter: the user's own python, $RW_USER_EXE ($(readlink -f "$RW_USER_EXE")), with rangewall's hook preloaded ($RW_BUILD/pyembed/pyhook-$RW_USER_TAG.so)"
	else
		echo "interpreter: rangewall's runner, $(rw_bench_bin "$1"), embedding the Python's shared library in place of $RW_USER_EXE"
	fi
	echo "unit: -"
	echo "n: -"
	echo "chunk: -"
	echo "annotate: -"
	echo "mode: $(rw_py_mode "$1")"
	echo "measure: ${MEASURE:-snippet}"
	echo "pyframes: ${PYFRAMES:-no}"
	[ -z "${RW_UNTESTED:-}" ] || echo "python tested: no (tested: $(printf '%s\n' "$RW_TESTED" | paste -sd' ' -))"
	[ -z "$RW_PYFRAMES_WARNING" ] || echo "pyframes warning: $RW_PYFRAMES_WARNING"
	[ -z "${RW_COMPILED:-}" ] || echo "modules compiled from source: $RW_COMPILED"
	rw_binary_context "$1"
}

# rw_sweep_leftovers DIR: remove temporary folders of runs that were killed
# (their process is gone), in DIR and /tmp, and put back a result caught
# mid-swap.
rw_sweep_leftovers() {
	for _d in "$1"/.*.tmp.* "$1"/.*.old.* "$RW_RUN_BASE".*; do
		[ -d "$_d" ] || continue
		_pid=${_d##*.}
		_pid=${_pid#"${_pid%%[!0]*}"}	# RW_PID's padding
		kill -0 "$_pid" 2>/dev/null && continue
		case $_d in
		*.old.*)
			_t=${_d%.old.*}; _t=$1/${_t##*/.}
			if [ ! -e "$_t" ]; then
				mv "$_d" "$_t" && note "restored $_t after an interrupted run"
				continue
			fi ;;
		esac
		rm -rf "$_d" && note "removed $_d, left by an interrupted run"
	done
}

# rw_commit TMP FINAL: replace FINAL by TMP.  Two renames under a lock: a
# crash between them leaves FINAL's old copy as .TOOL.old.PID, which the
# next run puts back.
rw_commit() {
	_old=$(dirname "$2")/.${2##*/}.old.$$
	# shellcheck disable=SC2016 # $1..$3 belong to the inner sh
	flock "$(dirname "$2")" sh -c '[ ! -e "$2" ] || mv "$2" "$3"; mv "$1" "$2"' \
		sh "$1" "$2" "$_old" || die "could not move $1 to $2"
	rm -rf "$_old"
}

RW_TMP='' RW_RUN='' RW_CHILD=''
# The temporary folders' names hold the process id, padded: the tool runs
# in one, and a path one digit longer moves a Python's start-up heap by a
# byte.  RW_TMP, in the results folder, becomes the result; RW_RUN, in
# /tmp, is where the tool runs: its path's length is the same wherever
# the suite and its results live (the dynamic loader and Python's start-up
# see the working folder's path).
RW_PID=$(printf '%07d' $$)
# In /tmp, whatever TMPDIR says: the run folder's path length is fixed.
RW_RUN_BASE=/tmp/rangewall-run
rw_cleanup() {
	if [ -n "$RW_CHILD" ]; then
		kill -TERM "$RW_CHILD" 2>/dev/null
		wait "$RW_CHILD"
	fi
	[ -z "$RW_TMP" ] || rm -rf "$RW_TMP"
	[ -z "$RW_RUN" ] || rm -rf "$RW_RUN"
}
trap 'rw_cleanup' EXIT
trap 'rw_cleanup; trap - TERM; kill -TERM $$' TERM

# Ctrl-C sends SIGINT to the whole foreground process group: the program
# gets it as it would under python (KeyboardInterrupt, its own handlers),
# and this script waits for the program to end, makes the result from
# what the tool wrote, and keeps it beside the complete one, as
# TOOL.interrupted (rw_for_each_bench).  A SIGINT during that
# post-processing stops it: what was written is kept.  Before a program
# has started, a SIGINT abandons the run, as it always did.
#   RW_STAGE        ready: run_one began, no program yet; program: one
#                   runs (rw_run); post: one has run, none runs now
#   RW_INTERRUPTED  program or post: where the first SIGINT came
#   RW_POST_STOPPED a SIGINT came during post-processing: no more of it
RW_STAGE='' RW_INTERRUPTED='' RW_POST_STOPPED='' RW_TRAPPED=''
rw_on_int() {
	case $RW_STAGE in
	program) RW_INTERRUPTED=${RW_INTERRUPTED:-program} RW_TRAPPED=1 ;;
	post) RW_INTERRUPTED=${RW_INTERRUPTED:-post} RW_POST_STOPPED=1 ;;
	*) rw_cleanup; trap - INT; kill -INT $$ ;;	# no program has run yet
	esac
}
trap 'rw_on_int' INT

# rw_wait PID: PID's exit status.  A trapped signal ends sh's wait early
# (with 130): wait again, until the program itself has ended (sh keeps a
# job's status for a second wait).
rw_wait() {
	while :; do
		RW_TRAPPED=''
		wait "$1"
		_ws=$?
		[ -n "$RW_TRAPPED" ] || return "$_ws"
	done
}

# rw_interrupted_context: the context's lines for an interrupted run.
rw_interrupted_context() {
	[ "$RW_INTERRUPTED" != program ] ||
		echo "interrupted: SIGINT (Ctrl-C) reached the program as it ran; the profile covers it up to its end"
	[ -z "$RW_POST_STOPPED" ] ||
		echo "interrupted: SIGINT (Ctrl-C) stopped post-processing; the tool's own files are whole, rangewall's may be missing"
}

# Progress lines: "[i/k] TOOL BENCH n=N … " as a run starts, the rest as it
# ends.  Under make -j the drivers share the terminal: whole lines only,
# at the end (a single write, so lines do not mix).
case " ${MAKEFLAGS:-} " in
*" -j"*) RW_WHOLE_LINES=1 ;;
*) RW_WHOLE_LINES= ;;
esac
rw_progress_start() {
	if [ -n "${RW_USER:-}" ]; then	# the program's own output follows
		printf 'rangewall: %s\n' "$1" >&9
	elif [ -z "$RW_WHOLE_LINES" ]; then
		printf '%s' "$1"
	fi
}
rw_progress_end() {
	if [ -n "${RW_USER:-}" ]; then printf 'rangewall: %s%s\n' "$1" "$2" >&9
	elif [ -n "$RW_WHOLE_LINES" ]; then printf '%s%s\n' "$1" "$2"
	else printf '%s\n' "$2"; fi
}

# rw_result_name BENCH: the folder a result goes in: BENCH, or for the
# rangewall command the user's program's name and the Python (app@3.11).
rw_result_name() {
	if [ -n "${RW_USER:-}" ]; then echo "$RW_USER_NAME@${1#*@}"; else echo "$1"; fi
}

# rw_for_each_bench: run run_one on each of BENCHES with a progress line
# (its variables are _fe_*: sh has one namespace, and run_one shares it)
# "[i/k] TOOL BENCH n=N … S s FIGURE".  Exits 1 if any run failed.
rw_for_each_bench() {
	_fe_k=$(echo "$BENCHES" | wc -w) _fe_i=0 _fe_failed=0 _fe_pyframes=${PYFRAMES:-}
	for _fe_b in $BENCHES; do
		_fe_i=$((_fe_i + 1))
		_fe_bin=$(rw_bench_bin "$_fe_b")
		[ -x "$_fe_bin" ] || die "$_fe_bin is not built (run: make build)"
		_fe_dir=$RESULTS/$(rw_result_name "$_fe_b")
		if ! mkdir -p "$_fe_dir" 2>/dev/null || [ ! -w "$_fe_dir" ]; then
			die "cannot write results to '$_fe_dir'"
		fi
		rw_sweep_leftovers "$_fe_dir"
		RW_TMP=$_fe_dir/.$TOOL.tmp.$RW_PID
		mkdir "$RW_TMP" 2>/dev/null || die "cannot create $RW_TMP"
		RW_RUN=$RW_RUN_BASE.$RW_PID
		rm -rf "$RW_RUN"
		mkdir "$RW_RUN" 2>/dev/null || die "cannot create $RW_RUN"
		if [ -n "${RW_USER:-}" ]; then
			_fe_line="$TOOL $(rw_result_name "$_fe_b") … "
		else
			_fe_line=$(printf '[%d/%d] %s %s n=%s … ' "$_fe_i" "$_fe_k" "$TOOL" \
				"$_fe_b" "$(rw_group "${N:-$(rw_default_n "$_fe_b")}")")
		fi
		# A Python never tested: said before it runs, and no --pyframes.
		PYFRAMES=$_fe_pyframes RW_UNTESTED=''
		if ! rw_tested "$_fe_b"; then
			RW_UNTESTED=1 PYFRAMES=no
			[ -n "${RW_UNTESTED_NOTED:-}" ] || note "$(rw_untested_note "$_fe_b")"
		fi
		rw_progress_start "$_fe_line"
		_fe_t0=$(date +%s) RW_SUMMARY='' RW_COMMAND='' RW_PROGRAM_STATUS=0 RW_PYFRAMES_WARNING=''
		RW_NOT_STARTED='' RW_COMPILED='' RW_STAGE=ready RW_CHILD_PIDS=''
		if run_one "$_fe_b" "$RW_RUN"; then _fe_s=0; else _fe_s=$?; fi
		[ "$RW_STAGE" = ready ] || RW_STAGE=post
		# A step of the driver's own that a Ctrl-C stopped: the tool's
		# output is kept as it is.
		[ "$_fe_s" -eq 0 ] || [ -z "$RW_POST_STOPPED" ] ||
			[ ! -s "$RW_RUN/${RW_MAIN_OUT:-none}" ] || _fe_s=0
		# The run's files into the result (rw_bench_cmd's links left out).
		find "$RW_RUN" -maxdepth 1 -type l -delete
		find "$RW_RUN" -mindepth 1 -maxdepth 1 -exec mv -t "$RW_TMP" {} + ||
			die "could not move the run's files to $RW_TMP"
		rm -rf "$RW_RUN"
		RW_RUN=
		if [ "$_fe_s" -eq 0 ]; then
			rw_context "$RW_TMP/context" "$_fe_b" "$RW_PROGRAM_STATUS" \
				${RW_INTERRUPTED:+"$(rw_interrupted_context)"}
			# The driver's post-processing (RW_POST: a Python script of
			# scripts/ and its first arguments), which reads the raw files
			# and the context: its output is the progress line's figure.
			# Stopped by a SIGINT (RW_POST_STOPPED), what it wrote is kept.
			if [ -n "${RW_POST:-}" ] && [ -z "$RW_POST_STOPPED" ]; then
				# shellcheck disable=SC2086 # the script and its words
				if _fe_o=$(rw_post $RW_POST "$RW_TMP"); then
					[ -z "$_fe_o" ] || RW_SUMMARY=$_fe_o
				elif [ -z "$RW_POST_STOPPED" ]; then
					_fe_s=1
				fi
			fi
			[ "$_fe_s" -ne 0 ] || [ -n "$RW_POST_STOPPED" ] || rw_flame "$(rw_result_name "$_fe_b")"
		fi
		_fe_t=$(($(date +%s) - _fe_t0))
		# An interrupted run's result goes beside the complete one, which
		# it never replaces: TOOL.interrupted.
		_fe_to=$_fe_dir/$TOOL
		if [ -n "$RW_INTERRUPTED" ] && [ "$_fe_s" -eq 0 ]; then
			_fe_to=$_fe_dir/$TOOL.interrupted
			# The context's lines again: a SIGINT may have come since.
			{ grep -v '^interrupted:' "$RW_TMP/context"; rw_interrupted_context; } \
				>"$RW_TMP/context.new" && mv "$RW_TMP/context.new" "$RW_TMP/context"
		fi
		if [ "$_fe_s" -eq 0 ]; then
			case $RW_SUMMARY in *"WARNING: "*) ;; *)
				[ -z "$RW_PYFRAMES_WARNING" ] ||
					RW_SUMMARY="${RW_SUMMARY:+$RW_SUMMARY; }WARNING: $RW_PYFRAMES_WARNING" ;;
			esac
			[ "${RW_COMPILED:-0}" -eq 0 ] ||
				RW_SUMMARY="${RW_SUMMARY:+$RW_SUMMARY; }$RW_COMPILED modules compiled from source (no .pyc yet): the next run counts fewer"
			[ -z "$RW_CHILD_PIDS" ] ||
				RW_SUMMARY="${RW_SUMMARY:+$RW_SUMMARY; }these figures are the program's own process: its $(echo "$RW_CHILD_PIDS" | wc -w) child processes' files are beside them (NAME.PID)"
			rw_commit "$RW_TMP" "$_fe_to"
			[ "$RW_PROGRAM_STATUS" -eq 0 ] ||
				RW_SUMMARY="the program exited $RW_PROGRAM_STATUS; ${RW_SUMMARY:-its result kept}"
			case $RW_INTERRUPTED in
			program) RW_SUMMARY="INTERRUPTED (Ctrl-C reached the program$([ -z "$RW_POST_STOPPED" ] || echo ', then stopped post-processing')): $RW_SUMMARY" ;;
			post) RW_SUMMARY="INTERRUPTED (Ctrl-C stopped post-processing): $RW_SUMMARY" ;;
			esac
			[ -z "${RW_USER:-}" ] && [ -z "$RW_INTERRUPTED" ] ||
				RW_SUMMARY="${RW_SUMMARY:+$RW_SUMMARY; }results in $_fe_to/"
			rw_progress_end "$_fe_line" "$_fe_t s${RW_SUMMARY:+  $RW_SUMMARY}"
		elif [ -n "${RW_NOT_STARTED:-}" ]; then
			# The rangewall command: python could not start the program.
			rw_progress_end "$_fe_line" "the program did not start (python exited $RW_NOT_STARTED); kept the previous result, if any, in $_fe_dir/$TOOL"
			rm -rf "$RW_TMP"
			RW_TMP=
			exit "$RW_NOT_STARTED"
		elif [ "$_fe_s" -eq 77 ] && rw_is_py "$_fe_b"; then
			# The snippet said it cannot run here (sys.exit(77)).
			rw_progress_end "$_fe_line" \
				"skipped: $(sed -n 's/^skip: //p' "$RW_TMP"/*.log | head -n 1)"
			rm -rf "$RW_TMP"
		else
			rw_progress_end "$_fe_line" "FAILED (exit $_fe_s) after $_fe_t s"
			note "$(rw_result_name "$_fe_b"): kept the previous result, if any, in $_fe_dir/$TOOL;" \
				"the failed run's log:"
			tail -n 5 "$RW_TMP"/*.log >&2 2>/dev/null
			rm -rf "$RW_TMP"
			_fe_failed=$((_fe_failed + 1))
		fi
		RW_TMP='' RW_STAGE=''
		# Interrupted: no further benchmark.  The program's status, as
		# python would give it; 130 where only post-processing was stopped.
		if [ -n "$RW_INTERRUPTED" ]; then
			[ "$RW_PROGRAM_STATUS" -ne 0 ] || exit 130
			exit "$RW_PROGRAM_STATUS"
		fi
	done
	[ "$_fe_failed" -eq 0 ] || die "$_fe_failed of $_fe_k runs failed"
	# The rangewall command: the program's status is the command's.
	[ -z "${RW_USER:-}" ] || exit "$RW_PROGRAM_STATUS"
}
