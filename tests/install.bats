#!/usr/bin/env bats
# make install: the rangewall command in a project of its own, with its
# virtualenv and its arguments, the source tree moved away; bad input;
# make uninstall.  The install is made from a copy of the tree (its
# tracked files), built for Debian's release python3 only.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
	setup_results
	export SRC="$BATS_FILE_TMPDIR/src" PREFIX="$BATS_FILE_TMPDIR/prefix" PROJ="$BATS_FILE_TMPDIR/proj"
	export REL RW="$BATS_FILE_TMPDIR/prefix/bin/rangewall"
	REL=$(release_tag)
	mkdir -p "$PREFIX" "$PROJ"
	# A clone (make install records its commit), with the uncommitted
	# sources over it: the test checks the tree as it is.
	git clone -q "$ROOT" "$SRC" || return 1
	(cd "$ROOT" && git ls-files -z && git ls-files -z --others --exclude-standard) |
		(cd "$ROOT" && xargs -0 cp --parents -t "$SRC") || return 1
	(cd "$ROOT" && git ls-files -z --deleted) | (cd "$SRC" && xargs -0 -r rm -f)
	find "$PREFIX" | sort >"$BATS_FILE_TMPDIR/before"
	# The runner for the release python3 only (PYTHONS=): fewer to build.
	make -s -C "$SRC" install PREFIX="$PREFIX" PYTHONS="$REL" >&3 2>&1 || return 1

	# The project: a virtualenv with a package of its own (installed from
	# its folder, no network), a script and a module using it.
	/usr/bin/python3 -m venv "$PROJ/venv" || return 1
	mkdir -p "$PROJ/pkg/orders"
	# setup.py, not pyproject.toml: a venv of Debian's python3 has no
	# `wheel`, and pip's PEP 517 path needs it; the legacy install does not.
	cat >"$PROJ/pkg/setup.py" <<-'EOF'
		from setuptools import setup
		setup(name="orders", version="1.0", packages=["orders"])
	EOF
	cat >"$PROJ/pkg/orders/__init__.py" <<-'EOF'
		def make(n):
		    return [{"id": i, "total": i * 3} for i in range(n)]
	EOF
	"$PROJ/venv/bin/python" -m pip install -q --no-index --no-use-pep517 "$PROJ/pkg" >&3 2>&1 ||
		return 1
	rm -rf "$PROJ/pkg"
	mkdir -p "$PROJ/work"
	cat >"$PROJ/work/app.py" <<-'EOF'
		import argparse, sys
		import orders
		try:
		    import vg
		except ImportError:
		    vg = None
		ap = argparse.ArgumentParser()
		ap.add_argument("--size", type=int, required=True)
		ap.add_argument("--exit", type=int, default=0)
		a = ap.parse_args()
		print("argv", sys.argv[1:], "from", orders.__file__)
		vg.phase("make")
		rows = orders.make(a.size)
		vg.phase("sum")
		print("total", sum(r["total"] for r in rows))
		sys.exit(a.exit)
	EOF
	printf 'raise ValueError("boom")\n' >"$PROJ/work/raises.py"

	# The runs, the source tree moved away meanwhile.
	mv "$SRC" "$SRC.away"
	cd "$PROJ/work" || return 1
	rc=0
	"$RW" callgrind --venv "$PROJ/venv" app.py --size 1000 >"$BATS_FILE_TMPDIR/cg.out" 2>"$BATS_FILE_TMPDIR/cg.err" || rc=$?
	echo $rc >"$BATS_FILE_TMPDIR/cg.status"
	rc=0
	VIRTUAL_ENV="$PROJ/venv" "$RW" massif -m app --size 1000 >"$BATS_FILE_TMPDIR/ms.out" 2>"$BATS_FILE_TMPDIR/ms.err" || rc=$?
	echo $rc >"$BATS_FILE_TMPDIR/ms.status"
	mv "$SRC.away" "$SRC"
}

teardown_file() {
	[ ! -d "$SRC.away" ] || mv "$SRC.away" "$SRC"
}

@test "install: the command, its runners and its man page, in PREFIX" {
	[ -L "$PREFIX/bin/rangewall" ]
	[ -x "$PREFIX/lib/rangewall/build/pyembed/pyrun-$REL" ]
	[ -f "$PREFIX/share/man/man1/rangewall.1" ]
	for f in README TUTORIAL GUIDE PYTEST REFERENCE; do [ -f "$PREFIX/share/doc/rangewall/$f.md" ]; done
	man -l "$PREFIX/share/man/man1/rangewall.1" 2>/dev/null | grep -q 'rangewall TOOL \[OPTIONS\] SCRIPT'
	run "$RW" --version
	equals 0 "$status"
	# the commit it was installed from, as git describes it: never "unknown"
	equals "rangewall $(git -C "$SRC" describe --always --dirty)" "$output"
}

@test "rangewall callgrind --venv V app.py --size 1000: the package imports, the arguments arrive" {
	equals 0 "$(cat "$BATS_FILE_TMPDIR/cg.status")"
	grep -q "argv \['--size', '1000'\] from $PROJ/venv/lib/python3.*/site-packages/orders/__init__.py" \
		"$BATS_FILE_TMPDIR/cg.out"
	grep -q '^total 1498500$' "$BATS_FILE_TMPDIR/cg.out"
}

