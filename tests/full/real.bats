#!/usr/bin/env bats
# rangewall-test: slow (tests/run starts it first)
# The full tier: real third-party programs from Debian's packages -- a
# document converter (docutils, reST to HTML), a markup processor
# (Markdown, to HTML) and a syntax highlighter (Pygments, Python to HTML)
# -- on fixed inputs (tests/real/), on Debian's python3 and every pyenv
# Python 3 found (PYTHONPATH=Debian's dist-packages).  Per Python function
# of the program's own package, rangewall callgrind --pyframes counts the
# calls sys.setprofile counts on the same input (tests/real/setprofile.py,
# tests/real/calls.py), a generator's creation once more from 3.11.
# (Debian's Markdown 3.4 needs importlib_metadata and typing_extensions
# below Python 3.10, which make test-full installs; those need Python
# 3.7+, so Markdown on 3.6 is not run, and the test says so.)

load ../helper
bats_require_minimum_version 1.5.0

DIST=/usr/lib/python3/dist-packages
PROGRAMS="docutils markdown pygments"

# args PROGRAM: the command line each program runs with, in tests/real/.
args() {
	case $1 in
	docutils) echo "-m docutils sample.rst out.html" ;;
	markdown) echo "-m markdown -x tables -x fenced_code -f out.html sample.md" ;;
	pygments) echo "-m pygments -l python -f html -O full -o out.html setprofile.py" ;;
	esac
}

# one TAG PROGRAM: the reference and rangewall's run, in $RESULTS/TAG/;
# a reference that cannot run (a package too new for this Python) leaves
# its reason in skip-PROGRAM.
one() {
	exe=$("$ROOT"/scripts/setup/pythons "$1" | awk '{ print $4 }')
	d=$RESULTS/$1
	mkdir -p "$d/run" && cp "$ROOT"/tests/real/* "$d/run/" && cd "$d/run" || return 1
	pp=
	case $exe in /usr/bin/*) ;; *) pp=$DIST ;; esac
	# shellcheck disable=SC2046 # the program's words
	if ! PYTHONPATH=$pp "$exe" setprofile.py "$d/ref-$2.tsv" $(args "$2") >/dev/null 2>"$d/err-$2"; then
		tail -n 1 "$d/err-$2" >"$d/skip-$2"
		return 0
	fi
	# shellcheck disable=SC2046
	PYTHONPATH=$pp "$ROOT"/scripts/rangewall callgrind --python "$1" --pyframes -o "$d" $(args "$2")
}

setup_file() {
	setup_results
	export TAGS PYTHONHASHSEED=0 PYTHONPYCACHEPREFIX="$BATS_FILE_TMPDIR/pycache"
	for p in $PROGRAMS; do
		[ -d "$DIST/$p" ] || { echo "real.bats: $DIST/$p missing: apt-get install python3-$p" >&2; return 1; }
	done
	TAGS=$(release_tag)
	TAGS="$TAGS $("$ROOT"/scripts/setup/pythons all | awk '$1 ~ /^3\./ && $4 !~ /^\/usr\// { print $1 }' | paste -sd' ' -)"
	for t in $TAGS; do
		for p in $PROGRAMS; do
			one "$t" "$p" >&3 2>&1 &
			[ "$(jobs -p | wc -l)" -lt 2 ] || wait -n
		done
	done
	wait
}

# same PROGRAM: on every Python, the calls of each of PROGRAM's functions
# equal the reference's; a Python the program cannot run on is named.
same() {
	n=0
	for t in $TAGS; do
		d=$RESULTS/$t
		if [ -f "$d/skip-$1" ]; then
			echo "# $1 on $t: not run: $(cat "$d/skip-$1")" >&3
			continue
		fi
		gen=
		case $("$ROOT"/scripts/setup/pythons "$t" | awk '{ print $2 }') in 3.1[1-9].*) gen=--generators-start-once ;; esac
		run python3 "$ROOT/tests/real/calls.py" "$d/ref-$1.tsv" "$d/$1@$t/callgrind" "$DIST/$1" $gen
		[ "$status" -eq 0 ] || { printf '%s\n' "$output" | grep -v ' 0 differ' | head -n 5 >&2; echo "on $t" >&2; return 1; }
		echo "# $1 on $t: ${lines[-1]}" >&3
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

@test "docutils: every function's calls as sys.setprofile counts them, on every Python" {
	same docutils
}

@test "markdown: every function's calls as sys.setprofile counts them, on every Python" {
	same markdown
}

@test "pygments: every function's calls as sys.setprofile counts them, on every Python" {
	same pygments
}

@test "markdown: Registry.__getitem__, reached through subscription, counted, and no warning" {
	t=$(release_tag)
	d=$RESULTS/$t/markdown@$t/callgrind
	want=$(awk -F'\t' '$1 ~ /markdown\/util.py$/ && $3 == "__getitem__" { print $4 }' "$RESULTS/$t/ref-markdown.tsv")
	[ "$want" -gt 100 ]
	run awk -F'\t' 'index($3, ":py:Registry.__getitem__ (") { c += $6 } END { print c + 0 }' "$d/inclusive.tsv"
	equals "$want" "$output"
	run grep -c 'NOT exact' "$d/pyfunctions.txt"
	equals 0 "$output"
}
