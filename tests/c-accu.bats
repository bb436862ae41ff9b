#!/usr/bin/env bats
# c-accu: StringIO's accumulator, natively: 100,000 writes of 1 KB chunks.
# Writes only store references; the 100,000th joins them all (the wall).

load helper

CHUNK=1000
WRITES=100000

setup_file() {
	setup_results
	"$ROOT"/scripts/callgrind -c "$CHUNK" -n "$WRITES" -o "$RESULTS" c-accu >&3
	"$ROOT"/scripts/callgrind -c "$CHUNK" -n $((WRITES - 1)) -o "$RESULTS/99999" c-accu >&3
	"$ROOT"/scripts/massif -c "$CHUNK" -n "$WRITES" -o "$RESULTS" c-accu >&3
}

# memcpy_ir FILE: Ir in memcpy/memmove (any of glibc's variants) in a part.
memcpy_ir() {
	out=$(callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$1") || return
	printf '%s\n' "$out" | awk '/:(__)?mem(cpy|move)[^ ]* \[/ { gsub(",", "", $1); t += $1 } END { print t + 0 }'
}

# join_copies FILE: calls to memcpy/memmove from c/accu.c's own lines (the
# join), read from callgrind_annotate's source annotation of the part.
join_copies() {
	out=$(cd "$ROOT" && callgrind_annotate --inclusive=yes --auto=yes "$1") || return
	printf '%s\n' "$out" | awk '/=> .*mem(cpy|move)[^ ]* \([0-9,]+x\)/ {
			c = $NF; gsub(/[(),x]/, "", c); t += c } END { print t + 0 }'
}

@test "callgrind: the cheap writes and the wall are separate parts" {
	run phases "$RESULTS/c-accu/callgrind/phases.tsv"
	equals "startup writes flush free exit" "$output"
}

@test "callgrind: the 99,999 writes before the wall copy no chunk data" {
	part=$(tsv_get "$RESULTS/c-accu/callgrind/phases.tsv" part phase writes)
	equals 0 "$(join_copies "$RESULTS/c-accu/callgrind/callgrind.out.$part")"
	# memcpy does run there, inside realloc as the reference list grows
	# (some Ir, never none): under 1 % of the CHUNK x WRITES bytes that the
	# join copies.
	between 1 "$(memcpy_ir "$RESULTS/c-accu/callgrind/callgrind.out.$part")" \
		$((CHUNK * WRITES / 100))
}

@test "callgrind: the 100,000th write copies every piece written" {
	part=$(tsv_get "$RESULTS/c-accu/callgrind/phases.tsv" part phase flush)
	equals "$WRITES" "$(join_copies "$RESULTS/c-accu/callgrind/callgrind.out.$part")"
}

@test "callgrind: the 100,000th write alone costs 3x the 99,999 before it" {
	ph=$RESULTS/c-accu/callgrind/phases.tsv
	wall=$(tsv_get "$ph" Ir phase flush) cheap=$(tsv_get "$ph" Ir phase writes)
	[ "$wall" -gt $((3 * cheap)) ] || { echo "$wall vs $cheap" >&2; false; }
}

@test "callgrind: 99,999 writes never flush" {
	run phases "$RESULTS/99999/c-accu/callgrind/phases.tsv"
	equals "startup writes free exit" "$output"
}

@test "massif: before the wall, the references and one string; after it, CHUNK x WRITES" {
	# 99,999 references in a list grown by doubling (131,072 slots of 8 B),
	# and the one CHUNK-byte string (+16 B of header) they all point to.
	equals $((131072 * 8 + CHUNK + 16)) \
		"$(tsv_get "$RESULTS/c-accu/massif/phases.tsv" useful_heap_B phase writes)"
	between $((CHUNK * WRITES)) \
		"$(tsv_get "$RESULTS/c-accu/massif/phases.tsv" useful_heap_B phase flush)" $((2 * CHUNK * WRITES))
	grep -q 'accu_join' "$(ls "$RESULTS"/c-accu/massif/snapshot.*.flush)"
}

@test "the threshold and chunk are knobs: -t 1000 flushes every 1,000 writes" {
	run "$ROOT/build/c-accu" -c 10 -t 1000 5000
	[ "$status" -eq 0 ]
	run valgrind -q --tool=callgrind --callgrind-out-file="$BATS_TEST_TMPDIR/cg" \
		"$ROOT/build/c-accu" -c 10 -t 1000 5000
	[ "$status" -eq 0 ]
	run grep -l 'Trigger: Client Request: flush' "$BATS_TEST_TMPDIR"/cg.*
	equals 5 "${#lines[@]}"
}

@test "an impossible size exits 2 naming the needed and available memory" {
	run "$ROOT/build/c-accu" -c 1000000 100000000
	[ "$status" -eq 2 ]
	[[ "$output" =~ ^c-accu:\ error:\ 100000000\ writes\ of\ 1000000\ bytes\ need\ 100000000000000\ bytes\ at\ once,\ but\ only\ [0-9]+\ are\ available ]]
	equals 1 "${#lines[@]}"
}

@test "dhat copy mode: the 100,000th write copies CHUNK x WRITES bytes, the 99,999 before it none of them" {
	"$ROOT"/scripts/dhat -d copy -c "$CHUNK" -n "$WRITES" -o "$RESULTS/copy" c-accu >&3
	txt=$RESULTS/copy/c-accu/dhat-copy/dhat.txt
	all=$(awk '$1 == "copied:" { print $2 }' "$txt")
	before=$(awk '$1 == "copied_before_last:" { print $2 }' "$txt")
	# The 99,999 writes copy no chunk (what is copied then is the loader's
	# paths, a few hundred bytes); the join, every one of them.
	between 1 "$before" $((CHUNK - 1))
	equals $((CHUNK * WRITES)) $((all - before))
	grep -q "^  $((CHUNK * WRITES)) bytes in $WRITES copies: mem[a-z]* .* <- accu_join " "$txt"
	# Beside the heap-mode results, not over them.
	[ ! -e "$RESULTS/copy/c-accu/dhat" ]
}
