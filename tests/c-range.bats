#!/usr/bin/env bats
# c-range: the seed's C program, at N = 100,000.  Its figures scale with N:
# 10 Ir per int at -O0, a 4N-byte peak, one malloc, one mmap/munmap.

load helper

N=100000

setup_file() {
	setup_results
	"$ROOT"/scripts/callgrind -n "$N" -o "$RESULTS" c-range c-range-O2 >&3
	"$ROOT"/scripts/massif -n "$N" -o "$RESULTS" c-range >&3
	"$ROOT"/scripts/dhat -n "$N" -o "$RESULTS" c-range >&3
	"$ROOT"/scripts/ltrace -n "$N" -o "$RESULTS" c-range >&3
	"$ROOT"/scripts/strace -n "$N" -o "$RESULTS" c-range >&3
}

@test "callgrind: one part per phase, in order: startup alloc seed free exit" {
	run phases "$RESULTS/c-range/callgrind/phases.tsv"
	equals "startup alloc seed free exit" "$output"
	[ -f "$RESULTS/c-range/callgrind/callgrind.out.4" ]
	[ ! -e "$RESULTS/c-range/callgrind/callgrind.out.5" ]
}

@test "callgrind: seeding costs the seed's 10 Ir per int at -O0 (within 3 %)" {
	between 9.7 "$(tsv_get "$RESULTS/c-range/callgrind/phases.tsv" Ir_per_element phase seed)" 10.3
}

@test "callgrind: -O2 seeds in fewer than half the instructions of -O0" {
	o0=$(tsv_get "$RESULTS/c-range/callgrind/phases.tsv" Ir phase seed)
	o2=$(tsv_get "$RESULTS/c-range-O2/callgrind/phases.tsv" Ir phase seed)
	[ "$((o2 * 2))" -lt "$o0" ]
}

@test "callgrind: callgrind_annotate reads every part and agrees with its totals" {
	for f in "$RESULTS"/c-range/callgrind/callgrind.out*; do
		total=$(awk '/^totals:/ { print $2 }' "$f")
		run callgrind_annotate "$f"
		[ "$status" -eq 0 ]
		shown=$(printf '%s\n' "$output" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
		equals "$total" "$shown"
	done
}

@test "massif: the peak is the 4N-byte buffer, attributed to main" {
	run awk -F'\t' 'NR > 1 && $3 > p { p = $3 } END { print p }' "$RESULTS/c-range/massif/massif.tsv"
	equals 400000 "$output"
	grep -q '400000 0x[0-9A-F]*: main (range.c' "$RESULTS/c-range/massif/massif.out"
}

@test "massif: phase snapshots show the buffer live after seed, gone after free" {
	equals 400000 "$(tsv_get "$RESULTS/c-range/massif/phases.tsv" useful_heap_B phase seed)"
	equals 0 "$(tsv_get "$RESULTS/c-range/massif/phases.tsv" useful_heap_B phase free)"
	ms_print "$RESULTS/c-range/massif/snapshot.3.seed" | grep -q 'main (range.c'
}

@test "massif: the timeline plot is a PNG beside the raw file" {
	is_png "$RESULTS/c-range/massif/massif.png"
	[ -s "$RESULTS/c-range/massif/massif.txt" ]
}

@test "dhat: one block of 4N bytes, written and never read" {
	equals "tot_alloc:    400000 bytes in 1 blocks" "$(grep '^tot_alloc' "$RESULTS/c-range/dhat/dhat.txt")"
	run tsv_get "$RESULTS/c-range/dhat/dhat.tsv" reads_B blocks 1
	equals 0 "$output"
}

@test "ltrace: exactly one malloc, of 4N bytes" {
	run awk 'NR > 1' "$RESULTS/c-range/ltrace/malloc-sizes.txt"
	equals "      1  400000" "$output"
}

@test "strace: one mmap and one munmap of the buffer's pages" {
	# glibc mmaps a big block with its 8-byte header, rounded up to pages:
	# 40,001,536 B at the seed's N, 401,408 B here.
	pages=$(( (4 * N + 8 + 4095) / 4096 * 4096 ))
	run grep -c "^mmap(NULL, $pages, PROT_READ|PROT_WRITE" "$RESULTS/c-range/strace/strace.log"
	equals 1 "$output"
	run grep -c "^munmap(0x[0-9a-f]*, $pages)" "$RESULTS/c-range/strace/strace.log"
	equals 1 "$output"
}

@test "every result records its command, versions and exit status" {
	for t in callgrind massif dhat ltrace strace; do
		ctx="$RESULTS/c-range/$t/context"
		grep -q "^command: .*c-range' '$N'" "$ctx"
		grep -q '^valgrind: valgrind-' "$ctx"
		grep -q '^build flags: .*-O0' "$ctx"
		grep -qx "n: $N" "$ctx"
		grep -q "^binary: .*/c-range$" "$ctx"
	done
}