@test "rangewall callgrind: one part per phase, in ./rangewall-results, the context names the virtualenv" {
	d=$PROJ/work/rangewall-results/app@$REL/callgrind
	equals "main make sum" "$(awk -F'\t' 'NR > 1 && $2 != "exit" { print $2 }' "$d/phases.tsv" | paste -sd' ' -)"
	grep -q "^venv: $PROJ/venv$" "$d/context"
	grep -q "^rangewall: .*(installed in $PREFIX/lib/rangewall)" "$d/context"
	grep -q "^exit status: 0$" "$d/context"
}

@test "rangewall massif -m app --size 1000 (VIRTUAL_ENV): a snapshot per phase" {
	equals 0 "$(cat "$BATS_FILE_TMPDIR/ms.status")"
	grep -q '^total 1498500$' "$BATS_FILE_TMPDIR/ms.out"
	d=$PROJ/work/rangewall-results/app@$REL/massif
	equals "startup main make sum finalize" "$(awk -F'\t' 'NR > 1 { print $2 }' "$d/phases.tsv" | paste -sd' ' -)"
	grep -q "^venv: $PROJ/venv$" "$d/context"
	grep -q "^program: -m app$" "$d/context"
}

@test "the source tree was not needed: nothing in the results points into it" {
	run grep -rl "$SRC" "$PROJ/work/rangewall-results" --include=context
	equals "" "$output"
	run grep -c "$SRC" "$BATS_FILE_TMPDIR/cg.err" "$BATS_FILE_TMPDIR/ms.err"
	equals "$(printf '%s\n' "$BATS_FILE_TMPDIR/cg.err:0" "$BATS_FILE_TMPDIR/ms.err:0")" "$output"
}

@test "a script exiting 3 gives 3, its results kept and marked" {
	cd "$PROJ/work"
	run "$RW" callgrind --venv "$PROJ/venv" -o r3 app.py --size 10 --exit 3
	equals 3 "$status"
	[[ $output == *"the program exited 3"* ]]
	grep -q '^exit status: 3$' r3/app@"$REL"/callgrind/context
	[ -s r3/app@"$REL"/callgrind/callgrind.out.1 ]
}

@test "a script that raises gives its traceback and exit 1" {
	cd "$PROJ/work"
	run --separate-stderr "$RW" callgrind -o rr raises.py
	equals 1 "$status"
	[[ $stderr == *"Traceback (most recent call last)"*"ValueError: boom"* ]]
}

# refused_here STATUS PATTERN CMD...: one line on stderr matching
# PATTERN, exit STATUS, and nothing written in the project's folder.
refused_here() { refused "$PROJ/work" "$@"; }

@test "bad input: each one line, exit 2, nothing written" {
	cd "$PROJ/work"
	refused_here 2 "^rangewall: error: no such script: 'nope.py'" "$RW" callgrind -o new nope.py
	refused_here 2 "^rangewall: error: no module named 'nope'" "$RW" massif --venv "$PROJ/venv" -o new -m nope
	refused_here 2 "^rangewall: error: --venv '/tmp' is not a virtualenv" "$RW" callgrind --venv /tmp -o new app.py --size 1
	refused_here 2 "^rangewall: error: cannot write results to '/proc/new'" "$RW" callgrind -o /proc/new app.py --size 1
	refused_here 2 "^rangewall: error: unknown tool 'perf'" "$RW" perf app.py
	# (Where a 2.7 is found: without one, --python py2 is refused earlier.)
	if [ -n "$("$ROOT"/scripts/setup/pythons py2)" ]; then
		refused_here 2 "^rangewall: error: --pyframes needs Python 3.6\\+" "$RW" callgrind --python py2 --pyframes app.py
	else
		refused_here 2 "^rangewall: error: no Python 'py2' here" "$RW" callgrind --python py2 --pyframes app.py
	fi
}

@test "bad input: a Python without a runner names it and how to build one" {
	t=$("$ROOT"/scripts/setup/pythons all | awk -v r="$REL" '$1 != r { print $1; exit }')
	[ -n "$t" ] || skip "only one Python here"
	cd "$PROJ/work"
	refused_here 2 "^rangewall: error: no runner for Python $t .*: build one with: make runners PYTHONS=$t \\(or rangewall runners" \
		"$RW" callgrind --python "$t" -o new app.py --size 1
}

@test "rangewall report: a report of the project's programs, not of the seeds" {
	cd "$PROJ/work"
	run "$RW" report
	equals 0 "$status"
	grep -q '^# rangewall: your programs' rangewall-results/REPORT.md
	grep -q "^## app@$REL — callgrind" rangewall-results/REPORT.md
	grep -q '^| make | Ir | [0-9,]* |$' rangewall-results/REPORT.md
	grep -q "^- venv: \`$PROJ/venv\`" rangewall-results/REPORT.md
}

@test "make uninstall removes every installed file" {
	make -s -C "$SRC" uninstall PREFIX="$PREFIX"
	diff "$BATS_FILE_TMPDIR/before" <(find "$PREFIX" | sort)
}
