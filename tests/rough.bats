#!/usr/bin/env bats
# The rough edges real programs found (issue "Any path, any environment"):
# any path, walltime's stdin and stderr, no wrapped total, recursion in
# compare, children, the names a user reads first.  The environment's
# independence is tests/compare.bats's; set-up from any first command,
# tests/full/setup.bats's.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	export REL RW="$ROOT/scripts/rangewall"
	REL=$(release_tag)
}

setup() {
	[ -n "$REL" ] || skip "no release Python: $("$ROOT"/scripts/setup/pythons --hint release)"
}

# awkward: a folder whose name has a space, a quote and accents, with a
# script whose name begins with a dash and has a space, a quote and a
# non-Latin letter; its path.
awkward() {
	d="$BATS_TEST_TMPDIR/my dir/ünï 'q'"
	mkdir -p "$d"
	cp "$ROOT/tests/rough/echo.py" "$d/-s p'q ж.py"
	printf '%s\n' "$d"
}

@test "paths: a script and a current folder with spaces, quotes, accents and a leading dash run, -o with a space too" {
	d=$(awkward)
	cd "$d"
	# "--" before a name that begins with a dash, as python takes it
	run --separate-stderr "$RW" callgrind --python "$REL" -o "out dir" -- "-s p'q ж.py" "a b" "c'd"
	[ "$status" -eq 0 ]
	equals "argv ['a b', \"c'd\"]" "${lines[0]}"
	equals "cwd $d" "${lines[1]}"
	# the results' folder: the name's letters (any script's), digits, ., _
	# and - kept; the leading dash, the space and the quote as _
	r="out dir/_s_p_q_ж@$REL"
	[ -s "$r/callgrind/callgrind.out.1" ]
	grep -qxF "program: -s p'q ж.py" "$r/callgrind/context"
	grep -qxF "args: a b c'd" "$r/callgrind/context"
}

@test "paths: a virtualenv at a path with a space and a quote" {
	v="$BATS_TEST_TMPDIR/a venv 'x'"
	/usr/bin/python3 -m venv --without-pip "$v"
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/rough/echo.py" .
	run --separate-stderr "$RW" callgrind --venv "$v" -o out echo.py
	[ "$status" -eq 0 ]
	grep -qxF "venv: $v" out/echo@"$REL"/callgrind/context
}

@test "paths: a folder with a __main__.py runs as the script, as under python" {
	mkdir -p "$BATS_TEST_TMPDIR/app dir"
	cp "$ROOT/tests/rough/echo.py" "$BATS_TEST_TMPDIR/app dir/__main__.py"
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr "$RW" callgrind --python "$REL" -o out "app dir" x
	[ "$status" -eq 0 ]
	equals "argv ['x']" "${lines[0]}"
	[ -s "out/app_dir@$REL/callgrind/callgrind.out.1" ]
}

@test "paths: a program python cannot start leaves the previous result byte-identical, with python's status" {
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/rough/echo.py" .
	"$RW" callgrind --python "$REL" -o out echo.py
	(cd out && find . -type f -exec sha256sum {} + | sort) >before
	# A PYTHONHOME with no standard library: python stops before the program.
	run env PYTHONHOME=/nonexistent "$RW" callgrind --python "$REL" -o out echo.py
	equals 1 "$status"
	[[ $output == *"the program did not start (python exited 1); kept the previous result"* ]]
	(cd out && find . -type f -exec sha256sum {} + | sort) >after
	diff before after
}

@test "walltime: piped stdin is given whole to each of the 5 runs; stderr is the program's own" {
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/rough/echo.py" .
	run --separate-stderr sh -c "printf 'a\nb\nc\n' | '$RW' walltime --python '$REL' -o out echo.py stdin 2>err"
	[ "$status" -eq 0 ]
	equals 5 "$(printf '%s\n' "$output" | grep -c '^stdin lines 3$')"
	# the program's line 5 times, rangewall's progress lines; no phase times
	equals 5 "$(grep -c '^to stderr$' err)"
	run grep -v -e '^to stderr$' -e '^rangewall: ' err
	equals "" "$output"
	# the phases' times went to the result
	[ "$(awk -F'\t' '$2 == "main"' out/echo@"$REL"/walltime/runs.tsv | wc -l)" -eq 5 ]
}

@test "walltime: --help says it runs the program 5 times" {
	"$RW" --help | grep -q 'walltime (which runs the program 5 times)'
}

@test "wrapped total: plain Callgrind 3.19 writes one; no Callgrind file rangewall keeps holds one" {
	cd "$BATS_TEST_TMPDIR"
	cc -O0 -o wrap "$ROOT/tests/rough/wrap.c"
	valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=w.out ./wrap 2>/dev/null
	# Valgrind's own: a summary at or above 2^63, where the part's totals is 10
	run awk '/^summary:/ && length($2) >= 19 { print FILENAME }' w.out w.out.1
	equals w.out "$output"
	cp "$ROOT/tests/rough/echo.py" .
	"$RW" callgrind --python "$REL" --pyframes -o out echo.py
	n=0
	for f in out/echo@"$REL"/callgrind/callgrind.out* out/echo@"$REL"/callgrind/raw/callgrind.out*; do
		n=$((n + 1))
		run awk '/^summary:/ { s = $2 } /^totals:/ { t = $2 } END { print (s == t) ? "same" : s " " t }' "$f"
		equals same "$output" || { echo "$f" >&2; return 1; }
	done
	[ "$n" -ge 2 ]
}

