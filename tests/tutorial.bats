#!/usr/bin/env bats
# docs/TUTORIAL.md: its commands still work.  Every `make` line of its
# shell blocks runs at a small N into a results folder of the test's own
# (the long ones -- make, findings, bench, sweep, screenshots, test -- as
# make -n: the target and its knobs must still exist); the viewers'
# command lines (ms_print, callgrind_annotate, jq, kcachegrind) then find
# the files they name.  Lines naming 2.7 are skipped where no 2.7 is found.

load helper

TUTORIAL=docs/TUTORIAL.md
SMALL_N=20000

# commands: the tutorial's shell-block lines, "$ " prompts removed.
commands() {
	awk '/^```sh$/ { on = 1; next } /^```/ { on = 0 } on' "$ROOT/$TUTORIAL" |
		sed -n 's/^\$ //p'
}

setup_file() {
	setup_results
	export HAVE_PY2
	HAVE_PY2=$("$ROOT"/scripts/pythons py2)
}

# skip_py2 LINE: true if LINE needs a 2.7 that is not here.
needs_missing_py2() {
	[ -z "$HAVE_PY2" ] && [[ "$1" == *"@py2"* || "$1" == *"@2.7"* || "$1" == *"PY=2.7"* ]]
}

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
		needs_missing_py2 "$line" && continue
		target=$(echo "$line" | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /=/) { print $i; exit } }')
		case ${target:-all} in
		all | findings | bench | sweep | screenshots | test | deps | build | clean*)
			eval "make -n -s -C \"\$ROOT\" ${line#make}" >/dev/null ||
				{ echo "make -n failed: $line" >&2; return 1; } ;;
		*)
			eval "make -s -C \"\$ROOT\" ${line#make} N=$SMALL_N RESULTS=\"\$RESULTS\"" \
				>"$BATS_FILE_TMPDIR/out" 2>&1 ||
				{ echo "failed: $line" >&2; tail -n 5 "$BATS_FILE_TMPDIR/out" >&2; return 1; }
			n=$((n + 1)) ;;
		esac
	done < <(commands)
	[ "$n" -ge 8 ]
}

@test "tutorial: the viewers' commands find their files" {
	n=0
	while IFS= read -r line; do
		case $line in ms_print* | callgrind_annotate* | jq* | kcachegrind*) ;; *) continue ;; esac
		needs_missing_py2 "$line" && continue
		line=${line//results\//$RESULTS/}
		case $line in
		kcachegrind*)
			for f in ${line#kcachegrind}; do [ -f "$f" ] || { echo "no $f" >&2; return 1; }; done ;;
		*)
			(cd "$ROOT" && eval "$line") >/dev/null ||
				{ echo "failed: $line" >&2; return 1; } ;;
		esac
		n=$((n + 1))
	done < <(commands)
	[ "$n" -ge 3 ]
}
