#!/usr/bin/env bats
# Flame graphs (scripts/flame, drawn by every Callgrind, Massif and DHAT
# run): their totals are the profile's, and a program whose heap is known
# (tests/flame/known.py: 30 blocks of 100,033 B under alloc_a, 30 of
# 200,033 B under alloc_b) has its bytes under its functions.  The graphs
# opened in a browser: tests/full/flame.bats.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export REL RW="$ROOT/scripts/rangewall" W="$BATS_FILE_TMPDIR/w"
	REL=$(release_tag)
	[ -n "$REL" ] || return 0
	mkdir -p "$W" && cp "$ROOT/tests/flame/known.py" "$W/"
	cd "$W" || return 1
	for t in callgrind massif dhat; do
		"$RW" "$t" --python "$REL" --pyframes -o "$RESULTS/py" known.py >&3 2>&1 || return 1
	done
	"$RW" massif --python "$REL" -o "$RESULTS/plain" known.py >&3 2>&1
}

setup() {
	[ -n "$REL" ] || skip "no release Python: $("$ROOT"/scripts/setup/pythons --hint release)"
	R=$RESULTS/py/known@$REL
}

# sum FOLDED: the counts of a folded-stacks file, added up.
sum() {
	awk '{ s += $NF } END { printf "%d\n", s }' "$1"
}

# incl FOLDED NAME: the inclusive figure of the frames whose name begins
# with NAME (a stack counts once, however often it holds one).
incl() {
	awk -v f="$2" '{ n = $NF; sub(/ [0-9]+$/, ""); k = split($0, a, ";")
		for (i = 1; i <= k; i++) if (index(a[i], f) == 1) { s += n; break } }
		END { printf "%d\n", s }' "$1"
}

@test "massif: the peak's graph totals the peak snapshot, and each function holds its known bytes (within 1 %)" {
	f=$R/massif/flame
	for p in index.html peak.html peak.python.html; do [ -s "$f/$p" ] || { echo "no $p" >&2; return 1; }; done
	peak=$(awk -F= '/^mem_heap_B=/ { h = $2 } /^heap_tree=peak/ { print h; exit }' "$R/massif/massif.out")
	equals "$peak" "$(sum "$f/peak.folded")"
	equals "$peak" "$(sum "$f/peak.python.folded")"
	between 2970980 "$(incl "$f/peak.python.folded" 'py:alloc_a (')" 3031000
	between 5940980 "$(incl "$f/peak.python.folded" 'py:alloc_b (')" 6061000
	# main holds both; and the C view has them too, under the allocator's callers
	between 8911960 "$(incl "$f/peak.python.folded" 'py:main (')" 9092000
	between 2970980 "$(incl "$f/peak.folded" 'py:alloc_a (')" 3031000
	# Massif's remainder under its threshold keeps its name in the Python
	# view: its Python function is not known, not absent
	grep -q "^\[[0-9]* places below Massif's threshold\] " "$f/peak.python.folded"
	# each phase's end has its graph, totalling its snapshot
	for s in "$R"/massif/snapshot.*; do
		k=${s##*/snapshot.}
		equals "$(awk -F= '/^mem_heap_B=/ { print $2; exit }' "$s")" "$(sum "$f/$k.folded")"
	done
}

@test "callgrind: the graph totals every part's Ir, and the Python view gives a function its inclusive Ir" {
	f=$R/callgrind/flame
	total=$(cat "$R"/callgrind/callgrind.out* | awk '/^totals:/ { s += $2 } END { printf "%d\n", s }')
	equals "$total" "$(sum "$f/ir.folded")"
	equals "$total" "$(sum "$f/ir.python.folded")"
	# pyfunctions.txt's inclusive Ir (one phase here, main called once)
	want=$(awk '$NF ~ /known.py:15\)$/ && $(NF - 1) == "py:main" { gsub(/,/, "", $2); print $2; exit }' \
		"$R/callgrind/pyfunctions.txt")
	[ -n "$want" ]
	equals "$want" "$(incl "$f/ir.python.folded" 'py:main (')"
	# the graph says its paths are derived
	grep -q 'derived below' "$f/ir.html"
}

@test "dhat: bytes and blocks total DHAT's, the peak's graph holds every byte of the peak, alloc_a's within 1 %" {
	f=$R/dhat/flame
	equals "$(awk '/^tot_alloc:/ { print $2 }' "$R/dhat/dhat.txt")" "$(sum "$f/bytes.folded")"
	equals "$(awk '/^tot_alloc:/ { print $5 }' "$R/dhat/dhat.txt")" "$(sum "$f/blocks.folded")"
	equals "$(awk '/^max_live:/ { print $2 }' "$R/dhat/dhat.txt")" "$(sum "$f/peak.folded")"
	between 2970980 "$(incl "$f/peak.python.folded" 'py:alloc_a (')" 3031000
	between 5940980 "$(incl "$f/peak.python.folded" 'py:alloc_b (')" 6061000
	# dhat.tsv names each point's innermost Python function
	[[ "$(awk -F'\t' '$2 == 3000990 { print $9 }' "$R/dhat/dhat.tsv")" == "py:alloc_a.<locals>.<listcomp> ("*"known.py:8)" ]]
}

@test "without --pyframes: no Python view, and the result says why" {
	f=$RESULTS/plain/known@$REL/massif/flame
	[ -s "$f/peak.html" ]
	py=$(compgen -G "$f/*.python.*" || :)
	[ -z "$py" ] || { echo "a Python view: $py" >&2; false; }
	grep -q -- '--pyframes' "$f/NO-PYTHON-VIEW"
	grep -q -- '--pyframes' "$f/index.html"
}

@test "rangewall flame draws again; a result it cannot draw keeps its earlier graphs, and says so" {
	d=$BATS_TEST_TMPDIR/copy
	cp -a "$R" "$d"
	before=$(listing "$d/massif/flame")
	run --separate-stderr "$RW" flame "$d"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 3 ]	# one line a result
	echo 'not a massif file' >"$d/massif/massif.out"
	rm "$d"/massif/snapshot.*
	run --separate-stderr "$RW" flame "$d/massif"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"massif: could not draw"* ]]
	# the earlier graphs, as they were (the redraw made the same files)
	equals "$(echo "$before" | awk '{ print $1, $2 }')" "$(listing "$d/massif/flame" | awk '{ print $1, $2 }')"
	[ ! -e "$d/massif/flame.tmp" ]
}

