#!/bin/sh
# bench.sh - make bench: every tests/bench_*.sh, each printing its figures
# and ratios against a baseline measured in the same run.
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
export BGTRAIN_BIN BGTRAIN_TESTS
status=0
for b in tests/bench_*.sh; do
	echo "== $(basename "$b" .sh)"
	sh "$b" || status=1
done
exit $status
