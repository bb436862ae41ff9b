#!/usr/bin/env bats
# rangewall-test: alone (it loads the machine: no other file beside it)
# Counts on a busy machine: the count tests/pyembed.bats compares run to
# run (py-range@3.11's phases), made quietly, then beside a CPU hog per
# core and a process holding about half of the memory free
# (MemAvailable, never more: nothing may be OOM-killed).  phases.tsv is
# the same, every figure.

load ../helper

setup_file() {
	setup_results
	"$ROOT"/scripts/callgrind -n 100000 -o "$RESULTS/quiet" py-range@3.11 >&3
	export HOGS=''
	for _ in $(seq "$(nproc)"); do
		yes >/dev/null &
		HOGS="$HOGS $!"
	done
	half=$(awk '/^MemAvailable:/ { printf "%.0f", $2 * 1024 / 2 }' /proc/meminfo)
	python3 -c 'import sys, time
held = b"\1" * int(sys.argv[1])     # written, so resident
open(sys.argv[2], "w").close()
time.sleep(3600)' "$half" "$BATS_FILE_TMPDIR/held" &
	HOGS="$HOGS $!"
	while [ ! -e "$BATS_FILE_TMPDIR/held" ]; do sleep 0.2; done
	export HELD=$half NOTE
	NOTE=$(env_note)
	"$ROOT"/scripts/callgrind -n 100000 -o "$RESULTS/busy" py-range@3.11 >&3
	# shellcheck disable=SC2086 # the hogs' pids
	kill $HOGS
}

@test "callgrind beside a CPU hog per core and half the free memory held: phases.tsv as a quiet run's" {
	echo "# busy: $(nproc) CPU hogs, $(group "$HELD") B held; $NOTE" >&3
	diff -u "$RESULTS/quiet/py-range@3.11/callgrind/phases.tsv" "$RESULTS/busy/py-range@3.11/callgrind/phases.tsv"
}
