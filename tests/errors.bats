#!/usr/bin/env bats
# Bad input and interrupted runs: one clear line, exit 2 (usage) or 1
# (failure), and results/ left exactly as it was.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	# An earlier good result, which nothing below may touch.
	"$ROOT"/scripts/callgrind -n 1000 -o "$RESULTS" c-range c-accu >&3
}

# fingerprint: every file under $RESULTS with its checksum.
fingerprint() {
	(cd "$RESULTS" && find . -type f -exec md5sum {} + | sort -k2)
}

# rejects STATUS PATTERN CMD...: CMD exits STATUS with one line on stderr
# that matches PATTERN, and $RESULTS is unchanged.
rejects() { refused "$RESULTS" "$@"; }	# (helper.bash)

@test "make: an unknown benchmark names it and the allowed ones" {
	# benchmarks.txt's names, in its order, py-snippet last.
	names=$(awk '!/^#/ && NF && $1 != "py-snippet" { printf "%s%s", s, $1; s = ", " }' "$ROOT/benchmarks.txt")
	[[ $names == "c-range, c-range-O2, c-intlist, c-accu, py-range, "* ]]
	rejects 2 "unknown benchmark 'nope' \(allowed: $names, py-snippet with SNIPPET=FILE.py; py-\* take @PYTHON\)" \
		make -s -C "$ROOT" massif BENCH=nope RESULTS="$RESULTS"
}

@test "make: py-snippet without SNIPPET says what it needs" {
	rejects 2 "py-snippet needs SNIPPET=FILE.py \(the Python file to profile\)" \
		make -s -C "$ROOT" callgrind BENCH=py-snippet@release RESULTS="$RESULTS"
}

@test "make: a SNIPPET that cannot be read is named" {
	rejects 2 "SNIPPET 'no/such.py' is not a readable file" \
		make -s -C "$ROOT" massif BENCH=py-snippet@release SNIPPET=no/such.py RESULTS="$RESULTS"
}

@test "make: an unknown Python role names the tags and the roles" {
	rejects 2 "unknown Python 'py3' \(found: .*; or all, default, debug, release, py2, newest\)" \
		make -s -C "$ROOT" callgrind BENCH=py-range@py3 RESULTS="$RESULTS"
}

@test "scripts: a role with no Python here is named (2.7 hidden)" {
	rejects 2 "^callgrind: error: no Python found for 'py-range@py2' \(role py2: a Python 2.7: .*pyenv install 2.7.18.*\)" \
		env PYENV_ROOT=/nonexistent "$ROOT"/scripts/callgrind -o "$RESULTS" py-range@py2
}

@test "report: a missing results folder is named" {
	rejects 2 "^report: error: results folder '/nonexistent/r' does not exist \(run: make\)" \
		"$ROOT"/scripts/post/report.py -r /nonexistent/r
}

@test "make: N=-1 is refused" {
	rejects 2 "N '-1' is not a whole number from 1 to 1000000000" \
		make -s -C "$ROOT" massif N=-1 RESULTS="$RESULTS"
}

@test "make: N=abc is refused" {
	rejects 2 "N 'abc' is not a whole number" make -s -C "$ROOT" massif N=abc RESULTS="$RESULTS"
}

@test "make: N=0 is refused" {
	rejects 2 "N '0' is not a whole number from 1" make -s -C "$ROOT" callgrind N=0 RESULTS="$RESULTS"
}

@test "make: an N past a benchmark's ceiling is refused" {
	rejects 2 "N '2000000000' is not a whole number from 1 to 1000000000" \
		make -s -C "$ROOT" callgrind BENCH=c-range N=2000000000 RESULTS="$RESULTS"
}

@test "make: ANNOTATE must be yes or no" {
	rejects 2 "ANNOTATE 'maybe' is not yes or no" make -s -C "$ROOT" massif ANNOTATE=maybe RESULTS="$RESULTS"
}

