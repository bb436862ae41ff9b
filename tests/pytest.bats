#!/usr/bin/env bats
# rangewall pytest on a small project (tests/pytest-project: a package, a
# pytest.ini with a limit, tests using the benchmark fixture, a marker,
# awkward parametrized ids, an unmeasured test and a failing one), in a
# virtualenv of Debian's python3 with its system site-packages (Debian's
# python3-pytest and python3-pytest-benchmark).  One run, then plain
# pytest on the same tests as the reference.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export P="$BATS_FILE_TMPDIR/my project"	# a path with a space
	cp -r "$ROOT/tests/pytest-project" "$P"
	/usr/bin/python3 -m venv --without-pip --system-site-packages "$P/.venv"
	cd "$P" || return 1
	st=0
	.venv/bin/python -m pytest -q -p no:cacheprovider tests/ >"$RESULTS/plain.out" 2>&1 || st=$?
	echo "$st" >"$RESULTS/plain.status"
	st=0
	"$ROOT"/scripts/rangewall pytest --venv .venv -o "$RESULTS" -p no:cacheprovider tests/ \
		>"$RESULTS/rw.out" 2>"$RESULTS/rw.err" || st=$?
	echo "$st" >"$RESULTS/rw.status"
	export D="$RESULTS/pytest@3.11/callgrind"
}

# fig NODEID KEY: a test's figure in summary.json.
fig() {
	python3 -c 'import json, sys
t = [t for t in json.load(open(sys.argv[1]))["tests"] if t["nodeid"] == sys.argv[2]]
print(t[0][sys.argv[3]] if t else "absent")' "$D/summary.json" "$1" "$2"
}

# calls NODEID FUNCTION: calls of py:FUNCTION in that test.
calls() {
	python3 -c 'import json, sys
t = [t for t in json.load(open(sys.argv[1]))["tests"] if t["nodeid"] == sys.argv[2]][0]
print(sum(f["calls"] for f in t["functions"] if f["name"].split(" (")[0] == "py:" + sys.argv[3]))' \
		"$D/summary.json" "$1" "$2"
}

@test "pytest: the failing test fails as under plain pytest, with pytest's exit status" {
	[ "$(cat "$RESULTS/plain.status")" = 1 ]
	[ "$(cat "$RESULTS/rw.status")" = 1 ]
	grep -q '^FAILED tests/test_shapes.py::test_fails - assert 2 == 3' "$RESULTS/plain.out"
	grep -q '^FAILED tests/test_shapes.py::test_fails - assert 2 == 3' "$RESULTS/rw.out"
	run grep -c '^FAILED' "$RESULTS/plain.out"
	[ "$output" = 1 ]
}

@test "pytest: the project's limit (pytest.ini, Ir:<10M) fails the one test over it, naming the figure" {
	run grep '^FAILED' "$RESULTS/rw.out"
	[ "${#lines[@]}" -eq 2 ]
	grep -q '^FAILED tests/test_shapes.py::test_words' "$RESULTS/rw.out"
	grep -Eq 'rangewall: tests/test_shapes.py::test_words over its limit: Ir [0-9,]+ Ir >= 10,000,000 Ir \(limit Ir:<10000000\)' "$RESULTS/rw.out"
}

@test "pytest: each measured test has its own part and figures; the unmeasured test none" {
	ids=$(cd "$P" && .venv/bin/python -m pytest --collect-only -q -p no:cacheprovider tests/ | grep '::' | grep -v test_plain)
	[ "$(printf '%s\n' "$ids" | wc -l)" -eq 6 ]
	printf '%s\n' "$ids" | while IFS= read -r id; do
		part=$(fig "$id" part) file=$(fig "$id" file) ir=$(fig "$id" Ir)
		[ "$part" != absent ] || { echo "no figures for $id" >&2; return 1; }
		grep -qx "desc: Trigger: Client Request: $part" "$D/$file"
		[ "$(awk '/^summary:/ { print $2 }' "$D/$file")" = "$ir" ]
		between 1000 "$ir" 100000000
	done
	[ "$(fig tests/test_shapes.py::test_plain Ir)" = absent ]
	[ "$(wc -l <"$D/tests.tsv")" -eq 7 ]	# the header and six tests
}

