#!/usr/bin/env bats
# One source of truth: benchmarks.txt drives the Makefile, the drivers,
# their help and the report; results describe themselves; the report only
# reads; c/rw.h is the only door to Valgrind.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	"$ROOT"/scripts/callgrind -n 1000 -c 100 -o "$RESULTS" c-range c-accu py-stringio@release >&3
	"$ROOT"/scripts/massif -n 1000 -o "$RESULTS" py-range@release c-intlist >&3
}

# names: the table's benchmark names.
names() { awk '!/^#/ && NF { print $1 }' "$ROOT/benchmarks.txt"; }

@test "a new benchmark is one row and one snippet: make callgrind, massif, report run it, nothing else changes" {
	t=$BATS_FILE_TMPDIR/tree
	copy_tree "$t" build
	cat >"$t/pyembed/snippets/py_dict.py" <<'PY'
import sys
import vg
n = int(sys.argv[1])
vg.phase("build")
d = dict.fromkeys(range(n))
vg.phase("drop")
del d
PY
	printf '%s\n' "py-dict pyembed/snippets/py_dict.py {N} - ints 5000 1000000 - - - - - release - release - - a throwaway dict of N ints" \
		>>"$t/benchmarks.txt"
	# (Python's bytecode caches left out: the report writes them.)
	sums() { (cd "$t" && find . -path ./build -prune -o -path ./results -prune -o -name __pycache__ -prune -o -type f -print |
		grep -v -e '^./benchmarks.txt$' -e '^./pyembed/snippets/py_dict.py$' | sort | xargs md5sum); }
	before=$(sums)
	r=$BATS_FILE_TMPDIR/new-results
	make -s -C "$t" callgrind BENCH=py-dict@release RESULTS="$r" >&3
	make -s -C "$t" massif BENCH=py-dict RESULTS="$r" PY=release >&3
	make -s -C "$t" report RESULTS="$r" >&3
	tag=$(release_tag)
	run phases "$r/py-dict@$tag/callgrind/phases.tsv"
	equals "main build drop exit" "$output"
	run phases "$r/py-dict@$tag/massif/phases.tsv"
	equals "startup main build drop finalize" "$output"
	grep -F "n: 5000" "$r/py-dict@$tag/callgrind/context"	# the row's default
	grep -F "| py-dict@$tag | callgrind | 5,000 | main " "$r/REPORT.md"
	grep -F "| py-dict@$tag | massif | 5,000 | peak useful heap " "$r/REPORT.md"
	# Its help knows it, and the driver runs it without BENCH (its column).
	make -s -C "$t" help | grep -F "  py-dict "
	"$t"/scripts/massif --help | grep -F "py-dict on the release Python"
	equals "$before" "$(sums)"
}

@test "make help and every driver's --help list the table's benchmarks" {
	help=$(make -s -C "$ROOT" help)
	for b in $(names); do
		printf '%s\n' "$help" | awk -v b="$b" '$1 == b { f = 1 } END { exit !f }' ||
			{ echo "make help lacks $b" >&2; return 1; }
	done
	for d in callgrind massif dhat ltrace strace timeline memcheck walltime; do
		# its words, whole: c-range must not pass for c-range-O2
		words=$("$ROOT/scripts/$d" --help | tr -s ' \n,;()' '\n' | sed 's/[.:]$//' | sort -u)
		for b in $(names); do
			printf '%s\n' "$words" | grep -qxF -- "$b" || { echo "$d --help lacks $b" >&2; return 1; }
		done
		"$ROOT/scripts/$d" --help | tr -s ' \n' '  ' | grep -qF "benchmarks.txt's $d column"
	done
}

@test "a driver's default list is its column of the table" {
	# ltrace's column: c-range c-intlist, py-range on the debug and py2 roles.
	output=$("$ROOT"/scripts/ltrace --help | tr -s ' \n' '  ')	# unwrapped
	[[ "$output" == *"Default, from benchmarks.txt's ltrace column: c-range, c-intlist, py-range on the debug and py2 Pythons"* ]]
}

