# t_bgtrain_bot - bgtrain and the bot: --bot's layout end to end, --deploy and
# --on-merge, the training settings handed to the jobs, the bot's unfinished
# *.tmp.npz adopted
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
PT=$BIN/policy-train
GOOD=$SHARED/experience/good
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

# A stand-in policy-train beside a copy of bgtrain: it appends its arguments,
# one a line and a blank line after each call, to $T/argv, then runs the real
# one. Until policy-train knows --behavior and --max-ratio, it leaves them out
# for the real one: the driver's command line is what is checked here.
mkdir -p "$T/pt"
cp "$BG" "$BIN/merge-results" "$BIN/replay-analyze" "$T/pt/"
cat >"$T/pt/policy-train" <<EOF
#!/bin/sh
{ printf '%s\n' "\$@"; echo; } >>"$T/argv"
REAL=$PT
"\$REAL" --help | grep -q -- --behavior && exec "\$REAL" "\$@"
skip=0
for a; do
	shift
	if [ \$skip = 1 ]; then skip=0; continue; fi
	case \$a in --behavior|--max-ratio) skip=1; continue;; esac
	set -- "\$@" "\$a"
done
exec "\$REAL" "\$@"
EOF
chmod +x "$T/pt/policy-train"
SBG=$T/pt/bgtrain

