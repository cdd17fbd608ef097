# t_policy_inputs - policy-train on what is not a good game: named, never silent, never blocking
#
# Folders, FIFOs and unreadable files as the model or as experience; a model
# in the experience folder (not experience at all: reported with
# "not_experience": true and never quarantined); big-endian arrays; and the
# options that used to be taken wrongly.
. tests/lib.sh
need_shared
PT=$BIN/policy-train
EXP=$SHARED/experience
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
F=$(ls "$EXP/good" | head -n 1)
"$PT" -m "$T/model.npz" --init "$EXP/good/$F" >/dev/null || fail "making a model"

# no_hang WHAT CMD...: CMD ends within 20 s (a FIFO opened for reading would block).
no_hang() {
	what=$1
	shift
	timeout 20 "$@"
	rc=$?
	[ "$rc" -eq 124 ] && fail "$what: blocked (killed after 20 s)"
	return "$rc"
}

# The model as a folder or a FIFO: what is wrong, 66, not "Operation not supported".
mkdir "$T/dirmodel.npz"
mkfifo "$T/fifomodel.npz"
"$PT" -m "$T/dirmodel.npz" "$EXP/good" 2>"$T/err"; expect_status 66 $? "-m a folder"
expect_grep "dirmodel.npz: is a folder" "$T/err" "-m a folder message"
no_hang "-m a FIFO" "$PT" -m "$T/fifomodel.npz" "$EXP/good" 2>"$T/err"; expect_status 66 $? "-m a FIFO"
expect_grep "fifomodel.npz: not a regular file" "$T/err" "-m a FIFO message"
grep -q "Operation not supported" "$T/err" && fail "a message still says 'Operation not supported'"

# A FIFO named like a game, in the folder and named directly: refused, named, unmoved.
mkdir "$T/fifo"
cp "$EXP/good/$F" "$T/fifo/"
mkfifo "$T/fifo/exp_pipe.npz"
no_hang "FIFO in a folder" "$PT" -m "$T/model.npz" --again --report "$T/r.jsonl" "$T/fifo" \
    >/dev/null 2>"$T/err"
expect_status 66 $? "a FIFO among the games, without --skip-bad"
expect_grep "exp_pipe.npz: not a regular file" "$T/err" "the FIFO named on stderr"
expect_grep '"file": ".*exp_pipe.npz", "error": "not a regular file' "$T/r.jsonl" "the FIFO in the report"
no_hang "FIFO named" "$PT" -m "$T/model.npz" --again --skip-bad --quarantine "$T/q" --json \
    "$T/fifo/exp_pipe.npz" "$T/fifo/$F" >"$T/out" 2>"$T/err"
expect_status 0 $? "--skip-bad past a FIFO"
expect_grep '"episodes": 1, .*"skipped": 1, ' "$T/out" "the FIFO counted as skipped"
[ -p "$T/fifo/exp_pipe.npz" ] || fail "the FIFO was moved"

# A file that never was a game (the bot's model in its experience folder):
# a note, the third key in the report, never quarantined, and the run goes on.
mkdir "$T/bot"
cp "$EXP/good/"*.npz "$T/bot/"
cp "$EXP/legacy_model.npz" "$T/bot/rl_agent_model.npz"
$PY - "$T/bot" <<'PY'
import sys, numpy as np
d = sys.argv[1]
# A model saved big-endian: its members cannot even be parsed, it is still no game.
np.savez(d + "/big_model.npz", W1=np.zeros((15, 4), ">f8"), b1=np.zeros(4, ">f8"))
np.savez(d + "/notes.npz", foo=np.arange(3))
# A game without rewards claims to be experience: broken, quarantined.
np.savez(d + "/exp_norewards.npz", states=np.zeros((3, 15), np.float32), actions=np.zeros(3, np.int64))
PY
cp "$T/model.npz" "$T/m1.npz"
"$PT" -m "$T/m1.npz" --report "$T/r.jsonl" --json "$T/bot" >"$T/out" 2>"$T/err"
expect_status 65 $? "a broken game among models"
"$PT" -m "$T/m1.npz" --skip-bad --quarantine "$T/q1" --report "$T/r.jsonl" --json "$T/bot" >"$T/out" 2>"$T/err"
expect_status 0 $? "models beside the games, --skip-bad"
expect_grep '"not_experience": 3, ' "$T/out" "--json counts the files that are not experience"
expect_grep "rl_agent_model.npz: not experience" "$T/err" "the model named on stderr"
$PY - "$T/r.jsonl" "$T/bot" <<'PY' || fail "report lines for files that are not experience"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
d = sys.argv[2]
by = {json.loads(l)["file"]: l for l in lines}
for name in ("rl_agent_model.npz", "big_model.npz", "notes.npz"):
    l = by[d + "/" + name]
    o = json.loads(l)
    assert list(o) == ["file", "error", "not_experience"] and o["not_experience"] is True, l
    assert l == '{"file": %s, "error": %s, "not_experience": true}' % (
        json.dumps(o["file"]), json.dumps(o["error"])), l
o = json.loads(by[d + "/exp_norewards.npz"])
assert list(o) == ["file", "error"], o
assert len(lines) == 4, lines
PY
for f in rl_agent_model.npz big_model.npz notes.npz; do
	[ -f "$T/bot/$f" ] || fail "$f was moved: only broken games are quarantined"
