#!/usr/bin/env bats
# The full tier: rangewall memcheck on every Python found (3.6+: the hook
# from 3.8, the runner before; 2.7: the clean program only): a clean
# program gives no error and no leak record; a C extension's planted
# errors are each found once, with the Python function that called it.

load ../helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export TAGS
	TAGS=$(py3_tags)
	for t in $TAGS; do
		build_plant "$t" "$BATS_FILE_TMPDIR/$t" || return 1
		(cd "$BATS_FILE_TMPDIR/$t" &&
			"$ROOT"/scripts/rangewall memcheck --python "$t" -o "$RESULTS" plant.py &&
			"$ROOT"/scripts/rangewall memcheck --python "$t" --pyframes -o "$RESULTS/p" plant.py planted
		) >&3 2>&1 &
		# two at a time: the machine has two cores
		[ "$(jobs -p | wc -l)" -lt 2 ] || wait -n
	done
	wait
}

@test "memcheck: a clean program on every Python 3.6+: 0 errors, no leak record of any kind" {
	n=0
	for t in $TAGS; do
		check_clean "$RESULTS/plant@$t/memcheck" || { echo "on $t" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

@test "memcheck: each planted error found once, with its Python caller, on every Python 3.6+" {
	n=0
	for t in $TAGS; do
		check_planted "$RESULTS/p/plant@$t/memcheck" || { echo "on $t" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

@test "memcheck: a clean program on Python 2.7 (the runner, pymalloc): 0 errors, no leak record" {
	need_python 2.7
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/plant/plant.py" .
	"$ROOT"/scripts/rangewall memcheck --python 2.7 -o out plant.py
	check_clean out/plant@2.7/memcheck
}