@test "pytest: awkward ids (brackets, slashes, unicode) keep pytest's node id" {
	grep -q 'test_middle\[\\u03c0/one\]' "$D/tests.tsv"
	grep -q 'test_middle\[ten \[x\]\]' "$D/tests.tsv"
}

@test "pytest: the known structure's calls are exact (a generator's creation once more on 3.11)" {
	t=tests/test_shapes.py::test_top
	[ "$(calls $t top)" = 1 ]
	[ "$(calls $t 'top.<locals>.<listcomp>')" = 1 ]
	[ "$(calls $t middle)" = 10 ]
	[ "$(calls $t leaf)" = 1000 ]
	# 10 generators, each resumed 101 times as sys.setprofile counts, and created once
	[ "$(calls $t 'middle.<locals>.<genexpr>')" = 1020 ]
	# the frames the call ran under (pytest's, pluggy's, the plugin's) are not the test's
	run python3 -c 'import json, sys
t = [t for t in json.load(open(sys.argv[1]))["tests"] if t["nodeid"] == sys.argv[2]][0]
print(" ".join(sorted(f["name"].split(" (")[0] for f in t["functions"])))' "$D/summary.json" $t
	equals "py:leaf py:middle py:middle.<locals>.<genexpr> py:top py:top.<locals>.<listcomp>" "$output"
}

@test "pytest: the heap peak of words(20000) is tracemalloc's within 5 %" {
	heap=$(fig tests/test_shapes.py::test_words heap)
	ref=$(cd "$P" && .venv/bin/python -c 'import tracemalloc, shapes
tracemalloc.start(); shapes.words(20000); print(tracemalloc.get_traced_memory()[1])')
	between "$((ref * 95 / 100))" "$heap" "$((ref * 105 / 100))"
	between 1 "$(fig tests/test_shapes.py::test_words allocs)" 100000
}

@test "pytest: summary.json validates against its schema; a corrupted one does not" {
	run python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
		"$D/summary.json" "$ROOT/scripts/pytest/summary.v2.json"
	[ "$status" -eq 0 ]
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1])); s["tests"][0]["Ir"] = "many"
json.dump(s, open(sys.argv[2], "w"))' "$D/summary.json" "$BATS_TEST_TMPDIR/bad.json"
	run python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
		"$BATS_TEST_TMPDIR/bad.json" "$ROOT/scripts/pytest/summary.v2.json"
	[ "$status" -eq 1 ]
	[[ $output == *"'many' is not of type"* ]]
}

@test "pytest: bencher.json holds each test's instructions, as summary.json" {
	run python3 -c 'import json, sys
s = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert len(b) == len(s["tests"]) == 6, (len(b), len(s["tests"]))
for t in s["tests"]:
    assert b[t["nodeid"]]["instructions"]["value"] == t["Ir"], t["nodeid"]
    assert b[t["nodeid"]]["heap-peak-bytes"]["value"] == t["heap"], t["nodeid"]
print("ok")' "$D/summary.json" "$D/bencher.json"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "pytest: with pytest-benchmark installed, a test's benchmark fixture is rangewall's" {
	/usr/bin/python3 -c 'import pytest_benchmark' # Debian's python3-pytest-benchmark
	[ "$(fig tests/test_shapes.py::test_parity how)" = fixture ]
	# plain pytest gives pytest-benchmark's, which prints its table
	grep -q 'benchmark: 5 tests' "$RESULTS/plain.out"
	run grep -c 'benchmark: ' "$RESULTS/rw.out"
	[ "$output" = 0 ]
}

@test "pytest: a marker's relative limit with no baseline is listed as not checked; its absolute one is checked" {
	# test_top's marker: Ir:+50% (over the ini's Ir:<10M) and heap:<1MB
	grep -Fx 'rangewall pytest: not checked, no figure to compare with (no --baseline): tests/test_shapes.py::test_top (Ir:+50%@100)' "$RESULTS/rw.out"
	[ "$(fig tests/test_shapes.py::test_top unchecked)" = "['Ir:+50%@100']" ]
	run python3 -c 'import json, sys
print(sum(1 for t in json.load(open(sys.argv[1]))["tests"] if "unchecked" in t))' "$D/summary.json"
	equals 1 "$output"
}

