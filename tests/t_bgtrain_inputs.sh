# t_bgtrain_inputs - the driver never takes its own outputs as inputs, skips files that are no
# input at all, and names every input it cannot read
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
PT=$BIN/policy-train
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"

# episodes MODEL: the model's episode_count.
episodes() {
	$PY -c "import sys, numpy as np; print(int(np.load(sys.argv[1])['episode_count'][0]))" "$1"
}

# The bot's folder: its games, its model beside them, and the state,
# quarantine and learned files put inside it; a temporary copy of a game
# (*.tmp.*) and a lock file as the tools leave them.
$PY "$SHARED/tools/make_experience.py" "$T/gen" 6 30 3
mkdir -p "$T/data"
for f in $(ls "$T/gen" | head -n 5); do cp "$T/gen/$f" "$T/data/$f"; done
"$PT" -m "$T/data/rl_agent_model.npz" --init "$T/gen/$(ls "$T/gen" | tail -n 1)" >/dev/null ||
	fail "cannot make the bot's model"
cp "$T/gen/$(ls "$T/gen" | head -n 1)" "$T/data/exp_copy.tmp.Ab12Cd.npz"
: >"$T/data/rl_agent_model.npz.lock"
touch -d "@1600000000" "$T/data/"*
"$BG" once -e "$T/data" --model "$T/data/rl_agent_model.npz" --state "$T/data/state" \
	--quarantine "$T/data/bad" --train-batch 2 $GATE >"$T/out" 2>"$T/err"
expect_status 0 $? "once with the model among the games"
[ -f "$T/data/rl_agent_model.npz" ] || fail "the bot's model was moved away"
[ -e "$T/data/bad/rl_agent_model.npz" ] && fail "the bot's model was quarantined"
$PY - "$T/data/state/ledger.tsv" <<'PY' || fail "the driver's own files were taken as inputs"
import sys
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    inputs = f[6:] if f[0] == "P" else f[2:3] if f[0] in "BN" else []
    for p in inputs:
        assert not any(s in p for s in ("rl_agent_model", "tmp.Ab12Cd", "/state/", "/bad/")), line
PY
[ "$(episodes "$T/data/rl_agent_model.npz")" = 6 ] ||
	fail "episode_count $(episodes "$T/data/rl_agent_model.npz"), want 1 + 5 games"
"$BG" status -e "$T/data" --model "$T/data/rl_agent_model.npz" --state "$T/data/state" --json >"$T/status"
$PY - "$T/status" <<'PY' || fail "status counts the model as a queued input"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["experience_done"] == 5 and s["experience_queued"] == 0 and s["failed"] == 0, s
PY

# A model made by the first job, in the folder it watches: never read back.
mkdir -p "$T/data2"
for f in $(ls "$T/gen"); do cp "$T/gen/$f" "$T/data2/$f"; done
touch -d "@1600000000" "$T/data2/"*
"$BG" once -e "$T/data2" --model "$T/data2/rl_agent_model.npz" --state "$T/s2" \
	--quarantine "$T/data2/bad" --learned "$T/data2/learned.json" --train-batch 2 $GATE >"$T/out" 2>"$T/err"
expect_status 0 $? "once that makes the model among the games"
[ -e "$T/data2/bad" ] && fail "once that makes the model among the games quarantined: $(ls "$T/data2/bad")"
[ "$(episodes "$T/data2/rl_agent_model.npz")" = 6 ] ||
	fail "episode_count $(episodes "$T/data2/rl_agent_model.npz"), want 6 games"

# Games kept inside the state folder are still the bot's games.
mkdir -p "$T/s5/games"
cp "$T/gen/$(ls "$T/gen" | head -n 1)" "$T/s5/games/"
touch -d "@1600000000" "$T/s5/games/"*
"$BG" once -e "$T/s5/games" --state "$T/s5" $GATE -q >"$T/out" 2>&1
expect_grep "^Models Trained: 1$" "$T/out" "games inside the state folder"

# A file that policy-train says is no experience at all ({"not_experience":
# true} in its report) is skipped with a note, recorded so that it is not
# tried again, never quarantined and never an error. A stand-in policy-train
# says so of files named other_*, as the real one does of models.
mkdir -p "$T/fake" "$T/data3"
cp "$BG" "$BIN/merge-results" "$T/fake/"
cat >"$T/fake/policy-train" <<EOF
#!$PY
import json, os, subprocess, sys
args = sys.argv[1:]
report, dd = args[args.index("--report") + 1], args.index("--")
others = [f for f in args[dd + 1:] if os.path.basename(f).startswith("other_")]
rest = [f for f in args[dd + 1:] if f not in others]
open("$T/fake/calls", "a").write(" ".join(args[dd + 1:]) + "\n")
rc = subprocess.call(["$PT"] + args[:dd + 1] + rest) if rest else 0
with open(report, "a") as r:
    for f in others:
        r.write(json.dumps({"file": f, "error": "not experience: W1, b1, ...", "not_experience": True}) + "\n")
