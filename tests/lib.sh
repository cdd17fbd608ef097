# lib.sh - what the shell tests share; sourced, not run.
#
# Each test reads ../shared in place and writes only below a temporary
# folder outside the project, removed on exit.

SHARED=${BGTRAIN_SHARED:-../shared}
REPLAYS=$SHARED/replays
BIN=${BGTRAIN_BIN:?}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/bgtrain-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
failures=0

# need_shared: skip (77) when ../shared is absent, fail under CI=true.
need_shared() {
	[ -d "$REPLAYS" ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $REPLAYS is missing (CI always has it)"
		exit 1
	fi
	echo "SKIP: $REPLAYS is missing"
	exit 77
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect_status WANT GOT WHAT
expect_status() {
	[ "$1" = "$2" ] || fail "$3: exit status $2, want $1"
}

# expect_grep PATTERN FILE WHAT
expect_grep() {
	grep -q -- "$1" "$2" || { fail "$3: no line matching '$1' in:"; sed 's/^/    /' "$2" | head -n 10; }
}

# The 94 reference replays, one path a line, in MANIFEST order.
reference_list() {
	tail -n +2 "$REPLAYS/MANIFEST.tsv" | cut -f1 | sed "s|^|$REPLAYS/|"
}

finish() {
	[ "$failures" -eq 0 ] && echo "all checks passed" && exit 0
	echo "$failures checks failed"
	exit 1
}
