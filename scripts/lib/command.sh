# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # lib-shared: set in one file of lib/, read in another (the gate checks them together)
# command.sh - the command line a tool runs: the benchmark's binary or
# runner with its arguments, or the user's program (the rangewall
# command), and the options that depend on them.  Calls base.sh and
# table.sh.

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
