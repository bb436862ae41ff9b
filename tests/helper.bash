# helper.bash - shared set-up for the bats files (load helper).
#
# Each file runs its tools once, at small sizes, into a results folder of
# its own ($RESULTS, under bats' temporary folder), then asserts on the
# raw outputs.  Nothing writes to the project's results/.

export ROOT
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)

# setup_results: a fresh $RESULTS for this file (call from setup_file).
setup_results() {
	export RESULTS="$BATS_FILE_TMPDIR/results"
	mkdir -p "$RESULTS"
}

# tsv_get FILE COLUMN KEY_COLUMN KEY: the first row's COLUMN where
# KEY_COLUMN equals KEY (columns named by the header row).
tsv_get() {
	awk -F'\t' -v col="$2" -v kcol="$3" -v key="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h[kcol] == key { print $h[col]; exit }' "$1"
}

# between LOW VALUE HIGH: VALUE is a number (digits, a sign, a decimal
# point) and LOW <= VALUE <= HIGH; says why not.  Text is never a 0.
between() {
	case $2 in
	'' | *[!0-9.-]* | *.*.* | ?*-*) echo "expected a number between $1 and $3, got '$2'" >&2; return 1 ;;
	esac
	awk -v lo="$1" -v v="$2" -v hi="$3" 'BEGIN { exit !(v + 0 >= lo && v + 0 <= hi) }' ||
		{ echo "expected $1 <= '$2' <= $3" >&2; return 1; }
}

# equals EXPECTED ACTUAL, with a message.
equals() {
	[ "$1" = "$2" ] || { echo "expected '$1', got '$2'" >&2; return 1; }
}

# is_png FILE: the PNG signature.
is_png() {
	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		{ echo "$1 is not a PNG" >&2; return 1; }
}

# need_python TAG: skip the test unless scripts/pythons finds TAG, naming
# the Pythons found and how to get this one.
need_python() {
	if ! "$ROOT"/scripts/pythons "$1" >/dev/null 2>&1; then
		how=$("$ROOT"/scripts/pythons --hint "$1")
		skip "needs Python $1, not found here ($("$ROOT"/scripts/pythons all | awk '{ printf "%s%s", s, $1; s = ", " }')); $how"
	fi
}
