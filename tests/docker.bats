#!/usr/bin/env bats
# docker/: no engine runs here, so check what can be checked: the image
# installs exactly the packages the suite's own dependency step installs.

load helper

@test "the Dockerfile installs the same packages as scripts/deps" {
	want=$("$ROOT"/scripts/deps list | sort)
	got=$(sed -n '/apt-get install/,/&& rm/p' "$ROOT/docker/Dockerfile" |
		tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
		grep -vxE 'apt-get|install|rm' | sort)
	equals "$want" "$got"
}

@test "the Dockerfile starts from Debian 12, as the suite is checked on" {
	grep -qx 'FROM debian:12' "$ROOT/docker/Dockerfile"
}
