# shellcheck shell=sh disable=SC2016 # awk programs stay in single quotes
# shellcheck disable=SC2034,SC2153,SC2154 # lib-shared: set in one file of lib/, read in another (the gate checks them together)
# table.sh - the benchmarks (benchmarks.txt's rows, read once) and the
# Pythons found here (scripts/setup/pythons): names, fields, defaults, and
# BENCH lists expanded to NAME@PYTHON.  Calls base.sh.

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


# rw_pythons [SELECTION...]: "TAG VERSION CONFIG EXE ROLES BUILD LINK"
# lines (scripts/setup/pythons, cached); exits 2 naming an unknown Python.
rw_pythons() {
	"$RW_ROOT/scripts/setup/pythons" "$@" || exit 2
}

# rw_check_python TAG: exit 2 unless TAG is a Python found here.  Asks
# scripts/setup/pythons once, then remembers.
RW_PYTHONS_FOUND=''
rw_check_python() {
	[ -n "$RW_PYTHONS_FOUND" ] || RW_PYTHONS_FOUND=$(rw_pythons all | awk '{ print $1 }')
	printf '%s\n' "$RW_PYTHONS_FOUND" | grep -qxF -- "$1" ||
		usage_error "unknown Python '$1' (found: $(printf '%s\n' "$RW_PYTHONS_FOUND" | paste -sd, - | sed 's/,/, /g')$(
			case $1 in [0-9]*) echo "; to get it: $("$RW_ROOT/scripts/setup/pythons" --hint "$1")" ;; esac))"
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
# that PY selects (default: the seeds', scripts/setup/pythons default); py-X@ROLE
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
# (scripts/setup/build-runners): its runs have no Python function names.
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