@test "pytest: bad limits and baselines are refused in one line, exit 2" {
	cd "$P"
	refused "$P" 2 "^rangewall: error: --limit: LIMIT 'Ir:\+x%'" \
		"$ROOT"/scripts/rangewall pytest --venv .venv --limit 'Ir:+x%' tests/
	refused "$P" 2 "^rangewall: error: --limit: relative limit Ir:\+5%@100 needs --baseline NAME \(a baseline saved with --save-baseline NAME\); an absolute one \(METRIC:<AMOUNT\) needs none$" \
		"$ROOT"/scripts/rangewall pytest --venv .venv --limit 'Ir:+5% heap:<1MB' tests/
	refused "$P" 2 "^rangewall: error: no baseline 'nosuch'" \
		"$ROOT"/scripts/rangewall pytest --venv .venv -o "$RESULTS" --baseline nosuch tests/
	refused "$P" 2 "option --pyframes is not for rangewall pytest" \
		"$ROOT"/scripts/rangewall pytest --venv .venv --pyframes tests/
}

@test "pytest: a v1 baseline (today's before isolation) is refused in one line that says how to save it again" {
	b=$BATS_TEST_TMPDIR/old
	mkdir -p "$b/baselines/main"
	printf '{"schema": "rangewall-pytest-summary", "version": 1, "tests": []}\n' >"$b/baselines/main/summary.json"
	refused "$P" 2 "^rangewall: error: baseline 'main' is in an older format \(rangewall-pytest-summary v1, .*\): save it again with --save-baseline main$" \
		"$ROOT"/scripts/rangewall pytest --venv .venv -o "$b" --baseline main tests/
}

@test "pytest: a run that measures nothing exits non-zero in one line, hinting at --all, and saves no baseline" {
	cd "$P"
	run --separate-stderr "$ROOT"/scripts/rangewall pytest --venv .venv -o "$BATS_TEST_TMPDIR/none" \
		--save-baseline nothing -p no:cacheprovider -k test_plain tests/
	[ "$status" -ne 0 ]
	[ "${stderr##*$'\n'}" = "rangewall pytest: no test was measured: none uses the benchmark fixture or is marked @pytest.mark.benchmark (--all measures every test); no baseline saved" ]
	[ ! -e "$BATS_TEST_TMPDIR/none/baselines/nothing" ]
}

@test "pytest: the same tests again, with --baseline: every figure the same, and no function reported" {
	cd "$P"
	# (exit 1: test_words is over the project's Ir:<10M)
	"$ROOT"/scripts/rangewall pytest --venv .venv -o "$BATS_TEST_TMPDIR/r" --save-baseline one \
		-p no:cacheprovider -k 'not test_fails' tests/ >/dev/null 2>&1 || :
	run --separate-stderr "$ROOT"/scripts/rangewall pytest --venv .venv -o "$BATS_TEST_TMPDIR/r" --baseline one \
		-p no:cacheprovider -k 'not test_fails' tests/
	[ "$status" -eq 1 ]	# test_words over the project's Ir:<10M
	[[ $output == *"functions whose inclusive Ir grew by more than +10%@5000 in a test: none"* ]]
	python3 -c 'import gzip, json, sys
a = {t["nodeid"]: t for t in json.load(gzip.open(sys.argv[1], "rt"))["tests"]}
b = {t["nodeid"]: t for t in json.load(open(sys.argv[2]))["tests"]}
assert sorted(a) == sorted(b) and len(a) == 5, (sorted(a), sorted(b))
for k in a:
    for m in ("Ir", "heap", "leaked", "allocs"):
        assert a[k][m] == b[k][m], (k, m, a[k][m], b[k][m])' \
		"$BATS_TEST_TMPDIR/r/baselines/one/summary.json.gz" "$BATS_TEST_TMPDIR/r/pytest@3.11/callgrind/summary.json"
}

