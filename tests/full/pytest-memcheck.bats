#!/usr/bin/env bats
# rangewall pytest --memcheck on tests/pytest-memcheck: five tests of the
# planted extension (tests/plant/rwplant.c) -- a bad read, a leak of
# 1,000 B, a deliberate cache, the same bad read again, a clean test --
# under --limit 'errors:<1 lost:<1', with Debian's python3 and with a
# virtualenv of it.  pyenv's Pythons have no pytest here.

load ../helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	T=$(release_tag)
	export T P="$BATS_FILE_TMPDIR/project"
	cp -r "$ROOT/tests/pytest-memcheck" "$P"
	build_plant "$T" "$P/tests" || return 1
	rm -f "$P/tests/plant.py"
	/usr/bin/python3 -m venv --without-pip --system-site-packages "$P/.venv"
	cd "$P" || return 1
	for how in python venv; do
		st=0
		case $how in
		python) set -- --python "$T" ;;
		venv) set -- --venv .venv ;;
		esac
		"$ROOT"/scripts/rangewall pytest "$@" --memcheck --all --limit 'errors:<1 lost:<1' \
			-o "$RESULTS/$how" >"$RESULTS/$how.out" 2>"$RESULTS/$how.err" || st=$?
		echo "$st" >"$RESULTS/$how.status"
	done
}

# failed HOW: the node ids pytest reported failed, sorted.
failed() {
	sed -n 's/^FAILED \([^ ]*\).*/\1/p' "$RESULTS/$1.out" | sort | paste -sd' ' -
}

@test "pytest --memcheck: exactly the two bad reads and the leak fail, with Debian's python3 and a virtualenv's" {
	for how in python venv; do
		equals 1 "$(cat "$RESULTS/$how.status")"
		equals "tests/test_plant.py::test_bad_read tests/test_plant.py::test_bad_read_again tests/test_plant.py::test_leak" \
			"$(failed "$how")"
		grep -q '^=* 3 failed, 2 passed' "$RESULTS/$how.out"
	done
}

@test "pytest --memcheck: each failure names its error's kind, the C function and the Python test that called it" {
	for how in python venv; do
		o=$RESULTS/$how.out
		grep -q 'test_bad_read over its limit: errors 1 >= 1' "$o"
		grep -q 'UninitCondition: Conditional jump or move depends on uninitialised value(s) at uninit (rwplant.c:[0-9]*), called from py:test_bad_read (.*test_plant.py:[0-9]*)' "$o"
		# the same bad read again: its own record and stack, not a repeat without one
		grep -q 'UninitCondition: .* at uninit (rwplant.c:[0-9]*), called from py:test_bad_read_again ' "$o"
		grep -q 'test_leak over its limit: lost 1,000 B >= 1 B (limit lost:<1)' "$o"
		grep -q 'Leak_DefinitelyLost: 1,000 (+1,000) bytes in 1 (+1) blocks .*called from py:test_leak ' "$o"
	done
}

@test "pytest --memcheck: the cache and the clean test show no error and nothing definitely or indirectly lost" {
	for how in python venv; do
		python3 - "$RESULTS/$how/pytest@$T/memcheck/summary.json" <<'EOF'
import json, sys
tests = {t["nodeid"].split("::")[1]: t for t in json.load(open(sys.argv[1]))["tests"]}
assert sorted(tests) == ["test_bad_read", "test_bad_read_again", "test_cache", "test_clean", "test_leak"], tests
for name in ("test_cache", "test_clean"):
    t = tests[name]
    assert (t["errors"], t["definitely_lost"], t["indirectly_lost"]) == (0, 0, 0), t
assert tests["test_leak"]["definitely_lost"] == 1000, tests["test_leak"]
assert [t["errors"] for t in (tests["test_bad_read"], tests["test_bad_read_again"])] == [1, 1]
EOF
	done
}

@test "pytest --memcheck: summary.json validates against its schema; a corrupted one does not" {
	s=$RESULTS/python/pytest@$T/memcheck/summary.json
	run python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$s" "$ROOT/scripts/pytest/memcheck.v1.json"
	[ "$status" -eq 0 ]
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1])); s["tests"][0]["errors"] = -1
json.dump(s, open(sys.argv[2], "w"))' "$s" "$BATS_TEST_TMPDIR/bad.json"
	run python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
		"$BATS_TEST_TMPDIR/bad.json" "$ROOT/scripts/pytest/memcheck.v1.json"
	[ "$status" -eq 1 ]
	[[ $output == *"-1 is less than the minimum of 0"* ]]
}

@test "pytest --memcheck: the user's --suppressions silences the bad read, which then passes" {
	printf '{\n   rwplant-uninit\n   Memcheck:Cond\n   fun:uninit\n}\n' >"$BATS_TEST_TMPDIR/mine.supp"
	cd "$P"
	run "$ROOT"/scripts/rangewall pytest --python "$T" --memcheck --all --limit 'errors:<1 lost:<1' \
		--suppressions "$BATS_TEST_TMPDIR/mine.supp" -o "$BATS_TEST_TMPDIR/r" -k 'test_bad_read and not again'
	[ "$status" -eq 0 ]
	[[ $output == *"1 passed"* ]]
	grep -q "suppressions=$BATS_TEST_TMPDIR/mine.supp" "$BATS_TEST_TMPDIR/r/pytest@$T/memcheck/context"
}

@test "pytest --memcheck: a relative limit on errors or lost, and --suppressions without --memcheck, refused in one line" {
	cd "$P"
	refused - 2 "--limit: errors takes an absolute limit, errors:<N" \
		"$ROOT"/scripts/rangewall pytest --memcheck --limit 'errors:+5%' -o "$BATS_TEST_TMPDIR/r"
	refused - 2 "lost takes an absolute limit" \
		"$ROOT"/scripts/rangewall pytest --memcheck --limit 'lost:+1%' -o "$BATS_TEST_TMPDIR/r"
	refused - 2 "--suppressions is for --memcheck" \
		"$ROOT"/scripts/rangewall pytest --suppressions /dev/null -o "$BATS_TEST_TMPDIR/r"
	refused - 2 "--suppressions '/nonexistent.supp' is not a readable file" \
		"$ROOT"/scripts/rangewall pytest --memcheck --suppressions /nonexistent.supp -o "$BATS_TEST_TMPDIR/r"
}

@test "pytest without --memcheck: a limit on errors is listed as not checked" {
	cd "$P"
	run "$ROOT"/scripts/rangewall pytest --python "$T" --no-heap --all --limit 'errors:<1' \
		-o "$BATS_TEST_TMPDIR/r" -k test_clean
	[ "$status" -eq 0 ]
	[[ $output == *"not checked: errors:<1 (errors and lost are measured only with --memcheck)"* ]]
}