@test "rangewall flame: bad input refused in one line" {
	refused - 2 "'/nonexistent' is not a folder" "$RW" flame /nonexistent
	refused - 2 "unknown option '-x'" "$RW" flame -x "$RESULTS"
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	refused "$BATS_TEST_TMPDIR/empty" 1 "no Callgrind, Massif or DHAT result under" "$RW" flame "$BATS_TEST_TMPDIR/empty"
}

@test "compare: a differential flame graph of B against A, frames matched whatever their folders" {
	d=$BATS_TEST_TMPDIR/b
	mkdir -p "$d" && sed 's/range(30)/range(40)/' "$ROOT/tests/flame/known.py" >"$d/known.py"
	(cd "$d" && "$RW" callgrind --python "$REL" --pyframes -o "$d/r" known.py >/dev/null 2>&1)
	run -0 "$RW" compare -o "$BATS_TEST_TMPDIR/cmp" "$RESULTS/py" "$d/r"
	h=$BATS_TEST_TMPDIR/cmp/flame-diff-known@$REL.html
	grep -q "flame-diff-known@$REL.html" "$BATS_TEST_TMPDIR/cmp/COMPARE.md"
	# alloc_b's ten more blocks: its delta is B's Ir less A's, from the two Python views
	a=$(incl "$R/callgrind/flame/ir.python.folded" 'py:alloc_b (')
	b=$(incl "$d/r/known@$REL/callgrind/flame/ir.python.folded" 'py:alloc_b (')
	[ "$b" -gt "$a" ]
	python3 - "$h" "$((b - a))" <<'PY'
import json, re, sys
page = open(sys.argv[1]).read()
data = json.loads(re.search(r'<script id="data" type="application/json">(.*?)</script>', page, re.S).group(1))
found = []
def walk(n):
    if n["name"].startswith("py:alloc_b ("):
        found.append(n["delta"])
    for c in n["children"]:
        walk(c)
walk(data)
assert found == [int(sys.argv[2])], (found, sys.argv[2])
PY
}

@test "callgrind: a recursive program's graph ends and totals its Ir; the outermost call holds its inclusive Ir" {
	d=$BATS_TEST_TMPDIR/rec
	mkdir -p "$d" && cp "$ROOT/tests/rough/rec.py" "$d/"
	(cd "$d" && "$RW" callgrind --python "$REL" --pyframes -o "$d/r" rec.py 30 >/dev/null 2>&1)
	r=$d/r/rec@$REL/callgrind
	total=$(cat "$r"/callgrind.out* | awk '/^totals:/ { s += $2 } END { printf "%d\n", s }')
	equals "$total" "$(sum "$r/flame/ir.python.folded")"
	# run's inclusive Ir is pyfunctions.txt's, all of it under the outermost run
	want=$(awk 'NF >= 5 && $(NF - 1) == "py:run" { gsub(/,/, "", $2); print $2; exit }' "$r/pyfunctions.txt")
	equals "$want" "$(incl "$r/flame/ir.python.folded" 'py:run (')"
}

@test "massif: --pyframes leaves the heap at the end of main as it was, within 0.5 % (modules imported, data held)" {
	d=$BATS_TEST_TMPDIR/imp
	mkdir -p "$d" && cp "$ROOT/tests/flame/imports.py" "$d/" && cd "$d"
	"$RW" massif --python "$REL" --clean-env -o plain imports.py
	"$RW" massif --python "$REL" --clean-env --pyframes -o py imports.py
	a=$(tsv_get "plain/imports@$REL/massif/phases.tsv" useful_heap_B phase main)
	b=$(tsv_get "py/imports@$REL/massif/phases.tsv" useful_heap_B phase main)
	echo "main's end: $a B plain, $b B with --pyframes" >&3
	between "$(awk -v a="$a" 'BEGIN { printf "%d", a * 0.995 }')" "$b" "$(awk -v a="$a" 'BEGIN { printf "%d", a * 1.005 }')"
}
