#!/usr/bin/env bats
# Behaviour the other files do not reach, each its own assertion, on
# small programs under the rangewall command (Debian's python3, with the
# hook): exit statuses, the environment, what --measure all adds, the
# collection toggles, the annotate mode's frees, DHAT's modes.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export W="$BATS_FILE_TMPDIR/w"
	mkdir -p "$W"
	# work.py: the same sort in four phases; b: stop() twice, the sort, one
	# start() (nothing counted); c: a start() with no stop, then the sort;
	# d: the sort alone; a snapshot named x after it.
	cat >"$W/work.py" <<'PY'
import vg
def work():
    return sorted(range(5000, 0, -1))
vg.phase("a")
work()
vg.phase("b")
vg.stop(); vg.stop(); work(); vg.start()
vg.phase("c")
vg.start(); work()
vg.phase("d")
work()
vg.phase("e")
vg.snapshot("x")
PY
	cd "$W" || return 1
	"$ROOT"/scripts/rangewall callgrind -o "$RESULTS" work.py >&3 2>&1
	"$ROOT"/scripts/rangewall callgrind --measure all -o "$RESULTS" work.py >&3 2>&1
	"$ROOT"/scripts/rangewall massif -o "$RESULTS" work.py >&3 2>&1
}

ir() { tsv_get "$1" Ir phase "$2"; }

@test "exit status: a program killed by SIGTERM gives 143, its result kept and marked" {
	printf 'import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n' >"$W/term.py"
	cd "$W"
	run "$ROOT"/scripts/rangewall callgrind -o "$RESULTS" term.py
	[ "$status" -eq 143 ]
	grep -qx 'exit status: 143' "$RESULTS/term@3.11/callgrind/context"
}

@test "exit status: a program exiting 77 keeps its result and its 77 (not a skip)" {
	printf 'import sys\nprint("ran")\nsys.exit(77)\n' >"$W/s77.py"
	cd "$W"
	run --separate-stderr "$ROOT"/scripts/rangewall callgrind -o "$RESULTS" s77.py
	[ "$status" -eq 77 ]
	[ "$output" = ran ]
	grep -qx 'exit status: 77' "$RESULTS/s77@3.11/callgrind/context"
	[ -s "$RESULTS/s77@3.11/callgrind/phases.tsv" ]
}

@test "exit status: rangewall's own failure after the program started is 125" {
	# the program removes the folder Callgrind writes to (vg.parts)
	printf 'import shutil, vg\nshutil.rmtree(vg.parts)\n' >"$W/gone.py"
	cd "$W"
	run "$ROOT"/scripts/rangewall callgrind -o "$RESULTS" gone.py
	[ "$status" -eq 125 ]
	[ ! -e "$RESULTS/gone@3.11/callgrind" ]
}

@test "--venv of one Python with --python of another: refused in one line, exit 2" {
	other=$("$ROOT"/scripts/setup/pythons all | awk '$1 ~ /^3\.1[2-9]$/ { print $1; exit }')
	[ -n "$other" ] || skip "no Python 3.12+ here to mismatch with Debian's 3.11"
	/usr/bin/python3 -m venv --without-pip "$W/venv"
	cd "$W"
	refused "$W" 2 "^rangewall: error: --python $other is Python 3\..*, the virtualenv's is 3\.11\." \
		"$ROOT"/scripts/rangewall callgrind --venv venv --python "$other" -o "$RESULTS" work.py
}

@test "--clean-env: the program sees no variable of the caller's; PYTHONMALLOC and PYTHONHASHSEED change no count" {
	printf 'import os\nprint(os.environ.get("RW_T_PROBE"))\n' >"$W/probe.py"
	cd "$W"
	run --separate-stderr env RW_T_PROBE=here "$ROOT"/scripts/rangewall callgrind -o "$RESULTS/e1" probe.py
	[ "$output" = here ]
	run --separate-stderr env RW_T_PROBE=here "$ROOT"/scripts/rangewall callgrind --clean-env -o "$RESULTS/e2" probe.py
	[ "$output" = None ]
	env PYTHONMALLOC=malloc PYTHONHASHSEED=7 "$ROOT"/scripts/rangewall callgrind --clean-env \
		-o "$RESULTS/e3" work.py >/dev/null 2>&1
	"$ROOT"/scripts/rangewall callgrind --clean-env -o "$RESULTS/e4" work.py >/dev/null 2>&1
	equals "$(cut -f2,3 "$RESULTS/e4/work@3.11/callgrind/phases.tsv")" \
		"$(cut -f2,3 "$RESULTS/e3/work@3.11/callgrind/phases.tsv")"
}

@test "--measure all: start-up and finalize parts added; the program's parts count as a snippet run's, within 0.01 %" {
	a=$RESULTS/work@3.11/callgrind-all/phases.tsv s=$RESULTS/work@3.11/callgrind/phases.tsv
	equals "startup main a b c d e finalize exit" "$(awk -F'\t' 'NR > 1 { print $2 }' "$a" | paste -sd' ' -)"
	equals "main a b c d e exit" "$(awk -F'\t' 'NR > 1 { print $2 }' "$s" | paste -sd' ' -)"
	between 1000000 "$(ir "$a" startup)" 1000000000
	# the same within 0.01 % (a, the first after main, moved by 11 Ir in 902,130)
	for p in a b c d e; do
		x=$(ir "$s" $p) y=$(ir "$a" $p)
		between "$((x - x / 10000 - 20))" "$y" "$((x + x / 10000 + 20))"
	done
}

