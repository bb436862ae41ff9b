#!/usr/bin/env bats
# rangewall-test: slow (tests/run starts it first)
# docs/TUTORIAL.md and docs/GUIDE.md: their commands still work, the
# seeds' tutorial's first, then the guide's.  Every `make` line of their
# shell blocks runs at a small N into a results folder of the test's own
# (the long ones -- make, findings, bench, sweep, screenshots, test -- as
# make -n: the target and its knobs must still exist); the viewers'
# command lines (ms_print, callgrind_annotate, jq, kcachegrind) then find
# the files they name.  `make install` installs into a temporary prefix,
# and the `rangewall` lines run with it, their /tmp/rw* folders moved
# into the test's own.  Lines naming a Python that is not here (@2.7,
# @3.13 ...) are skipped.

load helper

TUTORIALS="docs/TUTORIAL.md docs/GUIDE.md"
SMALL_N=20000

# commands: the tutorials' shell-block lines, "$ " prompts removed.
commands() {
	for t in $TUTORIALS; do
		awk '/^```sh$/ { on = 1; next } /^```/ { on = 0 } on' "$ROOT/$t"
	done | sed -n 's/^\$ //p'
}

setup_file() {
	setup_results
	export HAVE_PY2 CHECKOUT_BEFORE
	HAVE_PY2=$("$ROOT"/scripts/setup/pythons py2)
	CHECKOUT_BEFORE=$(checkout_state)
}

# needs_missing_python LINE: true if LINE names a Python (py2, @2.7,
# @3.13, PY=2.7 ...) that scripts/setup/pythons does not find here.
needs_missing_python() {
	[ -z "$HAVE_PY2" ] && [[ "$1" == *"@py2"* || "$1" == *"PY=2.7"* ]] && return 0
	for t in $(printf '%s\n' "$1" | grep -o '@[0-9][0-9.]*d\{0,1\}' | tr -d @); do
		[ -n "$("$ROOT"/scripts/setup/pythons "$t" 2>/dev/null)" ] || return 0
	done
	return 1
}

# without_missing LINE: LINE without the benchmarks whose Python is not
# here (py-range@py2 dropped from BENCH="c-range py-range@py2" on a bare
# Debian), so that the rest of the line still runs.
without_missing() {
	out=$1
	for w in $(printf '%s\n' "$1" | grep -o 'py-[a-z-]*@[A-Za-z0-9.]*'); do
		# (scripts/setup/pythons prints nothing for a Python it does not find.)
		[ -n "$("$ROOT"/scripts/setup/pythons "${w#*@}" 2>/dev/null)" ] || out=$(printf '%s\n' "$out" | sed "s/ *$w//")
	done
	printf '%s\n' "$out" | sed 's/BENCH=" */BENCH="/'
}

# viewer_runs LINE DIR: a viewer's command, run in DIR: every file it
# names exists, and it prints something (a pipeline's status is its last
# command's: `ms_print FILE | head` would pass with no FILE); kcachegrind
# itself is not run, its files are checked.
viewer_runs() {
	# the viewer's own words (shell-quoted: jq's filter holds a |), before
	# any pipe or redirection, past its name; those naming a path
	while IFS= read -r w; do
		[ -f "$w" ] || [ -f "$2/$w" ] || { echo "no file $w: $1" >&2; return 1; }
	done < <(python3 -c 'import shlex, sys
lex = shlex.shlex(sys.argv[1], posix=True, punctuation_chars=True)
lex.whitespace_split = True
ws = list(lex)
for w in ws[1:]:
    if w in ("|", "<", ">", ">>", "&", ";"):
        break
    if "/" in w and not w.startswith("-"):
        print(w)' "$1")
	case $1 in kcachegrind*) return 0 ;; esac
	out=$(cd "$2" && eval "$1" 2>&1)
	[ -n "$out" ] || { echo "no output: $1" >&2; return 1; }
}

# checkout_state: the files a user's runs leave in the checkout
# (rangewall-results/, compare/, baseline/), each with its size and time:
# a test must leave them as it found them.
checkout_state() {
	(cd "$ROOT" && find rangewall-results compare baseline -type f -exec stat -c '%n %s %Y' {} + 2>/dev/null | sort)
}

# in_tmp LINE: LINE with its /tmp/rw... folders in the test's own.
in_tmp() { printf '%s\n' "${1//\/tmp\/rw/$BATS_FILE_TMPDIR/rw}"; }

@test "tutorial: it has commands to check" {
	run commands
	[ "${#lines[@]}" -ge 20 ]
	[[ "$output" == *"make callgrind"* && "$output" == *"make massif"* ]]
	[[ "$output" == *"kcachegrind "* ]]
}

@test "tutorial: every make command runs (small N) or parses (make -n)" {
	n=0
	while IFS= read -r line; do
		case $line in make | "make "*) ;; *) continue ;; esac
		line=$(without_missing "$line")
		if [[ $line == *'BENCH=""'* ]] || needs_missing_python "$line"; then
			skipped="${skipped:+$skipped; }$line"
			continue
		fi
		target=$(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /=/) { print $i; exit } }')
		case ${target:-all} in
		install)
			make -s -C "$ROOT" install PREFIX="$BATS_FILE_TMPDIR/prefix" >"$BATS_FILE_TMPDIR/out" 2>&1 ||
				{ echo "failed: $line" >&2; tail -n 5 "$BATS_FILE_TMPDIR/out" >&2; return 1; } ;;
		all | findings | bench | sweep | screenshots | test | deps | build | clean*)
			eval "make -n -s -C \"\$ROOT\" ${line#make}" >/dev/null ||
				{ echo "make -n failed: $line" >&2; return 1; } ;;
		*)
			eval "make -s -C \"\$ROOT\" ${line#make} N=$SMALL_N RESULTS=\"\$RESULTS\" OUT=\"\$BATS_FILE_TMPDIR/compare\"" \
				>"$BATS_FILE_TMPDIR/out" 2>&1 ||
				{ echo "failed: $line" >&2; tail -n 5 "$BATS_FILE_TMPDIR/out" >&2; return 1; }
			n=$((n + 1)) ;;
		esac
	done < <(commands)
	[ "$n" -ge 8 ]
	[ -z "${skipped:-}" ] || skip "ran $n; $(printf '%s\n' "$skipped" | tr ';' '\n' | wc -l) need a Python not found here: $skipped"
}

