#!/usr/bin/env bats
# rangewall pytest meets Ctrl-C as pytest does (tests/aspython.bats has the
# tools'): pytest's status, the tests counted so far kept and marked, an
# earlier whole result untouched, no baseline saved.  In the full tier: the
# interrupted run's KeyboardInterrupt report costs pytest a minute under
# Callgrind.

load ../helper

setup_file() {
	setup_results
	export W=$BATS_FILE_TMPDIR/w T
	T=$(release_tag)
	mkdir -p "$W" && cp -r "$ROOT"/tests/aspython/* "$W/"
}

# sigrun [OPTION...] -- CMD...: CMD as a terminal's foreground job.
sigrun() { python3 "$ROOT/tests/sigint.py" "$@"; }

@test "rangewall pytest, Ctrl-C: pytest's status, the tests counted so far kept and marked, no baseline" {
	cp -r "$W/project" "$W/p1" && cd "$W/p1"
	out=$W/p1/res
	"$ROOT"/scripts/rangewall pytest --all -o "$out" -k quick >/dev/null 2>&1
	before=$(listing "$out/pytest@$T/callgrind")
	touch wait-for-ctrlc
	run --separate-stderr sigrun --ready "$W/p1/ready" -- \
		"$ROOT"/scripts/rangewall pytest --all --save-baseline b -o "$out" -- --tb=line
	equals 2 "$status"	# pytest's own, interrupted
	[[ "$output" == *"KeyboardInterrupt"* ]]
	[[ "$stderr" == *"interrupted (Ctrl-C): the tests counted so far are in $out/pytest@$T/callgrind.interrupted; no baseline saved"* ]]
	equals "$before" "$(listing "$out/pytest@$T/callgrind")"
	[ ! -e "$out/baselines/b" ]
	s=$out/pytest@$T/callgrind.interrupted/summary.json
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
assert s["interrupted"].startswith("SIGINT"), s.get("interrupted")
assert [t["nodeid"] for t in s["tests"]] == ["tests/test_ctrlc.py::test_quick"], s["tests"]' "$s"
}
