#!/usr/bin/env bats
# rangewall-test: slow (tests/run starts it first)
# py-stringio: seed 003's wall on the real interpreters.  On CPython <= 3.11
# StringIO.write() stores a reference; the 100,000th write joins them all.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	# The tier's Pythons: the release one and the newest (the full tier:
	# every Python 3.6+ found).
	export PYTHONS_FOUND
	PYTHONS_FOUND=$(tier_tags)
	# The issue's size: 10 KB chunks, 1 GB joined at the wall.
	"$ROOT"/scripts/callgrind -c 10000 -n 100000 -o "$RESULTS/w100000" py-stringio@3.11 >&3
	"$ROOT"/scripts/callgrind -c 10000 -n 99999 -o "$RESULTS/w99999" py-stringio@3.11 >&3
	# the wall's time, for the seed report's rows (5 native runs, ~3 s)
	"$ROOT"/scripts/walltime -c 10000 -n 100000 -o "$RESULTS/w100000" py-stringio@3.11 >&3
	"$ROOT"/scripts/massif -c 10000 -n 100000 -o "$RESULTS" py-stringio@3.11 >&3
}

total() {	# the snippet's Ir: every part
	awk -F'\t' 'NR > 1 { t += $3 } END { printf "%.0f", t }' "$1/callgrind/phases.tsv"
}

@test "3.11, 10 KB chunks: 100,000 writes cost over 5x the Ir of 99,999" {
	a=$(total "$RESULTS/w100000/py-stringio@3.11")
	b=$(total "$RESULTS/w99999/py-stringio@3.11")
	[ "$a" -gt $((5 * b)) ] || { echo "100,000: $a Ir; 99,999: $b Ir" >&2; false; }
}

@test "3.11: the wall is the last write alone, in a part of its own" {
	ph=$RESULTS/w100000/py-stringio@3.11/callgrind/phases.tsv
	run phases "$ph"
	equals "main writes last drop exit" "$output"
	last=$(tsv_get "$ph" Ir phase last) cheap=$(tsv_get "$ph" Ir phase writes)
	[ "$last" -gt "$cheap" ]	# one write against 99,999
}

@test "3.11: the refcount probe sees 100,000 references waiting, then none" {
	grep -qx 'probe: sys.getrefcount(s) before write 100000: 100001' \
		"$RESULTS/w100000/py-stringio@3.11/callgrind/stderr.log"
	grep -qx 'probe: sys.getrefcount(s) after write 100000: 2' \
		"$RESULTS/w100000/py-stringio@3.11/callgrind/stderr.log"
}

@test "3.11, massif: 2.5 MB before the wall, >= 1 GB after it" {
	ph=$RESULTS/py-stringio@3.11/massif/phases.tsv
	# The interpreter's 1.6 MB, the 10 KB string, and the accumulator's
	# list of 99,999 references (8 B each, over-allocated by an eighth).
	between 2400000 "$(tsv_get "$ph" useful_heap_B phase writes)" 2600000
	between 1000000000 "$(tsv_get "$ph" useful_heap_B phase last)" 1100000000
}

@test "3.11, massif: the gigabyte comes from the accumulator's join" {
	f=$(ls "$RESULTS"/py-stringio@3.11/massif/snapshot.*.last)
	run awk '/^ *n[0-9]+: [0-9]+ .*_PyAccu_Accumulate/ { print $2; exit }' "$f"
	between 1000000000 "$output" 1000100000
	grep -q 'PyUnicode_Join' "$f"
}