done
[ -f "$T/q1/exp_norewards.npz" ] || fail "the broken game was not quarantined"
# Without --skip-bad, a model in the folder does not stop the run.
cp "$T/model.npz" "$T/m2.npz"
"$PT" -m "$T/m2.npz" --again "$EXP/legacy_model.npz" "$EXP/good/$F" >"$T/out" 2>"$T/err"
expect_status 0 $? "a model named beside a game"
expect_grep "^policy-train: 1 episodes, .*; 1 not experience, left alone" "$T/out" "summary counts it"
# As the driver runs it.
"$PT" --quiet --skip-bad -m "$T/model.npz" --out "$T/cand.npz" --report "$T/r.jsonl" -- \
    "$EXP/legacy_model.npz" "$EXP/good/$F" >/dev/null 2>&1
expect_status 0 $? "the driver's command line"
[ -f "$T/cand.npz" ] || fail "no candidate for the driver"
expect_grep '^{"file": ".*legacy_model.npz", "error": ".*", "not_experience": true}$' "$T/r.jsonl" \
    "the driver's report"

# A big-endian game: the whole reason, not cut at "'fort".
$PY - "$T/be.npz" <<'PY'
import sys, numpy as np
np.savez(sys.argv[1], states=np.zeros((3, 15), ">f4"), actions=np.zeros(3, np.int64), rewards=np.zeros(3))
PY
"$PT" -m "$T/model.npz" "$T/be.npz" >/dev/null 2>"$T/err"; expect_status 65 $? "big-endian game"
expect_grep "be.npz: states.npy: unsupported npy dtype '>f4' (big-endian); only little-endian <f4 <f8 <i4 <i8 |u1 |b1 are read$" \
    "$T/err" "big-endian message"
grep -q "'fort" "$T/err" && fail "the big-endian message is cut"

# Unreadable files, as a user who cannot read them (root reads anything).
if [ "$(id -u)" -ne 0 ]; then
	as_user() { "$@"; }
elif command -v setpriv >/dev/null; then
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	as_user=
	echo "note: no setpriv: the unreadable-file cases are not run"
fi
if command -v as_user >/dev/null; then
	chmod 755 "$T"
	mkdir "$T/u" "$T/u/g"
	cp "$T/model.npz" "$T/u/"
	cp "$EXP/good/$F" "$T/u/g/"
	cp "$EXP/good/$F" "$T/u/g/exp_locked.npz"
	cp "$T/model.npz" "$T/u/locked_model.npz"
	chmod 000 "$T/u/g/exp_locked.npz" "$T/u/locked_model.npz"
	[ "$(id -u)" -eq 0 ] && chown -R 65534 "$T/u"
	as_user "$PT" -m "$T/u/locked_model.npz" "$T/u/g/$F" 2>"$T/err"
	expect_status 66 $? "an unreadable model"
	expect_grep "locked_model.npz: Permission denied" "$T/err" "unreadable model message"
	as_user "$PT" -m "$T/u/model.npz" --again --quarantine "$T/u/q" --report "$T/u/r.jsonl" \
	    "$T/u/g" >/dev/null 2>"$T/err"
	expect_status 66 $? "an unreadable game, without --skip-bad"
	expect_grep "exp_locked.npz: Permission denied" "$T/err" "the unreadable game named"
	expect_grep '"file": ".*exp_locked.npz", "error": "Permission denied"' "$T/u/r.jsonl" \
	    "the unreadable game in the report"
	as_user "$PT" -m "$T/u/model.npz" --again --skip-bad --quarantine "$T/u/q" --json \
	    "$T/u/g" >"$T/out" 2>"$T/err"
	expect_status 0 $? "an unreadable game, --skip-bad"
	expect_grep '"episodes": 1, .*"skipped": 1, ' "$T/out" "the unreadable game counted"
	[ -f "$T/u/g/exp_locked.npz" ] || fail "an unreadable game was moved"
fi

# Options that were taken wrongly.
"$PT" -m "$T/new.npz" --init --hidden 64,,64 "$EXP/good" 2>"$T/err"; expect_status 64 $? "--hidden 64,,64"
expect_grep "an empty width" "$T/err" "--hidden 64,,64 message"
for h in ,64 64, ""; do
	"$PT" -m "$T/new.npz" --init --hidden "$h" "$EXP/good" 2>/dev/null; expect_status 64 $? "--hidden '$h'"
done
"$PT" -m "$T/model.npz" --hidden 32 "$EXP/good" 2>"$T/err"; expect_status 64 $? "--hidden without --init"
expect_grep "^policy-train: --hidden: only with --init" "$T/err" "--hidden without --init message"
"$PT" -m "$T/model.npz" --actions 3 "$EXP/good" 2>/dev/null; expect_status 64 $? "--actions without --init"
[ -f "$T/new.npz" ] && fail "a refused --hidden made a model"
"$PT" -m "$T/model.npz" --seed -1 "$EXP/good" 2>"$T/err"; expect_status 64 $? "--seed -1"
expect_grep "from 0 to 9223372036854775807, not '-1'" "$T/err" "--seed range in integers"
"$PT" -m "$T/model.npz" --batch-episodes 0 "$EXP/good" 2>"$T/err"
expect_grep "from 1 to 1099511627776, not '0'" "$T/err" "--batch-episodes range in integers"
finish
