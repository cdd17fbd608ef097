# t_policy_games - every game counts once: the model's record of trained games (trained_md5)
#
# Whatever happens to the driver's state folder, running policy-train again
# on a folder, or merging a candidate again, never trains a game twice: the
# model carries the MD5 of every experience file trained into it.
. tests/lib.sh
need_shared
PT=$BIN/policy-train
MR=$BIN/merge-results
EXP=$SHARED/experience/good
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
GOOD=$(ls "$EXP" | wc -l)

# count MODEL: its episode_count.
count() {
	$PY -c "import sys, numpy as np; print(np.load(sys.argv[1])['episode_count'][0])" "$1"
}

# The README's own loop, run twice on one folder: each game once.
"$PT" -m "$T/m.npz" --init --seed 1 "$EXP" >/dev/null 2>&1
cp "$T/m.npz" "$T/before.npz"
"$PT" -m "$T/m.npz" "$EXP" >"$T/out" 2>"$T/err"
expect_status 0 $? "second run on the same folder"
[ "$(count "$T/m.npz")" -eq "$GOOD" ] || fail "episode_count $(count "$T/m.npz") after two runs, want $GOOD"
cmp -s "$T/m.npz" "$T/before.npz" || fail "a run with nothing new changed the model"
expect_grep "^policy-train: 0 episodes: all $GOOD games are already in" "$T/out" "summary of a run with nothing new"
expect_grep "$GOOD games already trained into .*m.npz: skipped (--again" "$T/err" "note on stderr"
expect_grep "exp_.*\.npz: already trained into" "$T/err" "each file named without --quiet"
"$PT" -m "$T/m.npz" --quiet "$EXP" >/dev/null 2>"$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "--quiet: want one note, got: $(cat "$T/err")"
"$PT" -m "$T/m.npz" --json "$EXP" >"$T/out" 2>/dev/null
expect_grep "\"episodes\": 0, .*\"already_trained\": $GOOD, " "$T/out" "--json counts the games already trained"
expect_grep '"model": null}' "$T/out" "--json: nothing written"
$PY - "$T/m.npz" "$EXP" <<'PY' || fail "trained_md5 is not the sorted (N, 16) |u1 MD5s of the files"
import hashlib, os, sys, numpy as np
m = np.load(sys.argv[1])
t = m["trained_md5"]
assert t.dtype == np.uint8 and t.shape == (len(os.listdir(sys.argv[2])), 16), (t.dtype, t.shape)
want = sorted(hashlib.md5(open(os.path.join(sys.argv[2], f), "rb").read()).digest()
              for f in os.listdir(sys.argv[2]))
assert [bytes(r) for r in t] == want
PY

# A file renamed or copied is the same game; new games are trained, old ones skipped.
mkdir "$T/more"
F=$(ls "$EXP" | head -n 1)
cp "$EXP/$F" "$T/more/exp_renamed.npz"
cp "$EXP/$F" "$T/more/exp_copy.npz"
$PY - "$T/more" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(9)
for i in range(3):
    np.savez(sys.argv[1] + "/exp_new%d.npz" % i, states=rng.standard_normal((6, 15)).astype(np.float32),
             actions=rng.integers(0, 5, 6), rewards=rng.standard_normal(6))
PY
"$PT" -m "$T/m.npz" --json "$T/more" >"$T/out" 2>"$T/err"
expect_status 0 $? "new and old games"
expect_grep '"episodes": 3, .*"already_trained": 2, ' "$T/out" "three new games, two known"
[ "$(count "$T/m.npz")" -eq $((GOOD + 3)) ] || fail "episode_count $(count "$T/m.npz"), want $((GOOD + 3))"
# The same bytes twice in one run: once.
"$PT" -m "$T/one.npz" --init --json "$T/more/exp_renamed.npz" "$T/more/exp_copy.npz" >"$T/out" 2>"$T/err"
expect_grep '"episodes": 1, .*"already_trained": 1, ' "$T/out" "one game under two names"
expect_grep "exp_copy.npz: the same game as .*exp_renamed.npz" "$T/err" "the duplicate named"

# --again trains them anyway, and still records each game once.
"$PT" -m "$T/m.npz" --again "$EXP" >"$T/out" 2>"$T/err"
expect_status 0 $? "--again"
expect_grep "^policy-train: $GOOD episodes, " "$T/out" "--again trains every game"
[ "$(count "$T/m.npz")" -eq $((2 * GOOD + 3)) ] || fail "--again: episode_count $(count "$T/m.npz")"
$PY -c "import sys, numpy as np; sys.exit(np.load(sys.argv[1])['trained_md5'].shape != (int(sys.argv[2]), 16))" \
    "$T/m.npz" $((GOOD + 3)) || fail "--again recorded a game twice"

# The bot's own model has no record: it is read, and gets one.
cp "$SHARED/experience/legacy_model.npz" "$T/legacy.npz"
L0=$(count "$T/legacy.npz")
"$PT" -m "$T/legacy.npz" "$EXP" >/dev/null 2>&1; expect_status 0 $? "legacy model"
"$PT" -m "$T/legacy.npz" "$EXP" >/dev/null 2>&1; expect_status 0 $? "legacy model, again"
[ "$(count "$T/legacy.npz")" -eq $((L0 + GOOD)) ] || fail "legacy model: episode_count $(count "$T/legacy.npz"), want $((L0 + GOOD))"

