#!/usr/bin/env bats
# rangewall-test: slow (tests/run starts it first)
# Every figure says what it is, on a real program from Debian's packages:
# pyflakes (python3-pyflakes) checking the standard library's
# json/decoder.py, under Massif and Callgrind with --pyframes on Debian's
# python3.  Massif's Python view gives lower bounds and says how much it
# could not place; its summary names both its peaks; pyfunctions.txt lists
# every function; the summary's order is its label's; inclusive.tsv never
# passes the part's total; the "compiled from source" advice is for
# imports alone; VALGRIND_OPTS is recorded; --children's files are named;
# a script's name keeps its letters.

load helper

setup_file() {
	setup_results
	export W=$BATS_FILE_TMPDIR/w T
	T=$(release_tag)
	mkdir -p "$W" && cd "$W" || return 1
	[ -d /usr/lib/python3/dist-packages/pyflakes ] ||
		{ echo "figures.bats: no pyflakes: apt-get install python3-pyflakes" >&2; return 1; }
	/usr/bin/python3 -c 'import json.decoder, shutil; shutil.copy(json.decoder.__file__, "decoder.py")'
	# Massif at its default peak inaccuracy, set through VALGRIND_OPTS.
	VALGRIND_OPTS=--peak-inaccuracy=1.0 "$ROOT"/scripts/rangewall massif --pyframes --clean-env \
		-o "$RESULTS" -m pyflakes decoder.py >"$W/massif.out" 2>"$W/massif.err" || true
	"$ROOT"/scripts/rangewall callgrind --pyframes --clean-env -o "$RESULTS" -m pyflakes decoder.py \
		>"$W/callgrind.out" 2>"$W/callgrind.err" || true
}

# summary TOOL: the run's summary line (its last line on stderr).
summary() { tail -n 1 "$W/$1.err"; }

