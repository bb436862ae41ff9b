#!/usr/bin/env bats
# rangewall-test: slow (tests/run starts it first)
# The suite's own quality gates: shellcheck, -Werror builds with and
# without the client requests, ASan+UBSan runs, Memcheck runs, --help.

load helper
bats_require_minimum_version 1.5.0

BENCHES="c-range c-range-O2 c-intlist c-accu"

setup_file() {
	setup_results
	"$ROOT"/scripts/memcheck -n 20000 -c 100 -o "$RESULTS" $BENCHES >&3
}

# shell_files: every shell script in the project.
shell_files() {
	cd "$ROOT" && grep -l '^#!/bin/sh' $(find scripts -type f -not -path '*/__pycache__/*') tests/run .ci/run
}

@test "shellcheck: every shell script passes, scripts/lib/ followed" {
	files=$(shell_files)
	[ -n "$files" ]
	cd "$ROOT" && shellcheck -x $files
}

@test "shellcheck: scripts/lib/ as a driver sources it, in its order" {
	# shellcheck sees one file at a time: what a file of lib/ assigns for
	# another is checked where they meet, in the drivers' order (lib/base.sh).
	# (without each file's lib-shared exception, which only that check makes needless)
	for f in base table args command run context loop; do grep -v '# lib-shared: ' "$ROOT/scripts/lib/$f.sh"; done >"$BATS_TEST_TMPDIR/lib.sh"
	cd "$ROOT" && shellcheck -x "$BATS_TEST_TMPDIR/lib.sh"
}

@test "scripts/lib/: every file at most 400 lines, every one in the drivers' order" {
	for f in "$ROOT"/scripts/lib/*.sh; do
		n=$(wc -l <"$f")
		[ "$n" -le 400 ] || { echo "${f#"$ROOT"/}: $n lines"; return 1; }
		case ${f##*/} in given.sh) continue ;; esac
		grep -q "^#   ${f##*/} " "$ROOT/scripts/lib/base.sh" || { echo "${f##*/} not in lib/base.sh's list"; return 1; }
	done
}

@test "scripts/lib/: each script sources exactly the files whose functions it calls, in their order" {
	run python3 "$ROOT/tests/lint/sources.py" "$ROOT"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	# and the check sees a file sourced for nothing, and one missing
	cp -r "$ROOT/scripts" "$BATS_TEST_TMPDIR/"
	sed -i 's|^\t. "${0%/\*}/../lib/table.sh"|&\n\t. "${0%/*}/../lib/args.sh"|' "$BATS_TEST_TMPDIR/scripts/maint/screenshots"
	sed -i '/lib\/context.sh/d' "$BATS_TEST_TMPDIR/scripts/callgrind"
	run python3 "$ROOT/tests/lint/sources.py" "$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[[ $output == *"scripts/maint/screenshots: sources base table args, calls functions of base table"* ]]
	[[ $output == *"scripts/callgrind: sources base table args command run loop, calls functions of base table args command run context loop"* ]]
}

@test "scripts/README.md: every file and function its data-flow section names exists" {
	run python3 "$ROOT/tests/lint/dataflow.py" "$ROOT"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ $output =~ ^[0-9]+\ names\ checked$ ]]
}

@test "shellcheck: the bats helpers pass as bash" {
	cd "$ROOT" && shellcheck -s bash tests/helper.bash
}

@test "C: builds with -Wall -Wextra -Werror, client requests on" {
	make -s -C "$ROOT" BUILD="$BATS_FILE_TMPDIR/werror" CFLAGS=-Werror cbuild nvalgrind
}

# requests BINARY: how many Valgrind client requests the binary holds,
# counted by their magic preamble's last rotate (valgrind.h, amd64).
requests() {
	objdump -d "$1" | grep -c 'rol  *$0x33,%rdi' || true
}

