#!/usr/bin/env bats
# rangewall-test: slow (tests/run starts it first)
# Python functions in the profiles (PYFRAMES=yes, rangewall --pyframes):
# exact calls and Ir per Python function under Callgrind on the release
# Python and the newest (make test-full: every Python 3.6+ found), bytes
# under them in Massif, their names in Memcheck's and DHAT's stacks,
# DHAT's ad-hoc mode, and the refusal on 2.7.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export TAGS RW="$ROOT/scripts/rangewall" TREE="$ROOT/tests/calltree.py"
	# The release Python and the newest (the full tier: every Python 3.6+).
	TAGS=$(tier_tags)
	cd "$BATS_FILE_TMPDIR" || return 1
	for t in $TAGS; do
		"$RW" callgrind --python "$t" --pyframes -o "$RESULTS/tree" "$TREE" tree warm >&3 2>&1
		"$RW" callgrind --python "$t" --pyframes -o "$RESULTS/once" "$TREE" once warm >&3 2>&1
		"$RW" massif --python "$t" --pyframes --clean-env -o "$RESULTS/massif" "$TREE" snap >&3 2>&1
	done
	REL=$(release_tag)
	export REL
	"$RW" callgrind --python "$REL" --pyframes -o "$RESULTS/recurse" "$TREE" recurse >&3 2>&1
}

# calls DIR FUNCTION: the calls pyfunctions.txt gives py:FUNCTION (its
# columns: self Ir, inclusive Ir, calls, function).
calls() { awk -v f="py:$2" '$4 == f { gsub(",", "", $3); print $3; exit }' "$1/pyfunctions.txt"; }
# ir DIR FUNCTION: its inclusive Ir.
ir() { awk -v f="py:$2" '$4 == f { gsub(",", "", $2); print $2; exit }' "$1/pyfunctions.txt"; }

@test "pyframes: the release Python is among the Pythons tested" {
	[ -n "$REL" ]
	case " $TAGS " in *" $REL "*) ;; *) echo "release $REL not in: $TAGS" >&2; return 1 ;; esac
}

@test "callgrind: 1 top, 2 mid, 6 leaf on every Python 3.6+, as sys.setprofile counts them" {
	n=0
	for t in $TAGS; do
		d=$RESULTS/tree/calltree@$t/callgrind
		native=$("$ROOT/build/pyembed/pyrun-$t" "$TREE" profile)
		equals "top 1 mid 2 leaf 6" "$native"
		equals "top $(calls "$d" top) mid $(calls "$d" mid) leaf $(calls "$d" leaf)" "$native" ||
			{ echo "on $t" >&2; return 1; }
		n=$((n + 1))
	done
	equals "$(echo "$TAGS" | wc -w)" "$n"	# every Python, none skipped
}

@test "callgrind: py:leaf's inclusive Ir is 6 times one call's, within 2 %, on the tier's Pythons" {
	n=0
	for t in $TAGS; do
		six=$(ir "$RESULTS/tree/calltree@$t/callgrind" leaf)
		one=$(ir "$RESULTS/once/calltree@$t/callgrind" leaf)
		equals 1 "$(calls "$RESULTS/once/calltree@$t/callgrind" leaf)"
		between 0.98 "$(awk -v a="$six" -v b="$one" 'BEGIN { printf "%.4f", a / (6 * b) }')" 1.02 ||
			{ echo "on $t: 6 calls $six Ir, one $one Ir" >&2; return 1; }
		n=$((n + 1))
	done
	equals "$(echo "$TAGS" | wc -w)" "$n"	# every Python, none skipped
}

@test "callgrind: two runs give identical Ir and calls per Python function" {
	# Back to back, in the suite's fixed environment (--clean-env): the
	# user's environment is the program's, and it moves the counts.
	cd "$BATS_FILE_TMPDIR"
	for r in one two; do
		"$RW" callgrind --python "$REL" --clean-env --pyframes -o "$BATS_TEST_TMPDIR/$r" "$TREE" tree warm >/dev/null 2>&1
	done
	diff "$BATS_TEST_TMPDIR/one/calltree@$REL/callgrind/pyfunctions.txt" \
		"$BATS_TEST_TMPDIR/two/calltree@$REL/callgrind/pyfunctions.txt"
	equals 6 "$(calls "$BATS_TEST_TMPDIR/one/calltree@$REL/callgrind" leaf)"
}

@test "callgrind: a recursive function's calls are all counted (fact(20): 20)" {
	equals 20 "$(calls "$RESULTS/recurse/calltree@$REL/callgrind" fact)"
}

