# t_bgtrain_logs - logs do not grow without end: the job log, the hooks' and
# merges' logs and bgtrain-cron's log rotate at --log-max (K, M, G), to
# LOG.1 .. LOG.4, the oldest dropped; the ledger and the learned file never
# rotate; bgtrain rotate does it for a log named on its command line.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0 -q"

mkdir -p "$T/r"
reference_list | head -n 40 | while IFS= read -r p; do
	cp "$p" "$T/r/$(printf %s "${p#$REPLAYS/}" | tr '/ ' '__')"
done
n=$(ls "$T/r" | wc -l)

# One replay a job, a hook that says a lot after each merge, logs of 1 KiB.
"$BG" once --replays "$T/r" --state "$T/s" --jobs 1 --replay-batch 1 --log-max 1K \
	--on-merge 'head -c 300 /dev/zero | tr "\0" x; echo' $GATE >"$T/out" 2>"$T/err"
expect_status 0 $? "once with --log-max 1K"
for log in joblog.tsv hook.log; do
	for k in 1 2 3 4; do
		[ -s "$T/s/$log.$k" ] || fail "$log.$k: missing after $n jobs at --log-max 1K"
	done
	[ -e "$T/s/$log.5" ] && fail "$log.5: more than four old files kept"
	for f in "$T/s/$log" "$T/s/$log".[1-4]; do
		[ "$(wc -c <"$f")" -le 1500 ] || fail "$f: $(wc -c <"$f") bytes at --log-max 1K"
	done
done
# Each job log starts with its header; the newest job is in the current one.
for f in "$T/s/joblog.tsv" "$T/s/joblog.tsv".[1-4]; do
	head -n 1 "$f" | grep -q '^Seq	Kind' || fail "$f: no header"
done
last=$(tail -n 1 "$T/s/joblog.tsv" | cut -f1)
[ "$last" = "$((n - 1))" ] || fail "the newest job ($((n - 1))) is not in joblog.tsv: $last"
# No job is in two logs, and the order runs on across them.
cat "$T/s/joblog.tsv".4 "$T/s/joblog.tsv".3 "$T/s/joblog.tsv".2 "$T/s/joblog.tsv".1 \
	"$T/s/joblog.tsv" | grep -v '^Seq' | cut -f1 >"$T/seqs"
sort -n -c "$T/seqs" 2>/dev/null || fail "the job logs are not in order across the rotations"
[ "$(sort -u "$T/seqs" | wc -l)" = "$(wc -l <"$T/seqs")" ] || fail "a job in two job logs"
# What is never dropped: the ledger and the learned file.
ls "$T/s" | grep -E '^(ledger\.tsv|learned_build_orders\.json)\.[0-9]' &&
	fail "the ledger or the learned file was rotated"
[ "$("$BG" status --state "$T/s" --replays "$T/r" --json |
	$PY -c 'import json, sys; print(json.load(sys.stdin)["replays_done"])')" = "$n" ] ||
	fail "the ledger lost jobs to a rotation"

# --log-max 0: never.
"$BG" once --replays "$T/r" --state "$T/s0" --jobs 1 --replay-batch 4 --log-max 0 \
	$GATE >"$T/out" 2>"$T/err"
[ -e "$T/s0/joblog.tsv.1" ] && fail "--log-max 0 rotated the job log"

# bgtrain-cron: its log rotates too, before a run, by the run that holds the lock.
for i in 1 2 3 4 5 6; do
	BGTRAIN="$BG" bin/bgtrain-cron --replays "$T/r" --state "$T/sc" --log-max 300 $GATE
	expect_status 0 $? "bgtrain-cron run $i"
done
[ -s "$T/sc/cron.log.1" ] || fail "bgtrain-cron's log was not rotated at --log-max 300"
expect_grep "^== exit 0$" "$T/sc/cron.log" "the last run in cron.log"
[ "$(wc -c <"$T/sc/cron.log")" -le 1500 ] || fail "cron.log: $(wc -c <"$T/sc/cron.log") bytes"
printf 'log-max = 1M\n' >"$T/c.conf"
before=$(wc -c <"$T/sc/cron.log")
BGTRAIN="$BG" bin/bgtrain-cron --config "$T/c.conf" --replays "$T/r" --state "$T/sc" $GATE
[ "$(wc -c <"$T/sc/cron.log")" -gt "$before" ] || fail "log-max = 1M in a config file: cron.log rotated"

# bgtrain rotate: past the size, moved; under it, left; K, M, G read.
head -c 3000 /dev/zero >"$T/a.log"
head -c 100 /dev/zero >"$T/b.log"
"$BG" rotate --log-max 2K "$T/a.log" "$T/b.log" "$T/none.log"
expect_status 0 $? "bgtrain rotate"
[ -f "$T/a.log.1" ] && [ ! -e "$T/a.log" ] || fail "bgtrain rotate: a log past 2K was not moved"
[ -f "$T/b.log" ] && [ ! -e "$T/b.log.1" ] || fail "bgtrain rotate: a log under 2K was moved"
head -c 3000 /dev/zero >"$T/a.log"
"$BG" rotate --log-max 1M "$T/a.log"
[ -f "$T/a.log" ] || fail "bgtrain rotate --log-max 1M moved a 3000-byte log"
"$BG" rotate --log-max 2k "$T/a.log"
[ -f "$T/a.log.2" ] && [ -f "$T/a.log.1" ] || fail "bgtrain rotate: the older log did not move up"
for bad in 2X -1 1.5M 2KB ""; do
	"$BG" rotate --log-max "$bad" "$T/a.log" 2>"$T/err"
	expect_status 64 $? "--log-max '$bad'"
done
expect_grep "log-max: a size in bytes" "$T/err" "--log-max's message"
"$BG" rotate 2>"$T/err"
expect_status 64 $? "bgtrain rotate with no log"
finish
