# shellcheck shell=sh
# given.sh - what the rangewall command was given, for the program it runs
# (POSIX sh, sourced).
#
# rangewall promises that the profiled program runs as `python3 PROGRAM`
# would: with the environment, and the signal dispositions and mask, that
# rangewall itself was given.  Three things would undo it:
#   - rangewall's own variables: its drivers read make's knobs (N, MODE,
#     MEASURE, ...) from their environment, and take rangewall's settings
#     from it (RW_*), so a user's variable of such a name would be read
#     as a knob, and rangewall's would reach the program;
#   - a non-interactive sh starts a background command (the drivers'
#     rw_run) with SIGINT and SIGQUIT ignored, and CPython installs its
#     KeyboardInterrupt handler only where SIGINT is not ignored as it
#     starts: Ctrl-C would never reach the program;
#   - dash clears the signal mask (its own and the commands') once it has
#     run a command in the foreground.
#
# rw_given, first thing in the rangewall command, keeps them:
#   RW_GIVEN_ENV    the environment, as `export -p` prints it (the shell's
#                   own quoting: any value)
#   RW_GIVEN_PWD    no if it held no PWD (sh adds one where it was missing)
#   RW_SIGNAL_OPTS  GNU env's options that put the signals back: SIGINT and
#                   SIGQUIT at their default or ignored, the blocked ones
#                   blocked, as /proc/PID/status gave them (signal N is
#                   bit N-1 of SigIgn and SigBlk)
# and then removes the knobs' names from its own environment.  A driver
# run by make calls rw_given_signals alone.  RW_AS_GIVEN is the sh program
# that rw_run_user starts the program through:
#   env -i RW_GIVEN_ENV=... RW_GIVEN_PWD=... sh -c "$RW_AS_GIVEN" sh CMD...
# runs CMD in the given environment alone (the context file records CMD,
# not the environment's values).

# The variables the drivers read as make's knobs.
RW_KNOBS="N CHUNK ANNOTATE MODE MEASURE PY PYTHONS SNIPPET DHAT_MODE PYFRAMES RESULTS TCACHE"

rw_given() {
	rw_given_signals	# first: dash clears its mask as it runs a command
	RW_GIVEN_ENV=$(export -p)
	# sh exports a PWD of its own where it was given none: the
	# environment as the process began tells.
	RW_GIVEN_PWD=yes
	[ ! -r /proc/$$/environ ] || grep -qz '^PWD=' /proc/$$/environ || RW_GIVEN_PWD=no
	# shellcheck disable=SC2086 # a list of names
	unset $RW_KNOBS
	export RW_GIVEN_ENV RW_GIVEN_PWD RW_SIGNAL_OPTS
}

# shellcheck disable=SC2016,SC2034 # run by the inner sh; used by the files sourcing this
RW_AS_GIVEN='eval "$RW_GIVEN_ENV"
[ "$RW_GIVEN_PWD" = yes ] || unset PWD
unset RW_GIVEN_ENV RW_GIVEN_PWD
exec "$@"'

rw_given_signals() {
	RW_SIGNAL_OPTS=--default-signal=INT,QUIT
	[ -r /proc/$$/status ] || return 0
	_gs_ign=0 _gs_blk=0
	while read -r _gs_k _gs_v; do
		case $_gs_k in
		SigIgn:) _gs_ign=0x$_gs_v ;;
		SigBlk:) _gs_blk=0x$_gs_v ;;
		esac
	done </proc/$$/status
	_gs_dfl='' _gs_ig=''
	if [ $((_gs_ign & 2)) -ne 0 ]; then _gs_ig=INT; else _gs_dfl=INT; fi
	if [ $((_gs_ign & 4)) -ne 0 ]; then _gs_ig=$_gs_ig${_gs_ig:+,}QUIT; else _gs_dfl=$_gs_dfl${_gs_dfl:+,}QUIT; fi
	_gs_b='' _gs_n=1
	while [ "$_gs_n" -le 64 ]; do
		[ $(((_gs_blk >> (_gs_n - 1)) & 1)) -eq 0 ] || _gs_b=$_gs_b${_gs_b:+,}$_gs_n
		_gs_n=$((_gs_n + 1))
	done
	RW_SIGNAL_OPTS="${_gs_dfl:+--default-signal=$_gs_dfl}${_gs_ig:+ --ignore-signal=$_gs_ig}${_gs_b:+ --block-signal=$_gs_b}"
	RW_SIGNAL_OPTS=${RW_SIGNAL_OPTS# }
}
