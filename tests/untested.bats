#!/usr/bin/env bats
# A Python rangewall was never tested on (its X.Y not in pyembed/tested.txt,
# the one list the code reads): its runner and hook are built without the
# parts that read CPython's internal structures (the frames, the guard),
# rangewall says so in one line before it runs, and the run completes,
# with no Python function names.  The test takes Debian's release Python
# out of the list in a copy of the tree, as a Python 3.14 would be.

load helper

setup_file() {
	setup_results
	export C=$BATS_FILE_TMPDIR/tree T
	T=$(release_tag)
	copy_tree "$C"
	v=$("$ROOT"/scripts/setup/pythons "$T" | awk '{ print $2 }')
	sed -i "/^${v%.*}\$/d" "$C/pyembed/tested.txt"
	(cd "$C" && make -s runners PYTHONS="$T") >"$BATS_FILE_TMPDIR/build.log" 2>&1
}

@test "building for an untested Python: a note, and the runner and the hook without --pyframes" {
	grep -q "^build-runners: Python .* ($T) is not among the versions tested (.*3\.13): built without --pyframes" \
		"$BATS_FILE_TMPDIR/build.log"
	grep -q -- '-DRW_HAVE_PYFRAMES=0' "$C/build/pyembed/pyrun-$T.flags"
	grep -q -- '-DRW_HAVE_PYFRAMES=0' "$C/build/pyembed/pyhook-$T.so.flags"
	run grep -c 'warning' "$BATS_FILE_TMPDIR/build.log"
	equals 0 "$output"
}

@test "rangewall on an untested Python: one line before the run, the frames off, the run complete" {
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/aspython/getsig.py" .
	run --separate-stderr "$C/scripts/rangewall" callgrind --pyframes -o out getsig.py
	equals 0 "$status"
	# the program ran: its first line, the signals as python3 has them here
	# (bats may be started with SIGINT ignored, which the program then has)
	equals "$(/usr/bin/python3 getsig.py | head -n 1)" "$(printf '%s\n' "$output" | head -n 1)"
	# the warning first, naming the versions tested, then the run's lines
	equals "rangewall: Python $("$ROOT"/scripts/setup/pythons "$T" | awk '{ print $2 }') ($T) is not among the versions rangewall was tested on ($(sed '/^#/d' "$C/pyembed/tested.txt" | paste -sd' ' -); pyembed/tested.txt): Python function names (--pyframes) and the guard against specialised calls are off; the tools see the interpreter alone" \
		"$(printf '%s\n' "$stderr" | head -n 1)"
	equals 1 "$(printf '%s\n' "$stderr" | grep -c 'not among the versions')"
	d=out/getsig@$T/callgrind
	grep -qx 'pyframes: no' "$d/context"
	grep -q '^python tested: no' "$d/context"
	[ ! -e "$d/pyframes.map" ]
	equals 0 "$(grep -c ':py:' "$d/inclusive.tsv")"
	[ "$(awk -F'\t' 'NR > 1 && $2 == "main" { print $3 }' "$d/phases.tsv")" -gt 100000 ]
}

@test "the suite's own run on an untested Python: the note once, no --pyframes" {
	run --separate-stderr env PYFRAMES=yes "$C/scripts/callgrind" -n 1000 -o "$RESULTS/suite" "py-range@$T"
	equals 0 "$status"
	equals 1 "$(printf '%s\n' "$stderr" | grep -c "^callgrind: Python .* (py-range@$T) is not among the versions rangewall was tested on")"
	grep -qx 'pyframes: no' "$RESULTS/suite/py-range@$T/callgrind/context"
}
