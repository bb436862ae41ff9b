# helper.bash - shared set-up for the bats files (load helper).
#
# Each file runs its tools once, at small sizes, into a results folder of
# its own ($RESULTS, under bats' temporary folder), then asserts on the
# raw outputs.  Nothing writes to the project's results/.

export ROOT
bats_require_minimum_version 1.5.0	# run --separate-stderr, run -N (refused)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)	# this file is in tests/

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

# need_python TAG: skip the test unless scripts/setup/pythons finds TAG, naming
# the Pythons found and how to get this one.
need_python() {
	if ! "$ROOT"/scripts/setup/pythons "$1" >/dev/null 2>&1; then
		how=$("$ROOT"/scripts/setup/pythons --hint "$1")
		skip "needs Python $1, not found here ($("$ROOT"/scripts/setup/pythons all | awk '{ printf "%s%s", s, $1; s = ", " }')); $how"
	fi
}

# py3_tags: the tags of every Python 3.6+ with the GIL found here (those
# --pyframes serves), as one line.
py3_tags() {
	"$ROOT"/scripts/setup/pythons all | awk '$1 ~ /^3\./ && $2 !~ /^3\.[0-5]\./ &&
		$6 !~ /free-threaded/ { print $1 }' | paste -sd' ' -
}

# build_plant TAG DIR: tests/plant/rwplant.c built for Python TAG in DIR,
# with plant.py beside it.
build_plant() {
	_cfg=$("$ROOT"/scripts/setup/pythons "$1" | awk '{ print $3 }')
	# shellcheck disable=SC2046 # the include flags are words
	mkdir -p "$2" && cp "$ROOT/tests/plant/plant.py" "$2/" &&
		cc -shared -fPIC -g -O0 $("$_cfg" --includes) "$ROOT/tests/plant/rwplant.c" \
			-o "$2/rwplant$("$_cfg" --extension-suffix)"
}

# check_clean DIR: a memcheck result of a clean program: 0 errors, no
# leak record of any kind.
check_clean() {
	grep -qx 'errors: 0' "$1/summary.txt" || { cat "$1/summary.txt" >&2; return 1; }
	equals 0 "$(grep -c 'loss record' "$1/memcheck.log")"
}

# check_planted DIR: a memcheck --pyframes result of plant.py planted:
# exactly four errors, each planted one once, in its C function, with the
# Python function that called it on its stack.
check_planted() {
	grep -qx 'errors: 4' "$1/summary.txt" || { cat "$1/summary.txt" >&2; return 1; }
	# error kind, then its frames, one line an error
	awk '/^==[0-9]+== ([A-Z][a-z]|[0-9,]+ bytes in )/ { if (e != "") print e; e = $0; next }
		/^==[0-9]+==    (at|by) / { e = e " | " $0; next }
		{ if (e != "") print e; e = "" }' "$1/memcheck.log" >"$BATS_TEST_TMPDIR/errors"
	for want in 'Conditional jump .* uninit (rwplant.c:[0-9]*) .* py:check_uninit ' \
		'Invalid read of size 4 .* use_after_free (rwplant.c:[0-9]*) .* py:check_use_after_free ' \
		'Invalid read of size 8 .* PyBytes_FromStringAndSize .* freed_to_api (rwplant.c:[0-9]*) .* py:check_freed_to_api ' \
		'1,000 bytes in 1 blocks are definitely lost .* leak (rwplant.c:[0-9]*) .* py:check_leak '; do
		equals 1 "$(grep -c -- "$want" "$BATS_TEST_TMPDIR/errors")" || { echo "$want" >&2; return 1; }
	done
}

# tier_tags: the Pythons 3.6+ a file tests on: every one found in the full
# tier (RW_TEST_TIER=full, make test-full), else the release Python and
# the newest 3.x found (the oldest and newest CPython paths a fast pass
# must cover: Debian's 3.11.2 and 3.12+/3.13).
tier_tags() {
	if [ "${RW_TEST_TIER:-}" = full ]; then
		py3_tags
	else
		{ "$ROOT"/scripts/setup/pythons release | awk '{ print $1 }'
		  py3_tags | tr ' ' '\n' | tail -n 1; } | awk 'NF && !seen[$0]++' | paste -sd' ' -
	fi
}

# group N: N with a comma every three digits, as the report prints it.
group() {
	printf '%s\n' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'
}

# release_tag: the tag of Debian's release python3, as scripts/setup/pythons
# names it (3.11 here).
release_tag() {
	"$ROOT"/scripts/setup/pythons release | awk '{ print $1; exit }'
}

# phases TSV: the phase names of a phases.tsv, in order, one line.
phases() {
	awk -F'\t' 'NR > 1 { printf "%s%s", s, $2; s = " " } END { print "" }' "$1"
}

# copy_tree DIR [build]: the tree as a clone of it would hold it, with
# uncommitted changes (tracked and untracked files; not results/, not
# .git, nothing .gitignore'd) in DIR; with "build", build/ too, so that
# the runners are not built again.
copy_tree() {
	mkdir -p "$1" || return
	# shellcheck disable=SC2016 # the inner shell's own $f
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ ! -e "$f" ] || printf "%s\0" "$f"; done' - |
		xargs -0 cp --parents -t "$1") || return
	[ "${2:-}" != build ] || cp -a "$ROOT/build" "$1/"
}

# listing DIR: every folder under DIR, and every file with its size and
# time (not a folder's time: a temporary file made and removed is no
# change).
listing() {
	(cd "$1" && find . -type d -printf '%p/\n' -o -printf '%p %s %T@\n' | sort)
}

# refused DIR STATUS PATTERN CMD...: CMD exits STATUS, printing one line
# on stderr that matches PATTERN and nothing on stdout; nothing under DIR
# changes (- for no folder to watch).
refused() {
	_dir=$1 _want=$2 _pattern=$3
	shift 3
	[ "$_dir" = - ] || _before=$(listing "$_dir")
	run --separate-stderr "$@"
	# shellcheck disable=SC2154 # status, output, stderr: set by bats' run
	[ "$status" -eq "$_want" ] || { echo "exit $status, wanted $_want: $stderr" >&2; return 1; }
	[ -z "$output" ] || { echo "printed on stdout: $output" >&2; return 1; }
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ] || { echo "not one line: $stderr" >&2; return 1; }
	[[ "$stderr" =~ $_pattern ]] || { echo "'$stderr' does not match '$_pattern'" >&2; return 1; }
	[ "$_dir" = - ] || equals "$_before" "$(listing "$_dir")"
}

# env_note: the machine's state, for a failure's message: what moves a
# figure from outside the program -- the load, the memory free, this
# process's id, and what Python's start-up reads (the .pth files of the
# release Python's site folders, with their times: a package installed
# meanwhile adds one, and a count moves with it).
env_note() {
	printf 'load %s; MemAvailable %s kB of %s; pid %s; test %s of %s; .pth files: %s' \
		"$(cut -d' ' -f1-3 /proc/loadavg)" \
		"$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)" \
		"$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" "$$" \
		"${BATS_TEST_NUMBER:-?}" "${BATS_TEST_FILENAME##*/}" \
		"$(/usr/bin/python3 -c 'import glob, os, site, time
print(", ".join("{} ({})".format(p, time.strftime("%H:%M:%S", time.localtime(os.path.getmtime(p))))
      for d in site.getsitepackages() for p in sorted(glob.glob(os.path.join(d, "*.pth")))) or "none")' 2>&1)"
}
