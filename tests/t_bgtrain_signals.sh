# t_bgtrain_signals - the driver SIGKILLed and restarted, the gate, SIGINT and SIGTERM, cron
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
mkdir -p "$T/replays" "$T/exp"
reference_list | while IFS= read -r p; do
	cp "$p" "$T/replays/$(printf %s "${p#$REPLAYS/}" | tr '/ ' '__')"
done
$PY "$SHARED/tools/make_experience.py" "$T/exp" 40 30 8
touch -d "@1600000000" "$T/replays/"* "$T/exp/"*
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"
RUN="--replays $T/replays --experience $T/exp --replay-batch 3 --train-batch 2 --jobs 2 -q"

# The uninterrupted run.
"$BG" once $RUN --state "$T/calm" $GATE >/dev/null 2>&1 || fail "uninterrupted run"

# Killed with SIGKILL at random moments, 20 times, then finished.
for i in $(seq 1 20); do
	"$BG" once $RUN --state "$T/hit" $GATE >/dev/null 2>&1 &
	pid=$!
	sleep "$($PY -c "import random; print(random.uniform(0.02, 0.5))")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
"$BG" once $RUN --state "$T/hit" $GATE >/dev/null 2>&1 || fail "the run after the kills"
$PY - "$T/calm" "$T/hit" <<'PY' || fail "killed and restarted differs from uninterrupted"
import json, sys, numpy as np
def ledger(d):
    merged, jobs = set(), {}
    for line in open(d + "/ledger.tsv"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "P":
            jobs[f[1]] = (f[2], f[5].split(","))
        elif f[0] == "M":
            merged.add(f[1])
    done = {}
    for j in merged:
        kind, hashes = jobs[j]
        for h in hashes:
            assert h not in done, "input %s merged twice" % h    # nothing analysed twice
            done[h] = kind
    return done
calm, hit = ledger(sys.argv[1]), ledger(sys.argv[2])
assert calm == hit, (len(calm), len(hit))
assert len(calm) == 94 + 40
a = json.load(open(sys.argv[1] + "/learned_build_orders.json"))
b = json.load(open(sys.argv[2] + "/learned_build_orders.json"))
a.pop("generated_at"); b.pop("generated_at")
assert a == b, "learned files differ"
assert np.load(sys.argv[2] + "/rl_agent_model.npz")["episode_count"][0] == 40
PY
pgrep -f "$T/hit" >/dev/null && fail "a worker outlived its killed driver"

# Gate thresholds at 0: nothing starts. Raised: the work proceeds.
"$BG" run --replays "$T/replays" --state "$T/gated" --cpu 0 --mem 0 --settle 0 -q >/dev/null 2>&1 &
pid=$!
sleep 3
kill -TERM "$pid"; wait "$pid"
expect_status 143 $? "SIGTERM exit status"
[ -s "$T/gated/ledger.tsv" ] && fail "jobs started with the gate at 0"
[ "$(grep -c . "$T/gated/joblog.tsv")" -eq 1 ] || fail "the joblog records jobs with the gate at 0"
"$BG" once --replays "$T/replays" --state "$T/gated" $GATE -q >"$T/out" 2>&1
expect_grep "^Replays Analyzed: 94$" "$T/out" "work proceeds with the gate raised"

# Half-written inputs wait: *.tmp.npz never counts, a file still changing
# waits until it has been still for --settle seconds.
mkdir "$T/fresh"
cp "$(ls "$T/exp"/*.npz | head -n 1)" "$T/fresh/exp_a.tmp.npz"
"$BG" run --experience "$T/fresh" --state "$T/settle" $GATE --settle 3 -q >/dev/null 2>&1 &
pid=$!
sleep 1
cp "$(ls "$T/exp"/*.npz | sed -n 2p)" "$T/fresh/exp_b.npz"
sleep 1.5
grep -q "exp_b" "$T/settle/ledger.tsv" 2>/dev/null && fail "a file was read before it settled"
for i in $(seq 1 80); do
	grep -q "^M	" "$T/settle/ledger.tsv" 2>/dev/null && break
	sleep 0.1
done
kill -TERM "$pid"; wait "$pid"
grep -q "exp_b.npz" "$T/settle/ledger.tsv" || fail "a settled file was never read"
grep -q "tmp.npz" "$T/settle/ledger.tsv" && fail "a *.tmp.npz file was read"

# SIGINT mid-job: the job is stopped and no process survives.
big_experience "$T/big"
"$BG" run --experience "$T/big" --state "$T/int" --grace 5 $GATE -q >/dev/null 2>&1 &
pid=$!
wait_for_process "policy-train.*$T/big" || fail "the training job never started"
kill -INT "$pid"; wait "$pid"
expect_status 130 $? "SIGINT exit status"
pgrep -f "$T/big" >/dev/null && fail "a worker survived SIGINT"
[ -s "$T/int/ledger.tsv" ] && fail "an interrupted job was recorded as done"

# The cron wrapper: one locked once run, logged.
BGTRAIN="$BIN/bgtrain" BGTRAIN_LOG="$T/cron.log" XDG_STATE_HOME="$T/xdg" bin/bgtrain-cron --replays "$T/replays" \
	--state "$T/cron" $GATE -q
expect_status 0 $? "bgtrain-cron"
expect_grep "^Replays Analyzed: 94$" "$T/cron.log" "cron log"
expect_grep "^== exit 0$" "$T/cron.log" "cron log exit line"

# The Windows wrapper: CRLF lines; it parses nothing, and hands its arguments
# as typed to bgtrain --windows-paths, whose translation t_windows_paths tests
# (t_windows runs the .bat under Wine's cmd).
[ "$(grep -c "$(printf '\r')$" bin/bgtrain.bat)" -eq "$(wc -l <bin/bgtrain.bat)" ] ||
	fail "bgtrain.bat has lines without CRLF"
grep -q "^wsl.exe -e bgtrain --windows-paths %\*" bin/bgtrain.bat ||
	fail "bgtrain.bat does not hand its arguments to bgtrain --windows-paths"
grep -qi "^setlocal DisableDelayedExpansion" bin/bgtrain.bat ||
	fail "bgtrain.bat leaves delayed expansion, which eats '!', as cmd has it"
grep -qi "EnableDelayedExpansion\|shift\|%~*1" bin/bgtrain.bat && fail "bgtrain.bat parses its arguments"
finish