@test "report: the seed-003 rows are filled from these 100,000-write runs, each with its source" {
	run --separate-stderr "$ROOT"/scripts/post/report.py -r "$RESULTS/w100000"
	[ "$status" -eq 0 ]
	r=$RESULTS/w100000/REPORT.md
	src='py-stringio@3.11'
	grep -E "^\| refcount of the written string \|.*\| 100,001 before, 2 after \(sys.getrefcount counts its own argument: 100,000 and 1\) \| callgrind $src \(stderr.log\) \| 1 \|" "$r"
	# the join holds the last write's Ir, the copy nearly all of it
	grep -E "^\| where the time goes \|.*\| the join (9[5-9]|100)\.[0-9] %, memmove/memcpy 9[0-9]\.[0-9] % of the 100,000th write's 1,[0-9]{3},[0-9]{3},[0-9]{3} Ir; [0-9.]+ GB/s \(1,000,000,000 B in [0-9.]+ s\) \| callgrind \+ walltime $src \|" "$r"
	grep -E "^\| the first 99,999 writes \|.*\| [0-9.]+ s: 99,999 writes of 10,000 B \(999,990,000 B\) \| walltime $src \(phase writes\) \|" "$r"
	grep -E "^\| 100,000 writes \|.*\| [0-9.]+ s, [0-9.]+ × the 99,999 writes' time.* \| walltime $src \(phases writes, last\) \|" "$r"
	# none of the four is among the rows without a source
	run grep -cE "^\| (refcount of the written string|where the time goes|the first 99,999 writes|100,000 writes) \|.*not measured here" "$r"
	equals 0 "$output"
}

# wall_share TAG: Ir of the last write over the mean Ir of the others, at
# 1 KB chunks (cheap to run: the Ir of a copy depends on glibc's memcpy).
wall_share() {
	"$ROOT"/scripts/callgrind -c 1000 -n 100000 -o "$RESULTS/k1" "py-stringio@$1" >&3
	awk -F'\t' '$2 == "writes" { w = $3 } $2 == "last" { l = $3 }
		END { printf "%.0f", l / (w / 99999) }' "$RESULTS/k1/py-stringio@$1/callgrind/phases.tsv"
}

@test "3.6-3.11, the tier's: the 100,000th write costs over 1,000 ordinary writes" {
	n=0
	for t in 3.6 3.7 3.8 3.9 3.10 3.11 3.11.7; do
		case " $PYTHONS_FOUND " in *" $t "*) ;; *) continue ;; esac
		r=$(wall_share "$t")
		[ "$r" -gt 1000 ] || { echo "$t: the last write is only $r writes' worth" >&2; false; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

@test "3.12+: no wall; 100,000 and 99,999 writes cost the same within 1 %" {
	t=3.13
	case " $PYTHONS_FOUND " in *" 3.13 "*) ;; *) t=3.12 ;; esac
	need_python "$t"
	"$ROOT"/scripts/callgrind -c 1000 -n 100000 -o "$RESULTS/n1" "py-stringio@$t" >&3
	"$ROOT"/scripts/callgrind -c 1000 -n 99999 -o "$RESULTS/n2" "py-stringio@$t" >&3
	a=$(total "$RESULTS/n1/py-stringio@$t") b=$(total "$RESULTS/n2/py-stringio@$t")
	between 0.99 "$(awk -v a="$a" -v b="$b" 'BEGIN { print a / b }')" 1.01
	grep -qx 'probe: sys.getrefcount(s) before write 100000: 2' \
		"$RESULTS/n1/py-stringio@$t/callgrind/stderr.log"
}

@test "getvalue(), the seed's fix, is a phase of its own after the writes" {
	run "$ROOT"/scripts/callgrind -c 100 -n 1000 -o "$RESULTS/gv" py-stringio-getvalue@3.11
	[ "$status" -eq 0 ]
	run phases "$RESULTS/gv/py-stringio-getvalue@3.11/callgrind/phases.tsv"
	equals "main writes last getvalue drop exit" "$output"
}

@test "an impossible size stops before anything runs, naming the memory" {
	run --separate-stderr make -s -C "$ROOT" callgrind BENCH=py-stringio@3.11 N=100000000 CHUNK=1000000 RESULTS="$RESULTS/none"
	[ "$status" -eq 2 ]
	[[ "$stderr" =~ "py-stringio@3.11: 100,000,000 writes of 1,000,000 bytes need 100,000,000,000,000 bytes at once, but only "[0-9,]+" are available (MemAvailable)" ]]
	[ ! -e "$RESULTS/none" ]
}