@test "compare: a recursive function's growth is counted once, never more than its phase's" {
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/rough/rec.py" .
	"$RW" callgrind --python "$REL" --pyframes -o a rec.py 50
	"$RW" callgrind --python "$REL" --pyframes -o b rec.py 100
	run "$RW" compare -l 'Ir:+1%' a b
	equals 1 "$status"
	line=$(printf '%s\n' "$output" | grep 'main: Ir .*grew most: py:run')
	[ -n "$line" ]
	grew=$(printf '%s\n' "$line" | sed 's/.*grew most: py:run [^+]*+//; s/[^0-9,].*//' | tr -d ,)
	a=$(awk -F'\t' '$2 == "main" { print $3 }' a/rec@"$REL"/callgrind/phases.tsv)
	b=$(awk -F'\t' '$2 == "main" { print $3 }' b/rec@"$REL"/callgrind/phases.tsv)
	[ "$grew" -gt 0 ]
	[ "$grew" -le "$((b - a))" ]
}

@test "children: --children --pyframes names the child python's functions; no file named with %p" {
	cd "$BATS_TEST_TMPDIR"
	cp "$ROOT/tests/rough/parent.py" .
	run "$RW" callgrind --python "$REL" --children --pyframes -o out parent.py
	[ "$status" -eq 0 ]
	d=out/parent@$REL/callgrind
	run find out -name '*%p*'
	equals "" "$output"
	grep -q 'py:parent_work' "$d/callgrind.out.1"
	# the child's own files, its own map, its functions named
	run grep -l 'py:child_work' "$d"/callgrind.out.[0-9]*.*
	[ "$status" -eq 0 ]
	ls "$d"/pyframes.map.[0-9]*
}

@test "children: without --children no child file, and the child sees no rangewall setting" {
	cd "$BATS_TEST_TMPDIR"
	cat >env.py <<-'EOF'
		import os, subprocess, sys
		print(sorted(k for k in os.environ if k.startswith("RANGEWALL_")), "rangewall" in os.environ.get("LD_PRELOAD", ""))
		subprocess.run([sys.executable, "-c", "import os; print(os.environ.get('LD_PRELOAD', ''))"], check=True)
	EOF
	run --separate-stderr "$RW" callgrind --python "$REL" -o out env.py
	[ "$status" -eq 0 ]
	equals "[] False" "${lines[0]}"
	[[ ${lines[1]} != *rangewall* ]]
	# a child's parts would be callgrind.out.PID.K
	equals 0 "$(ls out/env@"$REL"/callgrind | grep -cE '^callgrind\.out\.[0-9]+\.[0-9]+$')"
}

@test "names: the first phase is main under make and under rangewall" {
	cd "$BATS_TEST_TMPDIR"
	"$ROOT"/scripts/callgrind -n 1000 -o r "py-range@$REL" >/dev/null
	equals main "$(awk -F'\t' 'NR == 2 { print $2 }' "r/py-range@$REL/callgrind/phases.tsv")"
	cp "$ROOT/tests/rough/echo.py" .
	"$RW" callgrind --python "$REL" -o u echo.py 2>/dev/null
	equals main "$(awk -F'\t' 'NR == 2 { print $2 }' "u/echo@$REL/callgrind/phases.tsv")"
}

@test "first run: a module compiled from source (no .pyc yet) is said; the next runs count the same" {
	# The results outside the program's folder: a folder listed at import
	# grows with each result put in it, and so would the counts.
	mkdir "$BATS_TEST_TMPDIR/p" && cd "$BATS_TEST_TMPDIR/p"
	printf 'def f():\n    return 1\n' >mod.py
	printf 'import mod\nmod.f()\n' >app.py
	for r in 1 2 3; do
		run env -u PYTHONDONTWRITEBYTECODE "$RW" callgrind --python "$REL" -o "../r$r" app.py
		[ "$status" -eq 0 ]
		case $r in
		1) [[ $output == *"1 modules compiled from source (no .pyc yet): the next run counts fewer"* ]]
		   grep -qx 'modules compiled from source: 1' ../r1/app@"$REL"/callgrind/context ;;
		*) [[ $output != *"compiled from source"* ]]
		   grep -qx 'modules compiled from source: 0' "../r$r/app@$REL/callgrind/context" ;;
		esac
	done
	diff ../r2/app@"$REL"/callgrind/phases.tsv ../r3/app@"$REL"/callgrind/phases.tsv
}
