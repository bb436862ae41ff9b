#!/usr/bin/env bats
# The program runs as python3 runs it: with the signal dispositions, the
# signal mask and the environment that rangewall was given; Ctrl-C reaches
# it as KeyboardInterrupt, and the profile up to that point is kept, beside
# an earlier whole one.  Each command starts through tests/sigint.py, in a
# process group of its own with SIGINT at its default, as a terminal starts
# a foreground job: bats and CI may start this file with SIGINT ignored,
# which would make these tests meaningless.  The programs: tests/aspython/.
# (rangewall pytest's Ctrl-C: tests/full/aspython.bats.)

load helper

setup_file() {
	setup_results
	export W=$BATS_FILE_TMPDIR/w T
	T=$(release_tag)
	mkdir -p "$W" && cp -r "$ROOT"/tests/aspython/* "$W/"
}

# sigrun [OPTION...] -- CMD...: CMD as a terminal's foreground job.
sigrun() { python3 "$ROOT/tests/sigint.py" "$@"; }

@test "every tool's program gets SIGINT, SIGQUIT, the mask and the environment python3 gets" {
	cd "$W"
	want=$(sigrun -- /usr/bin/python3 getsig.py)
	[[ "$want" == *"default_int_handler"* ]]
	for t in callgrind massif dhat memcheck strace ltrace timeline walltime; do
		run --separate-stderr sigrun -- "$ROOT/scripts/rangewall" "$t" -o "$RESULTS/sig" getsig.py
		[ "$status" -eq 0 ] || { echo "$t: exit $status: $stderr" >&2; return 1; }
		equals "$want" "$(printf '%s\n' "$output" | awk '!seen[$0]++')" || { echo "under $t" >&2; return 1; }
	done
}

@test "given SIGINT ignored and SIGUSR1 blocked, the program has them so, and a user's MODE and N are its own" {
	cd "$W"
	want=$(MODE=dev N=abc sigrun --ignore-int --block-usr1 -- /usr/bin/python3 getsig.py)
	[[ "$want" == "SIGINT 1 SIGQUIT 0 blocked [10]"* ]]
	[[ "$want" == *"environment ['MODE', 'N'"* ]]
	# ltrace (and timeline, which runs it) sets SIGINT's handler in the
	# program to its default whatever it was given: not checked there.
	for t in callgrind memcheck strace walltime; do
		run --separate-stderr env MODE=dev N=abc python3 "$ROOT/tests/sigint.py" --ignore-int --block-usr1 -- \
			"$ROOT/scripts/rangewall" "$t" -o "$RESULTS/ign" getsig.py
		[ "$status" -eq 0 ] || { echo "$t: exit $status: $stderr" >&2; return 1; }
		equals "$want" "$(printf '%s\n' "$output" | awk '!seen[$0]++')" || { echo "under $t" >&2; return 1; }
	done
}

@test "Ctrl-C: KeyboardInterrupt in the program, python's status, the profile kept beside the whole one" {
	cd "$W"
	run sigrun --ready "$W/ready0" -- /usr/bin/python3 ctrlc.py "$W/ready0"
	equals 130 "$status"
	equals "ctrlc.py: caught KeyboardInterrupt, cleaning up" "${lines[0]}"
	# A whole run first, then one interrupted: the first stays as it was.
	"$ROOT"/scripts/rangewall callgrind --pyframes -o "$RESULTS/c" ctrlc.py
	r=$RESULTS/c/ctrlc@$T
	before=$(listing "$r/callgrind")
	run --separate-stderr sigrun --ready "$W/ready1" -- \
		"$ROOT"/scripts/rangewall callgrind --pyframes -o "$RESULTS/c" ctrlc.py "$W/ready1"
	equals 130 "$status"
	equals "ctrlc.py: caught KeyboardInterrupt, cleaning up" "$output"
	[[ "$stderr" == *"INTERRUPTED (Ctrl-C reached the program)"*"results in $r/callgrind.interrupted/"* ]]
	equals "$before" "$(listing "$r/callgrind")"
	# The profile up to the interrupt: its parts, named functions, marked.
	grep -qx 'interrupted: SIGINT (Ctrl-C) reached the program as it ran; the profile covers it up to its end' \
		"$r/callgrind.interrupted/context"
	grep -qx 'exit status: 130' "$r/callgrind.interrupted/context"
	[ "$(awk -F'\t' '$3 ~ /:py:wait \(/ { c += $6 } END { print c + 0 }' "$r/callgrind.interrupted/inclusive.tsv")" -eq 1 ]
	[ -f "$r/callgrind.interrupted/flame/index.html" ]
	! grep -q '^interrupted' "$r/callgrind/context"
}

@test "a second Ctrl-C during post-processing stops it: the tool's files are kept, marked" {
	cd "$W"
	r=$RESULTS/c2/ctrlc@$T
	run --separate-stderr sigrun --ready "$W/ready2" --again "$r/.callgrind.tmp.*/context" -- \
		"$ROOT"/scripts/rangewall callgrind --pyframes -o "$RESULTS/c2" ctrlc.py "$W/ready2"
	equals 130 "$status"
	grep -qx 'interrupted: SIGINT (Ctrl-C) reached the program as it ran; the profile covers it up to its end' \
		"$r/callgrind.interrupted/context"
	grep -q '^interrupted: SIGINT (Ctrl-C) stopped post-processing' "$r/callgrind.interrupted/context"
	[ -s "$r/callgrind.interrupted/callgrind.out" ]
	[[ "$stderr" == *"then stopped post-processing"* ]]
	[ ! -e "$r/callgrind" ]
}

@test "--clean-env: each Python runs with its own libpython, not the system's of the same X.Y" {
	cd "$W"
	# The Pythons linked to a libpython of their own (pyenv's, found by
	# DT_RUNPATH): the fixed environment's LD_LIBRARY_PATH once ran
	# Debian's libpython3.11 (3.11.2) under pyenv's python3.11 (3.11.7).
	tags=$("$ROOT"/scripts/setup/pythons all | awk '$1 ~ /^3\./ && $7 == "shared" { print $1 }')
	[ -n "$tags" ] || skip "no Python here links a libpython of its own"
	for t in $tags; do
		exe=$("$ROOT"/scripts/setup/pythons "$t" | awk '{ print $4 }')
		want=$("$exe" version.py)
		got=$("$ROOT"/scripts/rangewall strace --python "$t" --clean-env -o "$RESULTS/v" version.py 2>/dev/null)
		equals "$want" "$got" || { echo "under --python $t" >&2; return 1; }
	done
}
