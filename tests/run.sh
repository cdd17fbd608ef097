#!/bin/sh
# run.sh - run every test once against one build (see `make test`).
#
# C tests are the test_* programs built into $BGTRAIN_TESTS; shell tests are
# tests/t_*.sh and drive the programs in $BGTRAIN_BIN. Exit status 77 means
# skipped (no ../shared); under CI=true the tests themselves fail instead.
# Prints one line per test and closes with "N passed, N failed".

: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
export BGTRAIN_BIN BGTRAIN_TESTS
cd "$(dirname "$0")/.." || exit 1

passed=0 failed=0 skipped=0 failures=
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {
	name=$1
	shift
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) passed=$((passed + 1)); echo "ok   $name (${secs}s)";;
	77) skipped=$((skipped + 1)); echo "skip $name: $(tail -n 1 "$log")";;
	*) failed=$((failed + 1)); failures="$failures $name"
	   echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log" | tail -n 40;;
	esac
}

for t in "$BGTRAIN_TESTS"/test_*; do
	[ -x "$t" ] && run "${BGTRAIN_BUILD:-release}/$(basename "$t")" "$t"
done
for t in tests/t_*.sh; do
	run "${BGTRAIN_BUILD:-release}/$(basename "$t" .sh)" sh "$t"
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