@test "tutorial: the viewers' commands find their files" {
	n=0
	while IFS= read -r line; do
		case $line in ms_print* | callgrind_annotate* | jq* | kcachegrind*) ;; *) continue ;; esac
		[[ $line != *"/tmp/rw"* ]] || continue	# the rangewall test's
		if needs_missing_python "$line"; then
			skipped="${skipped:+$skipped; }$line"
			continue
		fi
		line=${line//results\//$RESULTS/}
		viewer_runs "$line" "$ROOT" || return 1
		n=$((n + 1))
	done < <(commands)
	[ "$n" -ge 3 ]
	[ -z "${skipped:-}" ] || skip "ran $n; $(printf '%s\n' "$skipped" | tr ';' '\n' | wc -l) need a Python not found here: $skipped"
}

@test "tutorial: the rangewall commands run with the installed command, then their viewers" {
	[ -x "$BATS_FILE_TMPDIR/prefix/bin/rangewall" ] ||
		make -s -C "$ROOT" install PREFIX="$BATS_FILE_TMPDIR/prefix" >/dev/null
	export PATH="$BATS_FILE_TMPDIR/prefix/bin:$PATH"
	n=0
	while IFS= read -r line; do
		case $line in rangewall* | ms_print*/tmp/rw* | callgrind_annotate*/tmp/rw* | kcachegrind*/tmp/rw*) ;; *) continue ;; esac
		needs_missing_python "$line" && continue
		# docutils under DHAT with whole stacks takes minutes: the full tier's
		case $line in *" -m docutils "*) [ "${RW_TEST_TIER:-}" = full ] || continue ;; esac
		line=$(in_tmp "$line")
		case $line in
		kcachegrind* | ms_print* | callgrind_annotate*)
			viewer_runs "$line" "$ROOT" || return 1 ;;
		"rangewall compare -l"*)
			# The tutorial's regression: caught, exit 1, in the parse phase.
			rc=0
			(cd "$ROOT" && eval "$line") >"$BATS_FILE_TMPDIR/out" 2>&1 || rc=$?
			equals 1 "$rc"
			grep -q '^LIMIT exceeded: csv_index@.* callgrind parse: Ir +' "$BATS_FILE_TMPDIR/out" ;;
		*)
			(cd "$ROOT" && eval "$line") >"$BATS_FILE_TMPDIR/out" 2>&1 ||
				{ echo "failed: $line" >&2; tail -n 5 "$BATS_FILE_TMPDIR/out" >&2; return 1; } ;;
		esac
		n=$((n + 1))
	done < <(commands)
	[ "$n" -ge 6 ]
	# Nothing written in the checkout (what a user left there stays as it was).
	equals "$CHECKOUT_BEFORE" "$(checkout_state)"
}

@test "scripts/maint/tutorial check: a block as printed passes; a count 1 % off fails, naming the line" {
	doc=$BATS_TEST_TMPDIR/doc.md
	{
		printf '# A tutorial\n\n## 1. One step\n\n```sh\n$ make callgrind BENCH=c-range N=1000\n```\n```text\n```\n'
		printf '```sh\n$ cat results/c-range/callgrind/phases.tsv\n```\n```text\n```\n'
	} >"$doc"
	RW_TUTORIAL=$doc "$ROOT"/scripts/maint/tutorial update >"$BATS_TEST_TMPDIR/out" 2>&1
	grep -q '^part	phase	Ir	Ir_per_element$' "$doc"
	grep -q '^\[1/1\] callgrind c-range n=1,000 … [0-9]* s  [0-9,]* Ir$' "$doc"
	# Another run, another time: the same.
	RW_TUTORIAL=$doc run "$ROOT"/scripts/maint/tutorial check
	equals 0 "$status"
	[[ "${lines[-1]}" == "tutorial: 2 ok, 0 differ, 0 failed, 0 skipped"* ]]
	# The seed phase's count, 1 % more: caught, that line shown.
	ir=$(awk -F'\t' '$2 == "seed" { print $3 }' "$doc")
	sed -i "s/	seed	$ir	/	seed	$((ir + ir / 100))	/" "$doc"
	RW_TUTORIAL=$doc run "$ROOT"/scripts/maint/tutorial check
	equals 1 "$status"
	[[ "$output" == *"DIFFERS"*"tutorial: 3 seed $((ir + ir / 100)) "*"now:      3 seed $ir "* ]]
	[[ "${lines[-1]}" == "tutorial: 1 ok, 1 differ, 0 failed, 0 skipped"* ]]
	RW_TUTORIAL=$doc run "$ROOT"/scripts/maint/tutorial bogus
	equals 2 "$status"
	equals "tutorial: error: unknown mode 'bogus' (allowed: check, update)" "$output"
}
