# shellcheck shell=sh disable=SC2016 # awk programs stay in single quotes
# shellcheck disable=SC2034,SC2153,SC2154 # lib-shared: set in one file of lib/, read in another (the gate checks them together)
# run.sh - running the command: in the run's folder, in a fixed
# environment or the user's, with its status read; signals (Ctrl-C reaches
# the program, a TERM stops it), the temporary folders' cleanup, and the
# post-processors (scripts/post/) and flame graphs a run calls.  Calls
# base.sh, table.sh and command.sh.

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
# the tools' outputs (scripts/post/pyrename): Python functions by name.
# A function entered past the runner's hook (pyembed/pyframes.c) makes the
# calls inexact: said now, and kept for the context (RW_PYFRAMES_WARNING).
RW_PYFRAMES_WARNING=''
rw_pyrename() {
	[ -n "${RW_RUN:-}" ] && [ -f "$RW_RUN/pyframes.map" ] || return 0
	_pr=$("$PYTHON3" "$RW_ROOT/scripts/post/pyrename" "$RW_RUN" 2>"$RW_RUN/pyrename.log") || {
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

# rw_post SCRIPT [ARG...] DIR: scripts/post/SCRIPT on a result's folder; its
# diagnostics in DIR/post.log (kept only if not empty, and shown on error).
rw_post() {
	_pp=$1
	shift
	_pd=$(for _pa in "$@"; do :; done; printf '%s' "$_pa")
	# -S: no site import (the posts need the standard library alone): 15 ms a run
	"$PYTHON3" -S "$RW_ROOT/scripts/post/$_pp" "$@" 2>"$_pd/post.log" || {
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
