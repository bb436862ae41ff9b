#!/usr/bin/env bats
# Python functions entered past the frame-evaluation hook: each
# instruction CPython gh-104405 names (and 3.13's CALL_ALLOC_AND_ENTER_INIT)
# taken 100 times (tests/pep523.py), on the release Python (Debian's
# 3.11.2, which has gh-104405) and the newest (make test-full: every
# Python 3.6+ found): --pyframes counts each function's calls as
# sys.setprofile does (tests/real/setprofile.py), a generator's or
# coroutine's creation once more from 3.11 (tests/real/calls.py).  And
# where the guard cannot see a path, the outputs say so (tests/slip.py).

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export RW="$ROOT/scripts/rangewall" TAGS
	TAGS=$(tier_tags)	# the full tier: every Python 3.6+
	cd "$BATS_FILE_TMPDIR" || return 1
	for t in $TAGS; do
		exe=$("$ROOT"/scripts/setup/pythons "$t" | awk '{ print $4 }')
		PYTHONHASHSEED=0 "$exe" "$ROOT/tests/real/setprofile.py" "$RESULTS/ref-$t.tsv" \
			"$ROOT/tests/pep523.py" >&3 2>&1
		"$RW" callgrind --python "$t" --pyframes -o "$RESULTS/many" "$ROOT/tests/pep523.py" >&3 2>&1
		"$RW" callgrind --python "$t" --pyframes -o "$RESULTS/one" "$ROOT/tests/pep523.py" 1 >&3 2>&1
	done
}

# calls_of TAG NAME: "OURS EXPECTED" for the function named NAME (its
# code object's name) in pep523.py, from calls.py's comparison.
calls_of() {
	gen=
	case $("$ROOT"/scripts/setup/pythons "$1" | awk '{ print $2 }') in 3.1[1-9].*) gen=--generators-start-once ;; esac
	python3 "$ROOT/tests/real/calls.py" "$RESULTS/ref-$1.tsv" "$RESULTS/many/pep523@$1/callgrind" \
		"$ROOT/tests/pep523.py" $gen | awk -v n="$2" '$3 == n || ($3 == "DIFFERS" && $4 == n) { print $1, $2; exit }'
}

# exact NAME MIN: on every Python, NAME's calls equal the reference's,
# which saw it called MIN times or more.
exact() {
	n=0
	for t in $TAGS; do
		got=$(calls_of "$t" "$1")
		# shellcheck disable=SC2086 # two numbers
		set -- "$1" "$2" $got
		[ "$#" -eq 4 ] || { echo "on $t: no count for $1" >&2; return 1; }
		[ "$4" -ge "$2" ] || { echo "on $t: the reference saw $1 called $4 times" >&2; return 1; }
		equals "$4" "$3" || { echo "on $t: $1" >&2; return 1; }
		n=$((n + 1))
	done
	equals "$(echo "$TAGS" | wc -w)" "$n"
}

# exact_on TAG NAME MIN: on TAG, NAME's calls equal the reference's (MIN or more).
exact_on() {
	got=$(calls_of "$1" "$2")
	# shellcheck disable=SC2086 # two numbers
	set -- "$1" "$2" "$3" $got
	[ "$#" -eq 5 ] || { echo "on $1: no count for $2" >&2; return 1; }
	[ "$5" -ge "$3" ] || { echo "on $1: the reference saw $2 called $5 times" >&2; return 1; }
	equals "$5" "$4" || { echo "on $1: $2" >&2; return 1; }
}

# inclusive DIR NAME: py:NAME's inclusive Ir in a result's inclusive.tsv
# (its outermost calls: a recursive call's deeper levels are inside).
inclusive() {
	awk -F'\t' -v f=":py:$2 (" 'index($3, f) && $3 !~ /\)'"'"'[0-9]+$/ { s += $4 } END { print s + 0 }' "$1/inclusive.tsv"
}

@test "pep523: the release Python is among the Pythons tested" {
	rel=$(release_tag)
	[ -n "$rel" ]
	case " $TAGS " in *" $rel "*) ;; *) echo "release $rel not in: $TAGS" >&2; return 1 ;; esac
}

@test "BINARY_SUBSCR_GETITEM: a class's __getitem__ through s[i], exact on the tier's Pythons" {
	exact __getitem__ 100
}

@test "LOAD_ATTR_PROPERTY: a property's getter, exact on the tier's Pythons" {
	exact value 100
}

@test "LOAD_ATTR_GETATTRIBUTE_OVERRIDDEN: a class's __getattribute__, exact on the tier's Pythons" {
	exact __getattribute__ 100
}

@test "FOR_ITER_GEN: a generator in a for loop, exact on the tier's Pythons" {
	exact numbers 200
}

@test "SEND, SEND_GEN: yield from and await, exact on the tier's Pythons" {
	exact delegate 100
	exact leaf 100
	exact awaiting 1
}

@test "CALL_ALLOC_AND_ENTER_INIT: a class's __init__ through Class(), exact on the tier's Pythons" {
	exact __init__ 100
}

@test "raise: a function that raises, caught by its caller: calls exact, the caller's inclusive Ir holds it" {
	exact raiser 100
	exact catcher 1
	for t in $TAGS; do
		d=$RESULTS/many/pep523@$t/callgrind
		r=$(inclusive "$d" raiser) c=$(inclusive "$d" catcher)
		between 1000 "$r" "$c" || { echo "on $t: raiser $r, catcher $c" >&2; return 1; }
	done
}