@test "pytest: every measured test has its flame graph, rooted at its Ir, its Python functions in it; the run's graph holds them all" {
	python3 - "$D" <<'PY'
import gzip, json, os, re, sys
d = sys.argv[1]
tests = json.load(open(os.path.join(d, "summary.json")))["tests"]
assert tests
for t in tests:
    page = os.path.join(d, "flame", "test." + t["file"].rpartition(".")[2] + ".html")
    text = open(page, encoding="utf-8").read()
    m = re.search(r'"value":(\d+)', text)
    assert m and int(m.group(1)) == t["Ir"], (t["nodeid"], m and m.group(1), t["Ir"])
    # the test's function (marked), or the function it benchmarks (the fixture's)
    fn = "py:" + t["nodeid"].rpartition("::")[2].partition("[")[0] if t["how"] != "fixture" else "shapes/__init__.py:"
    assert fn in text, (t["nodeid"], "not in its graph: " + fn)
run = open(os.path.join(d, "flame", "ir.html"), encoding="utf-8").read()
m = re.search(r'"value":(\d+)', run)
assert int(m.group(1)) == sum(t["Ir"] for t in tests), (m.group(1), sum(t["Ir"] for t in tests))
# the stacks begin at the counted call: next to nothing outside it
folded = os.path.join(d, "flame", "ir.folded")
opened = gzip.open(folded + ".gz", "rt") if os.path.exists(folded + ".gz") else open(folded)
outside = sum(int(l.rsplit(" ", 1)[1]) for l in opened if "[not inside a call" in l)
assert outside < 0.01 * int(m.group(1)), (outside, m.group(1))
PY
	! grep -q 'py-snippet' "$RESULTS/rw.err"
}

@test "pytest: results and pytest's cache kept inside the project: the same figures run after run" {
	c=$BATS_TEST_TMPDIR/inside
	cp -r "$P" "$c" && cd "$c" && rm -rf rangewall-results .pytest_cache
	# (the default -o, and pytest's cache on: the second run finds the
	# first's results and its record of test_words' failure)
	for i in 1 2; do
		"$ROOT"/scripts/rangewall pytest --venv .venv -k 'not fails' >/dev/null 2>&1 || :
		cp rangewall-results/pytest@3.11/callgrind/summary.json "$BATS_TEST_TMPDIR/in$i.json"
	done
	python3 -c 'import json, sys
a, b = ({t["nodeid"]: t for t in json.load(open(f))["tests"]} for f in sys.argv[1:])
assert len(a) == 5 and sorted(a) == sorted(b)
for k in a:
    for m in ("Ir", "heap", "allocs", "leaked"):
        assert a[k][m] == b[k][m], (k, m, a[k][m], b[k][m])' "$BATS_TEST_TMPDIR/in1.json" "$BATS_TEST_TMPDIR/in2.json"
}

@test "pytest: two tests chosen with -k and a file get the figures they get in the whole run" {
	cd "$P"
	# The counted passes collect the whole suite whatever is chosen
	# (scripts/pytest/selection.py): a test's process is forked from the same template.
	"$ROOT"/scripts/rangewall pytest --venv .venv -o "$RESULTS/shard1" -p no:cacheprovider \
		-k 'test_top or test_words' tests/test_shapes.py >"$RESULTS/shard1.out" 2>&1 || :
	python3 -c 'import json, sys
a = {t["nodeid"]: t for t in json.load(open(sys.argv[1]))["tests"]}
b = {t["nodeid"]: t for t in json.load(open(sys.argv[2]))["tests"]}
assert sorted(b) == ["tests/test_shapes.py::test_top", "tests/test_shapes.py::test_words"], sorted(b)
for k in b:
    for m in ("Ir", "heap", "allocs"):
        assert a[k][m] == b[k][m], (k, m, a[k][m], b[k][m])' \
		"$D/summary.json" "$RESULTS/shard1/pytest@3.11/callgrind/summary.json"
}

