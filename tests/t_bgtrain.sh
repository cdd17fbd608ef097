# t_bgtrain - the driver end to end: exactly once, the same results as the programs, bad inputs
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
RA=$BIN/replay-analyze
PT=$BIN/policy-train
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

# Inputs: the 94 shared replays (flattened names), 40 generated games with
# distinct modification times (training takes the oldest first), a truncated
# replay and two of the bot's corrupted experience files.
mkdir -p "$T/replays" "$T/exp"
reference_list | while IFS= read -r p; do
	cp "$p" "$T/replays/$(printf %s "${p#$REPLAYS/}" | tr '/ ' '__')"
done
head -c 2000 "$(reference_list | head -n 1)" >"$T/replays/zz_truncated.SC2Replay"
$PY "$SHARED/tools/make_experience.py" "$T/gen" 40 30 5
i=0
for f in $(ls "$T/gen"); do
	cp "$T/gen/$f" "$T/exp/$f"
	touch -d "@$((1700000000 + i * 60))" "$T/exp/$f"
	i=$((i + 1))
done
cp "$SHARED/experience/corrupted/exp_20260125_141112_ep0.npz" "$SHARED/experience/corrupted/exp_20260125_154732_ep0.npz" "$T/exp/"
touch -d "@1600000000" "$T/exp/exp_20260125_141112_ep0.npz" "$T/exp/exp_20260125_154732_ep0.npz"
touch -d "@1600000000" "$T/replays/"*
cp -r "$T/replays" "$T/replays2"; cp -rp "$T/exp" "$T/exp2"

GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"
"$BG" once --replays "$T/replays" --experience "$T/exp" --state "$T/s1" --jobs 1 \
	--replay-batch 10 --quarantine "$T/q1" $GATE >"$T/out1" 2>"$T/err1"
expect_status 65 $? "once, with three bad inputs"
expect_grep "^Replays Analyzed: 94$" "$T/out1" "stats: replays"
# 42 files, oldest first, ten a job: the two corrupted ones are the oldest.
expect_grep "^Models Trained: 5$" "$T/out1" "stats: 42 files in batches of 10"
expect_grep "^Errors: 3$" "$T/out1" "stats: errors"
[ -f "$T/q1/zz_truncated.SC2Replay.reason" ] || fail "truncated replay not quarantined with a reason"
[ -f "$T/q1/exp_20260125_141112_ep0.npz.reason" ] || fail "corrupted experience not quarantined"
expect_grep "mismatched lengths" "$T/q1/exp_20260125_154732_ep0.npz.reason" "quarantine reason"

# The learned file is one replay-analyze --summary over the same replays.
ls "$T/replays2"/*.SC2Replay | grep -v zz_truncated | "$RA" --summary "$T/direct.json" - >/dev/null
$PY - "$T/direct.json" "$T/s1/learned_build_orders.json" <<'PY' || fail "learned file differs from one summary"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("generated_at"); b.pop("generated_at")
assert a == b
PY
# With one job, the model is sequential policy-train runs, oldest files first,
# ten at a time (the bad ones left out of their batch).
$PY - "$T/exp2" "$T/chunk" <<'PY'
import os, sys
d = sys.argv[1]
files = sorted((os.stat(os.path.join(d, f)).st_mtime, os.path.join(d, f)) for f in os.listdir(d))
for i in range(0, len(files), 10):
    good = [p for _, p in files[i:i + 10] if "exp_20260125" not in p]
    open("%s.%02d" % (sys.argv[2], i // 10), "w").write("\n".join(good) + "\n")
PY
first=1
for c in "$T"/chunk.*; do
	if [ $first = 1 ]; then
		"$PT" -m "$T/seq.npz" --init $(cat "$c") >/dev/null; first=0
	else
		"$PT" -m "$T/seq.npz" $(cat "$c") >/dev/null
	fi
done
$PY - "$T/seq.npz" "$T/s1/rl_agent_model.npz" <<'PY' || fail "--jobs 1 model differs from sequential training"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):
    assert np.abs(a[k] - b[k]).max() <= 1e-9, (k, np.abs(a[k] - b[k]).max())
assert a["episode_count"][0] == b["episode_count"][0] == 40
PY
# Nothing left to do: a second run starts no job.
"$BG" once --replays "$T/replays" --experience "$T/exp" --state "$T/s1" $GATE >"$T/out" 2>&1
expect_status 0 $? "second once"
expect_grep "^Replays Analyzed: 0$" "$T/out" "second run analyses nothing"
[ "$(wc -l <"$T/s1/joblog.tsv")" -eq "$(grep -c . "$T/s1/joblog.tsv")" ] || fail "joblog"
"$BG" status --state "$T/s1" --replays "$T/replays" --experience "$T/exp" --json >"$T/status"
$PY - "$T/status" <<'PY' || fail "status"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["replays_done"] == 94 and s["experience_done"] == 40 and s["failed"] == 3, s
assert s["replays_queued"] == 0 and s["experience_queued"] == 0 and not s["driver_running"], s
PY

# More workers: every game trained exactly once, every replay counted once.
"$BG" once --replays "$T/replays2" --experience "$T/exp2" --state "$T/s3" --jobs 3 \
	--replay-batch 7 --train-batch 4 -q $GATE >"$T/out3" 2>&1
$PY - "$T/s1/learned_build_orders.json" "$T/s3/learned_build_orders.json" "$T/s3/rl_agent_model.npz" <<'PY' || fail "--jobs 3"
import json, sys, numpy as np
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("generated_at"); b.pop("generated_at")
assert a == b
m = np.load(sys.argv[3])
assert m["episode_count"][0] == 40, m["episode_count"]
assert len(bytes(m["merged_candidates"])) == 11 * 32
PY
expect_grep "^Models Trained: 11$" "$T/out3" "stats with 3 jobs: 42 files, four a job"
expect_grep "^Replays Analyzed: 94$" "$T/out3" "stats with 3 jobs: replays"

# The same game under two names is one game: trained once.
mkdir -p "$T/dup/sub"
f=$(ls "$T/gen" | head -n 1); g=$(ls "$T/gen" | sed -n 2p)
cp "$T/gen/$f" "$T/dup/a.npz"; cp "$T/gen/$f" "$T/dup/sub/a-copy.npz"; cp "$T/gen/$g" "$T/dup/b.npz"
touch -d "@1600000000" "$T/dup/a.npz" "$T/dup/sub/a-copy.npz" "$T/dup/b.npz"
"$BG" once --experience "$T/dup" --state "$T/sdup" $GATE -q >/dev/null 2>&1
expect_status 0 $? "duplicate contents"
$PY -c "import sys, numpy as np; sys.exit(0 if np.load(sys.argv[1])['episode_count'][0] == 2 else 1)" \
	"$T/sdup/rl_agent_model.npz" || fail "a game under two names was trained twice"

# A broken setup (the work folder cannot be made) is found at start-up,
# never blamed on the inputs.
mkdir -p "$T/sbroken" "$T/few"
cp "$(ls "$T/replays2"/*.SC2Replay | head -n 1)" "$T/few/"
touch "$T/sbroken/work"
"$BG" once --replays "$T/few" --state "$T/sbroken" --quarantine "$T/qbroken" $GATE -q >"$T/out" 2>&1
expect_status 73 $? "a work folder that cannot be made"
expect_grep "sbroken/work: not a folder" "$T/out" "the work folder named"
[ -e "$T/qbroken" ] && fail "a broken setup quarantined good inputs"
grep -qs "^B" "$T/sbroken/ledger.tsv" && fail "a broken setup recorded good inputs as bad"
[ -f "$T/few/$(ls "$T/few" | head -n 1)" ] || fail "the input was moved"

# The programs name the inputs they refused in files the driver gives them,
# not on stderr: with their messages thrown away, the same inputs are refused.
mkdir -p "$T/mute" "$T/mreplays" "$T/mexp"
cp "$BG" "$BIN/merge-results" "$T/mute/"
for p in replay-analyze policy-train; do
	printf '#!/bin/sh\nexec "%s" "$@" 2>/dev/null\n' "$BIN/$p" >"$T/mute/$p"
	chmod +x "$T/mute/$p"
done
cp "$T/replays2/zz_truncated.SC2Replay" "$(ls "$T/replays2"/*.SC2Replay | head -n 1)" "$T/mreplays/"
# A name that is not UTF-8 comes back from replay-analyze with U+FFFD in it.
latin1=$(printf 'zz_d\351j\340_vu.SC2Replay')
head -c 3000 "$(reference_list | head -n 1)" >"$T/mreplays/$latin1"
cp "$T/exp2/exp_20260125_154732_ep0.npz" "$T/gen/$(ls "$T/gen" | head -n 1)" "$T/mexp/"
"$T/mute/bgtrain" once --replays "$T/mreplays" --experience "$T/mexp" --state "$T/smute" \
	--quarantine "$T/qmute" $GATE -q >"$T/out" 2>&1
expect_status 65 $? "programs whose stderr is lost"
expect_grep "^Replays Analyzed: 1$" "$T/out" "the good replay beside a refused one"
expect_grep "^Models Trained: 1$" "$T/out" "the good game beside a refused one"
[ -f "$T/qmute/zz_truncated.SC2Replay.reason" ] || fail "a refused replay went unnoticed without stderr"
[ -f "$T/qmute/$latin1.reason" ] || fail "a refused replay whose name is not UTF-8 went unnoticed"
if [ -f "$T/qmute/exp_20260125_154732_ep0.npz.reason" ]; then
	expect_grep "mismatched lengths" "$T/qmute/exp_20260125_154732_ep0.npz.reason" "a refused game's reason without stderr"
else
	fail "a refused game went unnoticed without stderr"
fi
[ "$(grep -c "^B" "$T/smute/ledger.tsv")" -eq 3 ] || fail "refused inputs recorded bad: want 3"

# A config file holds the same settings; a second driver on one state folder is refused.
printf 'replays = %s\nexperience = %s\njobs = 2\ncpu = 100\nmem = 100\nsettle = 0\n' \
	"$T/replays" "$T/exp" >"$T/conf"
"$BG" once --config "$T/conf" --state "$T/s1" >/dev/null 2>&1; expect_status 0 $? "--config"
printf 'jobs = many\n' >"$T/bad.conf"
"$BG" once --config "$T/bad.conf" --state "$T/s1" 2>"$T/err"; expect_status 64 $? "bad config"
expect_grep "bad.conf:1" "$T/err" "config error names the line"
flock "$T/s1/driver.lock" sleep 3 &
sleep 0.5
"$BG" once --replays "$T/replays" --state "$T/s1" $GATE >/dev/null 2>"$T/err"
expect_status 75 $? "second driver on one state folder"
wait
finish