@test "toggles: stop(); stop(); work; start() leaves the work uncounted" {
	s=$RESULTS/work@3.11/callgrind/phases.tsv
	between 1 "$(ir "$s" b)" 5000	# the calls to the toggles alone
	between 500000 "$(ir "$s" d)" 5000000
}

@test "toggles: start() without a stop changes nothing (c and d within 1,000 Ir)" {
	s=$RESULTS/work@3.11/callgrind/phases.tsv
	c=$(ir "$s" c) d=$(ir "$s" d)
	between -1000 "$((c - d))" 1000
}

@test "vg.snapshot(\"x\") writes a Massif snapshot named x, between the phases' own" {
	d=$RESULTS/work@3.11/massif
	equals "startup main a b c d x e finalize" "$(for f in "$d"/snapshot.*; do echo "${f##*/}"; done |
		sort -t. -k2,2n | sed 's/^snapshot\.[0-9]*\.//' | paste -sd' ' -)"
}

@test "annotate mode: after the drop the heap is back to its level before the build; Memcheck's in use at exit the same in annotate and malloc modes, but for pymalloc's arena map" {
	printf 'import vg\nvg.phase("build")\nx = [str(i) for i in range(100000)]\nvg.phase("drop")\ndel x\n' >"$W/bd.py"
	cd "$W"
	"$ROOT"/scripts/rangewall massif --mode annotate -o "$RESULTS" bd.py >/dev/null 2>&1
	m=$RESULTS/bd@3.11/massif/phases.tsv
	main=$(tsv_get "$m" useful_heap_B phase main) build=$(tsv_get "$m" useful_heap_B phase build)
	drop=$(tsv_get "$m" useful_heap_B phase drop)
	between 5000000 "$((build - main))" 10000000	# 100,000 strings and their list
	between -65536 "$((drop - main))" 65536	# within 1 % of what was built
	for mode in annotate malloc; do
		"$ROOT"/scripts/rangewall memcheck --mode $mode -o "$RESULTS/mc-$mode" bd.py >/dev/null 2>&1
	done
	# in annotate mode pymalloc runs, and its arena map (two blocks of
	# 131,072 and 262,144 bytes, obmalloc.c's radix tree) lives to the end;
	# beside it, the two modes leave the same
	a=$(grep -o 'in use at exit: [0-9,]* bytes' "$RESULTS/mc-annotate/bd@3.11/memcheck/memcheck.log" | tr -dc 0-9)
	m=$(grep -o 'in use at exit: [0-9,]* bytes' "$RESULTS/mc-malloc/bd@3.11/memcheck/memcheck.log" | tr -dc 0-9)
	[ -n "$a" ]
	[ -n "$m" ]
	between -1024 "$((a - m - 393216))" 1024
}

@test "dhat: copy and ad-hoc modes write to folders of their own; bad modes refused, exit 2" {
	cd "$W"
	"$ROOT"/scripts/rangewall dhat --dhat-mode copy -o "$RESULTS" bd.py >/dev/null 2>&1
	"$ROOT"/scripts/rangewall dhat --dhat-mode ad-hoc -o "$RESULTS" bd.py >/dev/null 2>&1
	[ -s "$RESULTS/bd@3.11/dhat-copy/dhat.out" ]
	[ -s "$RESULTS/bd@3.11/dhat-adhoc/dhat.out" ]
	[ ! -e "$RESULTS/bd@3.11/dhat" ]
	refused "$W" 2 "^rangewall: error: --dhat-mode 'copies' is not heap, copy or ad-hoc$" \
		"$ROOT"/scripts/rangewall dhat --dhat-mode copies bd.py
	refused "$W" 2 "^rangewall: error: --mode 'fast' is not annotate, malloc or pymalloc$" \
		"$ROOT"/scripts/rangewall massif --mode fast bd.py
	run "$ROOT"/scripts/dhat -M most py-range@release
	[ "$status" -eq 2 ]
	[[ $output == *"MEASURE 'most'"* ]]
}

@test "rangewall runners: a runner that does not build is an error naming the Python, exit 1; built, the runner and hook exist" {
	b=$BATS_TEST_TMPDIR/b
	run env CC=false RW_BUILD="$b" "$ROOT"/scripts/rangewall runners /usr/bin/python3-config
	[ "$status" -eq 1 ]
	[[ $output == *"for Python 3.11 (/usr/bin/python3-config) does not build"* ]]
	run env RW_BUILD="$b" "$ROOT"/scripts/rangewall runners /usr/bin/python3-config
	[ "$status" -eq 0 ]
	[ -x "$b/pyembed/pyrun-3.11" ]
	[ -f "$b/pyembed/pyhook-3.11.so" ]
	[ -f "$b/pyembed/rangewall-preload.so" ]
}
