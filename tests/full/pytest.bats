#!/usr/bin/env bats
# The full tier: rangewall pytest's baselines, limits and determinism on
# the small project (tests/pytest-project), in Debian's python3:
# - a baseline saved, then a change that adds about 10 % work to one
#   function (shapes.parity) fails that test under Ir:+5% and no other;
# - a change that adds about 20 % to another test's heap (shapes.words)
#   fails its heap:+10% limit; each message names the figure and the
#   function that grew most;
# - the same tests from another clone at a longer path, in another
#   environment, count the same per test within the heap layout's spread
#   (1 %, or 500 Ir for the smallest tests).

load ../helper
bats_require_minimum_version 1.5.0

# rwp DIR ARG...: rangewall pytest in DIR; output in DIR/out, status in DIR/status.
rwp() {
	d=$1; shift
	st=0
	(cd "$d" && "$ROOT"/scripts/rangewall pytest -o "$d/results" -p no:cacheprovider "$@" -k 'not test_fails' tests/) \
		>"$d/out" 2>&1 || st=$?
	echo "$st" >"$d/status"
}

setup_file() {
	setup_results
	export A="$RESULTS/a" B="$RESULTS/a clone at a much longer path, with spaces"
	cp -r "$ROOT/tests/pytest-project" "$A"
	cp -r "$ROOT/tests/pytest-project" "$B"
	rwp "$A" --save-baseline base
	# the other clone, in another environment (LANG unset, others set)
	env -u LANG DISPLAY=:1 RW_X1=1 X2=22 X3=333 X4=4444 X5=5 X6=6 X7=7 X8=8 X9=9 X10=10 \
		sh -c 'cd "$1" && "$2"/scripts/rangewall pytest -o "$1/results" -p no:cacheprovider -k "not test_fails" tests/ >"$1/out" 2>&1' _ "$B" "$ROOT" || true
	# 10 % more work in parity(): a tenth of the list again, twice (the
	# answer stays the same); parity() allocates nothing, so its count
	# does not follow pymalloc's state
	cp -r "$A" "$RESULTS/ir"
	python3 - "$RESULTS/ir/shapes/__init__.py" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("    return odd", "    for x in xs[: len(xs) // 20] * 2:\n        if x & 1:\n            odd = not odd\n    return odd")
open(p, "w").write(s)
PY
	rwp "$RESULTS/ir" --baseline base --limit 'Ir:+5%'
	# 20 % more heap in words(): scratch space held during the call
	cp -r "$A" "$RESULTS/heap"
	python3 - "$RESULTS/heap/shapes/__init__.py" <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
s = s.replace("    return [str(i) for i in range(n)]",
              "    out = [str(i) for i in range(n)]\n    scratch = bytearray(n * 14)\n    return out")
open(p, "w").write(s)
PY
	rwp "$RESULTS/heap" --baseline base --limit 'heap:+10%'
}

@test "pytest --save-baseline: the summary, compressed, and the context; no part" {
	[ -f "$A/results/baselines/base/summary.json.gz" ]
	[ -f "$A/results/baselines/base/context" ]
	[ ! -e "$A/results/baselines/base/callgrind.out.1" ]
	grep -q "baseline 'base' saved" "$A/out"
}

@test "pytest: 10 % more work in one function fails that test under Ir:+5%, and no other" {
	d=$RESULTS/ir
	[ "$(cat "$d/status")" = 1 ]
	run grep '^FAILED' "$d/out"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "FAILED tests/test_shapes.py::test_parity"* ]]
	grep -Eq 'rangewall: tests/test_shapes.py::test_parity over its limit: Ir [0-9,]+ Ir against the baseline.s [0-9,]+ Ir: \+(8|9|10|11|12)\.[0-9]+ % \(limit Ir:\+5%@100\); grew most: py:parity \(shapes/__init__.py:[0-9]+\) \+[0-9,]+ Ir self; to accept the new figures, save the baseline again: rangewall pytest --save-baseline base \(with this selection of tests\)' "$d/out"
}

@test "pytest: 20 % more heap fails heap:+10%, naming the figure and the function" {
	d=$RESULTS/heap
	[ "$(cat "$d/status")" = 1 ]
	run grep '^FAILED' "$d/out"
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == "FAILED tests/test_shapes.py::test_words"* ]]
	grep -Eq "rangewall: tests/test_shapes.py::test_words over its limit: heap [0-9,]+ B against the baseline.s [0-9,]+ B: \+(1[5-9]|2[0-9])\.[0-9]+ % \(limit heap:\+10%@0\); grew most: py:(test_)?words \(" "$d/out"
}

# Each test runs in a process of its own, forked before any ran: the
# clone's longer path moves only the heap's layout (its strings' sizes),
# which moves a test's count by a few hundred Ir (docs/PYTEST.md): within
# 1 %, or 500 Ir for the smallest tests (test_middle: 9,000 Ir).
@test "pytest: another clone, another environment: each test's Ir within the heap layout's spread" {
	run python3 -c 'import json, sys
a = {t["nodeid"]: t["Ir"] for t in json.load(open(sys.argv[1]))["tests"]}
b = {t["nodeid"]: t["Ir"] for t in json.load(open(sys.argv[2]))["tests"]}
assert a.keys() == b.keys() and len(a) == 5, (sorted(a), sorted(b))
bad = []
for k in sorted(a):
    d = b[k] - a[k]
    print("{} {} {} {:+d}".format(k, a[k], b[k], d))
    if abs(d) > max(500, a[k] * 0.01):
        bad.append(k)
assert not bad, bad' \
		"$A/results/pytest@3.11/callgrind/summary.json" "$B/results/pytest@3.11/callgrind/summary.json"
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ]
}