@test "the C programs take their defaults from the table" {
	equals "$(awk '$1 == "c-accu" { print $6, $8 }' "$ROOT/benchmarks.txt")" \
		"$("$ROOT"/build/c-accu --help | sed -n 's/.*WRITES *number of writes (default \([0-9]*\)).*/\1/p') $("$ROOT"/build/c-accu --help | sed -n 's/.*bytes per write (default \([0-9]*\);.*/\1/p')"
	grep -q -- '-DRW_DEFAULT_N=10000000 -DRW_MAX_N=1000000000' "$ROOT/build/c-range.flags"
}

@test "a result's context records every knob and the Python's facts" {
	ctx=$RESULTS/py-stringio@$(release_tag)/callgrind/context
	for k in tool benchmark name program unit n chunk annotate mode measure "build flags" \
		"python tag" "python version" "python roles" "python build" "python link" "python exe" \
		command "exit status" glibc valgrind cpu; do
		grep -q "^$k: " "$ctx" || { echo "no '$k:' in $ctx" >&2; false; }
	done
	grep -qx 'n: 1000' "$ctx"
	grep -qx 'chunk: 100' "$ctx"
	grep -qx 'mode: pymalloc' "$ctx"
	grep -qx 'measure: snippet' "$ctx"
	grep -q '^python roles: .*release' "$ctx"
	# massif reports c-intlist's ints by default (the driver's RW_ANNOTATE_DEFAULT)
	grep -qx 'annotate: yes' "$RESULTS/c-intlist/massif/context"
}

@test "make report starts no Python but itself, no runner, no interpreter discovery" {
	strace -f -e trace=execve -o "$BATS_TEST_TMPDIR/ex" make -s -C "$ROOT" report RESULTS="$RESULTS" >/dev/null 2>&1
	run grep -c 'execve(".*python[^"]*", \[' "$BATS_TEST_TMPDIR/ex"
	equals 1 "$output"
	run grep -E 'execve\("[^"]*(pyrun-|scripts/setup/pythons)' "$BATS_TEST_TMPDIR/ex"
	[ "$status" -eq 1 ]
	# gnuplot is the one other program it starts (the plots).
	grep -q 'execve("[^"]*gnuplot"' "$BATS_TEST_TMPDIR/ex"
}

@test "Python discovery runs each interpreter once, then reads its cache" {
	cache=$BATS_TEST_TMPDIR/cache
	RW_CACHE=$cache "$ROOT"/scripts/setup/pythons >/dev/null
	strace -f -e trace=execve -o "$BATS_TEST_TMPDIR/ex" env RW_CACHE="$cache" "$ROOT"/scripts/setup/pythons >/dev/null
	run grep -cE 'execve\("[^"]*/python[23][^"]*"' "$BATS_TEST_TMPDIR/ex"
	equals 0 "$output"
	# The cache follows what discovery depends on: PYENV_ROOT.
	run env RW_CACHE="$cache" PYENV_ROOT=/nonexistent "$ROOT"/scripts/setup/pythons
	equals "3.11d 3.11" "$(printf '%s\n' "$output" | awk '{ print $1 }' | paste -sd' ' -)"
}

@test "no C source but c/rw.h issues a Valgrind client request" {
	run grep -nE '\b(VALGRIND|CALLGRIND|DHAT)_[A-Z_]+[[:space:]]*\(' "$ROOT"/c/*.c "$ROOT"/c/cli.h "$ROOT"/pyembed/*.c
	[ "$status" -eq 1 ] || { echo "$output" >&2; false; }
	run grep -cE '\b(VALGRIND|CALLGRIND)_[A-Z_]+[[:space:]]*\(' "$ROOT/c/rw.h"
	[ "$output" -ge 8 ]
}

@test "counts do not depend on where the suite lives: two trees, paths of different lengths" {
	for t in a "a-tree-whose-path-is-much-longer-than-the-other-one"; do
		d=$BATS_FILE_TMPDIR/$t
		copy_tree "$d" build
		"$d"/scripts/callgrind -n 100000 -o "$d/results" c-range c-intlist py-range@release >&3
		"$d"/scripts/massif -n 100000 -o "$d/results" py-range@release >&3
	done
	a=$BATS_FILE_TMPDIR/a/results
	b=$BATS_FILE_TMPDIR/a-tree-whose-path-is-much-longer-than-the-other-one/results
	n=0
	for f in "$a"/*/callgrind/phases.tsv "$a"/*/massif/phases.tsv; do
		cmp "$f" "$b/${f#"$a"/}"
		n=$((n + 1))
	done
	equals 4 "$n"
}