@test "callgrind: the call graph reads like the code: py:mid calls py:leaf, no evaluator between" {
	d=$RESULTS/tree/calltree@$REL/callgrind
	run callgrind_annotate --tree=calling "$d/callgrind.out.1"
	[ "$status" -eq 0 ]
	# py:mid's own entry ("*"), then what it calls (">"): py:leaf 6 times,
	# no evaluator in between (--fn-skip).
	printf '%s\n' "$output" | awk '/ \*  .*py:mid \(/ { on = 1; next } on && !/ >   / { on = 0 }
		on' | grep -q '>   .*py:leaf (.*(6x)'
	! printf '%s\n' "$output" | grep -q '_PyEval_EvalFrameDefault'
}

@test "callgrind: each py: function sits in its Python file, at its first line; the raw file is kept" {
	d=$RESULTS/tree/calltree@$REL/callgrind
	# (Callgrind names a file in full once, "fl=(K) FILE", then "fl=(K)":
	# callgrind_annotate resolves it.)
	line=$(grep -n '^def leaf' "$TREE" | cut -d: -f1)
	callgrind_annotate "$d/callgrind.out.1" | grep -q " $TREE:py:leaf ($TREE:$line)"
	grep -q '^fn=([0-9]*) 0x[0-9a-f]*$' "$d/raw/callgrind.out.1"
	grep -q 'py:leaf' "$d/pyframes.map"
	grep -q "py:" "$d/callgrind.txt"
}

@test "callgrind: the summary line names the top Python functions by self Ir" {
	run "$RW" callgrind --python "$REL" --pyframes -o "$BATS_TEST_TMPDIR/r" "$TREE" tree
	[ "$status" -eq 0 ]
	# 3.11: the comprehension is a function of its own, and does the work
	[[ $output == *"top Python functions by self Ir (all phases; the program's own first): py:leaf.<locals>.<listcomp> "*" Ir, py:leaf "*" Ir, py:mid "* ]]
}

@test "callgrind: -m runs: the summary names the program's functions, not runpy's; the flame graph gives runpy's call its inclusive Ir" {
	mkdir -p "$BATS_TEST_TMPDIR/m/pkg"
	cp "$TREE" "$BATS_TEST_TMPDIR/m/pkg/__main__.py"
	cd "$BATS_TEST_TMPDIR/m"
	run "$RW" callgrind --python "$REL" --pyframes -o r -m pkg tree
	[ "$status" -eq 0 ]
	[[ $output == *"top Python functions by self Ir (all phases; the program's own first): py:leaf"* ]]
	[[ $output != *"_run_module_as_main"* && $output != *"_run_code"* ]]
	# Counting begins inside runpy's call, and Callgrind records a pair
	# back to the C function that made it: followed as a callee in the
	# flame graph's paths, it had taken half the phase's Ir from every
	# Python function (-50.00 %).  Within 0.1 % of inclusive.tsv's figure:
	r=r/pkg@$REL/callgrind
	want=$(awk -F'\t' '$3 ~ /:py:_run_module_as_main \(/ { print $4; exit }' "$r/inclusive.tsv")
	[ -n "$want" ]
	got=$(awk '{ n = $NF; sub(/ [0-9]+$/, ""); k = split($0, a, ";")
		for (i = 1; i <= k; i++) if (index(a[i], "py:_run_module_as_main (") == 1) { s += n; break } }
		END { printf "%d\n", s }' "$r/flame/ir.python.folded")
	between "$(awk -v a="$want" 'BEGIN { printf "%d", a * 0.999 }')" "$got" "$want"
}

@test "callgrind: pyfunctions.txt gives each function's self Ir, inclusive Ir and calls" {
	d=$RESULTS/tree/calltree@$REL/callgrind
	grep -qE '^ +self Ir +inclusive Ir +calls  function$' "$d/pyfunctions.txt"
	self=$(awk '$4 == "py:mid" { gsub(",", "", $1); print $1; exit }' "$d/pyfunctions.txt")
	inc=$(awk '$4 == "py:mid" { gsub(",", "", $2); print $2; exit }' "$d/pyfunctions.txt")
	# mid's own loop is small; what it calls (six leaf calls) is nearly all
	[ "$self" -gt 0 ]
	[ "$((self * 100))" -lt "$inc" ]
}

# The snapshot is the program's (vg.snapshot("leaf"), with a list whole):
# the phase's largest detailed snapshot of Massif's own falls wherever its
# sampling puts it, which follows the bytes allocated so far, and so the
# environment's size (3.6 gave 275,860 B in one CI run, 360,364 B in a
# shell, 147,396 B in another).
@test "massif: the list leaf builds sits under py:leaf in a snapshot taken with it whole, on the tier's Pythons" {
	n=0
	for t in $TAGS; do
		f=$RESULTS/massif/calltree@$t/massif/pyfunctions.txt
		b=$(awk '/^Phase [0-9]+ leaf:/ { on = 1 } on && $4 ~ /^py:leaf$/ { gsub(",", "", $2); print $2; exit }' "$f")
		# 10,000 ints (28 or 32 B) and the list's 80,000+ B of pointers;
		# a debug build's allocator adds its pads and serial numbers to
		# each block (864,608 B on 3.11d).
		case $t in
		*d) between 330000 "$b" 1000000 ;;
		*) between 330000 "$b" 450000 ;;
		esac || { echo "on $t: $(env_note)" >&2; return 1; }
		grep -q 'py:leaf (' "$RESULTS/massif/calltree@$t/massif/massif.txt"
		n=$((n + 1))
	done
	equals "$(echo "$TAGS" | wc -w)" "$n"	# every Python, none skipped
}