@test "C: builds with -Werror and -DNVALGRIND (no client requests at all)" {
	make -s -C "$ROOT" BUILD="$BATS_FILE_TMPDIR/nv" CFLAGS='-Werror -DNVALGRIND' cbuild
	for b in $BENCHES; do
		[ "$(requests "$ROOT/build/$b")" -gt 0 ]
		equals 0 "$(requests "$BATS_FILE_TMPDIR/nv/$b")"
	done
}

@test "C: the runner and the hook build with -Werror against the tier's Pythons (and 2.7)" {
	tags="$(tier_tags) $("$ROOT"/scripts/setup/pythons py2 | awk '{ print $1 }')"
	# shellcheck disable=SC2086 # tags are words
	run env CFLAGS=-Werror RW_BUILD="$BATS_FILE_TMPDIR/rw" "$ROOT"/scripts/setup/build-runners $tags
	equals 0 "$status"
	for t in $tags; do
		[ -x "$BATS_FILE_TMPDIR/rw/pyembed/pyrun-$t" ]
		case $t in 2.* | 3.[67]) ;; *) [ -f "$BATS_FILE_TMPDIR/rw/pyembed/pyhook-$t.so" ] ;; esac
	done
	[ -f "$BATS_FILE_TMPDIR/rw/pyembed/rangewall-preload.so" ]
}

@test "C: ASan and UBSan find nothing at small sizes" {
	# The native programs (cbuild): the runners have their own test below.
	make -s -C "$ROOT" BUILD="$BATS_FILE_TMPDIR/asan" \
		CFLAGS='-Werror -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' cbuild
	b=$BATS_FILE_TMPDIR/asan
	"$b/c-range" 100000
	"$b/c-range-O2" 100000
	"$b/c-intlist" 100000
	"$b/c-intlist" --annotate=no 100000
	"$b/c-accu" -c 100 -t 1000 --getvalue 2500
}

# The runner under ASan+UBSan, against the release python3 and the newest
# 3.12+ (and 2.7) where found: its own code only is instrumented, so
# CPython's deliberate reads stay out of it; LeakSanitizer ignores what
# libpython leaves at exit (pyembed/lsan.supp), not the runner's own leaks.
@test "C: the runner under ASan and UBSan, every mode, finds nothing" {
	b=$BATS_FILE_TMPDIR/asan-runner
	run env CFLAGS='-Werror -fsanitize=address,undefined -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' RW_BUILD="$b" \
		"$ROOT"/scripts/setup/build-runners release newest py2
	[ "$status" -eq 0 ]
	[[ "$output" != *"skipped"* ]]
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
	export LSAN_OPTIONS="suppressions=$ROOT/pyembed/lsan.supp:print_suppressions=0"
	s=$ROOT/pyembed/snippets
	for r in "$b"/pyembed/pyrun-*[0-9]; do
		# varied.py is Python 3; 2.7 has pymalloc alone.
		case $r in *-2.*) modes=pymalloc ;; *) modes="annotate malloc pymalloc" ;; esac
		for m in $modes; do
			"$r" --mode="$m" "$s/py_range.py" 20000
			"$r" --mode="$m" "$s/py_stringio.py" 3000 100 getvalue 2>/dev/null
			case $r in *-2.*) ;; *) "$r" --mode="$m" --times "$ROOT/tests/varied.py" >/dev/null 2>&1 ;; esac
			run "$r" --mode="$m" -c 'raise ValueError("on purpose")'
			equals 1 "$status"
			[[ "$output" != *Sanitizer* && "$output" != *"runtime error"* ]]
		done
	done
}

@test "memcheck: every benchmark runs clean (0 errors, no definite leak)" {
	for b in $BENCHES; do
		run cat "$RESULTS/$b/memcheck/summary.txt"
		equals "$(printf 'errors: 0\ndefinitely lost: 0 B\nindirectly lost: 0 B\npossibly lost: 0 B (counted, not listed)\nsuppressed: 0')" "$output"
	done
}

@test "memcheck: c-accu with --getvalue runs clean too" {
	run valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
		"$ROOT/build/c-accu" -c 100 -t 1000 --getvalue 2500
	[ "$status" -eq 0 ]
}

