#!/usr/bin/env bats
# make compare: two clones of one commit, run from two environments,
# compare as identical; a snippet
# doing 10 % more work trips a limit; two Pythons side by side; folders
# that cannot be compared are refused in one line, nothing written.

load helper
bats_require_minimum_version 1.5.0

# snippet FILE FACTOR: grows() in phase "work", FACTOR scaling its loop
# (10: as it was; 11: 10 % more work), steady() in phase "steady".
snippet() {
	cat >"$1" <<-EOF
		import sys
		import vg
		n = int(sys.argv[1])
		def grows(k):
		    return [i * 2 for i in range(k)]
		def steady(k):
		    return [str(i) for i in range(k)]
		vg.phase("work")
		grows(n * $2 // 10)
		vg.phase("steady")
		steady(n)
	EOF
}

setup_file() {
	setup_results
	export REL SHORT="$BATS_FILE_TMPDIR/a" LONG="$BATS_FILE_TMPDIR/a-clone-whose-path-is-thirty-bytes-longer"
	REL=$(release_tag)
	copy_tree "$SHORT" && copy_tree "$LONG" || return 1
	# Two callers' environments: LANG unset; LANG, DISPLAY and ten others set.
	env -u LANG make -s -C "$SHORT" callgrind massif BENCH="c-range py-range@$REL" N=100000 \
		PYTHONS="$REL" RESULTS="$SHORT/results" >&3 2>&1 || return 1
	env LANG=de_DE.UTF-8 DISPLAY=:7 RW_X1=1 RW_X2=22 RW_X3=333 EDITOR=vi PAGER=less \
		LC_ALL=C COLUMNS=123 TERM=xterm-256color MAIL=/var/mail/x TZ=Europe/Paris \
		make -s -C "$LONG" callgrind massif BENCH="c-range py-range@$REL" N=100000 \
		PYTHONS="$REL" RESULTS="$LONG/results" >&3 2>&1 || return 1
	# The same snippet, then with 10 % more work in grows().
	# (One file name in two folders, as in two checkouts: py: names carry it.)
	mkdir -p "$BATS_FILE_TMPDIR/src-before" "$BATS_FILE_TMPDIR/src-after"
	snippet "$BATS_FILE_TMPDIR/src-before/snip.py" 10
	snippet "$BATS_FILE_TMPDIR/src-after/snip.py" 11
	for s in before after; do
		make -s -C "$SHORT" callgrind BENCH="py-snippet@$REL" SNIPPET="$BATS_FILE_TMPDIR/src-$s/snip.py" N=20000 \
			PYFRAMES=yes PYTHONS="$REL" RESULTS="$BATS_FILE_TMPDIR/$s" >&3 2>&1 || return 1
	done
}

@test "py-range@release, n = 100,000: the same Ir byte for byte from two clones and two environments" {
	diff "$SHORT/results/py-range@$REL/callgrind/phases.tsv" "$LONG/results/py-range@$REL/callgrind/phases.tsv"
}

@test "two clones of one commit, paths of different lengths: 0 % on every Ir, LIMIT='Ir:+0%' passes" {
	cd "$BATS_FILE_TMPDIR"
	run make -s -C "$SHORT" compare A="$SHORT/results" B="$LONG/results" LIMIT='Ir:+0% heap:+0%' OUT="$BATS_FILE_TMPDIR/same"
	echo "$output"
	equals 0 "$status"
	[[ $output == *"within the limits"* ]]
	t=$BATS_FILE_TMPDIR/same/compare.tsv
	# Every Callgrind phase of both benchmarks, each exactly equal.
	equals 0 "$(awk -F'\t' '$4 == "Ir" && $5 != $6' "$t" | wc -l)"
	between 6 "$(awk -F'\t' '$4 == "Ir"' "$t" | wc -l)" 20
	equals 0 "$(awk -F'\t' '$4 == "heap" && $5 != $6' "$t" | wc -l)"
	[ -s "$BATS_FILE_TMPDIR/same/COMPARE.md" ]
	is_png "$BATS_FILE_TMPDIR/same/compare.png"
}

@test "a snippet doing 10 % more work trips LIMIT='Ir:+5%': exit 1, the phase and the function named" {
	run "$ROOT"/scripts/compare -l 'Ir:+5%' -o "$BATS_FILE_TMPDIR/grew" "$BATS_FILE_TMPDIR/before" "$BATS_FILE_TMPDIR/after"
	echo "$output"
	equals 1 "$status"
	line=$(printf '%s\n' "$output" | grep '^LIMIT exceeded: ')
	equals 1 "$(printf '%s\n' "$line" | wc -l)"
	[[ $line == *"py-snippet@$REL callgrind work: Ir +"*"> limit +5 %"*"grew most: py:grows"* ]]
	# The phase is grows(): 10 % more work, 10 % more Ir; steady's phase the same.
	between 1.09 "$(awk -F'\t' '$3 == "work" && $4 == "Ir" { print $7 }' "$BATS_FILE_TMPDIR/grew/compare.tsv")" 1.11
	# (steady's allocations meet an arena that a bigger list left: a trace of difference)
	between 0.999 "$(awk -F'\t' '$3 == "steady" && $4 == "Ir" { print $7 }' "$BATS_FILE_TMPDIR/grew/compare.tsv")" 1.001
	grep -q 'py:grows' "$BATS_FILE_TMPDIR/grew/COMPARE.md"
	# make compare fails too (make's own status for a failed recipe is 2).
	run make -s -C "$SHORT" compare A="$BATS_FILE_TMPDIR/before" B="$BATS_FILE_TMPDIR/after" \
		LIMIT='Ir:+5%' OUT="$BATS_FILE_TMPDIR/grew"
	equals 2 "$status"
	[[ $output == *"LIMIT exceeded: py-snippet@$REL callgrind work: Ir +"* ]]
	# Under a looser limit it passes.
	run make -s -C "$SHORT" compare A="$BATS_FILE_TMPDIR/before" B="$BATS_FILE_TMPDIR/after" \
		LIMIT='Ir:+15%' OUT="$BATS_FILE_TMPDIR/grew"
	equals 0 "$status"
}

@test "make compare BENCH=py-range A=@REL B=@NEWER: per-element Ir and bytes side by side" {
	newer=$("$ROOT"/scripts/setup/pythons all | awk '$1 ~ /^3\.1[2-9]$/ { print $1; exit }')
	[ -n "$newer" ] || newer=${REL}d
	need_python "$newer"
	make -s -C "$SHORT" callgrind massif BENCH="py-range@$newer" N=100000 PYTHONS="$REL $newer" \
		RESULTS="$SHORT/results" >&3 2>&1
	run make -s -C "$SHORT" compare BENCH=py-range A=@"$REL" B=@"$newer" RESULTS="$SHORT/results" \
		OUT="$BATS_FILE_TMPDIR/versions"
	echo "$output"
	equals 0 "$status"
	md=$BATS_FILE_TMPDIR/versions/COMPARE.md
	grep -q "^## py-range@$REL → py-range@$newer — callgrind" "$md"
	grep -q "^## py-range@$REL → py-range@$newer — massif" "$md"
	grep -q '^| build | Ir |' "$md"
	grep -q '^| build | heap |' "$md"
	grep -q '^Changed most in build (inclusive Ir):' "$md"
	# The figures themselves: build's Ir on each side, from each run's
	# phases.tsv, and their ratio.
	t=$BATS_FILE_TMPDIR/versions/compare.tsv
	ia=$(awk -F'\t' '$2 == "build" { print $3 }' "$SHORT/results/py-range@$REL/callgrind/phases.tsv")
	ib=$(awk -F'\t' '$2 == "build" { print $3 }' "$SHORT/results/py-range@$newer/callgrind/phases.tsv")
	equals "$ia $ib" "$(awk -F'\t' '$2 == "callgrind" && $3 == "build" && $4 == "Ir" { print $5, $6 }' "$t")"
	between "$(awk -v a="$ia" -v b="$ib" 'BEGIN { printf "%.6f", b / a - 1e-6 }')" \
		"$(awk -F'\t' '$2 == "callgrind" && $3 == "build" && $4 == "Ir" { print $7 }' "$t")" \
		"$(awk -v a="$ia" -v b="$ib" 'BEGIN { printf "%.6f", b / a + 1e-6 }')"
	# (3.11d, where no 3.12+ is found, has 3.11's version: no note then.)
	va=$("$ROOT"/scripts/setup/pythons "$REL" | awk '{ print $2; exit }')
	vb=$("$ROOT"/scripts/setup/pythons "$newer" | awk '{ print $2; exit }')
	[ "$va" = "$vb" ] || grep -q "^- python version: A $va, B $vb" "$md"
}

@test "a different N: per element where the phase scales with n, said so" {
	make -s -C "$SHORT" callgrind BENCH=c-range N=200000 RESULTS="$BATS_FILE_TMPDIR/double" >&3 2>&1
	run make -s -C "$SHORT" compare BENCH=c-range A="$SHORT/results" B="$BATS_FILE_TMPDIR/double" \
		OUT="$BATS_FILE_TMPDIR/n2"
	equals 0 "$status"
	grep -q '^- n differs (A 100,000, B 200,000): per element' "$BATS_FILE_TMPDIR/n2/COMPARE.md"
	# c-range's alloc phase costs the same per int at both sizes.
	between 0.99 "$(awk -F'\t' '$2 == "callgrind" && $3 == "seed" { print $7 }' "$BATS_FILE_TMPDIR/n2/compare.tsv")" 1.01
	equals yes "$(awk -F'\t' '$2 == "callgrind" && $3 == "seed" { print $8 }' "$BATS_FILE_TMPDIR/n2/compare.tsv")"
}

# compare_refused PATTERN ARGS...: scripts/compare ARGS prints one line
# matching PATTERN, exits 2, and writes nothing (no -o folder, no
# temporary one left).
compare_refused() {
	refused "$BATS_FILE_TMPDIR" 2 "$1" "$ROOT"/scripts/compare -o "$BATS_FILE_TMPDIR/refused" "${@:2}"
}

@test "mismatched folders: one line each, exit 2, nothing written" {
	mkdir -p "$BATS_FILE_TMPDIR/empty" "$BATS_FILE_TMPDIR/notres/x"
	echo hello >"$BATS_FILE_TMPDIR/notres/x/file"
	make -s -C "$SHORT" callgrind BENCH=c-range N=100000 RESULTS="$BATS_FILE_TMPDIR/cr" >&3 2>&1
	make -s -C "$SHORT" massif BENCH="py-range@$REL" N=100000 MODE=malloc RESULTS="$BATS_FILE_TMPDIR/malloc" >&3 2>&1
	compare_refused "^compare: py-range@$REL massif: mode differs \(A annotate, B malloc\)" \
		-b py-range "$SHORT/results" "$BATS_FILE_TMPDIR/malloc"
	compare_refused "^compare: A '.*/before' and B '.*/cr' have no benchmark x tool in common" \
		"$BATS_FILE_TMPDIR/before" "$BATS_FILE_TMPDIR/cr"
	compare_refused "^compare: B '.*/empty' is empty$" "$SHORT/results" "$BATS_FILE_TMPDIR/empty"
	compare_refused "^compare: A '.*/notres' is not a result folder" "$BATS_FILE_TMPDIR/notres" "$SHORT/results"
	compare_refused "^compare: B '.*/nosuch' is not a folder$" "$SHORT/results" "$BATS_FILE_TMPDIR/nosuch"
	compare_refused "^compare: LIMIT 'cycles:\+1%': unknown metric 'cycles'" -l 'cycles:+1%' "$SHORT/results" "$LONG/results"
	compare_refused "^compare: A '@3.11' and B '.*': give two folders or two @TAGs" @3.11 "$SHORT/results"
	compare_refused "^compare: give two result folders A and B" "$SHORT/results"
	compare_refused "^compare: A '@9.9': no py-range@9.9 results in '.*/results'" -b py-range -r "$SHORT/results" @9.9 @"$REL"
}

@test "make baseline saves the results; make compare A=baseline compares against it" {
	cd "$BATS_FILE_TMPDIR"
	run make -s -C "$SHORT" baseline RESULTS="$SHORT/results" BASELINE="$BATS_FILE_TMPDIR/base"
	equals 0 "$status"
	# the whole folder, as it was
	diff -r "$SHORT/results" "$BATS_FILE_TMPDIR/base"
	run make -s -C "$SHORT" compare A="$BATS_FILE_TMPDIR/base" B="$LONG/results" LIMIT='Ir:+0%' \
		OUT="$BATS_FILE_TMPDIR/vsbase"
	equals 0 "$status"
	# A failed comparison leaves the earlier one in place.
	run make -s -C "$SHORT" compare A="$BATS_FILE_TMPDIR/base" B="$BATS_FILE_TMPDIR/empty" OUT="$BATS_FILE_TMPDIR/vsbase"
	equals 2 "$status"
	[ -s "$BATS_FILE_TMPDIR/vsbase/COMPARE.md" ]
}

@test "LIMIT: each bad form refused in one line, exit 2, nothing written" {
	for l in 'Ir:5' 'Ir:5%' 'Ir:-5%' 'Ir:+nan%' 'Ir:+inf%' 'Ir:+%' 'Ir:+1'; do
		compare_refused "^compare: LIMIT '$(printf '%s' "$l" | sed 's/[+%]/\\&/g')': not METRIC:\\+P% or METRIC:\\+P%@FLOOR or METRIC:<AMOUNT" \
			-l "$l" "$SHORT/results" "$LONG/results"
	done
	compare_refused "^compare: LIMIT 'Ir:\\+1%@': '@' needs a floor" -l 'Ir:+1%@' "$SHORT/results" "$LONG/results"
	compare_refused "^compare: LIMIT 'Ir:\\+2%': Ir is limited twice" -l 'Ir:+1% Ir:+2%' "$SHORT/results" "$LONG/results"
	compare_refused "^compare: LIMIT 'heap:<24XB': unknown unit 'XB' for heap \\(allowed: B, kB, MB, GB, KiB, MiB, GiB\\)" \
		-l 'heap:<24XB' "$SHORT/results" "$LONG/results"
	compare_refused "^compare: LIMIT 'heap:<x': 'x' is not an amount" -l 'heap:<x' "$SHORT/results" "$LONG/results"
}

@test "LIMIT: a change under the floor passes Ir:+0%; over it, it trips" {
	a=$BATS_FILE_TMPDIR/before b=$BATS_FILE_TMPDIR/after
	run "$ROOT"/scripts/compare -l 'Ir:+0%@1G' -o "$BATS_TEST_TMPDIR/o" "$a" "$b"
	equals 0 "$status"
	run "$ROOT"/scripts/compare -l 'Ir:+0%@1000' -o "$BATS_TEST_TMPDIR/o" "$a" "$b"
	equals 1 "$status"
	[[ $output == *"LIMIT exceeded: py-snippet@$REL callgrind work: Ir +"*"> limit +0 %"* ]]
}

@test "LIMIT: a heap budget (heap:<AMOUNT) trips on the peak, with its unit" {
	run "$ROOT"/scripts/compare -b py-range -l 'heap:<1MB' -o "$BATS_TEST_TMPDIR/o" "$SHORT/results" "$LONG/results"
	equals 1 "$status"
	line=$(printf '%s\n' "$output" | grep "^LIMIT exceeded: py-range@$REL massif .*: heap .* >= limit < 1,000,000 B" | head -n 1)
	[ -n "$line" ]
	run "$ROOT"/scripts/compare -b py-range -l 'heap:<1GiB' -o "$BATS_TEST_TMPDIR/o" "$SHORT/results" "$LONG/results"
	equals 0 "$status"
}
