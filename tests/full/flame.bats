#!/usr/bin/env bats
# The flame graphs opened in headless Chromium (Debian's chromium; make
# test-full installs it): the page as drawn, not only the data written
# into it.  For each tool (Callgrind, Massif, DHAT), on tests/flame/known.py
# (its heap known: 30 blocks of 100,033 B under alloc_a, 30 of 200,033 B
# under alloc_b), the root frame shows the profile's total, and a known
# Python function shows the profile's figure for it (py:main's inclusive
# Ir; alloc_a's 3,000,990 B exactly; alloc_b's 6,000,990 B within 1 %);
# each graph is photographed.  Then, without a browser, on real programs
# from Debian's packages: DHAT's peak graph of docutils puts at least
# 99.9 % of the peak's bytes on whole stacks; on docutils and on Pygments
# it gives the 10 functions holding most in tracemalloc's heap (snapshot
# where it was largest, just under its peak) within 5 % of tracemalloc's
# figure; and --pyframes leaves Massif's heap at the end of docutils' main
# within 0.5 % of what it is without.

load ../helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export REL RW="$ROOT/scripts/rangewall" W="$BATS_FILE_TMPDIR/w"
	REL=$(release_tag)
	command -v chromium >/dev/null || { echo "flame.bats: chromium missing: apt-get install chromium" >&2; return 1; }
	mkdir -p "$W" && cp "$ROOT/tests/flame/known.py" "$W/" && cd "$W" || return 1
	for t in callgrind massif dhat; do
		"$RW" "$t" --python "$REL" --pyframes -o "$RESULTS" known.py >&3 2>&1 || return 1
	done
	# two real programs under DHAT, where Debian's packages are installed
	mkdir -p "$W/doc" && cp "$ROOT"/tests/real/sample.rst "$ROOT"/tests/real/setprofile.py "$W/doc/" &&
		cd "$W/doc" || return 1
	if [ -d /usr/lib/python3/dist-packages/docutils ]; then
		# shellcheck disable=SC2046 # the arguments are words
		"$RW" dhat --python "$REL" --pyframes --clean-env -o r -m $(real_args docutils) >&3 2>&1 || return 1
	fi
	if [ -d /usr/lib/python3/dist-packages/pygments ]; then
		# shellcheck disable=SC2046 # the arguments are words
		"$RW" dhat --python "$REL" --pyframes --clean-env -o r -m $(real_args pygments) >&3 2>&1 || return 1
	fi
}

# real_args PROGRAM: the module and arguments a real program runs with.
real_args() {
	case $1 in
	docutils) echo "docutils sample.rst out.html" ;;
	pygments) echo "pygments -l python -f html -O full -o out.html setprofile.py" ;;
	esac
}

# against PROGRAM: tracemalloc's heap near its peak, by function
# (tests/real/peakref.py, on the same python as rangewall ran it, in
# --clean-env's environment, with DHAT's PYTHONMALLOC=malloc and the
# hook's hash seed), against DHAT's peak graph, for the program's 10 top
# functions (tests/flame/against.py): each within 5 %.
against() {
	cd "$W/doc" || return 1
	py=$(awk '/^binary: / { print $2 }' "r/$1@$REL/dhat/context")
	# shellcheck disable=SC2046 # the arguments are words
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		HOME=/nonexistent TMPDIR=/tmp PYTHONHASHSEED=0 PYTHONMALLOC=malloc \
		"$py" "$ROOT/tests/real/peakref.py" "$BATS_TEST_TMPDIR/ref.tsv" -m $(real_args "$1" | sed 's/out.html/ref.html/')
	zcat -f "r/$1@$REL/dhat/flame/"peak.python.folded* >"$BATS_TEST_TMPDIR/ours"
	run python3 "$ROOT/tests/flame/against.py" "$BATS_TEST_TMPDIR/ref.tsv" "$BATS_TEST_TMPDIR/ours" 10 "/$1/"
	echo "$output" >&3
	[ "$status" -eq 0 ]
	[[ $output == *"within 5 %: 10 of 10"* ]]
}

# drawn HTML: the page as Chromium rendered it, in $BATS_TEST_TMPDIR/dom.
drawn() {
	chromium --headless --no-sandbox --disable-gpu --user-data-dir="$BATS_TEST_TMPDIR/profile" \
		--virtual-time-budget=3000 --dump-dom "file://$1" >"$BATS_TEST_TMPDIR/dom" 2>/dev/null
}

# frame NAME-PREFIX: the figure the drawn page gives the first frame whose
# name begins with NAME-PREFIX ("1,234 B"), from the frames' titles.
frame() {
	awk -v f="<title>$1" '{ while ((i = index($0, f)) > 0) { s = substr($0, i + 7); print s; exit } }' \
		"$BATS_TEST_TMPDIR/dom" | sed 's/<\/title>.*//; s/^.*: \([0-9,]* [^ ]*\) ([0-9.]* %)$/\1/'
}