@test "--help: every driver prints its usage on stdout and exits 0" {
	for s in callgrind massif dhat ltrace strace timeline memcheck setup/deps setup/pythons setup/build-runners; do
		run --separate-stderr "$ROOT/scripts/$s" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"USAGE: scripts/$s"* ]]
		[ -z "$stderr" ]
	done
}

@test "--help: every benchmark and runner prints its usage on stdout and exits 0" {
	for b in $BENCHES pyembed/pyrun-3.11; do
		run "$ROOT/build/$b" --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == usage:* ]]
	done
}

@test "make help lists every target the Makefile has" {
	# The Makefile's own: every .PHONY target (its rules a user runs).
	targets=$(make -pn -C "$ROOT" help 2>/dev/null | awk '/^\.PHONY:/ { for (i = 2; i <= NF; i++) print $i }' | sort -u)
	[ "$(printf '%s\n' "$targets" | wc -l)" -ge 20 ]
	help=$(make -s -C "$ROOT" help)
	for t in $targets; do
		case $t in cbuild | build-deps | help) continue ;; esac	# steps of build; help itself
		printf '%s\n' "$help" | awk -v t="$t" '($1 == t || ($1 == "*" && $2 == t)) { f = 1 } END { exit !f }' ||
			{ echo "make help lacks $t" >&2; return 1; }
	done
}

@test "docs/REFERENCE.md: its generated blocks are what the commands print now; every target and knob of the Makefile is there" {
	cd "$ROOT"
	run scripts/maint/reference --check
	equals 0 "$status" || { echo "$output" >&2; return 1; }
	targets=$(make -pn -C "$ROOT" help 2>/dev/null | awk '/^\.PHONY:/ { for (i = 2; i <= NF; i++) print $i }' | sort -u)
	[ "$(printf '%s\n' "$targets" | wc -l)" -ge 20 ]
	for t in $targets; do
		grep -qE "(^|[^a-z-])$t([^a-z-]|$)" docs/REFERENCE.md || { echo "REFERENCE.md lacks the target $t" >&2; return 1; }
	done
	# The knobs: the variables the Makefile reads but does not set itself
	# (its ?= defaults included), but make's own and its internal RW_*.
	knobs=$({ grep -o '\$([A-Z][A-Z0-9_]*)' Makefile | tr -d '$()'
		grep -oE '^[A-Z][A-Z0-9_]* *\?=' Makefile | tr -d ' ?='; } | sort -u |
		grep -vxF "$(grep -oE '^[A-Z][A-Z0-9_]* *:?=' Makefile | grep -v '?=' | tr -d ' :=')" |
		grep -vE '^(MAKE|MAKECMDGOALS|MAKEFLAGS|RW_.*)$')
	[ "$(printf '%s\n' "$knobs" | wc -l)" -ge 20 ]
	for k in $knobs; do
		grep -qF "\`$k=" docs/REFERENCE.md || { echo "REFERENCE.md lacks the knob $k=" >&2; return 1; }
	done
}

@test "no assertion bats would not enforce: the gate finds none in tests/, and finds planted ones" {
	cd "$ROOT"
	run tests/lint/unenforced tests/*.bats tests/full/*.bats tests/helper.bash
	equals 0 "$status"
	equals "" "$output"
	printf '@test "x" {\n\t! grep -q a /dev/null\n\t[ 1 -eq 2 ] && [ 3 -eq 3 ]\n\ttrue\n}\n' >"$BATS_TEST_TMPDIR/planted.bats"
	run tests/lint/unenforced "$BATS_TEST_TMPDIR/planted.bats"
	equals 1 "$status"
	equals 2 "${#lines[@]}"
	[[ ${lines[0]} == *"planted.bats:2: '! cmd' before the body's last command"* ]]
	[[ ${lines[1]} == *"planted.bats:3: '&&' chain before the body's last command"* ]]
}
