#!/usr/bin/env bats
# scripts/post/report.py on small real results: rows with known values, a plot, and
# a missing source named instead of a silent gap.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	"$ROOT"/scripts/callgrind -n 1000000 -o "$RESULTS" c-range c-intlist >&3
	"$ROOT"/scripts/massif -n 1000000 -o "$RESULTS" c-range >&3
	"$ROOT"/scripts/strace -n 10000000 -o "$RESULTS" c-range >&3
}

@test "report: the seed's 10 Ir per int and 4 bytes per int for c-range" {
	run "$ROOT"/scripts/post/report.py -r "$RESULTS"
	[ "$status" -eq 0 ]
	r=$RESULTS/REPORT.md
	grep -F '| Callgrind Ir: C | 100,153,094 (10 Ir per int) |' "$r" | grep -F '(10.000 Ir per int in the seed loop)'
	grep -F '| c-range | — | C -O0 | 10.00 | 4.00 | 1,000,000 |' "$r"
	grep -F '| strace: C | one mmap/munmap of 40,001,536 B | host: gcc -g, Ubuntu 16.04 | 1 mmap of 40,001,536 B at n=10,000,000 |' "$r"
	# c-intlist was not run under Massif: Ir per element, no bytes.
	grep -E '^\| c-intlist \| — \| C -O2 \| [0-9.]+ \| missing \|' "$r"
	is_png "$RESULTS/report/ir-per-element.png"
	grep -F '](report/ir-per-element.png)' "$r"
	grep -F '](report/massif-c-range.png)' "$r"
}

@test "report: a deleted raw file is named, the row says so, the rest stands" {
	rm "$RESULTS/c-range/massif/massif.tsv"
	run --separate-stderr "$ROOT"/scripts/post/report.py -r "$RESULTS"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"no source for 'Massif peak: C': "*"c-range/massif/massif.tsv (run: make massif BENCH=c-range)"* ]]
	r=$RESULTS/REPORT.md
	grep -F '| Massif peak: C | 38.15 MB (ms_print: 40,001,800 B total, 40,000,000 useful) | host: gcc -g, Ubuntu 16.04 | not measured here: `' "$r" | grep -F 'c-range/massif/massif.tsv` is missing (run `make massif BENCH=c-range`)'
	grep -F '## Rows without a source' "$r"
	grep -F '| Callgrind Ir: C | 100,153,094' "$r"
}

@test "report: a results folder that does not exist is a usage error" {
	run --separate-stderr "$ROOT"/scripts/post/report.py -r "$BATS_FILE_TMPDIR/nowhere"
	[ "$status" -eq 2 ]
	equals "report: error: results folder '$BATS_FILE_TMPDIR/nowhere' does not exist (run: make)" "$stderr"
}

@test "report: at n=20,000 no StringIO write joins; the seed-003 rows and the wall table say so, no division by zero" {
	r=$BATS_TEST_TMPDIR/results
	"$ROOT"/scripts/callgrind -n 20000 -o "$r" py-stringio@release >&3
	"$ROOT"/scripts/walltime -n 20000 -o "$r" py-stringio@release >&3
	run --separate-stderr "$ROOT"/scripts/post/report.py -r "$r"
	[ "$status" -eq 0 ]
	why='not measured here: this run has n=20,000; the seed.s figures are of 100,000 writes'
	for row in 'where the time goes' '100,000 writes' 'refcount of the written string' 'the first 99,999 writes'; do
		grep -E "^\| $row \|.*\| $why.*N=100000" "$r/REPORT.md"
	done
	grep -E "^\| where the time goes \|.*make callgrind BENCH=py-stringio@[0-9.]+ N=100000" "$r/REPORT.md"
	# The wall is not judged at that size, and not drawn.
	grep -E '^\| 3\.[0-9.]+ \(n = 20,000\) \| release \|.*\| — \|$' "$r/REPORT.md"
	grep -F 'A row marked (n = N) ran N writes' "$r/REPORT.md"
	[ ! -e "$r/report/stringio-wall.png" ]
	[[ "$stderr" == *"no source for 'where the time goes': "*"callgrind/context: this run has n=20,000"* ]]
}
