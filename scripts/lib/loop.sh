# shellcheck shell=sh
# shellcheck disable=SC2034,SC2153,SC2154 # lib-shared: set in one file of lib/, read in another (the gate checks them together)
# loop.sh - the loop over benchmarks (rw_for_each_bench): a progress line
# and a temporary folder each, run_one, the context and post-processing,
# then the result swapped in atomically (rw_commit); leftovers of killed
# runs swept.  Calls every other file of lib/ but given.sh.

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
