#!/usr/bin/env bats
# c-intlist: Python 2.7's int free list, natively, at N = 100,000.
# ceil(N/41) = 2,440 blocks of 992 bytes; 24-byte ints; an 8N-byte list.

load helper

N=100000
BLOCKS=2440	# ceil(100000 / 41)

setup_file() {
	setup_results
	"$ROOT"/scripts/ltrace -n "$N" -o "$RESULTS" c-intlist >&3
	"$ROOT"/scripts/dhat -n "$N" -o "$RESULTS" c-intlist >&3
	"$ROOT"/scripts/callgrind -n "$N" -o "$RESULTS" c-intlist >&3
	"$ROOT"/scripts/massif -n "$N" -o "$RESULTS" c-intlist >&3
	# The same without annotation, kept aside for comparison.
	"$ROOT"/scripts/massif -n "$N" -a no -o "$RESULTS/plain" c-intlist >&3
	"$ROOT"/scripts/memcheck -n "$N" -o "$RESULTS" c-intlist >&3
}

@test "ltrace: ceil(N/41) mallocs of 992 bytes and one of the 8N-byte list" {
	run awk 'NR > 1' "$RESULTS/c-intlist/ltrace/malloc-sizes.txt"
	equals "$(printf '%7d  992\n%7d  %d' "$BLOCKS" 1 $((8 * N)))" "$output"
}

@test "dhat: the same ceil(N/41) blocks of 992 bytes, from intlist_new_block" {
	row=$(awk -F'\t' '$8 ~ /intlist_new_block/' "$RESULTS/c-intlist/dhat/dhat.tsv")
	equals "$BLOCKS 992" "$(echo "$row" | cut -f1,3 | tr '\t' ' ')"
	grep -q "^tot_alloc:    $((BLOCKS * 992 + 8 * N)) bytes in $((BLOCKS + 1)) blocks" \
		"$RESULTS/c-intlist/dhat/dhat.txt"
}

@test "dhat: no client-request warnings (it runs the -DNVALGRIND build)" {
	run grep -c 'client request' "$RESULTS/c-intlist/dhat/dhat.log"
	equals 0 "$output"
	grep -q "build/nvalgrind/c-intlist" "$RESULTS/c-intlist/dhat/context"
}

@test "massif, annotated: the peak is 24 B per int plus the list, each byte once" {
	equals $((24 * N + 8 * N)) \
		"$(tsv_get "$RESULTS/c-intlist/massif/phases.tsv" useful_heap_B phase build)"
	grep -q "n[0-9]*: $((24 * N)) 0x[0-9A-F]*: intlist_from_long" \
		"$RESULTS/c-intlist/massif/snapshot.2.build"
	! grep -q 'n[0-9]*: .*intlist_new_block' "$RESULTS/c-intlist/massif/snapshot.2.build"
}

@test "massif, annotated: after drop no int is live" {
	equals 0 "$(tsv_get "$RESULTS/c-intlist/massif/phases.tsv" useful_heap_B phase drop)"
}

@test "massif, plain: the 992-byte blocks, never returned until finalize" {
	p=$RESULTS/plain/c-intlist/massif/phases.tsv
	equals $((BLOCKS * 992 + 8 * N)) "$(tsv_get "$p" useful_heap_B phase build)"
	equals $((BLOCKS * 992)) "$(tsv_get "$p" useful_heap_B phase drop)"
	equals 0 "$(tsv_get "$p" useful_heap_B phase finalize)"
	grep -q "n[0-9]*: $((BLOCKS * 992)) 0x[0-9A-F]*: intlist_new_block" \
		"$RESULTS/plain/c-intlist/massif/snapshot.2.build"
}

@test "callgrind: one part per phase: startup build drop finalize exit" {
	run phases "$RESULTS/c-intlist/callgrind/phases.tsv"
	equals "startup build drop finalize exit" "$output"
}

@test "callgrind: building costs more per int than dropping, and both are O(N)" {
	b=$(tsv_get "$RESULTS/c-intlist/callgrind/phases.tsv" Ir_per_element phase build)
	d=$(tsv_get "$RESULTS/c-intlist/callgrind/phases.tsv" Ir_per_element phase drop)
	between 20 "$b" 26	# 23.4 here: a box carved, filled, stored
	between 10 "$d" 12	# 11.0: a decref and a link each
	# Twice the ints, twice the instructions: N and 2N, ratio 2 within 1 %.
	"$ROOT"/scripts/callgrind -n $((2 * N)) -o "$RESULTS/2n" c-intlist >&3
	for ph in build drop; do
		one=$(tsv_get "$RESULTS/c-intlist/callgrind/phases.tsv" Ir phase "$ph")
		two=$(tsv_get "$RESULTS/2n/c-intlist/callgrind/phases.tsv" Ir phase "$ph")
		between 1.98 "$(awk -v a="$two" -v b="$one" 'BEGIN { print a / b }')" 2.02
	done
}

@test "memcheck, annotated: every int is a checked block; no error, no leak" {
	run sed -n 's/.*total heap usage: \([0-9,]*\) allocs, \([0-9,]*\) frees.*/\1 \2/p' \
		"$RESULTS/c-intlist/memcheck/memcheck.log"
	equals "$((N + BLOCKS + 1)) $((N + BLOCKS + 1))" "$(echo "$output" | tr -d ,)"
	equals "errors: 0" "$(head -n 1 "$RESULTS/c-intlist/memcheck/summary.txt")"
}

@test "strace-notcache: with glibc's tcache off the heap shrinks as the blocks are freed; with it, never; the context says which" {
	# 5,000,000 ints: the list (40 MB) is over the 32 MiB up to which
	# glibc, freeing an mmap'd block, raises its trim threshold to twice
	# the block (measured: 3,000,000 ints and their 24 MB list give one
	# shrink, not thousands).
	make -s -C "$ROOT" strace strace-notcache BENCH=c-intlist N=5000000 RESULTS="$RESULTS/tc" >&3
	on=$RESULTS/tc/c-intlist/strace/phases.tsv off=$RESULTS/tc/c-intlist/strace-notcache/phases.tsv
	equals 0 "$(tsv_get "$on" brk_shrinks phase finalize)"
	# about a page a shrink, for the 121,952 blocks' 117 MiB
	s=$(tsv_get "$off" brk_shrinks phase finalize) b=$(tsv_get "$off" shrunk_B phase finalize)
	between 29000 "$s" 31000
	between 4000 "$(awk -v b="$b" -v s="$s" 'BEGIN { printf "%.0f", b / s }')" 4200
	grep -qx 'glibc tunables: glibc.malloc.tcache_count=0 (no tcache, as glibc before 2.26)' \
		"$RESULTS/tc/c-intlist/strace-notcache/context"
	run grep -c '^glibc tunables:' "$RESULTS/tc/c-intlist/strace/context"
	equals 0 "$output"
	refused - 2 "TCACHE 'maybe' is not yes or no" env TCACHE=maybe "$ROOT"/scripts/strace c-intlist
}
