#!/usr/bin/env bats
# rangewall-test: slow (tests/run starts it first)
# rangewall pytest on real third-party suites from Debian's source
# packages, in Debian's python3: jinja2's tests/test_filters.py (131
# tests, run from its source tree: pythonpath = src added to setup.cfg;
# python3-markupsafe) and python-xmltodict's unittest suite (74
# unittest.TestCase tests).  The sources come from `apt-get source`
# through a private apt configuration: the system's sources hold deb
# lines only, and tests/real/debsrc.py gives the deb-src lines of the
# same archive and suites; the system's configuration is left untouched.
# A test skips, naming why, only where the archive cannot be reached.
#
# jinja2, all with --all tests/test_filters.py:
#   first    in one folder, --save-baseline first
#   again    the same folder, --baseline first
#   chosen   the same folder, -k over the whole suite (no path)
#   comment  a copy with a comment added at the top of src/jinja2/filters.py
#   doubled  a copy at another, longer path, urlize doing its work twice,
#            --baseline first --limit 'Ir:+5%'
#   tenth    the first folder, urlize then made about 10 % slower,
#            --baseline first
# Each of the 131 tests runs in its own process, forked before any test
# ran: the same folder gives the same figures, run after run; another
# path, another collection, an edited module move a test's count by the
# heap's layout alone (docs/PYTEST.md), which the tolerances below bound.

load ../helper

# rwp DIR NAME ARG...: rangewall pytest in DIR, its output in $RESULTS/NAME.out,
# its status in $RESULTS/NAME.status, its results under $RESULTS/r.
rwp() {
	d=$1 n=$2
	shift 2
	st=0
	(cd "$d" && "$ROOT"/scripts/rangewall pytest -o "$RESULTS/r" -p no:cacheprovider "$@") \
		>"$RESULTS/$n.out" 2>&1 || st=$?
	echo "$st" >"$RESULTS/$n.status"
	cp "$RESULTS/r/pytest@$T/callgrind/summary.json" "$RESULTS/$n.json" 2>/dev/null || :
}

setup_file() {
	setup_results
	export T SRC=$BATS_FILE_TMPDIR/src UNREACHABLE=''
	T=$(release_tag)
	conf=$BATS_FILE_TMPDIR/apt
	mkdir -p "$conf/lists/partial" "$conf/parts" "$SRC"
	python3 "$ROOT/tests/real/debsrc.py" >"$conf/sources.list" ||
		{ UNREACHABLE="no Debian archive among the system's apt sources"; return 0; }
	set -- -o "Dir::Etc::SourceList=$conf/sources.list" -o "Dir::Etc::SourceParts=$conf/parts" \
		-o "Dir::State::Lists=$conf/lists"
	if ! apt-get "$@" update -qq >"$BATS_FILE_TMPDIR/update.log" 2>&1; then
		UNREACHABLE="the archive cannot be reached: $(tail -n 1 "$BATS_FILE_TMPDIR/update.log")"
		return 0
	fi
	(cd "$SRC" && apt-get "$@" source -qq jinja2 python-xmltodict) >"$BATS_FILE_TMPDIR/source.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/source.log" >&2; return 1; }
	J=$(echo "$SRC"/jinja2-*/)
	J=${J%/}
	sed -i 's/^\[tool:pytest\]$/[tool:pytest]\npythonpath = src/' "$J/setup.cfg"
	grep -q '^pythonpath = src' "$J/setup.cfg" || { echo "no [tool:pytest] in $J/setup.cfg" >&2; return 1; }
	# the copies: a comment at the top of filters.py; urlize twice at another path
	cp -r "$J" "$BATS_FILE_TMPDIR/comment"
	sed -i '1i # a comment added at the top' "$BATS_FILE_TMPDIR/comment/src/jinja2/filters.py"
	mkdir -p "$BATS_FILE_TMPDIR/another, longer path"
	cp -r "$J" "$BATS_FILE_TMPDIR/another, longer path/jinja2"
	python3 "$ROOT/tests/real/slow.py" "$BATS_FILE_TMPDIR/another, longer path/jinja2/src/jinja2/utils.py" urlize twice
	F=tests/test_filters.py
	rwp "$J" first --all --save-baseline first "$F"
	rwp "$J" again --all --baseline first "$F"
	# Another selection: -k over the whole suite (no path)
	rwp "$J" chosen --all -k 'urlize or capitalize or TestTruncate'
	rwp "$BATS_FILE_TMPDIR/comment" comment --all "$F"
	rwp "$BATS_FILE_TMPDIR/another, longer path/jinja2" doubled --all --baseline first --limit 'Ir:+5%' "$F"
	# In the first folder itself: at another path, layout alone moves
	# Node.iter_fields by up to 17,000 Ir in 62 tests (see comment).
	python3 "$ROOT/tests/real/slow.py" "$J/src/jinja2/utils.py" urlize tenth
	rwp "$J" tenth --all --baseline first "$F"
	X=$(echo "$SRC"/python-xmltodict-*/)
	rwp "${X%/}" xmltodict --all tests/
	# (in its folder, as rangewall pytest runs it: from another, 15 fail)
	(cd "${X%/}" && /usr/bin/python3 -m pytest -q -p no:cacheprovider tests) >"$RESULTS/xmltodict-plain.out" 2>&1 || :
}