# A damaged record is bad data, not an empty record (which would train every game again).
$PY - "$T/m.npz" "$T/badrec.npz" <<'PY'
import sys, numpy as np
m = dict(np.load(sys.argv[1]))
m["trained_md5"] = m["trained_md5"].reshape(-1)[:40]
np.savez(sys.argv[2], **m)
PY
"$PT" -m "$T/badrec.npz" "$EXP" >/dev/null 2>"$T/err"; expect_status 65 $? "damaged trained_md5"
expect_grep "trained_md5 (the record of trained games) is not an (N, 16) array" "$T/err" "damaged record message"

# Candidates carry the games they add; merge-results adds them to the model's record.
mkdir "$T/b0" "$T/b1" "$T/both"
i=0
for f in $(ls "$EXP" | head -n 8); do
	i=$((i + 1)); cp "$EXP/$f" "$T/b$((i % 2))/"
done
cp "$T/b0/"* "$T/b1/"* "$T/both/"
"$PT" -m "$T/base.npz" --init --seed 2 "$T/more/exp_new0.npz" >/dev/null
for k in 0 1; do "$PT" -m "$T/base.npz" --out "$T/c$k.npz" "$T/b$k" >/dev/null; done
"$PT" -m "$T/base.npz" --out "$T/cboth.npz" "$T/both" >/dev/null
$PY - "$T/c0.npz" "$T/b0" <<'PY' || fail "a candidate's trained_md5 is not the games it added"
import hashlib, os, sys, numpy as np
c = np.load(sys.argv[1])
want = sorted(hashlib.md5(open(os.path.join(sys.argv[2], f), "rb").read()).digest()
              for f in os.listdir(sys.argv[2]))
assert [bytes(r) for r in c["trained_md5"]] == want and c["candidate_games"][0] == len(want)
PY
cp "$T/base.npz" "$T/mm.npz"
"$MR" model -o "$T/mm.npz" "$T/c0.npz"; expect_status 0 $? "merge c0"
cp "$T/mm.npz" "$T/before.npz"
"$MR" model -o "$T/mm.npz" "$T/c0.npz" 2>"$T/err"; expect_status 0 $? "merge c0 twice"
expect_grep "already merged" "$T/err" "merged-twice note"
cmp -s "$T/mm.npz" "$T/before.npz" || fail "a candidate merged twice changed the model"
"$MR" model -o "$T/mm.npz" "$T/cboth.npz" 2>"$T/err"; expect_status 65 $? "a candidate whose games the model has"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "want one line, got: $(cat "$T/err")"
expect_grep "cboth.npz: 4 of its 8 games are already in .*mm.npz" "$T/err" "refusal message"
cmp -s "$T/mm.npz" "$T/before.npz" || fail "a refused candidate changed the model"
"$MR" model -o "$T/mm.npz" "$T/c1.npz"; expect_status 0 $? "merge c1"
[ "$(count "$T/mm.npz")" -eq 9 ] || fail "episode_count $(count "$T/mm.npz") after merges, want 9"
$PY - "$T/mm.npz" "$T/both" "$T/more/exp_new0.npz" <<'PY' || fail "the merged model's record is not its 9 games"
import hashlib, os, sys, numpy as np
m = np.load(sys.argv[1])
files = [os.path.join(sys.argv[2], f) for f in os.listdir(sys.argv[2])] + [sys.argv[3]]
want = sorted(hashlib.md5(open(f, "rb").read()).digest() for f in files)
assert [bytes(r) for r in m["trained_md5"]] == want
PY
# Two candidates with one game, in one call: refused, the model untouched.
cp "$T/base.npz" "$T/m2.npz"
"$MR" model -o "$T/m2.npz" "$T/c0.npz" "$T/cboth.npz" 2>"$T/err"; expect_status 65 $? "two candidates, one game"
cmp -s "$T/m2.npz" "$T/base.npz" || fail "a refused merge changed the model"
# The model trained by merges skips those games when trained directly.
"$PT" -m "$T/mm.npz" --json "$T/both" >"$T/out" 2>/dev/null
expect_grep '"episodes": 0, .*"already_trained": 8, ' "$T/out" "games merged in are known to policy-train"
# A candidate from games the model already has adds nothing, and merges as a no-op.
"$PT" -m "$T/mm.npz" --out "$T/cnone.npz" "$T/both" >"$T/out" 2>/dev/null
expect_status 0 $? "a candidate of known games"
expect_grep "which adds nothing" "$T/out" "summary of an empty candidate"
cp "$T/mm.npz" "$T/before.npz"
"$MR" model -o "$T/mm.npz" "$T/cnone.npz"; expect_status 0 $? "merge an empty candidate"
$PY - "$T/mm.npz" "$T/before.npz" <<'PY' || fail "an empty candidate changed the model"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
for k in b.files:
    if k != "merged_candidates":      # which records the candidate, so it merges once
        assert np.array_equal(a[k], b[k]), k
PY
finish