sys.exit(rc)
EOF
chmod +x "$T/fake/policy-train"
for f in $(ls "$T/gen" | head -n 3); do cp "$T/gen/$f" "$T/data3/$f"; done
cp "$T/data/rl_agent_model.npz" "$T/data3/other_model.npz"
touch -d "@1600000000" "$T/data3/"*
"$T/fake/bgtrain" once -e "$T/data3" --state "$T/s3" --quarantine "$T/q3" $GATE >"$T/out" 2>"$T/err"
expect_status 0 $? "a file that is no experience"
expect_grep "other_model.npz: skipped, not an input: not experience" "$T/err" "the note on a file that is no experience"
expect_grep "^Errors: 0$" "$T/out" "a file that is no experience is no error"
[ -f "$T/data3/other_model.npz" ] || fail "a file that is no experience was moved"
[ -e "$T/q3" ] && fail "a file that is no experience was quarantined"
[ "$(grep -c "^N	" "$T/s3/ledger.tsv")" = 1 ] || fail "a file that is no experience is not recorded (N)"
[ "$(episodes "$T/s3/rl_agent_model.npz")" = 3 ] || fail "episode_count, want the 3 games"
"$T/fake/bgtrain" once -e "$T/data3" --state "$T/s3" --quarantine "$T/q3" $GATE >"$T/out" 2>&1
[ "$(grep -c other_model "$T/fake/calls")" = 1 ] || fail "a file that is no experience was tried again"
"$BG" status -e "$T/data3" --state "$T/s3" >"$T/status"
expect_grep "^skipped: *1 " "$T/status" "status: the skipped file"
"$BG" status -e "$T/data3" --state "$T/s3" --json >"$T/status"
expect_grep '"not_inputs": 1' "$T/status" "status --json: the skipped file"

# Inputs that cannot be read are named on stderr once and counted: a FIFO
# and a folder with inputs' names (root can read any file: see below).
mkdir -p "$T/data4" "$T/replays4" "$T/data4/c.npz"
cp "$T/gen/$(ls "$T/gen" | head -n 1)" "$T/data4/"
mkfifo "$T/data4/b.npz" "$T/replays4/f.SC2Replay"
touch -d "@1600000000" "$T/data4/"*.npz
"$BG" run -e "$T/data4" -r "$T/replays4" --state "$T/s4" $GATE -q >"$T/out" 2>"$T/err" &
pid=$!
sleep 3
kill -TERM "$pid"; wait "$pid"
for f in "$T/data4/b.npz" "$T/data4/c.npz" "$T/replays4/f.SC2Replay"; do
	[ "$(grep -c "^bgtrain: $f: cannot be read" "$T/err")" = 1 ] ||
		{ fail "$f: want one message in 3 seconds of run, got:"; sed 's/^/    /' "$T/err"; }
done
expect_grep "^Errors: 3$" "$T/out" "unreadable inputs count as errors"
"$BG" once -e "$T/data4" --state "$T/s4" $GATE -q >"$T/out" 2>"$T/err"
expect_status 65 $? "once with unreadable inputs"
"$BG" status -e "$T/data4" -r "$T/replays4" --state "$T/s4" --json >"$T/status" 2>"$T/err"
expect_grep '"unreadable": 3' "$T/status" "status --json: the unreadable inputs"
expect_grep "b.npz: cannot be read" "$T/err" "status names the unreadable inputs"
[ "$(episodes "$T/s4/rl_agent_model.npz")" = 1 ] || fail "the readable game beside them, want episode_count 1"

# A game that its user cannot read (mode 000), as a normal user.
if [ "$(id -u)" = 0 ] && setpriv --reuid nobody --regid nogroup --clear-groups true 2>/dev/null; then
	chmod 755 "$T"
	mkdir -p "$T/user/data"
	for f in $(ls "$T/gen" | head -n 2); do cp "$T/gen/$f" "$T/user/data/$f"; done
	touch -d "@1600000000" "$T/user/data/"*
	chown -R nobody "$T/user"
	chmod 000 "$T/user/data/$(ls "$T/user/data" | head -n 1)"
	setpriv --reuid nobody --regid nogroup --clear-groups env HOME="$T/user" \
		"$BG" once -e "$T/user/data" --state "$T/user/s" $GATE -q >"$T/out" 2>"$T/err"
	expect_status 65 $? "once with a game its user cannot read"
	expect_grep "cannot be read: Permission denied" "$T/err" "the unreadable game named"
	[ "$(grep -c "cannot be read" "$T/err")" = 1 ] || fail "the unreadable game: want one message"
	setpriv --reuid nobody --regid nogroup --clear-groups \
		"$BG" status -e "$T/user/data" --state "$T/user/s" --json >"$T/status" 2>/dev/null
	expect_grep '"unreadable": 1' "$T/status" "status --json: the game its user cannot read"
	[ "$(episodes "$T/user/s/rl_agent_model.npz")" = 1 ] || fail "the readable game: want episode_count 1"
	# Made readable (a chmod changes no size nor time) while run runs: trained.
	setpriv --reuid nobody --regid nogroup --clear-groups env HOME="$T/user" \
		"$BG" run -e "$T/user/data" --state "$T/user/s" $GATE -q >/dev/null 2>&1 &
	pid=$!
	sleep 1.5
	chmod 644 "$T/user/data/"*
	for i in $(seq 1 80); do
		[ "$(grep -c "^M" "$T/user/s/ledger.tsv")" = 2 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"; wait "$pid"
	[ "$(episodes "$T/user/s/rl_agent_model.npz")" = 2 ] || fail "a game made readable: want episode_count 2"
else
	echo "note: setpriv --reuid nobody does not work here: mode 000 is not tested"
fi
finish
