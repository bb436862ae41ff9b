#!/usr/bin/env bats
# make sweep: each StringIO write timed natively.  Timings are noisy, so
# the checks are about which writes are slow, not how slow.
# rangewall-test: alone (it times each write: a file running beside it
# would add stalls of its own)

load ../helper

setup_file() {
	setup_results
	export PYS=3.11
	"$ROOT"/scripts/setup/pythons 3.13 >/dev/null 2>&1 && PYS="3.11 3.13"
	make -s -C "$ROOT" sweep N=200000 CHUNK=1000 PY="$PYS" RESULTS="$RESULTS" >&3
}

# slowest CSV K: the K slowest writes' numbers, ascending.
slowest() {
	awk -F, 'NR > 1' "$1" | sort -t, -k2,2nr | head -n "$2" | cut -d, -f1 | sort -n | paste -sd' ' -
}

@test "3.11: the two slowest of 200,000 writes are the 100,000th and the 200,000th" {
	equals "100000 200000" "$(slowest "$RESULTS/sweep/latency-3.11.csv" 2)"
}

@test "c-accu, the native model: the same two writes" {
	equals "100000 200000" "$(slowest "$RESULTS/sweep/latency-c-accu.csv" 2)"
}

@test "3.12+: the 100,000th write is an ordinary one" {
	case " $PYS " in *" 3.13 "*) ;; *) skip "no Python 3.12+ here: $("$ROOT"/scripts/setup/pythons --hint newest)" ;; esac
	med=$(awk -F, 'NR > 1 { print $2 }' "$RESULTS/sweep/latency-3.13.csv" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	w=$(awk -F, '$1 == 100000 { print $2 }' "$RESULTS/sweep/latency-3.13.csv")
	[ "$w" -lt $((100 * med)) ] || { echo "write 100,000: $w ns, median $med ns" >&2; false; }
}

@test "every write of every series is in the raw CSV" {
	for s in $PYS c-accu; do
		equals 200001 "$(wc -l <"$RESULTS/sweep/latency-$s.csv")"
		equals "write,ns" "$(head -n 1 "$RESULTS/sweep/latency-$s.csv")"
	done
}

@test "3.11's stalls follow the number of writes, not the bytes" {
	# 200 MB in chunks of 10,000, 1,000 and 100 B: 20,000 writes would
	# reach no join, so that point runs 300,000 (3 GB here), the others
	# 200,000 and 2,000,000: 3, 2 and 20 walls.  Every wall must be among
	# the stalls (slower than 2 ms); a busy machine may add one of its own.
	for c in 10000:300000 1000:200000 100:2000000; do
		chunk=${c%:*} writes=${c#*:}
		equals "$writes,$((writes / 100000)),yes" \
			"$(awk -F, -v c="$chunk" '$1 == "3.11" && $2 == c { print $3 "," $5 "," $8 }' "$RESULTS/sweep/stalls.csv")"
		want=$(seq 100000 100000 "$writes" | paste -sd' ' -)
		got=$(awk -F, 'NR > 1 && $1 % 100000 == 0 { print $1 }' \
			"$RESULTS/sweep/slow-3.11-$chunk.csv" | sort -n | paste -sd' ' -)
		equals "$want" "$got"
	done
}

@test "series without an accumulator say so: joins '-', labelled on the plots" {
	equals "c-accu yes" "$(awk -F'\t' '$1 == "c-accu" { print $1, $3 }' "$RESULTS/sweep/series.tsv")"
	case " $PYS " in *" 3.13 "*) ;; *) skip "no Python 3.12+ here: $("$ROOT"/scripts/setup/pythons --hint newest)" ;; esac
	equals "no" "$(awk -F'\t' '$1 == "3.13" { print $3 }' "$RESULTS/sweep/series.tsv")"
	awk -F, '$1 == "3.13" && $5 != "-" { exit 1 }' "$RESULTS/sweep/stalls.csv"
	grep -q 'no accumulator' "$RESULTS/sweep/series.tsv"
}

@test "a relative results folder works (make passes RESULTS=results)" {
	cd "$BATS_TEST_TMPDIR"
	run "$ROOT"/scripts/sweep -n 2000 -c 100 -p 3.11 -o rel
	[ "$status" -eq 0 ]
	equals 2001 "$(wc -l <rel/sweep/latency-3.11.csv)"
}

@test "the plots are PNGs, with the context beside them" {
	is_png "$RESULTS/sweep/latency.png"
	is_png "$RESULTS/sweep/stalls.png"
	grep -q '^pythons: ' "$RESULTS/sweep/context"
}