@test "memcheck: an error's stack names the Python function it happened in" {
	cd "$BATS_TEST_TMPDIR"
	"$RW" memcheck --python "$REL" --pyframes -o r "$TREE" peek
	awk '/Conditional jump or move depends on uninitialised/ { e = 1 } e && /^==[0-9]+== *$/ { e = 0 }
		e && /py:peek \(/ { found = 1 } END { exit !found }' r/calltree@"$REL"/memcheck/memcheck.log
}

@test "dhat: heap mode's stacks name the Python functions" {
	cd "$BATS_TEST_TMPDIR"
	"$RW" dhat --python "$REL" --pyframes -o r "$TREE" once
	jq -e '[.ftbl[] | select(test(": py:leaf \\("))] | length == 1' r/calltree@"$REL"/dhat/dhat.out
}

@test "dhat ad-hoc: py-range@3.11 at 10^6: 999,743 allocations of 32 B under PyLong_FromLong, as the malloc mode sees them" {
	need_python 3.11
	"$ROOT"/scripts/dhat -d ad-hoc -n 1000000 -o "$BATS_TEST_TMPDIR" py-range@3.11
	"$ROOT"/scripts/dhat -n 1000000 -o "$BATS_TEST_TMPDIR" py-range@3.11
	d=$BATS_TEST_TMPDIR/py-range@3.11
	# 10^6 ints less the 257 small ones (0..256) the interpreter keeps.
	adhoc=$(awk -F'\t' '$4 ~ /PyLong_FromLong.*list_extend/ && $3 == 32 { n += $1 } END { print n + 0 }' \
		"$d/dhat-adhoc/dhat.tsv")
	heap=$(jq '.ftbl as $f | [.pps[] | select([.fs[] as $i | $f[$i]] | join(" <- ")
		| test("PyLong_FromLong.*list_extend")) | select(.tb / .tbk == 32) | .tbk] | add' "$d/dhat/dhat.out")
	equals 999743 "$adhoc"
	equals "$heap" "$adhoc"
	grep -q '^events: ' "$d/dhat-adhoc/dhat.txt"
}

@test "pyframes on Python 2.7: one line, exit 2, from the runner, make and rangewall" {
	need_python 2.7
	run -2 "$ROOT/build/pyembed/pyrun-2.7" --pyframes -c 'pass'
	[[ $output == *"--pyframes needs CPython 3.6+"* ]]
	run -2 make -s -C "$ROOT" callgrind BENCH=py-range@2.7 PYFRAMES=yes RESULTS="$BATS_TEST_TMPDIR"
	[[ $output == *"PYFRAMES=yes needs Python 3.6+"* ]]
	run -2 "$RW" callgrind --python 2.7 --pyframes "$TREE" tree
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"--pyframes needs Python 3.6+"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/py-range@2.7" ]
}

@test "PYFRAMES: a bad value, or a native benchmark, is refused in one line" {
	run -2 make -s -C "$ROOT" callgrind BENCH=py-range@3.11 PYFRAMES=maybe
	[[ $output == *"PYFRAMES 'maybe' is not yes or no"* ]]
	run -2 make -s -C "$ROOT" callgrind BENCH=c-range PYFRAMES=yes
	[[ $output == *"c-range runs no Python"* ]]
}

@test "without PYFRAMES: no stubs, no map, no py: names" {
	"$ROOT"/scripts/callgrind -n 1000 -o "$BATS_TEST_TMPDIR" "py-range@$REL"
	d=$BATS_TEST_TMPDIR/py-range@$REL/callgrind
	[ -s "$d/callgrind.out.1" ]
	[ ! -e "$d/pyframes.map" ]
	[ ! -e "$d/pyfunctions.txt" ]
	[ ! -d "$d/raw" ]
	run grep -c 'py:' "$d/callgrind.out.1"
	equals 0 "$output"
}