@test "make: CHUNK=1.5 is refused" {
	rejects 2 "CHUNK '1.5' is not a whole number" make -s -C "$ROOT" callgrind BENCH=c-accu CHUNK=1.5 RESULTS="$RESULTS"
}

@test "make: an unknown Python names the ones found and how to get it" {
	rejects 2 "unknown Python '9.9' \(found: 3.11d, 3.11.*; to get it: pyenv install 9.9 \(https://github.com/pyenv/pyenv\)\)" \
		make -s -C "$ROOT" callgrind BENCH=py-range@9.9 RESULTS="$RESULTS"
}

@test "make: an unknown Python benchmark" {
	rejects 2 "unknown benchmark 'py-nope@3.11'" make -s -C "$ROOT" callgrind BENCH=py-nope@3.11 RESULTS="$RESULTS"
}

@test "make: PY= with an unknown Python" {
	rejects 2 "unknown Python 'x'" make -s -C "$ROOT" massif BENCH=py-range PY=x RESULTS="$RESULTS"
}

@test "make: an unknown MODE" {
	rejects 2 "MODE 'fast' is not annotate, malloc or pymalloc" make -s -C "$ROOT" massif MODE=fast RESULTS="$RESULTS"
}

@test "make: MODE=annotate on Python 2.7, which has no allocator API" {
	"$ROOT"/scripts/setup/pythons 2.7 >/dev/null 2>&1 || skip "no Python 2.7 here"
	rejects 2 "MODE 'annotate' needs Python 3.6\+: py-range@2.7 has only pymalloc" \
		make -s -C "$ROOT" massif MODE=annotate BENCH=py-range@2.7 RESULTS="$RESULTS"
}

@test "driver: an unknown benchmark" {
	rejects 2 "^callgrind: error: unknown benchmark 'c-nope'" "$ROOT"/scripts/callgrind -o "$RESULTS" c-nope
}

@test "driver: an unknown option" {
	rejects 2 "^massif: error: unknown option '-x' \(allowed: -n, -c, -a, -m, -M, -p, -o, -s, -h\)" "$ROOT"/scripts/massif -x c-range
	rejects 2 "^massif: error: unknown option '-d' \(allowed: -n, -c, -a, -m, -M, -p, -o, -s, -h\)" "$ROOT"/scripts/massif -d copy c-range
	rejects 2 "^dhat: error: unknown option '-x' \(allowed: -n, -c, -a, -m, -M, -p, -o, -s, -d, -h\)" "$ROOT"/scripts/dhat -x c-range
}

@test "driver: an option without its value" {
	rejects 2 "^dhat: error: option -n needs a value" "$ROOT"/scripts/dhat -n
}

@test "driver: N with a fraction" {
	rejects 2 "^ltrace: error: N '10.5' is not a whole number" "$ROOT"/scripts/ltrace -n 10.5 -o "$RESULTS" c-range
}

@test "driver: an unwritable results folder is a failure, exit 1" {
	rejects 1 "^strace: error: cannot write results to '/proc/rangewall/c-range'" \
		"$ROOT"/scripts/strace -n 10 -o /proc/rangewall c-range
}

@test "deps: an unknown mode" {
	rejects 2 "^deps: error: unknown mode 'bogus' \(allowed: build, run, test, full, shots, list\)" "$ROOT"/scripts/setup/deps bogus
}

@test "c-range: N=abc" {
	rejects 2 "^c-range: error: N 'abc' is not a whole number from 1 to 1000000000$" "$ROOT"/build/c-range abc
}

@test "c-range: a negative N" {
	rejects 2 "^c-range: error: N '-5' is not a whole number" "$ROOT"/build/c-range -5
}

@test "c-range: an N that overflows 64 bits" {
	rejects 2 "^c-range: error: N '99999999999999999999999' is not" "$ROOT"/build/c-range 99999999999999999999999
}

@test "c-range: two sizes" {
	rejects 2 "^c-range: error: expected at most one argument \(N\), got 2$" "$ROOT"/build/c-range 1 2
}

