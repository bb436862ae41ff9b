#!/usr/bin/env bats
# docker/: no engine runs here, so check what can be checked: each image
# installs exactly the packages the suite's own dependency step installs,
# and runs make targets that exist.

load helper

# suite_packages FILE: the first apt-get install block's packages.
suite_packages() {
	awk '/apt-get install/ { on = 1 } on { print } on && /&& rm/ { exit }' "$1" |
		tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
		grep -vxE 'apt-get|install|rm' | sort
}

@test "each Dockerfile installs the same packages as scripts/setup/deps" {
	want=$("$ROOT"/scripts/setup/deps list | sort)
	for f in "$ROOT"/docker/Dockerfile*; do
		equals "$want" "$(suite_packages "$f")"
	done
}

@test "each Dockerfile starts from Debian 12, as the suite is checked on" {
	for f in "$ROOT"/docker/Dockerfile*; do
		grep -qx 'FROM debian:12' "$f"
	done
}

@test "each Dockerfile's make targets exist" {
	targets=$(make -s -C "$ROOT" help)
	for t in $(sed -n 's/.*\(RUN \|CMD \["\)make\(", \| \)//p' "$ROOT"/docker/Dockerfile* |
		tr -d '",[]' | tr ' ' '\n' | grep -E '^[a-z]+$'); do
		[[ "$targets" == *"  $t "* || "$targets" == *"* $t "* ]] || { echo "no target $t" >&2; false; }
	done
}

@test "the 2.7 image builds CPython with the seed's flags where scripts/setup/pythons looks" {
	f=$ROOT/docker/Dockerfile.py27-pydebug
	grep -q -- '--with-pydebug --with-valgrind' "$f"
	grep -qx 'ENV PYENV_ROOT=/opt/pyenv' "$f"
	grep -qx 'ARG PREFIX=/opt/pyenv/versions/2.7.18-pydebug' "$f"
	# scripts/setup/pythons' pattern for pyenv's interpreters matches that prefix.
	grep -qF '"${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python[23].*-config' "$ROOT/scripts/setup/pythons"
	grep -q 'BENCH=c-range py-range@2.7d' "$f"
}