# shot HTML: a screenshot, a real PNG of some size.
shot() {
	chromium --headless --no-sandbox --disable-gpu --user-data-dir="$BATS_TEST_TMPDIR/profile" \
		--virtual-time-budget=3000 --window-size=1200,700 --screenshot="$BATS_TEST_TMPDIR/shot.png" \
		"file://$1" >/dev/null 2>&1
	is_png "$BATS_TEST_TMPDIR/shot.png"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/shot.png")" -gt 10000 ]
}

@test "chromium: Massif's peak graph shows the peak snapshot's bytes at its root, alloc_a's 3,000,990 B, and is photographed" {
	R=$RESULTS/known@$REL/massif
	drawn "$R/flame/peak.python.html"
	# rendered frames: rect elements, one title each
	[ "$(grep -o '<rect' "$BATS_TEST_TMPDIR/dom" | wc -l)" -ge 5 ]
	peak=$(awk -F= '/^mem_heap_B=/ { h = $2 } /^heap_tree=peak/ { print h; exit }' "$R/massif.out")
	equals "$(group "$peak") B" "$(frame 'all: ')"
	equals "3,000,990 B" "$(frame 'py:alloc_a.&lt;locals&gt;.&lt;listcomp&gt; (')"
	shot "$R/flame/peak.python.html"
}

@test "chromium: Callgrind's graph shows every part's Ir at its root and py:main's inclusive Ir, and is photographed" {
	R=$RESULTS/known@$REL/callgrind
	drawn "$R/flame/ir.python.html"
	total=$(cat "$R"/callgrind.out* | awk '/^totals:/ { s += $2 } END { printf "%d\n", s }')
	equals "$(group "$total") Ir" "$(frame 'all: ')"
	want=$(awk 'NF >= 5 && $(NF - 1) == "py:main" { print $2; exit }' "$R/pyfunctions.txt")
	equals "$want Ir" "$(frame 'py:main (')"
	drawn "$R/flame/ir.html"
	equals "$(group "$total") Ir" "$(frame 'all: ')"
	shot "$R/flame/ir.html"
}

@test "chromium: DHAT's graphs show its totals and the peak at their roots, alloc_b's 6,000,990 B at the peak, and are photographed" {
	R=$RESULTS/known@$REL/dhat
	drawn "$R/flame/bytes.html"
	equals "$(group "$(awk '/^tot_alloc:/ { print $2 }' "$R/dhat.txt")") B" "$(frame 'all: ')"
	drawn "$R/flame/peak.python.html"
	equals "$(group "$(awk '/^max_live:/ { print $2 }' "$R/dhat.txt")") B" "$(frame 'all: ')"
	between 5940980 "$(frame 'py:alloc_b.&lt;locals&gt;.&lt;listcomp&gt; (' | tr -d ', B')" 6061000
	shot "$R/flame/peak.python.html"
}

@test "docutils: DHAT's peak graph attributes 99.9 % of the peak's bytes to whole stacks, up to the program's entry" {
	[ -d /usr/lib/python3/dist-packages/docutils ] || skip "python3-docutils missing"
	cd "$W/doc"
	# (past 8 MiB the folded stacks are gzip-compressed: zcat -f reads either)
	f=$(compgen -G "r/docutils@$REL/dhat/flame/peak.folded*" | head -n 1)
	# a whole stack starts at libc's "(below main)"; a cut one anywhere else
	share=$(zcat -f "$f" | awk '{ n = $NF; t += n; if (index($0, "(below main);") == 1) w += n }
		END { printf "%.2f\n", 100 * w / t }')
	between 99.9 "$share" 100
	equals "$(awk '/^max_live:/ { print $2 }' "r/docutils@$REL/dhat/dhat.txt")" \
		"$(zcat -f "$f" | awk '{ s += $NF } END { printf "%d\n", s }')"
}

@test "docutils: DHAT's peak graph gives its 10 top functions the bytes tracemalloc gives them near its peak, within 5 %" {
	[ -d /usr/lib/python3/dist-packages/docutils ] || skip "python3-docutils missing"
	against docutils
}

@test "pygments: DHAT's peak graph gives its 10 top functions the bytes tracemalloc gives them near its peak, within 5 %" {
	[ -d /usr/lib/python3/dist-packages/pygments ] || skip "python3-pygments missing"
	against pygments
}

@test "docutils: --pyframes leaves Massif's heap at the end of main as it was, within 0.5 %" {
	[ -d /usr/lib/python3/dist-packages/docutils ] || skip "python3-docutils missing"
	d=$BATS_TEST_TMPDIR/doc
	mkdir -p "$d" && cp "$ROOT"/tests/real/sample.rst "$d/" && cd "$d"
	"$RW" massif --python "$REL" --clean-env -o plain -m docutils sample.rst out.html
	"$RW" massif --python "$REL" --clean-env --pyframes -o py -m docutils sample.rst out.html
	a=$(tsv_get "plain/docutils@$REL/massif/phases.tsv" useful_heap_B phase main)
	b=$(tsv_get "py/docutils@$REL/massif/phases.tsv" useful_heap_B phase main)
	echo "main's end: $a B plain, $b B with --pyframes" >&3
	between "$(awk -v a="$a" 'BEGIN { printf "%d", a * 0.995 }')" "$b" "$(awk -v a="$a" 'BEGIN { printf "%d", a * 1.005 }')"
}
