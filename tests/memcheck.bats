#!/usr/bin/env bats
# rangewall memcheck on the release Python (Debian's python3, the hook in
# it): a clean program gives no error and no leak record; a C extension's
# planted errors (tests/plant/rwplant.c) are each found once, with the
# Python function that called it.  tests/full/memcheck.bats does the same
# on every Python found.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export REL
	REL=$(release_tag)
	[ -n "$REL" ] || return 0
	build_plant "$REL" "$BATS_FILE_TMPDIR/plant" || return 1
	cd "$BATS_FILE_TMPDIR/plant" || return 1
	"$ROOT"/scripts/rangewall memcheck --python "$REL" -o "$RESULTS" plant.py >&3 2>&1
	"$ROOT"/scripts/rangewall memcheck --python "$REL" --pyframes -o "$RESULTS/p" plant.py planted >&3 2>&1
}

setup() {
	[ -n "$REL" ] || skip "no release Python: $("$ROOT"/scripts/setup/pythons --hint release)"
}

@test "memcheck: a clean program, release Python: 0 errors, no leak record of any kind" {
	check_clean "$RESULTS/plant@$REL/memcheck"
}

@test "memcheck: each planted error found once, with its Python caller, release Python" {
	check_planted "$RESULTS/p/plant@$REL/memcheck"
}

@test "memcheck: the run names the interpreter that ran: Debian's own python3 with the hook" {
	grep -q "^interpreter: the user's own python, .*python3.*, with rangewall's hook preloaded" \
		"$RESULTS/plant@$REL/memcheck/context"
}