@test "comprehensions: a <listcomp> call each up to 3.11; from 3.12 inlined, no call, as sys.setprofile sees" {
	n=0
	for t in $TAGS; do
		case $("$ROOT"/scripts/setup/pythons "$t" | awk '{ print $2 }') in
		3.[6-9].* | 3.1[01].*) exact_on "$t" '<listcomp>' 100 ;;
		*)
			if grep -q '<listcomp>' "$RESULTS/ref-$t.tsv"; then echo "on $t: the reference saw a <listcomp>" >&2; return 1; fi
			run grep -c 'py:comprehension.<locals>.<listcomp>' "$RESULTS/many/pep523@$t/callgrind/inclusive.tsv"
			[ "$output" = 0 ] || { echo "on $t: a <listcomp> frame" >&2; return 1; } ;;
		esac
		n=$((n + 1))
	done
	equals "$(echo "$TAGS" | wc -w)" "$n"
}

@test "generators: from 3.11 each one's creation is one call more than sys.setprofile's" {
	for t in $TAGS; do
		case $("$ROOT"/scripts/setup/pythons "$t" | awk '{ print $2 }') in 3.1[1-9].*) ;; *) continue ;; esac
		d=$RESULTS/many/pep523@$t/callgrind
		# numbers(): 2 generators, 101 resumptions each
		equals 204 "$(awk '$4 == "py:numbers" { gsub(",", "", $3); print $3; exit }' "$d/pyfunctions.txt")" ||
			{ echo "on $t" >&2; return 1; }
	done
}

# A function's first call also pays for specialising its instructions
# (3.13: 250 Ir alone, 234 a call in 100), hence 10 %; the bug this
# guards against put 93 calls in 100 in the caller's cost (ratio 0.07).
@test "subscription: __getitem__'s inclusive Ir is 100 times one call's, within 10 %, on the tier's Pythons" {
	for t in $TAGS; do
		many=$(inclusive "$RESULTS/many/pep523@$t/callgrind" Subscripted.__getitem__)
		one=$(inclusive "$RESULTS/one/pep523@$t/callgrind" Subscripted.__getitem__)
		between 0.90 "$(awk -v a="$many" -v b="$one" 'BEGIN { printf "%.4f", a / (100 * b) }')" 1.10 ||
			{ echo "on $t: 100 calls $many Ir, one $one Ir" >&2; return 1; }
	done
}

@test "no warning where every call was counted" {
	for t in $TAGS; do
		run grep -c 'NOT exact' "$RESULTS/many/pep523@$t/callgrind/pyfunctions.txt"
		equals 0 "$output" || { echo "on $t" >&2; return 1; }
	done
}

@test "a function slipped past the hook (3.11.0-3.11.3) is named, and the calls are not called exact" {
	t=$("$ROOT"/scripts/setup/pythons all | awk '$2 ~ /^3\.11\.[0-3]$/ && $1 !~ /d$/ { print $1; exit }')
	[ -n "$t" ] || skip "needs CPython 3.11.0-3.11.3 (Debian 12's python3): $("$ROOT"/scripts/setup/pythons --hint release)"
	cd "$BATS_TEST_TMPDIR"
	run "$RW" callgrind --python "$t" --pyframes -o out "$ROOT/tests/slip.py"
	[ "$status" -eq 0 ]
	d=out/slip@$t/callgrind
	grep -qx '# past the hook: BINARY_SUBSCR_GETITEM py:gi (.*/tests/slip.py:[0-9]*)' "$d/pyframes.map"
	grep -q '^WARNING: calls NOT exact for py:gi ' "$d/pyfunctions.txt"
	grep -q '^pyframes warning: calls NOT exact for py:gi ' "$d/context"
	printf '%s\n' "$output" | grep -q 'WARNING: calls NOT exact for py:gi '
}

# 3.13 specialises importlib's bootstrap while the interpreter starts,
# before any hook: its Class() sites are CALL_ALLOC_AND_ENTER_INIT already.
# The reference imports nothing first (tests/real/bareprofile.py), or the
# program's imports of what it had imported would make no calls.  CPython
# makes one SourceFileLoader more, for __main__, after the program's start
# (cpython.run_file, where rangewall counts from) and before its first
# line (where sys.setprofile can start): FileLoader.__init__ once more.
@test "3.13: importlib's __init__s, specialised at start-up, have the calls sys.setprofile counts" {
	need_python 3.13
	cd "$BATS_TEST_TMPDIR"
	exe=$("$ROOT"/scripts/setup/pythons 3.13 | awk '{ print $4 }')
	PYTHONHASHSEED=0 "$exe" "$ROOT/tests/real/bareprofile.py" ref.tsv "$ROOT/tests/imports.py" >/dev/null
	"$RW" callgrind --python 3.13 --pyframes -o out "$ROOT/tests/imports.py" >/dev/null 2>&1
	d=out/imports@3.13/callgrind
	for f in 158:_BlockingOnManager 232:_ModuleLock 412:_ModuleLockManager 1180:FileLoader; do
		line=${f%%:*} name=${f#*:}
		want=$(awk -F'\t' -v l="$line" '$1 ~ /^<frozen importlib\._bootstrap/ && $2 == l && $3 == "__init__" { print $4 }' ref.tsv)
		[ "${want:-0}" -ge 10 ] || { echo "the reference saw $name.__init__ (line $line) called ${want:-0} times" >&2; return 1; }
		[ "$name" != FileLoader ] || want=$((want + 1))
		got=$(awk -F'\t' -v f=":py:$name.__init__ (<frozen importlib._bootstrap" 'index($3, f) { c += $6 } END { print c + 0 }' "$d/inclusive.tsv")
		equals "$want" "$got" || { echo "$name.__init__" >&2; return 1; }
	done
	run grep -c 'NOT exact' "$d/pyfunctions.txt"
	equals 0 "$output"
}