@test "massif: the Python view's figures are lower bounds, with the share placed under no function, in the file, the summary and the page" {
	d=$RESULTS/pyflakes@$T/massif
	f=$d/pyfunctions.txt
	# every function's figure is marked "at least"; no bare figure
	[ "$(grep -c ' py:' "$f")" -gt 10 ]
	equals 0 "$(grep ' py:' "$f" | grep -cv '^  ≥ ')"
	grep -q '^Each figure is a lower bound' "$f"
	# the share placed under no function: the python view's remainder at the peak
	lost=$(awk '/^Phase [0-9]+ [a-z]+: .*\(the peak snapshot\)$/ { on = 1; next }
		on { gsub(",", "", $1); print $1; exit }' "$f")
	folded=$(zcat -f "$d/flame/peak.python.folded" | awk '$0 ~ /^\[[0-9]+ places below Massif.s threshold\]/ { s += $NF } END { print s + 0 }')
	equals "$folded" "$lost"
	[ "$lost" -gt 0 ]
	[[ "$(summary massif)" == *"top Python functions at the program's largest detailed snapshot, at least (the program's own first): py:"*" % of its bytes placed under no Python function (Massif's threshold: dhat --pyframes places every byte)"* ]]
	grep -q "figure here is a lower bound: $(group "$lost") B" "$d/flame/peak.python.html"
}

@test "massif: the summary names its largest snapshot and the detailed peak the flame graph draws" {
	d=$RESULTS/pyflakes@$T/massif
	root=$(zcat -f "$d/flame/peak.folded" | awk '{ s += $NF } END { print s }')
	[[ "$(summary massif)" == *"peak useful heap "*" B (the largest snapshot; the detailed peak snapshot, drawn in flame/peak: $(group "$root") B)"* ]]
}

@test "pyfunctions.txt lists every Python function of a phase, not the first 20" {
	d=$RESULTS/pyflakes@$T/callgrind
	# the distinct py: functions of part 1, recursion levels merged
	want=$(awk -F'\t' '$1 == 1 && $3 ~ /:py:/ { n = $3; sub(/^.*:py:/, "py:", n); sub(/'"'"'[0-9]+$/, "", n); seen[n] = 1 }
		END { print length(seen) }' "$d/inclusive.tsv")
	got=$(awk '/^Part 1, phase/ { on = 1; next } on && /^$/ { exit } on && / py:/ { n++ } END { print n + 0 }' "$d/pyfunctions.txt")
	[ "$want" -gt 20 ]
	equals "$want" "$got"
	# Massif: 30 functions, each holding 3 % of the heap, over its threshold
	cd "$BATS_TEST_TMPDIR"
	{ echo 'kept = []'
	  for i in $(seq 30); do printf 'def f%d():
    kept.append(bytearray(100000))
f%d()
' "$i" "$i"; done; } >thirty.py
	"$ROOT"/scripts/rangewall massif --pyframes --clean-env -o out thirty.py >/dev/null 2>&1
	m=out/thirty@$T/massif
	want=$(PYTHONPATH="$ROOT/scripts" python3 -c 'import sys
from rw import massif
s = [x for x in massif.read(sys.argv[1]) if x.kind == "peak"][0]
print(len(massif.python_bytes(s.tree)))' "$m/massif.out")
	got=$(awk '/\(the peak snapshot\)$/ { on = 1; next } on && /^$/ { exit } on && / py:/ { n++ } END { print n + 0 }' "$m/pyfunctions.txt")
	[ "$want" -gt 30 ]
	equals "$want" "$got"
}

@test "callgrind: the summary's top functions are in the order its label gives" {
	s=$(summary callgrind)
	[[ "$s" == *"top Python functions by self Ir (all phases; the program's own first): py:"* ]]
	# pyflakes' functions are all the program's (its package): by self Ir
	figures=$(printf '%s\n' "$s" | python3 -c 'import re, sys
top = sys.stdin.read().split("own first): ")[1].split(";")[0]
print("\n".join(n.replace(",", "") for n in re.findall(r"py:\S+ ([0-9,]+) Ir", top)))')
	[ "$(printf '%s\n' "$figures" | wc -l)" -eq 3 ] || { echo "$s" >&2; return 1; }
	equals "$(printf '%s\n' "$figures" | sort -rn)" "$figures"
}

@test "callgrind: inclusive.tsv gives no function more than its part's total" {
	d=$RESULTS/pyflakes@$T/callgrind
	run awk -F'\t' 'FNR == 1 { next } FILENAME ~ /phases/ { total[$1] = $3; next }
		$4 > total[$1] { print $1, $3, $4, total[$1]; bad++ } END { exit bad > 0 }' "$d/phases.tsv" "$d/inclusive.tsv"
	[ "$status" -eq 0 ] || { printf '%s\n' "$output" | head -n 3 >&2; return 1; }
	# runpy's entry holds the phase's Python work, once
	main=$(awk -F'\t' '$1 == 1 && $3 ~ /:py:_run_module_as_main \(/ { print $4; exit }' "$d/inclusive.tsv")
	total=$(awk -F'\t' '$1 == 1 { print $3 }' "$d/phases.tsv")
	between "$((total * 9 / 10))" "$main" "$total"
}

@test "the compiled-from-source advice is for imports: a program's own compile() is not one" {
	cd "$BATS_TEST_TMPDIR"
	printf 'import ast\nast.parse("x = 1", filename="x.py")\n' >own.py
	printf 'X = 1\n' >fresh.py
	printf 'import ast\nast.parse("x = 1", filename="x.py")\nimport fresh\n' >imports.py
	run --separate-stderr "$ROOT"/scripts/rangewall strace -o out own.py
	equals 0 "$status"
	[[ "$stderr" != *"compiled from source"* ]] || { echo "$stderr" >&2; return 1; }
	run --separate-stderr env PYTHONDONTWRITEBYTECODE=1 "$ROOT"/scripts/rangewall strace -o out imports.py
	equals 0 "$status"
	[[ "$stderr" == *"1 modules compiled from source (no .pyc yet)"* ]]
}

@test "VALGRIND_OPTS, which changes a result, is recorded in its context" {
	grep -qx 'VALGRIND_OPTS: --peak-inaccuracy=1.0' "$RESULTS/pyflakes@$T/massif/context"
	run grep -c '^VALGRIND_OPTS' "$RESULTS/pyflakes@$T/callgrind/context"
	equals 0 "$output"
}

@test "--children: the summary, pyfunctions.txt, the context and the flame graph say the figures are the program's own process" {
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/rough/parent.py" .
	run --separate-stderr "$ROOT"/scripts/rangewall callgrind --pyframes --children -o out parent.py
	equals 0 "$status"
	d=out/parent@$T/callgrind
	[[ "${stderr##*$'\n'}" == *"these figures are the program's own process: its 1 child processes' files are beside them (NAME.PID)"* ]]
	grep -q '^children: 1 processes, [0-9]* (their files: NAME.PID' "$d/context"
	grep -q "^NOTE: the program's own process alone" "$d/pyfunctions.txt"
	grep -q "The program&#x27;s own process alone" "$d/flame/ir.html"
}

@test "a script's name keeps its letters, of any script, in its results' folder; a space becomes '_'" {
	cd "$BATS_TEST_TMPDIR"
	printf 'print("hi")\n' >'ünï cødé.py'
	run "$ROOT"/scripts/rangewall strace -o out 'ünï cødé.py'
	equals 0 "$status"
	[ -d "out/ünï_cødé@$T/strace" ]
}