# mkbot DIR: a bot's folder with local_training/data/buffer holding the good
# games (settled long ago); models/ and scripts/ are left for --bot to make.
mkbot() {
	mkdir -p "$1/local_training/data/buffer"
	cp "$GOOD"/*.npz "$1/local_training/data/buffer/"
	touch -d "@1700000000" "$1/local_training/data/buffer/"*
}
# Five replays, for the learned file.
mkdir -p "$T/replays"
reference_list | head -n 5 | while read -r f; do cp "$f" "$T/replays/"; done
touch -d "@1700000000" "$T/replays/"*
ngood=$(ls "$GOOD"/*.npz | wc -l)

# 1. --bot: the model, the deployed copy and the learned file land in the
# bot's own folders, every training job gets --behavior uniform, and
# --on-merge sees what was merged.
mkbot "$T/wzc"
L=$T/wzc/local_training
"$SBG" once --bot "$T/wzc" --replays "$T/replays" --state "$T/s1" $GATE -q \
	--on-merge 'printf "%s %s %s\n" "$BGTRAIN_KIND" "$BGTRAIN_MERGED" $(md5sum <"$BGTRAIN_MERGED" | cut -d" " -f1) >>'"$T/hook1" \
	>"$T/out" 2>"$T/err"
expect_status 0 $? "once --bot"
expect_grep "^Models Trained: 3$" "$T/out" "--bot: 27 games in batches of 10"
for f in models/rl_agent_model.npz models/deployed_model.npz scripts/learned_build_orders.json; do
	[ -f "$L/$f" ] || fail "--bot: no $f"
done
cmp -s "$L/models/rl_agent_model.npz" "$L/models/deployed_model.npz" ||
	fail "--bot: the deployed model is not the model"
$PY - "$L/models/deployed_model.npz" "$ngood" <<'PY' || fail "--bot: deployed_model.npz is not what the bot's hot reload loads"
import sys, numpy as np
m = np.load(sys.argv[1])
assert m["W1"].shape == (15, 64), m["W1"].shape
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):
    assert m[k].dtype == np.float64 and np.isfinite(m[k]).all(), k
assert m["W3"].shape == (64, 5) and m["episode_count"][0] == int(sys.argv[2]), m["episode_count"]
PY
$PY -c "import json, sys; d = json.load(open(sys.argv[1])); assert 'build_order_timings' in d" \
	"$L/scripts/learned_build_orders.json" || fail "--bot: the learned file does not load"
calls=$(grep -c '^--skip-bad$' "$T/argv")
[ "$calls" -eq 3 ] || fail "--bot: want 3 policy-train calls, got $calls"
[ "$(grep -A1 -x -- '--behavior' "$T/argv" | grep -cx uniform)" -eq "$calls" ] ||
	fail "--bot: not every training job got --behavior uniform"
grep -qx -- "$L/models/rl_agent_model.npz" "$T/argv" || fail "--bot: the jobs were not given the bot's model"
model=$(realpath "$L/models/rl_agent_model.npz")
learned=$(realpath "$L/scripts/learned_build_orders.json")
# Merges while the command runs make it run once more: the last run sees the
# last merge.
[ "$(grep "^model " "$T/hook1" | tail -n 1)" = "model $model $(md5sum <"$model" | cut -d' ' -f1)" ] ||
	fail "--on-merge: no run saw the last model merge: $(cat "$T/hook1")"
[ "$(grep "^learned " "$T/hook1" | tail -n 1)" = "learned $learned $(md5sum <"$learned" | cut -d' ' -f1)" ] ||
	fail "--on-merge: no run saw the learned merge: $(cat "$T/hook1")"
[ "$(grep -vc "^model $model \|^learned $learned " "$T/hook1")" -eq 0 ] &&
	[ "$(grep -c . "$T/hook1")" -le 4 ] || fail "--on-merge: unexpected runs: $(cat "$T/hook1")"
# Nothing new: nothing merged, nothing deployed again, no hook.
before=$(stat -c %Y.%i "$L/models/deployed_model.npz")
"$SBG" once --bot "$T/wzc" --replays "$T/replays" --state "$T/s1" $GATE -q --on-merge "echo x >>$T/hook1b" >"$T/out" 2>&1
expect_status 0 $? "a second once --bot"
[ "$before" = "$(stat -c %Y.%i "$L/models/deployed_model.npz")" ] || fail "--bot: deployed again without a merge"
[ -e "$T/hook1b" ] && fail "--on-merge ran without a merge"
# A crash between a merge and its copy: the next start publishes the model.
rm "$L/models/deployed_model.npz"
"$SBG" once --bot "$T/wzc" --state "$T/s1" $GATE -q >"$T/out" 2>&1
cmp -s "$L/models/rl_agent_model.npz" "$L/models/deployed_model.npz" ||
	fail "--bot: a model merged but not published is not published at the next start"

# 2. Each path and --behavior given on its own wins over --bot, whichever comes
# first, on the command line or in a config file.
mkbot "$T/wzc2"
mkdir -p "$T/exp2"
cp "$GOOD"/$(ls "$GOOD" | head -n 1) "$T/exp2/"
printf 'bot = %s\nmodel = %s\n' "$T/wzc2" "$T/own.npz" >"$T/conf2"
: >"$T/argv"
"$SBG" once --deploy "$T/dep.npz" --config "$T/conf2" --behavior auto --experience "$T/exp2" \
	--state "$T/s2" $GATE -q >"$T/out" 2>"$T/err"
expect_status 0 $? "--bot with its paths given"
[ -f "$T/own.npz" ] && [ -f "$T/dep.npz" ] || fail "--model/--deploy given with --bot were not used"
ls "$T/wzc2/local_training/models" | grep -q npz && fail "--bot wrote its model though --model was given"
grep -A1 -x -- '--behavior' "$T/argv" | grep -qx auto || fail "--behavior auto given with --bot was not passed"
grep -qx uniform "$T/argv" && fail "--bot's --behavior uniform won over --behavior auto"
grep -q "wzc2/local_training/data/buffer" "$T/argv" && fail "--bot's buffer was read though --experience was given"
$PY -c "import sys, numpy as np; sys.exit(int(np.load(sys.argv[1])['episode_count'][0] != 1))" "$T/own.npz" ||
	fail "--experience given with --bot: want the one game trained"
printf 'behavior = none\nexperience = %s\n' "$T/exp2" >"$T/conf2b"
: >"$T/argv"
"$SBG" once --bot "$T/wzc2" --config "$T/conf2b" --state "$T/s2b" $GATE -q >"$T/out" 2>&1
expect_status 0 $? "--bot with behavior and experience in a config file"
grep -A1 -x -- '--behavior' "$T/argv" | grep -qx none || fail "behavior = none in a config file lost to --bot"

# 3. A folder without local_training/ is refused (66), naming what is missing;
# nothing is made in it.
mkdir -p "$T/notbot/data"
"$BG" once --bot "$T/notbot" --state "$T/s3" $GATE >"$T/out" 2>"$T/err"
expect_status 66 $? "--bot without local_training"
expect_grep "notbot: no local_training/ folder" "$T/err" "--bot without local_training: the message"
[ "$(ls "$T/notbot")" = data ] || fail "--bot without local_training made folders"
"$BG" status --bot "$T/notbot" --state "$T/s3" >"$T/out" 2>"$T/err"
expect_status 66 $? "status --bot without local_training"
"$BG" once --bot "$T/nothing-here" --state "$T/s3" $GATE >"$T/out" 2>"$T/err"
expect_status 66 $? "--bot naming nothing"
printf 'bot = %s\n' "$T/notbot" >"$T/conf3"
"$BG" once --config "$T/conf3" --state "$T/s3" $GATE >"$T/out" 2>"$T/err"
expect_status 66 $? "bot = in a config file, without local_training"

# 4. The training settings: on the command line or as config keys, in every
# training job's command line as given; --hidden only in the job that makes
# the model.
mkdir -p "$T/exp4"
cp "$GOOD"/*.npz "$T/exp4/"
touch -d "@1700000000" "$T/exp4/"*
printf 'lr = 0.01\ngamma = 0.5\nhidden = 32,16\n' >"$T/conf4"
: >"$T/argv"
"$SBG" once --experience "$T/exp4" --state "$T/s4" --config "$T/conf4" --entropy 0.02 --clip 2 \
	--optimizer sgd --epochs 2 --batch-episodes 4 --behavior none --max-ratio 3 --jobs 1 $GATE -q >"$T/out" 2>"$T/err"
expect_status 0 $? "once with every training setting"
$PY - "$T/argv" <<'PY' || fail "the training settings in the jobs' command lines"
import sys
calls = [c.split("\n") for c in open(sys.argv[1]).read().split("\n\n") if c.strip()]
assert len(calls) == 3, len(calls)
want = {"--lr": "0.01", "--gamma": "0.5", "--entropy": "0.02", "--clip": "2", "--optimizer": "sgd",
        "--epochs": "2", "--batch-episodes": "4", "--behavior": "none", "--max-ratio": "3"}
for c in calls:
    opts = c[:c.index("--")]
    for k, v in want.items():
        assert opts.count(k) == 1 and opts[opts.index(k) + 1] == v, (k, opts)
    init = "--init" in opts
    assert ("--hidden" in opts) == init, opts
    if init:
        assert opts[opts.index("--hidden") + 1] == "32,16", opts
assert sum("--init" in c for c in calls) == 1
PY
# The real programs: the driver's one job is the direct policy-train run with
# the same settings.
mkdir -p "$T/exp4b"
for f in $(ls "$GOOD" | head -n 8); do cp "$GOOD/$f" "$T/exp4b/"; done
touch -d "@1700000000" "$T/exp4b/"*
SET="--lr 0.01 --gamma 0.5 --entropy 0.02 --clip 2 --optimizer sgd --epochs 2 --batch-episodes 4"
"$BG" once --experience "$T/exp4b" --state "$T/s4b" $SET --hidden 32,16 $GATE -q >"$T/out" 2>"$T/err"
expect_status 0 $? "once with the training settings, the real policy-train"
"$PT" -m "$T/direct4.npz" --init --hidden 32,16 $SET -q "$T/exp4b" >/dev/null 2>&1
$PY - "$T/direct4.npz" "$T/s4b/rl_agent_model.npz" <<'PY' || fail "the driver's model differs from policy-train's with the same settings"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert b["W1"].shape == (15, 32) and b["W2"].shape == (32, 16), b["W1"].shape
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):
    assert np.abs(a[k] - b[k]).max() <= 1e-9, (k, np.abs(a[k] - b[k]).max())
assert int(a["optim_step"][0]) == int(b["optim_step"][0]) == 4, (a["optim_step"], b["optim_step"])
PY
# The defaults are policy-train's: nothing given, nothing passed.
: >"$T/argv"
"$SBG" once --experience "$T/exp2" --state "$T/s4c" $GATE -q >/dev/null 2>&1
grep -qx -- "--lr\|--behavior\|--hidden\|--epochs" "$T/argv" && fail "settings passed that were not given"

# 5. Bad values stop bgtrain at start-up (64), before any job, from the
# command line and from a config file; bgtrain and policy-train take and
# refuse the same values.
for bad in "--lr -1" "--gamma 1.5" "--entropy x" "--clip 0" "--optimizer rmsprop" "--epochs 0" \
	"--batch-episodes 0" "--hidden 64,,64" "--hidden 0" "--hidden 1,2,3,4,5,6,7,8" \
	"--behavior random" "--max-ratio 0" "--adopt-stale-tmp 10"; do
	: >"$T/argv"
	"$SBG" once --experience "$T/exp2" --state "$T/s5" $bad $GATE >"$T/out" 2>"$T/err"
	expect_status 64 $? "bgtrain $bad"
	[ -s "$T/argv" ] && fail "bgtrain $bad started a job"
done
printf 'gamma = 2\n' >"$T/conf5"
"$BG" status --config "$T/conf5" --state "$T/s5" >"$T/out" 2>"$T/err"
expect_status 64 $? "gamma = 2 in a config file"
expect_grep "conf5:1" "$T/err" "a bad training setting in a config file: its line"
# bgtrain's limits are policy-train's (those two options once policy-train has them).
opts="lr gamma entropy clip optimizer epochs batch-episodes hidden"
"$PT" --help | grep -q -- --behavior && opts="$opts behavior"
"$PT" --help | grep -q -- --max-ratio && opts="$opts max-ratio"
for o in $opts; do
	case $o in
	lr|entropy) vals="0 -0.5 1e300 1e301 0.001 x";;
	gamma) vals="0 1 1.0000001 -0.1 0.99";;
	clip) vals="1e-12 1e-13 5 0";;
	optimizer) vals="adam sgd rmsprop";;
	epochs) vals="1 0 1000000 1000001 2.5";;
	batch-episodes) vals="1 0 1099511627776 1099511627777";;
	hidden) vals="64,64 64,,64 0 1048576 1048577 1,2,3,4,5,6,7 1,2,3,4,5,6,7,8 ,64";;
	behavior) vals="auto uniform none random";;
	max-ratio) vals="1 5 0.5 0 1e6 1e7";;
	esac
	for v in $vals; do
		"$BG" status --state "$T/s5" --$o "$v" >/dev/null 2>&1
		b=$?
		extra=
		[ $o = hidden ] && extra=--init
		"$PT" -m "$T/none/m.npz" $extra --$o "$v" -q "$T/none/e.npz" >/dev/null 2>&1
		p=$?
		[ $b -eq 64 ] && [ $p -ne 64 ] && fail "--$o $v: bgtrain refuses it, policy-train takes it"
		[ $b -ne 64 ] && [ $p -eq 64 ] && fail "--$o $v: bgtrain takes it, policy-train refuses it"
	done
done
# A shape the bot cannot load is said, with --bot or --deploy.
"$BG" status --state "$T/s5" --deploy "$T/d5.npz" --hidden 128,128 >"$T/out" 2>"$T/err"
expect_grep "hidden 128,128: the bot loads only" "$T/err" "--hidden the bot cannot load"

# 6. --deploy and --on-merge without --bot: a failing command and one killed
# by a signal are said and counted, never fatal; one that hangs is stopped
# after --job-timeout and never holds the driver.
"$BG" once --experience "$T/exp4" --state "$T/s6" --model "$T/m6.npz" --deploy "$T/m6.npz" $GATE >"$T/out" 2>"$T/err"
expect_status 64 $? "--deploy naming the model"
expect_grep "deploy names the model itself" "$T/err" "--deploy naming the model: the message"
mkdir -p "$T/d6"
"$BG" once --experience "$T/exp4" --state "$T/s6" --deploy "$T/d6" $GATE >"$T/out" 2>"$T/err"
expect_status 64 $? "--deploy naming a folder"
"$BG" once --experience "$T/exp4" --state "$T/s6" --deploy "$T/d6/live.npz" --train-batch 10 --jobs 1 \
	--on-merge 'echo "$BGTRAIN_KIND" >>'"$T/hook6"'; [ $(wc -l <'"$T/hook6"') -eq 1 ] && exit 3; kill -KILL $$' \
	$GATE -q >"$T/out" 2>"$T/err"
expect_status 0 $? "a failing --on-merge is not fatal"
expect_grep "^Models Trained: 3$" "$T/out" "the jobs go on past a failing --on-merge"
expect_grep "^Errors: 0$" "$T/out" "a failing --on-merge is no error of the run"
expect_grep "on-merge after the model merge: exit status 3" "$T/err" "--on-merge's exit status"
expect_grep "on-merge after the model merge: killed by SIGKILL" "$T/err" "--on-merge killed by a signal"
runs=$(grep -cx model "$T/hook6")
[ "$runs" -ge 2 ] && [ "$runs" -le 3 ] || fail "--on-merge: want 2 or 3 runs for 3 merges, got $runs"
expect_grep "\"hooks_failed\": $runs}" "$T/s6/status.json" "status.json counts the failed commands"
cmp -s "$T/s6/rl_agent_model.npz" "$T/d6/live.npz" || fail "--deploy: the published model is not the model"
ls "$T/d6" | grep -q '\.tmp\.' && fail "--deploy left a temporary file"
# Markers of this run's own, so that another run of this test elsewhere on
# the machine is never taken for ours.
mark=bgtrain-t-hook-$$
start=$(date +%s)
"$BG" once --experience "$T/exp4" --state "$T/s6b" --train-batch 5 --jobs 1 --job-timeout 2 --grace 1 \
	--on-merge "sleep 347; echo $mark" $GATE -q >"$T/out" 2>"$T/err"
expect_status 0 $? "a hanging --on-merge"
secs=$(($(date +%s) - start))
expect_grep "^Models Trained: 6$" "$T/out" "the jobs go on while --on-merge hangs"
expect_grep "ran over --job-timeout (2 s) and was stopped" "$T/err" "a hanging --on-merge is stopped"
[ $secs -lt 30 ] || fail "a hanging --on-merge held the driver for $secs s"
pgrep -f "$mark" >/dev/null && fail "a hanging --on-merge was left running"
# SIGTERM while the command runs: it is stopped with the jobs; no process is left.
mkdir -p "$T/exp6c"
cp "$GOOD"/$(ls "$GOOD" | head -n 1) "$T/exp6c/"
"$BG" run --experience "$T/exp6c" --state "$T/s6c" --grace 1 --on-merge "sleep 348.$$; : ${mark}2" \
	$GATE -q >"$T/out" 2>"$T/err" &
pid=$!
# The command's shell, not the driver whose command line names it too.
wait_for_process "^/bin/sh -c sleep 348.$$; : ${mark}2" ||
	fail "the --on-merge command did not start under run"
kill -TERM $pid
wait $pid
expect_status 143 $? "run stopped while --on-merge runs"
sleep 0.2
pgrep -f "${mark}2" >/dev/null && fail "SIGTERM left the --on-merge command running"
pgrep -f "sleep 348.$$" >/dev/null && fail "SIGTERM left the --on-merge command's child running"

# 7. The bot's unfinished files: status counts those over an hour old;
# --adopt-stale-tmp trains the complete ones in place, exactly once, never
# moves one, and never looks at one the bot may still be writing.
B7=$T/wzc7/local_training/data/buffer
mkdir -p "$B7"
for f in $(ls "$GOOD" | head -n 6); do cp "$GOOD/$f" "$B7/$f.tmp.npz"; done
touch -d "-2 hours" "$B7"/*
head -c 600 "$GOOD/$(ls "$GOOD" | sed -n 7p)" >"$B7/exp_cut_ep0.npz.tmp.npz"
touch -d "-3 hours" "$B7/exp_cut_ep0.npz.tmp.npz"
cp "$GOOD/$(ls "$GOOD" | sed -n 8p)" "$B7/exp_fresh_ep0.npz.tmp.npz"
cp "$GOOD/$(ls "$GOOD" | sed -n 9p)" "$B7/exp_done_ep0.npz"
touch -d "-2 hours" "$B7/exp_done_ep0.npz"
md5sum "$B7"/* >"$T/sums7"
"$SBG" once --bot "$T/wzc7" --state "$T/s7" $GATE -q >"$T/out" 2>&1
expect_status 0 $? "once --bot without --adopt-stale-tmp"
expect_grep "^Models Trained: 1$" "$T/out" "without --adopt-stale-tmp only the finished game"
"$BG" status --bot "$T/wzc7" --state "$T/s7" >"$T/st" 2>&1
expect_grep "the bot left 7 unfinished files" "$T/st" "status: the unfinished files over an hour old"
expect_grep "adopt-stale-tmp" "$T/st" "status: points at --adopt-stale-tmp"
"$BG" status --bot "$T/wzc7" --state "$T/s7" --adopt-stale-tmp 3600 --json >"$T/st"
$PY -c "
import json, sys; s = json.load(open(sys.argv[1]))
assert s['unfinished'] == 7 and s['unfinished_trained'] == 0 and s['experience_queued'] == 7, s" "$T/st" ||
	fail "status --json before adoption: $(cat "$T/st")"
"$SBG" once --bot "$T/wzc7" --state "$T/s7" --adopt-stale-tmp 3600 --quarantine "$T/q7" $GATE >"$T/out" 2>"$T/err"
expect_status 65 $? "--adopt-stale-tmp with one cut file"
expect_grep "^Errors: 1$" "$T/out" "--adopt-stale-tmp: the cut file is the one error"
expect_grep "exp_cut_ep0.npz.tmp.npz" "$T/err" "--adopt-stale-tmp: the cut file named"
md5sum -c --quiet "$T/sums7" >/dev/null 2>&1 || fail "--adopt-stale-tmp changed, moved or renamed a file of the bot"
[ -e "$T/q7/exp_cut_ep0.npz.tmp.npz" ] && fail "--adopt-stale-tmp moved the bot's cut file into --quarantine"
grep -q "exp_fresh" "$T/s7/ledger.tsv" && fail "--adopt-stale-tmp touched a fresh *.tmp.npz"
$PY -c "import sys, numpy as np; sys.exit(int(np.load(sys.argv[1])['episode_count'][0] != 7))" \
	"$T/wzc7/local_training/models/rl_agent_model.npz" || fail "--adopt-stale-tmp: want 7 games in the model"
[ "$(grep '^P' "$T/s7/ledger.tsv" | grep -o '\.tmp\.npz' | wc -l)" -eq 6 ] ||
	fail "--adopt-stale-tmp: want each of the 6 good files recorded once"
"$BG" status --bot "$T/wzc7" --state "$T/s7" --json >"$T/st"
$PY -c "
import json, sys; s = json.load(open(sys.argv[1]))
assert s['unfinished'] == 7 and s['unfinished_trained'] == 6 and s['unfinished_bad'] == 1, s" "$T/st" ||
	fail "status --json after adoption: $(cat "$T/st")"
# Once: a second run, and the bot renaming a file it left, train nothing again.
f=$(ls "$B7" | grep -m 1 '^exp_2026.*\.tmp\.npz$')
mv "$B7/$f" "$B7/${f%.tmp.npz}"
"$SBG" once --bot "$T/wzc7" --state "$T/s7" --adopt-stale-tmp 3600 $GATE -q >"$T/out" 2>&1
expect_status 0 $? "a second --adopt-stale-tmp run"
expect_grep "^Models Trained: 0$" "$T/out" "a second --adopt-stale-tmp run trains nothing"
$PY -c "import sys, numpy as np; sys.exit(int(np.load(sys.argv[1])['episode_count'][0] != 7))" \
	"$T/wzc7/local_training/models/rl_agent_model.npz" || fail "an adopted game was trained twice"

finish
