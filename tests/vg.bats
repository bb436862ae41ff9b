#!/usr/bin/env bats
# The runner's vg module under Callgrind: vg.stop()/vg.start() toggle
# Callgrind's collection (CALLGRIND_TOGGLE_COLLECT), which costs next to
# nothing and keeps the call context, where switching instrumentation
# flushed every translation (6 ms a pair).  The cost is checked here by
# what Valgrind counts, the code it translates (deterministic); the wall
# times of the pairs against none are `make bench`'s (part 1b).

load helper

K=10000

# run_toggle NAME M pairs|none: Callgrind on tests/toggle.py, its --stats
# in NAME.log.
run_toggle() {
	d=$BATS_FILE_TMPDIR
	valgrind --tool=callgrind --stats=yes --instr-atstart=no \
		--callgrind-out-file="$d/$1.out" "$RUNNER" --mode=pymalloc \
		"$BATS_TEST_DIRNAME/toggle.py" "$K" "$2" "$3" 2>"$d/$1.log"
}

setup_file() {
	export RUNNER
	RUNNER=$ROOT/build/pyembed/pyrun-$(release_tag)
	run_toggle pairs 50 pairs
	run_toggle empty 0 pairs
	run_toggle never 0 none
}

# ir NAME: the Ir collected in the `loop` part.
ir() { awk '/^totals:/ { print $2 }' "$BATS_FILE_TMPDIR/$1.out.2"; }

# sorted_ir NAME: sorted()'s inclusive Ir in the loop part.
sorted_ir() {
	callgrind_annotate --inclusive=yes "$BATS_FILE_TMPDIR/$1.out.2" |
		awk '/builtin_sorted/ { gsub(",", "", $1); print $1; exit }'
}

# traces NAME: the code blocks Valgrind translated ("translate: ... N traces").
traces() {
	awk '/translate: .* traces/ { gsub(",", ""); for (i = 1; i <= NF; i++) if ($i == "traces") print $(i - 1) }' \
		"$BATS_FILE_TMPDIR/$1.log"
}

@test "10,000 stop/start pairs translate no code again: traces within 1 % of a run without them" {
	# Switching instrumentation instead retranslates the loop's code at
	# every start: 100 rw_measure_stop/start pairs in a 1,000-step C loop
	# took 3,249 traces against 2,454 (45,471 here for the whole run).
	n=$(traces never)
	between 40000 "$n" 60000
	between "$n" "$(traces empty)" $((n + n / 100))
	between "$n" "$(traces pairs)" $((n + n / 100))
}

@test "the work collected between the pairs equals a run that never stops" {
	s=$(sorted_ir never)
	[ "$s" -gt $((K * 1000)) ]	# sorted() was counted, K times
	equals "$s" "$(sorted_ir pairs)"
}

@test "what runs while collection is off is not counted, however long" {
	# junk(50) against junk(0) between the pairs: the same Ir, but for a
	# few instructions of interpreter state on 3.11 (6 Ir of 70 M here:
	# dict look-ups that the uncounted loop warmed).
	a=$(ir pairs) b=$(ir empty)
	between -10 $((a - b)) 10
	# and a pair itself costs a few hundred Ir (the calls' halves that are
	# collected), not the junk's thousands.
	between 0 $(( (a - $(ir never)) / K )) 1000
}