@test "pytest --merge: two shards (the test before's and the rest) merge into the whole run's summary" {
	cd "$P"
	"$ROOT"/scripts/rangewall pytest --venv .venv -o "$RESULTS/shard2" -p no:cacheprovider \
		-k 'not (test_top or test_words)' tests/ >"$RESULTS/shard2.out" 2>&1 || :
	run --separate-stderr "$ROOT"/scripts/rangewall pytest -o "$RESULTS/merged" --merge --save-baseline both \
		"$RESULTS/shard1/pytest@3.11/callgrind/summary.json" "$RESULTS/shard2/pytest@3.11/callgrind"
	equals 0 "$status"
	python3 -c 'import gzip, json, sys
a = json.load(open(sys.argv[1])); m = json.load(gzip.open(sys.argv[2], "rt"))
assert [t["nodeid"] for t in m["tests"]] == [t["nodeid"] for t in a["tests"]], (m["tests"], a["tests"])
for x, y in zip(a["tests"], m["tests"]):
    for k in ("Ir", "heap", "allocs", "part", "functions"):
        assert x[k] == y[k], (x["nodeid"], k)
assert sorted(u["nodeid"] for u in a["unmeasured"]) == sorted(u["nodeid"] for u in m["unmeasured"])
assert len(m["merged"]) == 2' "$D/summary.json" "$RESULTS/merged/baselines/both/summary.json.gz"
	# shards that do not go together: refused in one line
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1])); s["python"] = "3.0.0"; json.dump(s, open(sys.argv[2], "w"))' \
		"$D/summary.json" "$BATS_TEST_TMPDIR/other.json"
	refused "$P" 2 "^rangewall: error: --merge: .* has python 3\.0\.0, .*: shards of one suite" \
		"$ROOT"/scripts/rangewall pytest -o "$BATS_TEST_TMPDIR/x" --merge "$D/summary.json" "$BATS_TEST_TMPDIR/other.json"
}

@test "pytest -n 2: two Callgrind passes at once, every test the figures -n 0 gives, one summary" {
	cd "$P"
	run --separate-stderr "$ROOT"/scripts/rangewall pytest --venv .venv -o "$BATS_TEST_TMPDIR/n2" \
		-p no:cacheprovider -n 2 tests/
	equals 1 "$status"	# test_fails, and test_words over Ir:<10M, as with -n 0
	[[ "$stderr" == *"-n 2: 2 Callgrind passes at once"* ]]
	r=$BATS_TEST_TMPDIR/n2/pytest@3.11/callgrind
	[ -d "$r/pass.01" ]
	[ -d "$r/pass.02" ]
	python3 -c 'import json, sys
a = {t["nodeid"]: t for t in json.load(open(sys.argv[1]))["tests"]}
b = {t["nodeid"]: t for t in json.load(open(sys.argv[2]))["tests"]}
assert sorted(a) == sorted(b), (sorted(a), sorted(b))
for k in a:
    for m in ("Ir", "heap", "allocs", "leaked", "functions"):
        assert a[k][m] == b[k][m], (k, m)' "$D/summary.json" "$r/summary.json"
}

# tests/pytest-kinds: a module's doctests (with --doctest-modules, from its
# pytest.ini), a unittest.TestCase whose setUp is costly, a skipped
# method, a test function.
@test "pytest --all: doctests, TestCase methods and functions are measured; setUp is not counted; a skipped test is named" {
	k=$BATS_TEST_TMPDIR/kinds
	cp -r "$ROOT/tests/pytest-kinds" "$k" && cd "$k"
	run --separate-stderr "$ROOT"/scripts/rangewall pytest --venv "$P/.venv" --all -o "$k/r" -p no:cacheprovider
	[ "$status" -eq 0 ]
	[[ $output == *"rangewall: 1 test not measured"*"test_kinds.py::TestSquare::test_skipped: skipped"* ]]
	s=$k/r/pytest@3.11/callgrind/summary.json
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
got = {t["nodeid"]: t for t in s["tests"]}
assert {k: t["kind"] for k, t in got.items()} == {"kinds.py::kinds": "doctest", "kinds.py::kinds.square": "doctest",
    "test_kinds.py::TestSquare::test_square": "testcase", "test_kinds.py::test_plain": "function"}, got.keys()
# setUp builds 20,000 squares: its calls are not the test method'"'"'s
sq = [f for f in got["test_kinds.py::TestSquare::test_square"]["functions"] if f["name"].startswith("py:square ")]
assert sq and sq[0]["calls"] == 1, sq
assert got["test_kinds.py::TestSquare::test_square"]["Ir"] < 100000, got["test_kinds.py::TestSquare::test_square"]["Ir"]
# the doctest ran its examples again on the module'"'"'s globals: sum(squares) called square 100 times
sq = [f for f in got["kinds.py::kinds"]["functions"] if f["name"] == "py:square (kinds.py:10)"]
assert sq and sq[0]["calls"] == 100, sq
assert s["unmeasured"] == [{"nodeid": "test_kinds.py::TestSquare::test_skipped", "why": "skipped"}], s["unmeasured"]' "$s"
}
