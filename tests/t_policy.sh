# t_policy - policy-train on real experience files: formats, bad input, locks, resumes
. tests/lib.sh
need_shared
PT=$BIN/policy-train
EXP=$SHARED/experience
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing (bin/install-deps installs it)"; finish; }

# Trains from the bot's own model and files; numpy loads the result.
cp "$EXP/legacy_model.npz" "$T/model.npz"
"$PT" -m "$T/model.npz" "$EXP/good" >"$T/out" 2>"$T/err"
expect_status 0 $? "train legacy model on good experience"
expect_grep "^policy-train: 27 episodes, " "$T/out" "summary line"
[ -s "$T/err" ] && fail "stderr not empty: $(cat "$T/err")"
$PY - "$EXP/legacy_model.npz" "$T/model.npz" <<'PY' || fail "numpy cannot read the trained model as the bot does"
import sys, numpy as np
old, new = np.load(sys.argv[1]), np.load(sys.argv[2])
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):          # the bot's loader checks these
    assert new[k].dtype == np.float64 and new[k].shape == old[k].shape, k
assert not np.array_equal(old["W1"], new["W1"])
assert new["baseline"].tolist() == old["baseline"].tolist()
assert new["episode_count"][0] == old["episode_count"][0] + 27
assert new["optim_step"][0] == 1 and new["format_version"][0] == 1
PY

# numpy's forward pass over our model gives our probabilities.
F=$(ls "$EXP/good" | head -n 1)
"$BGTRAIN_TESTS/policy_probs" "$T/model.npz" "$EXP/good/$F" >"$T/probs"
$PY - "$T/model.npz" "$EXP/good/$F" "$T/probs" <<'PY' || fail "numpy's probabilities differ from ours"
import sys, numpy as np
m, e = np.load(sys.argv[1]), np.load(sys.argv[2])
x = e["states"].astype(np.float64)
for i in (1, 2, 3):
    x = x @ m[f"W{i}"] + m[f"b{i}"]
    if i < 3: x = np.maximum(x, 0)
