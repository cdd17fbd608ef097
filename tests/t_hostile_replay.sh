# t_hostile_replay - replays made to break replay-analyze: bounded in time
# and memory, an error line and exit 65 (or a result), never a signal
. tests/lib.sh
need_shared
H=$SHARED/hostile

# run_bounded WHAT FILE [ARGS...]: replay-analyze under a 256 MB address
# space and 20 s of CPU; sets $rc, output in $T/out, $T/err.
run_bounded() {
	what=$1 f=$2
	shift 2
	# ASan reserves terabytes of address space: only the plain build can
	# run under an address-space limit; both run under the CPU limit.
	if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
		(ulimit -t 20; exec "$BIN/replay-analyze" "$@" "$f") >"$T/out" 2>"$T/err"
	else
		(ulimit -v 262144; ulimit -t 20; exec "$BIN/replay-analyze" "$@" "$f") \
		    >"$T/out" 2>"$T/err"
	fi
	rc=$?
	[ $rc -gt 128 ] && fail "$what: killed by signal $((rc - 128))"
	return 0
}

# peak_kb FILE: the most memory replay-analyze held on FILE, in KB.
peak_kb() {
	/usr/bin/time -f %M -o "$T/time" "$BIN/replay-analyze" "$1" \
	    >/dev/null 2>&1
	tail -n 1 "$T/time"
}

# Nested arrays that each claim the rest of the member: memory stays within
# 8x the member plus a fixed allowance, and the file is an error.
f=$H/oom_versioned_nested_arrays_256k.SC2Replay
run_bounded "nested arrays" "$f"
expect_status 65 $rc "nested arrays"
expect_grep "count larger than the data left" "$T/err" "nested arrays"
if [ "${BGTRAIN_BUILD:-release}" != asan ]; then	# ASan's memory is not ours
	kb=$(peak_kb "$f")
	[ "$kb" -lt 65536 ] || fail "nested arrays: $kb KB, want under 64 MB"
fi

# Unit tags chosen to collide in the unit table: as fast as a real replay.
f=$H/hang_unit_hash_collisions_320k.SC2Replay
run_bounded "colliding tags" "$f"
expect_status 0 $rc "colliding tags"
/usr/bin/time -f %U -o "$T/time" "$BIN/replay-analyze" "$f" >/dev/null 2>&1
$PY -c 'import sys; sys.exit(float(sys.argv[1]) >= 5)' "$(tail -n 1 "$T/time")" ||
	fail "colliding tags: $(tail -n 1 "$T/time") s of CPU, want under 5"

# Names with a NUL: bad data, its error line and 65, and no summary of
# merged keys.
f=$H/leak_learned_names_with_nul.SC2Replay
run_bounded "names with NUL" "$f" --race any --all-results -s "$T/s.json"
expect_status 65 $rc "names with NUL"
expect_grep "not UTF-8 text" "$T/err" "names with NUL"
grep -q '"Zerg"' "$T/s.json" 2>/dev/null && fail "names with NUL: counted in the summary"

# A replay rewritten while it is read: an error line or a result, never a
# signal (it was mapped, and a truncated mapping raises SIGBUS).
find "$REPLAYS" -name '*.SC2Replay' -printf '%s %p\n' | sort -n >"$T/sizes"
a=$(tail -n 1 "$T/sizes" | cut -d' ' -f2-)	# the largest, then the smallest
b=$(head -n 1 "$T/sizes" | cut -d' ' -f2-)
[ -f "$a" ] && [ -f "$b" ] || fail "rewritten replay: no replays found"
cp "$a" "$T/moving.SC2Replay"
(i=0; while [ $i -lt 100 ]; do
	cp "$a" "$T/moving.SC2Replay"; cp "$b" "$T/moving.SC2Replay"
	i=$((i + 1))
done) &
writer=$!
i=0 signals=0
while [ $i -lt 50 ]; do
	"$BIN/replay-analyze" "$T/moving.SC2Replay" >/dev/null 2>&1
	[ $? -gt 128 ] && signals=$((signals + 1))
	i=$((i + 1))
done
wait $writer
[ $signals = 0 ] || fail "rewritten replay: $signals of 50 runs killed by a signal"

# A member that claims 64 MiB in a small file: refused before anything of
# that size is allocated (the plain build runs it in a 48 MB address space).
f=$H/alloc_before_check_mpq_fsize_64m.SC2Replay
if [ "${BGTRAIN_BUILD:-release}" != asan ]; then
	(ulimit -v 49152; exec "$BIN/replay-analyze" "$f") >/dev/null 2>"$T/err"
	expect_status 65 $? "a member claiming 64 MiB, in 48 MB"
	expect_grep "truncated: stored member" "$T/err" "a member claiming 64 MiB"
fi

# A bzip2 member that claims 60 MiB and gives 12 KB (bzip2 has no ratio
# bound to refuse it by): memory follows the bytes produced, so it is an
# error in 48 MB of address space and a second of CPU, not out of memory.
f=tests/fuzz/regressions/replay/bzip2_claims_60m.SC2Replay
if [ "${BGTRAIN_BUILD:-release}" != asan ]; then
	(ulimit -v 49152; ulimit -t 1; exec "$BIN/replay-analyze" "$f") >/dev/null 2>"$T/err"
	expect_status 65 $? "a bzip2 member claiming 60 MiB, in 48 MB"
	expect_grep "bzip2 data shorter than the member size" "$T/err" "a bzip2 member claiming 60 MiB"
fi

finish
