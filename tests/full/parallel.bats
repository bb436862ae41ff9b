#!/usr/bin/env bats
# make -j2 against a serial make: every benchmark, the tools of `make`, at
# small N -- the same result files and the same figures (Callgrind's Ir per
# phase, Massif's phase-end heaps, DHAT's totals, ltrace's histogram).

load ../helper

# One of each kind: a native program, the native models, Python ones.
BENCHES="c-range c-intlist c-accu py-range py-stringio"

# Two make runs, serial (run-1) and -j2 (run-2): the heavy tools on every
# benchmark on the release python3; ltrace and
# timeline, which stop at every call, on the native benchmarks.  The
# folders' names have the same length, as the runs' environments do not
# matter (the drivers run the tools with env -i).
setup_file() {
	setup_results
	py=release
	for run in run-1 run-2; do
		j=; [ $run = run-1 ] || j=-j2
		{ make -s -C "$ROOT" $j RESULTS="$RESULTS/$run" N=3000 PY="$py" \
			BENCH="$BENCHES" strace massif dhat callgrind &&
		  make -s -C "$ROOT" $j RESULTS="$RESULTS/$run" N=3000 \
			BENCH="c-range c-intlist" ltrace timeline
		} >"$BATS_FILE_TMPDIR/$run.out" 2>&1 ||
			{ cat "$BATS_FILE_TMPDIR/$run.out" >&3; return 1; }
		(cd "$RESULTS/$run" && find . -type f | sort) >"$BATS_FILE_TMPDIR/$run.files"
	done
}

@test "make -j2: the same result files as a serial make, no temporary left" {
	diff "$BATS_FILE_TMPDIR/run-1.files" "$BATS_FILE_TMPDIR/run-2.files"
	grep -q '^./py-range@3.11/callgrind/callgrind.out.1$' "$BATS_FILE_TMPDIR/run-1.files"
	run grep '\.tmp\.\|\.old\.' "$BATS_FILE_TMPDIR/run-2.files"
	[ "$status" -eq 1 ]
}

@test "make -j2: the same figures as a serial make (Callgrind, Massif, DHAT, ltrace)" {
	n=0
	while read -r f; do
		case $f in
		*/callgrind/phases.tsv | */massif/phases.tsv | */dhat/dhat.tsv | */ltrace/malloc-sizes.txt)
			cmp "$RESULTS/run-1/$f" "$RESULTS/run-2/$f"
			n=$((n + 1)) ;;
		esac
	done <"$BATS_FILE_TMPDIR/run-1.files"
	[ "$n" -ge 14 ] || { echo "only $n files compared" >&2; return 1; }
}

@test "make -j2: two tools at once, progress lines whole" {
	out=$BATS_FILE_TMPDIR/run-2.out
	run grep -c '^\[[0-9]*/[0-9]*\] [a-z]* [a-zA-Z0-9@.-]* n=3,000 … \([0-9]* s\|skipped: \)' "$out"
	equals "$(grep -c '^\[' "$out")" "$output"
	[ "$output" -ge 20 ]
	# Two tools' runs overlap: one's lines fall between another's first and last.
	awk '/^\[/ { t = $2; if (!(t in first)) first[t] = NR; last[t] = NR }
		END { for (a in first) for (b in first)
			if (a != b && first[b] > first[a] && first[b] < last[a]) exit 0
			exit 1 }' "$out"
}
