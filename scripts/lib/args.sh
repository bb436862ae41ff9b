# shellcheck shell=sh disable=SC2016 # awk programs stay in single quotes
# shellcheck disable=SC2034,SC2153,SC2154 # lib-shared: set in one file of lib/, read in another (the gate checks them together)
# args.sh - the options every driver takes (rw_parse_args), their checks
# (rw_check_args, also the Makefile's through scripts/setup/check-args) and
# the driver's --help (rw_usage).  Calls base.sh and table.sh.

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
			usage_error "no Python found for '$1' (role $2: $("$RW_ROOT/scripts/setup/pythons" --hint "$2"))"
		fi
		# Said once, where the run is: not by scripts/check-args.
		[ -n "${RW_QUIET_SKIPS:-}" ] || printf '%s\n' "$_sk" | while read -r _b _r; do
			note "skipped $_b: no $_r Python here; $("$RW_ROOT/scripts/setup/pythons" --hint "$_r")"
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
	rw_opt "-p PY" "the Pythons for a py-* given without @PYTHON: tags as scripts/setup/pythons lists them, \"default\" (the seeds') or \"all\""
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
