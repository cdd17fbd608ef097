# t_bgtrain_hostile - hostile inputs and state: a bad input is isolated from its batch,
# a stalled job is stopped, the driver's own files are never followed, faults say why
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"

# stand_in DIR SCRIPT: a copy of bgtrain in DIR whose replay-analyze is SCRIPT
# (sh text; $REAL is the real one), beside the real other programs.
stand_in() {
	mkdir -p "$1"
	cp "$BG" "$BIN/merge-results" "$BIN/policy-train" "$1/"
	{ printf '#!/bin/sh\nREAL=%s\n' "$BIN/replay-analyze"; printf '%s\n' "$2"; } >"$1/replay-analyze"
	chmod +x "$1/replay-analyze"
}

# Six good replays and one more (good content) that the stand-ins pick out by name.
mkdir -p "$T/replays"
reference_list | head -n 7 | {
	i=0
	while read -r f; do
		i=$((i + 1))
		if [ $i -eq 4 ]; then cp "$f" "$T/replays/bad.SC2Replay"; else cp "$f" "$T/replays/g$i.SC2Replay"; fi
	done
}

# 1. A replay that makes replay-analyze crash: the batch is split until it runs
# alone; the six good ones are analysed and only it is quarantined, with the signal.
stand_in "$T/crash" 'for a; do case $a in */bad.SC2Replay) kill -SEGV $$;; esac; done
exec "$REAL" "$@"'
(ulimit -c 0; timeout 120 "$T/crash/bgtrain" once --replays "$T/replays" --state "$T/s1" \
	--quarantine "$T/q1" --learned "$T/l1.json" --jobs 2 $GATE -q >"$T/out" 2>"$T/err")
expect_status 65 $? "a replay that crashes replay-analyze"
expect_grep "^Replays Analyzed: 6$" "$T/out" "the good replays beside a crashing one"
[ "$(ls "$T/q1" 2>/dev/null | tr '\n' ' ')" = "bad.SC2Replay bad.SC2Replay.reason " ] &&
	expect_grep "killed replay-analyze: SIGSEGV" "$T/q1/bad.SC2Replay.reason" "the crash's reason" ||
	fail "want exactly the crashing replay quarantined, got: $(ls "$T/q1" 2>/dev/null | tr '\n' ' ')"
[ "$(grep -c "^B" "$T/s1/ledger.tsv")" -eq 1 ] || fail "the crashing replay is not recorded bad once"
ls "$T/replays" | grep -q bad && fail "the crashing replay was left in place"
# Recorded bad: a second run has nothing to do and succeeds.
"$T/crash/bgtrain" once --replays "$T/replays" --state "$T/s1" --learned "$T/l1.json" $GATE -q >"$T/out" 2>&1
expect_status 0 $? "a second run after the crash was isolated"

# 2. --job-timeout: a job that stalls on one replay (and ignores SIGTERM) is killed
# after --grace; the stalling replay, alone, is quarantined with the reason.
cp "$T/q1/bad.SC2Replay" "$T/replays/bad.SC2Replay"
stand_in "$T/slow" 'for a; do case $a in */bad.SC2Replay) trap "" TERM; sleep 60; exit 0;; esac; done
exec "$REAL" "$@"'
start=$(date +%s)
timeout 120 "$T/slow/bgtrain" once --replays "$T/replays" --state "$T/s2" --quarantine "$T/q2" \
	--learned "$T/l2.json" --job-timeout 1 --grace 1 $GATE -q >"$T/out" 2>"$T/err"
expect_status 65 $? "a replay that stalls replay-analyze"
[ $(($(date +%s) - start)) -lt 50 ] || fail "--job-timeout 1 did not stop the stalled job"
expect_grep "^Replays Analyzed: 6$" "$T/out" "the good replays beside a stalling one"
[ "$(ls "$T/q2" 2>/dev/null | tr '\n' ' ')" = "bad.SC2Replay bad.SC2Replay.reason " ] &&
	expect_grep "replay-analyze ran over --job-timeout (1 s)" "$T/q2/bad.SC2Replay.reason" "the timeout's reason" ||
	fail "want exactly the stalling replay quarantined, got: $(ls "$T/q2" 2>/dev/null | tr '\n' ' ')"
expect_grep "ran over --job-timeout" "$T/err" "the timeout is said"
"$BG" once --help 2>&1 | grep -q -- "--job-timeout" || fail "--job-timeout is not in --help"

# 3. A ledger whose job number is the largest int64_t: damage (65, with the line),
# never a number that overflows when the next job is counted. The hostile file's
# hash is short; the same record with well-formed hashes, and one a digit longer.
md5=d41d8cd98f00b204e9800998ecf8427e
printf 'P\t9223372036854775807\tanalysis\t/s/o.json\t%s\t%s\t/r/a.SC2Replay\n' $md5 $md5 >"$T/big.tsv"
printf 'M\t99999999999999999999\n' >"$T/bigm.tsv"
for ledger in "$SHARED/hostile/ubsan_ledger_next_job_overflow.tsv" "$T/big.tsv" "$T/bigm.tsv"; do
	for cmd in status once; do
		rm -rf "$T/s3"; mkdir -p "$T/s3"
		cp "$ledger" "$T/s3/ledger.tsv"
		"$BG" $cmd --state "$T/s3" --replays "$T/replays" $GATE -q >"$T/out" 2>"$T/err"
		expect_status 65 $? "$cmd: a ledger whose job number overflows ($(basename "$ledger"))"
		expect_grep "ledger.tsv:1: damaged record" "$T/err" "$cmd: the overflowing ledger's message"
	done
done

# 4. The driver's own files and a lock file that are symbolic links are refused
# (74, naming the file), never followed: their targets stay as they were.
mkdir -p "$T/r4"
cp "$T/replays/g1.SC2Replay" "$T/r4/"
for name in driver.lock ledger.tsv joblog.tsv; do
	rm -rf "$T/s4"; mkdir -p "$T/s4"
	printf 'keep\n' >"$T/victim"
	ln -s "$T/victim" "$T/s4/$name"
	"$BG" once --state "$T/s4" --replays "$T/r4" --learned "$T/l4.json" $GATE -q >"$T/out" 2>"$T/err"
	expect_status 74 $? "once with $name a symbolic link"
	expect_grep "$name: a symbolic link" "$T/err" "$name a symbolic link: the message"
	[ "$(cat "$T/victim")" = keep ] || fail "$name a symbolic link: its target was written"
done
printf 'keep\n' >"$T/victim"
ln -s "$T/victim" "$T/l5.json.lock"
"$BIN/merge-results" learned -o "$T/l5.json" "$T/l1.json" >"$T/out" 2>"$T/err"
[ $? -ne 0 ] || fail "merge-results with TARGET.lock a symbolic link succeeded"
[ "$(cat "$T/victim")" = keep ] || fail "TARGET.lock a symbolic link: its target was written"
[ -e "$T/l5.json" ] && fail "TARGET.lock a symbolic link: the output was written unlocked"

exit $((failures > 0))
