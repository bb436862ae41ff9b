#!/usr/bin/env bats
# The full tier: set-up from any first command.  `make build` and `make
# install` on a machine where valgrind.h is missing install it (as root)
# or name the package to install (as a user); `make install PREFIX=DIR` as
# an ordinary user works and leaves nothing root-owned in the checkout.
# valgrind.h is hidden with an empty tmpfs mounted over its folder in a
# private mount namespace (unshare -m), and the checks look for the file.

load ../helper
bats_require_minimum_version 1.5.0

USER_NAME=rangewall-test

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0
	id "$USER_NAME" >/dev/null 2>&1 || useradd -m "$USER_NAME" || return 1
	# A folder the user can reach (bats' own are the runner's alone).
	export USERDIR CLONE
	USERDIR=$(mktemp -d /tmp/rangewall-user.XXXXXX) && chmod 755 "$USERDIR" || return 1
	CLONE=$USERDIR/clone
	mkdir -p "$CLONE"
	# The tree as a newcomer has it: its tracked files.
	(cd "$ROOT" && git ls-files -z && git ls-files -z --others --exclude-standard) |
		(cd "$ROOT" && xargs -0 cp --parents -t "$CLONE") || return 1
}

teardown_file() {
	[ -z "${USERDIR:-}" ] || rm -rf "$USERDIR"
}

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: it mounts in a private namespace and adds a user"
	command -v unshare >/dev/null || skip "needs unshare (util-linux)"
}

# hidden CMD...: CMD with /usr/include/valgrind empty, in a namespace of its own.
hidden() {
	unshare -m sh -c 'mount -t tmpfs rangewall-test /usr/include/valgrind && "$@"' sh "$@"
}

@test "make build as root, valgrind.h hidden: the package is put back and the build succeeds" {
	c=$USERDIR/c
	cp -a "$CLONE" "$c"
	run hidden sh -c "[ ! -e /usr/include/valgrind/valgrind.h ] && make -C '$c' build PYTHONS=release && [ -f /usr/include/valgrind/valgrind.h ]"
	printf '%s\n' "$output" | tail -n 5
	equals 0 "$status"
	[[ $output == *"deps: installing valgrind"* ]]
	[ -x "$c/build/c-range" ]
}

@test "make install as a user, valgrind.h hidden: one line naming the apt-get install to run, exit 2" {
	c=$USERDIR/u
	cp -a "$CLONE" "$c"
	chown -R "$USER_NAME" "$c"
	run hidden runuser -u "$USER_NAME" -- make -C "$c" install PREFIX="$c/prefix"
	[ "$status" -eq 2 ]
	printf '%s\n' "$output" | grep -qx 'deps: error: missing packages; run: sudo apt-get install valgrind'
	[ ! -e "$c/build/c-range" ]
}

@test "make install PREFIX=DIR as a user works, and leaves nothing root-owned in the checkout" {
	c=$USERDIR/v
	cp -a "$CLONE" "$c"
	chown -R "$USER_NAME" "$c"
	run runuser -u "$USER_NAME" -- make -C "$c" install PREFIX="$c/prefix"
	printf '%s\n' "$output" | tail -n 3
	equals 0 "$status"
	[ -x "$c/prefix/bin/rangewall" ]
	run runuser -u "$USER_NAME" -- "$c/prefix/bin/rangewall" --version
	equals 0 "$status"
	run find "$c" ! -user "$USER_NAME"
	equals "" "$output"
}