setup() {
	[ -z "$UNREACHABLE" ] || skip "$UNREACHABLE"
}

# within A B PERCENT: every test of summary A is in B, its Ir within
# PERCENT %; prints the largest change.
within() {
	python3 - "$RESULTS/$1.json" "$RESULTS/$2.json" "$3" >&3 <<'PY'
import json, sys
a = {t["nodeid"]: t for t in json.load(open(sys.argv[1]))["tests"]}
b = {t["nodeid"]: t for t in json.load(open(sys.argv[2]))["tests"]}
assert len(a) == 131 and sorted(a) == sorted(b), (len(a), len(b))
d = sorted((100.0 * (b[k]["Ir"] - a[k]["Ir"]) / a[k]["Ir"], k) for k in a)
print("# {} against {}: {:+.4f} % .. {:+.4f} % ({})".format(sys.argv[2], sys.argv[1], d[0][0], d[-1][0], d[-1][1]))
bad = [x for x in d if abs(x[0]) > float(sys.argv[3])]
assert not bad, bad[:5]
PY
}

@test "jinja2: the same folder again, with --baseline: every test's Ir, heap peak, allocations and leak the same" {
	equals 0 "$(cat "$RESULTS/first.status")"
	equals 0 "$(cat "$RESULTS/again.status")"
	python3 - "$RESULTS/first.json" "$RESULTS/again.json" <<'PY'
import json, sys
a = {t["nodeid"]: t for t in json.load(open(sys.argv[1]))["tests"]}
b = {t["nodeid"]: t for t in json.load(open(sys.argv[2]))["tests"]}
assert len(a) == 131 and sorted(a) == sorted(b)
for k in a:
    for m in ("Ir", "heap", "allocs", "leaked"):
        assert a[k][m] == b[k][m], (k, m, a[k][m], b[k][m])
PY
	grep -q 'functions whose inclusive Ir grew by more than +10%@5000 in a test: none' "$RESULTS/again.out"
}

@test "jinja2: tests chosen with -k over the whole suite get the figures they get in their file's run, exactly" {
	python3 - "$RESULTS/first.json" "$RESULTS/chosen.json" >&3 <<'PY'
import json, sys
a = {t["nodeid"]: t for t in json.load(open(sys.argv[1]))["tests"]}
b = {t["nodeid"]: t for t in json.load(open(sys.argv[2]))["tests"]}
common = sorted(set(a) & set(b))
print("# {} tests in both runs, {} chosen".format(len(common), len(b)))
assert len(common) >= 5, common
for k in common:
    for m in ("Ir", "heap", "allocs"):
        assert a[k][m] == b[k][m], (k, m, a[k][m], b[k][m])
PY
}

# Issue 34 asks 0.1 %; measured: -1.01 % .. +0.66 % (the heap's layout,
# CPython's method cache keyed on names' addresses): not met, guarded here
# against growing further.
@test "jinja2: a comment added at the top of filters.py moves no test's count by more than 2 % (the heap's layout)" {
	within first comment 2
}

@test "jinja2: urlize twice, at another path, under Ir:+5%: its 4 callers fail, naming urlize; no other test does" {
	equals 1 "$(cat "$RESULTS/doubled.status")"
	run grep '^FAILED ' "$RESULTS/doubled.out"
	equals 4 "${#lines[@]}"
	for t in test_urlize test_urlize_rel_policy test_urlize_target_parameter test_urlize_extra_schemes_parameter; do
		grep -q "^FAILED tests/test_filters.py::TestFilter::$t\$" "$RESULTS/doubled.out" ||
			{ echo "$t did not fail" >&2; return 1; }
		grep -Eq "rangewall: tests/test_filters.py::TestFilter::$t over its limit: Ir .*; grew most: py:urlize \(src/jinja2/utils.py:[0-9]+\) \+[0-9,]+ Ir self; to accept the new figures, save the baseline again: rangewall pytest --save-baseline first" "$RESULTS/doubled.out" ||
			{ echo "$t: no message naming urlize" >&2; return 1; }
	done
}

@test "jinja2: urlize a tenth slower: the per-function check reports it in its 4 callers, and nothing else" {
	run sed -n '/functions whose inclusive Ir grew/,$p' "$RESULTS/tenth.out"
	printf '# %s\n' "${lines[@]}" >&3
	# a line a function that grew in a test: urlize, and its callers
	# whose inclusive Ir grew past 10 % with it; the tests, once each
	reported=$(printf '%s\n' "${lines[@]}" | grep '^  tests/' | awk -F': ' '{ print $1 }' | sort -u | wc -l)
	equals 4 "$reported"
	equals 4 "$(printf '%s\n' "${lines[@]}" | grep -c ': py:urlize (src/jinja2/utils.py:[0-9]*) +')"
}

@test "xmltodict: all 74 unittest.TestCase tests are measured, and pass as under plain pytest" {
	equals 0 "$(cat "$RESULTS/xmltodict.status")"
	grep -Eq '(^| )74 passed' "$RESULTS/xmltodict-plain.out"
	python3 - "$RESULTS/xmltodict.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s["tests"]) == 74, len(s["tests"])
assert {t["kind"] for t in s["tests"]} == {"testcase"}
assert all(t["Ir"] > 0 for t in s["tests"])
assert s["unmeasured"] == [], s["unmeasured"]
PY
}
