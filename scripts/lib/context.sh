# shellcheck shell=sh disable=SC2016 # awk programs stay in single quotes
# shellcheck disable=SC2034,SC2153,SC2154 # lib-shared: set in one file of lib/, read in another (the gate checks them together)
# context.sh - a result's context file: the machine, every knob that
# shaped the run, the Python, the exact commands.  The report and the
# comparison read it and run nothing.  Calls base.sh, table.sh,
# command.sh and loop.sh (rw_result_name).

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
# short run's overhead), so they are kept in the cache scripts/setup/pythons
# uses, under a key made of what they depend on: the tools' paths, sizes
# and times, the kernel.
rw_tools_facts() {
	_cc=$(command -v "${CC:-cc}") _vg=$(command -v "$VALGRIND")
	case ${RW_CACHE:-} in
	none) _tf='' ;;
	'') _tf=${XDG_CACHE_HOME:-$HOME/.cache}/rangewall ;;
	*) _tf=$RW_CACHE ;;
	esac
	# Never in a HOME that is not there (scripts/setup/pythons says why).
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

# rw_interrupted_context: the context's lines for an interrupted run.
rw_interrupted_context() {
	[ "$RW_INTERRUPTED" != program ] ||
		echo "interrupted: SIGINT (Ctrl-C) reached the program as it ran; the profile covers it up to its end"
	[ -z "$RW_POST_STOPPED" ] ||
		echo "interrupted: SIGINT (Ctrl-C) stopped post-processing; the tool's own files are whole, rangewall's may be missing"
}
