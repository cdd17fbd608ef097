#!/bin/sh
# t_fuzz - the libFuzzer harnesses of tests/fuzz keep working: built with
# clang (make fuzz-build), each runs over its seeds (../shared, made seeds,
# tests/fuzz/regressions) and then 2000 new inputs from a fixed seed, under
# ASan and UBSan; any crash, leak, sanitizer report, timeout or memory
# blow-up fails. Harnesses named in tests/fuzz/corpus-only run over their
# seeds only. Runs once per `make check` (in the release pass: the harnesses
# are instrumented whatever the build). Needs clang: skipped without it,
# failed under CI=true.
cd "$(dirname "$0")/.." || exit 1

if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
	echo "the fuzzers run once, in the release pass"
	exit 77
fi
if ! command -v clang >/dev/null 2>&1; then
	echo "t_fuzz: no clang (sh bin/install-deps)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
if [ ! -d ../shared/replays ]; then
	echo "t_fuzz: no ../shared/replays"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
log=build/fuzz/build.log
mkdir -p build/fuzz
# MAKEFLAGS of an enclosing make may name a jobserver this make cannot reach.
if ! env -u MAKEFLAGS -u MFLAGS make -j2 fuzz-build >"$log" 2>&1; then
	tail -n 30 "$log"
	echo "t_fuzz: make fuzz-build failed"
	exit 1
fi
BGTRAIN_BIN=${BGTRAIN_BIN:-$PWD/bin} sh tests/fuzz/run.sh check