p = np.exp(x - x.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
ours = np.loadtxt(sys.argv[3], ndmin=2)
assert ours.shape == p.shape, (ours.shape, p.shape)
assert np.abs(ours - p).max() < 1e-5, np.abs(ours - p).max()
PY

# The 28 corrupted files the bot wrote: each named, exit 65, model untouched.
cp "$T/model.npz" "$T/before.npz"
"$PT" -m "$T/model.npz" "$EXP/corrupted" >"$T/out" 2>"$T/err"
expect_status 65 $? "corrupted experience"
[ "$(grep -c 'mismatched lengths' "$T/err")" -eq 28 ] || fail "want 28 'mismatched lengths' lines"
cmp -s "$T/model.npz" "$T/before.npz" || fail "model changed by a failed run"

# Truncated, not-a-zip, NaN, out-of-range actions, wrong width; and *.tmp.npz unread.
mkdir "$T/mixed"
cp "$EXP/good/"*.npz "$T/mixed/"
head -c 300 "$EXP/good/$F" >"$T/mixed/exp_truncated.npz"
echo "not a zip" >"$T/mixed/exp_text.npz"
cp "$EXP/good/$F" "$T/mixed/exp_half.tmp.npz"
$PY - "$T/mixed" <<'PY'
import sys, numpy as np
d = sys.argv[1]
s = np.zeros((4, 15), np.float32); a = np.zeros(4, np.int64); r = np.zeros(4, np.float32)
r2 = r.copy(); r2[2] = np.nan
np.savez(d + "/exp_nan.npz", states=s, actions=a, rewards=r2)
a2 = a.copy(); a2[1] = 7
np.savez_compressed(d + "/exp_action.npz", states=s, actions=a2, rewards=r)
np.savez(d + "/exp_width.npz", states=np.zeros((4, 14), np.float32), actions=a, rewards=r)
PY
"$PT" -m "$T/model.npz" "$T/mixed" >"$T/out" 2>"$T/err"
expect_status 65 $? "mixed good and bad"
for why in "exp_truncated.npz: not a zip" "exp_text.npz: not a zip" "exp_nan.npz: reward at step 2 is not finite" \
    "exp_action.npz: action 7 at step 1 is out of range" "exp_width.npz: states have 14 features"; do
	expect_grep "$why" "$T/err" "bad file reason"
done
grep -q "tmp.npz" "$T/err" && fail "a *.tmp.npz file was read"
cmp -s "$T/model.npz" "$T/before.npz" || fail "model changed by a failed run"
# --report: a {"file", "error"} line per input not trained on, for the driver.
"$PT" -m "$T/model.npz" --report "$T/report.jsonl" "$T/mixed" "$T/mixed/exp_half.tmp.npz" \
    "$T/gone.npz" >"$T/out" 2>"$T/err"
expect_status 66 $? "--report with a missing input"
expect_grep '"file": ".*gone.npz", "error": "No such file or directory"' "$T/report.jsonl" \
    "--report names a missing input"
"$PT" -m "$T/model.npz" --report "$T/report.jsonl" "$T/mixed" "$T/mixed/exp_half.tmp.npz" \
    >"$T/out" 2>"$T/err"
expect_status 65 $? "--report with bad files"
$PY - "$T/report.jsonl" "$T/mixed" <<'PY' || fail "--report does not name each bad file with its reason"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
got = {l["file"]: l["error"] for l in lines}
assert all(set(l) == {"file", "error"} for l in lines), lines
d = sys.argv[2]
want = {"exp_truncated.npz": "not a zip", "exp_text.npz": "not a zip",
        "exp_nan.npz": "reward at step 2 is not finite",
        "exp_action.npz": "action 7 at step 1 is out of range",
        "exp_width.npz": "states have 14 features", "exp_half.tmp.npz": "not read"}
assert len(got) == len(lines) == len(want), got
for name, why in want.items():
    assert why in got[d + "/" + name], (name, got.get(d + "/" + name))
PY
cmp -s "$T/model.npz" "$T/before.npz" || fail "model changed by a failed run"
"$PT" -m "$T/model.npz" --out "$T/rcand.npz" --report "$T/report.jsonl" "$EXP/good" >/dev/null 2>&1
expect_status 0 $? "--report on good inputs"
[ -f "$T/report.jsonl" ] && [ ! -s "$T/report.jsonl" ] || fail "--report: not an empty file for good inputs"
"$PT" -m "$T/model.npz" --out "$T/rcand.npz" --report - --quiet "$T/mixed/exp_nan.npz" \
    >"$T/out" 2>/dev/null
expect_status 65 $? "--report - with a bad file"
expect_grep '^{"file": ".*exp_nan.npz", "error": "reward at step 2 is not finite"}$' "$T/out" \
    "--report - writes the line to stdout"
"$PT" -m "$T/model.npz" --again --skip-bad --quarantine "$T/bad" --json "$T/mixed" >"$T/out" 2>"$T/err"
expect_status 0 $? "--skip-bad"
expect_grep '"episodes": 27, ' "$T/out" "--skip-bad trains on the good 27"
expect_grep '"skipped": 5, ' "$T/out" "--skip-bad counts the bad"
[ "$(ls "$T/bad" | grep -c '\.npz$')" -eq 5 ] || fail "--quarantine did not move the 5 bad files"
[ -f "$T/bad/exp_nan.npz.reason" ] || fail "--quarantine wrote no reason"
[ -f "$T/mixed/exp_half.tmp.npz" ] || fail "the *.tmp.npz file was moved"

# Exit codes.
"$PT" -m "$T/none.npz" "$EXP/good" 2>"$T/err"; expect_status 66 $? "missing model without --init"
"$PT" -m "$T/model.npz" --init "$EXP/good" 2>"$T/err"; expect_status 64 $? "--init over an existing model"
"$PT" -m "$T/model.npz" "$T/nothing-here" 2>"$T/err"; expect_status 66 $? "missing experience"
"$PT" "$EXP/good" 2>/dev/null; expect_status 64 $? "no -m"
"$PT" -m "$T/model.npz" --optimizer rmsprop "$EXP/good" 2>/dev/null; expect_status 64 $? "bad --optimizer"
"$PT" -m "$T/model.npz" --again --out "$T/warn.npz" --epochs 21 "$EXP/good" >/dev/null 2>"$T/err"
expect_grep "diverges" "$T/err" "warning above 20 epochs"

# Resuming is exact: two runs of one epoch equal one run of two (Adam state kept).
"$PT" -m "$T/a.npz" --init --seed 7 --epochs 2 "$EXP/good" >/dev/null
"$PT" -m "$T/b.npz" --init --seed 7 "$EXP/good" >/dev/null
"$PT" -m "$T/b.npz" --again "$EXP/good" >/dev/null
$PY - "$T/a.npz" "$T/b.npz" <<'PY' || fail "resumed training differs from one run"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
for k in a.files:
    if k != "episode_count":
        assert np.array_equal(a[k], b[k]), k
assert a["optim_step"][0] == 2 and b["episode_count"][0] == 54
PY
# Shuffled batches follow the seed.
# The same run gives the same bytes: zips carry no clock (zip time has 2 s
# steps, so the second run is 2 s later, in another time zone), and numpy
# reads every member of them, dated as np.savez dates its own.
"$PT" -m "$T/s1.npz" --init --batch-episodes 4 --seed 1 "$EXP/good" >/dev/null
sleep 2
TZ=Asia/Kolkata "$PT" -m "$T/s2.npz" --init --batch-episodes 4 --seed 1 "$EXP/good" >/dev/null
"$PT" -m "$T/s3.npz" --init --batch-episodes 4 --seed 2 "$EXP/good" >/dev/null
cmp -s "$T/s1.npz" "$T/s2.npz" || fail "same seed, different bytes"
$PY - "$T/s1.npz" <<'PY' || fail "numpy does not read the model, or its entries are not dated as np.savez's"
import io, sys, zipfile, numpy as np
ref = io.BytesIO()
np.savez(ref, x=np.zeros(1))
want = zipfile.ZipFile(ref).infolist()[0].date_time
with np.load(sys.argv[1]) as z:
    assert len(z.files) > 10 and all(z[k].size > 0 for k in z.files)
assert all(i.date_time == want for i in zipfile.ZipFile(sys.argv[1]).infolist()), want
PY
cmp -s "$T/s1.npz" "$T/s3.npz" && fail "different seeds, same result"
$PY -c "import sys, numpy as np; sys.exit(0 if np.load(sys.argv[1])['optim_step'][0] == 7 else 1)" "$T/s1.npz" ||
	fail "27 episodes in batches of 4 should take 7 steps"
# Seeds above 2^53 (not exact as doubles) are read exactly: one apart, other weights.
"$PT" -m "$T/big1.npz" --init --seed 9007199254740992 "$EXP/good" >/dev/null
"$PT" -m "$T/big2.npz" --init --seed 9007199254740993 "$EXP/good" >/dev/null
same_arrays "$T/big1.npz" "$T/big2.npz" && fail "seeds 2^53 and 2^53+1 gave the same model"

# A candidate leaves the model alone and records its change and its base.
cp "$T/model.npz" "$T/before.npz"
"$PT" -m "$T/model.npz" --again --out "$T/cand.npz" "$EXP/good" >/dev/null
cmp -s "$T/model.npz" "$T/before.npz" || fail "--out changed the model"
$PY - "$T/model.npz" "$T/cand.npz" <<'PY' || fail "candidate record"
import hashlib, sys, numpy as np
m, c = np.load(sys.argv[1]), np.load(sys.argv[2])
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):
    assert np.array_equal(c[k] - m[k], c["delta_" + k]), k
assert bytes(c["base_md5"]).decode() == hashlib.md5(open(sys.argv[1], "rb").read()).hexdigest()
assert c["candidate_games"][0] == 27 and c["candidate_steps"][0] == 1
PY

# Four trainers on one model at once: the lock serialises them, no update is lost.
"$PT" -m "$T/shared.npz" --init --seed 3 "$EXP/good/$F" >/dev/null
for i in 1 2 3 4; do
	"$PT" -m "$T/shared.npz" --again "$EXP/good" >/dev/null 2>&1 &
done
wait
$PY -c "
import sys, numpy as np
m = np.load(sys.argv[1])
sys.exit(0 if m['episode_count'][0] == 1 + 4 * 27 and m['optim_step'][0] == 5 else 1)" "$T/shared.npz" ||
	fail "concurrent trainers lost an update"
finish