@test "c-intlist: an unknown option" {
	rejects 2 "^c-intlist: error: unknown option '--annotate=maybe'" "$ROOT"/build/c-intlist --annotate=maybe 10
}

@test "c-accu: a zero chunk" {
	rejects 2 "^c-accu: error: CHUNK '0' is not a whole number from 1" "$ROOT"/build/c-accu -c 0 10
}

@test "c-accu: chunk x writes beyond 64 bits" {
	rejects 2 "^c-accu: error: 1000000000000 writes of 1000000000000 bytes overflow a 64-bit size$" \
		"$ROOT"/build/c-accu -c 1000000000000 1000000000000
}

# An interrupted run: start a long one in its own process group, wait for
# its temporary folder, then signal the whole group as a terminal would.
# A background job starts with SIGINT ignored, and an ignored signal stays
# ignored across exec: perl restores the default first, as a terminal has.
interrupt_run() {
	setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec: $!"' -- \
		"$ROOT"/scripts/callgrind -n 100000 -c 10000 -o "$RESULTS" c-accu \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	seen=
	for _ in $(seq 100); do
		ls -d "$RESULTS"/c-accu/.callgrind.tmp.* >/dev/null 2>&1 && { seen=1; break; }
		sleep 0.1
	done
	[ -n "$seen" ] || { echo "the run never started (no temporary folder)" >&2; return 1; }
	sleep 1
	kill "-$1" -- "-$pid"
	wait "$pid" && st=0 || st=$?
	# The driver re-raises the signal after cleaning up: the shell's 128 + n.
	equals "$2" "$st"
}

@test "SIGINT mid-run: the previous result stays and no temporary folder is left" {
	before=$(fingerprint)
	interrupt_run INT 130
	equals "$before" "$(fingerprint)"
	run ls -A "$RESULTS/c-accu"
	equals "callgrind" "$output"
}

@test "SIGKILL mid-run: the previous result stays; the next run clears the leftovers" {
	before=$(fingerprint)
	interrupt_run KILL 137
	ls -d "$RESULTS"/c-accu/.callgrind.tmp.*	# SIGKILL leaves it behind
	equals "$before" "$(fingerprint | grep -v '/\.callgrind\.tmp\.')"
	run "$ROOT"/scripts/callgrind -n 1000 -o "$RESULTS" c-accu
	[ "$status" -eq 0 ]
	[[ "$output" == *"left by an interrupted run"* ]]
	run ls -A "$RESULTS/c-accu"
	equals "callgrind" "$output"
}

@test "a failing tool keeps the previous result and says so" {
	before=$(fingerprint)
	run env VALGRIND=false "$ROOT"/scripts/callgrind -n 1000 -o "$RESULTS" c-range
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAILED (exit 1)"* ]]
	[[ "$output" == *"kept the previous result"* ]]
	equals "$before" "$(fingerprint)"
}

@test "a tool whose default list needs only a missing Python: the skip named, exit 0, so make goes on" {
	# callgrind-all's default list is py-range@py2 alone (benchmarks.txt).
	bare=$(printf '%s\n' "$PATH" | tr ':' '\n' | grep -v '/\.pyenv/' | paste -sd: -)
	run --separate-stderr env PYENV_ROOT=/nonexistent PATH="$bare" \
		make -s -C "$ROOT" callgrind-all RESULTS="$RESULTS/bare"
	equals 0 "$status"
	[[ "$stderr" == "callgrind: skipped py-range@py2: no py2 Python here; a Python 2.7: pyenv install 2.7.18 "* ]]
	[ ! -e "$RESULTS/bare/py-range@py2" ]
	# Asked for by name, it is an error.
	run --separate-stderr env PYENV_ROOT=/nonexistent PATH="$bare" \
		make -s -C "$ROOT" callgrind-all BENCH=py-range@py2 RESULTS="$RESULTS/bare"
	equals 2 "$status"
	[[ "$stderr" == *"no Python found for 'py-range@py2' (role py2: a Python 2.7: pyenv install 2.7.18 "* ]]
}
