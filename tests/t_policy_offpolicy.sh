# t_policy_offpolicy - the off-policy update from the outside: behaviour, checks, figures
#
# Where mu comes from under each --behavior (the same games with and without
# behavior_probs train to the same weights), --max-ratio, behavior_probs that
# make a file bad, non-finite state features read as 0, the warnings (many
# epochs on on-policy data; a shape the bot cannot load), and every figure
# of the summary against numpy's reading of the same model and games.
. tests/lib.sh
need_shared
PT=$BIN/policy-train
MR=$BIN/merge-results
ROUND=$SHARED/tools/bandit_round.py
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

# Random play: the games without behavior_probs (plain/), the same games with
# 1/5 (fifth/), and with a few small probabilities (small/).
$PY "$ROUND" - "$T/plain" 6 40 11
$PY - "$T" <<'PY'
import glob, os, sys, numpy as np
t = sys.argv[1]
for d in ("fifth", "small"):
    os.makedirs(os.path.join(t, d))
for f in sorted(glob.glob(t + "/plain/*.npz")):
    z = dict(np.load(f)); n = os.path.basename(f)
    np.savez(os.path.join(t, "fifth", n), behavior_probs=np.full(len(z["actions"]), 0.2, np.float32), **z)
    mu = np.full(len(z["actions"]), 0.2, np.float32); mu[::7] = 0.01
    np.savez(os.path.join(t, "small", n), behavior_probs=mu, **z)
PY
$PY "$ROUND" - "$T/first" 2 40 10
"$PT" -m "$T/base.npz" --init --seed 5 --lr 0 "$T/first" >/dev/null || fail "making a model"

# weights_equal A B: the same weights (records of games differ with the files).
weights_equal() {
	$PY - "$1" "$2" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
sys.exit(0 if all(np.array_equal(a[k], b[k]) for k in ("W1", "b1", "W2", "b2", "W3", "b3")) else 1)
PY
}
# train NAME OPTIONS... FOLDER: a candidate from base.npz, --json into NAME.json.
train() {
	name=$1
	shift
	"$PT" -m "$T/base.npz" --out "$T/$name.npz" --json --epochs 3 --lr 0.01 "$@" \
		>"$T/$name.json" 2>"$T/$name.err" || fail "$name: exit status $?"
}
train uniform --behavior uniform "$T/plain"
train auto_fifth "$T/fifth"
train none_fifth --behavior none "$T/fifth"
train auto_plain "$T/plain"
train none_plain --behavior none "$T/plain"
train uniform_fifth --behavior uniform "$T/fifth"
weights_equal "$T/uniform.npz" "$T/auto_fifth.npz" ||
	fail "--behavior uniform without behavior_probs differs from behavior_probs of 1/5"
weights_equal "$T/uniform.npz" "$T/uniform_fifth.npz" ||
	fail "--behavior uniform does not take behavior_probs where a file has them"
weights_equal "$T/auto_plain.npz" "$T/none_fifth.npz" ||
	fail "--behavior none does not ignore behavior_probs"
weights_equal "$T/auto_plain.npz" "$T/none_plain.npz" ||
	fail "--behavior auto without behavior_probs is not on-policy"
weights_equal "$T/auto_plain.npz" "$T/uniform.npz" &&
	fail "the off-policy update changes nothing"
# --max-ratio truncates: small probabilities make big ratios.
train small5 "$T/small"
train small1 --max-ratio 1 "$T/small"
weights_equal "$T/small5.npz" "$T/small1.npz" && fail "--max-ratio changes nothing"
"$PT" -m "$T/base.npz" --out "$T/x.npz" --max-ratio 0 "$T/plain" 2>"$T/err"
expect_status 64 $? "--max-ratio 0"
"$PT" -m "$T/base.npz" --out "$T/x.npz" --behavior sometimes "$T/plain" 2>"$T/err"
expect_status 64 $? "--behavior sometimes"

# Every figure of --json, against numpy on the same model and games.
$PY - "$T" <<'PY' || fail "the summary's figures differ from numpy's"
import glob, json, sys, numpy as np
t = sys.argv[1]

def probs(m, s):
    x = s.astype(np.float64)
    for i in (1, 2, 3):
        x = x @ m[f"W{i}"] + m[f"b{i}"]
        if i < 3: x = np.maximum(x, 0)
    lp = x - x.max(1, keepdims=True); lp -= np.log(np.exp(lp).sum(1, keepdims=True))
    return lp

def close(ours, want, what, tol=1e-4):
    assert abs(ours - want) <= tol * max(1.0, abs(want)), (what, ours, want)

for name, folder, cap in (("uniform", "plain", 5.0), ("small5", "small", 5.0), ("small1", "small", 1.0),
                          ("auto_plain", "plain", None)):
    j = json.load(open(f"{t}/{name}.json"))
    files = sorted(glob.glob(f"{t}/{folder}/*.npz"))
    games = [np.load(f) for f in files]
    S = np.concatenate([g["states"] for g in games]); A = np.concatenate([g["actions"] for g in games])
    want_keys = {"episodes", "steps", "epochs", "updates", "skipped", "already_trained", "not_experience",
                 "loss_before", "loss_after", "mean_return", "mean_length", "win_rate", "entropy_before",
                 "entropy", "approx_kl", "grad_norm", "grad_norm_max", "greedy", "off_policy_steps",
                 "ratio_mean", "ratio_max", "nonfinite_states", "seconds", "model"}
    assert set(j) == want_keys, set(j) ^ want_keys
    assert j["episodes"] == len(games) and j["steps"] == len(A), name
    close(j["mean_return"], np.mean([g["rewards"].astype(np.float64).sum() for g in games]), "mean_return")
    close(j["mean_length"], len(A) / len(games), "mean_length")
    close(j["win_rate"], np.mean([g["rewards"][-1] > 0 for g in games]), "win_rate")
    before, after = probs(np.load(f"{t}/base.npz"), S), probs(np.load(f"{t}/{name}.npz"), S)
    H = lambda lp: -(np.exp(lp) * lp).sum(1).mean()
    close(j["entropy_before"], H(before), "entropy_before")
    close(j["entropy"], H(after), "entropy")
    kl = (np.exp(before) * (before - after)).sum(1).mean()
    assert kl > 0, name
    close(j["approx_kl"], kl, "approx_kl", 1e-3)
    greedy = np.bincount(after.argmax(1), minlength=5) / len(A)
    assert len(j["greedy"]) == 5 and np.allclose(j["greedy"], greedy, atol=1e-3), (j["greedy"], greedy)
    assert j["grad_norm"] > 0 and j["grad_norm_max"] >= j["grad_norm"], name
    assert j["nonfinite_states"] == 0
    if cap is None:
        assert j["off_policy_steps"] == 0 and j["ratio_mean"] is None and j["ratio_max"] is None, name
        continue
    assert j["off_policy_steps"] == len(A), name
    # One epoch on a full batch: the ratios at the model's weights (3 epochs: the
    # first step's alone cannot be told apart, so only with --epochs 1 below).
    assert 0 < j["ratio_mean"] <= cap and j["ratio_max"] > 0, name
    if folder == "small":
        assert j["ratio_max"] > 5, (name, j["ratio_max"])
PY
# The ratios of one step, exactly: at the weights the run started from.
"$PT" -m "$T/base.npz" --out "$T/one.npz" --json --lr 0.01 --max-ratio 2 "$T/small" \
	>"$T/one.json" || fail "one step: exit status $?"
$PY - "$T" <<'PY' || fail "the importance ratios differ from numpy's"
import glob, json, sys, numpy as np
t = sys.argv[1]
j = json.load(open(t + "/one.json"))
m = np.load(t + "/base.npz")
games = [np.load(f) for f in sorted(glob.glob(t + "/small/*.npz"))]
S = np.concatenate([g["states"] for g in games]).astype(np.float64)
A = np.concatenate([g["actions"] for g in games]); mu = np.concatenate([g["behavior_probs"] for g in games])
x = S
for i in (1, 2, 3):
    x = x @ m[f"W{i}"] + m[f"b{i}"]
    if i < 3: x = np.maximum(x, 0)
p = np.exp(x - x.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
ratio = p[np.arange(len(A)), A] / mu
assert abs(j["ratio_mean"] - np.minimum(ratio, 2).mean()) < 1e-5, (j["ratio_mean"], np.minimum(ratio, 2).mean())
assert abs(j["ratio_max"] - ratio.max()) < 1e-4 * ratio.max(), (j["ratio_max"], ratio.max())
assert j["updates"] == 1
PY
grep -q null "$T/one.json" && fail "--json: a figure is null for a run that trained"
# The line: the old labels, then the new figures.
"$PT" -m "$T/base.npz" --out "$T/x.npz" --behavior uniform "$T/plain" >"$T/out" 2>&1
expect_grep "^policy-train: 6 episodes, 240 steps, 1 epoch, loss .* -> .*, mean return .*, mean length 40, won .*%, entropy .* -> .*, KL .*, grad norm .*, greedy [0-9]*/[0-9]*/[0-9]*/[0-9]*/[0-9]*%, off-policy 240 steps, ratio mean .* max .*, .* s, wrote " \
	"$T/out" "summary line"
"$PT" -m "$T/base.npz" --out "$T/x.npz" "$T/plain" >"$T/out" 2>&1
expect_grep ", on-policy, .* s, wrote " "$T/out" "summary line, on-policy"

# behavior_probs that are no probabilities make the file bad (65), named.
mkdir "$T/badmu"
$PY - "$T/badmu" <<'PY'
import sys, numpy as np
d = sys.argv[1]
s = np.zeros((4, 15), np.float32); a = np.zeros(4, np.int64); r = np.ones(4, np.float32)
for name, v in (("nan", np.nan), ("inf", np.inf), ("zero", 0.0), ("big", 1.5), ("neg", -0.2)):
    mu = np.full(4, 0.5, np.float32); mu[2] = v
    np.savez(f"{d}/exp_{name}.npz", states=s, actions=a, rewards=r, behavior_probs=mu)
np.savez(f"{d}/exp_short.npz", states=s, actions=a, rewards=r, behavior_probs=np.full(3, 0.5, np.float32))
np.savez(f"{d}/exp_ints.npz", states=s, actions=a, rewards=r, behavior_probs=np.ones(4, np.int64))
PY
rm -f "$T/x.npz"
"$PT" -m "$T/base.npz" --out "$T/x.npz" --report "$T/report.jsonl" "$T/badmu" >/dev/null 2>"$T/err"
expect_status 65 $? "bad behavior_probs"
for why in "exp_nan.npz: behavior_probs at step 2 is not finite" \
    "exp_inf.npz: behavior_probs at step 2 is not finite" \
    "exp_zero.npz: behavior_probs at step 2 is 0, not a probability in (0, 1]" \
    "exp_big.npz: behavior_probs at step 2 is 1.5, not a probability" \
    "exp_neg.npz: behavior_probs at step 2 is -0.2" \
    "exp_short.npz: behavior_probs must be (T,)" "exp_ints.npz: behavior_probs are not floating point"; do
	expect_grep "$why" "$T/err" "bad behavior_probs reason"
done
[ "$(wc -l <"$T/report.jsonl")" -eq 7 ] || fail "--report: want 7 lines for 7 bad files"
[ -f "$T/x.npz" ] && fail "a candidate written from bad behavior_probs"

# Non-finite state features are read as 0 (the bot acted on 0), counted;
# a non-finite reward still makes the file bad.
mkdir "$T/nf" "$T/zero" "$T/nfr"
$PY - "$T" <<'PY'
import sys, numpy as np
t = sys.argv[1]
rng = np.random.default_rng(3)
s = rng.standard_normal((9, 15)).astype(np.float32); a = rng.integers(0, 5, 9); r = rng.standard_normal(9).astype(np.float32)
bad = s.copy(); bad[1, 4] = np.nan; bad[5, 0] = np.inf; bad[8, 14] = -np.inf
zero = s.copy(); zero[1, 4] = zero[5, 0] = zero[8, 14] = 0
np.savez(t + "/nf/exp_nf.npz", states=bad, actions=a, rewards=r)
np.savez(t + "/zero/exp_zero.npz", states=zero, actions=a, rewards=r)
r2 = r.copy(); r2[3] = np.inf
np.savez(t + "/nfr/exp_nfr.npz", states=bad, actions=a, rewards=r2)
PY
"$PT" -m "$T/base.npz" --out "$T/nf.npz" --json "$T/nf" >"$T/out" 2>"$T/err"
expect_status 0 $? "non-finite state features"
expect_grep '"nonfinite_states": 3, ' "$T/out" "--json counts non-finite state features"
"$PT" -m "$T/base.npz" --out "$T/zero.npz" "$T/zero" >/dev/null
weights_equal "$T/nf.npz" "$T/zero.npz" || fail "non-finite state features not read as 0"
"$PT" -m "$T/base.npz" --out "$T/x2.npz" "$T/nf" >"$T/out" 2>&1
expect_grep "; 3 non-finite state features read as 0$" "$T/out" "summary counts non-finite state features"
"$PT" -m "$T/base.npz" --out "$T/x3.npz" "$T/nfr" >/dev/null 2>"$T/err"
expect_status 65 $? "non-finite reward"
expect_grep "reward at step 3 is not finite" "$T/err" "non-finite reward reason"

# Many epochs warn on on-policy data only: the off-policy update stays bounded.
"$PT" -m "$T/base.npz" --out "$T/x.npz" --epochs 21 "$T/plain" >/dev/null 2>"$T/err"
expect_grep "21 epochs on one batch, 6 of 6 games on-policy.*diverges" "$T/err" "on-policy warning"
"$PT" -m "$T/base.npz" --out "$T/x.npz" --epochs 21 --behavior uniform "$T/plain" >/dev/null 2>"$T/err"
[ -s "$T/err" ] && fail "--behavior uniform, 21 epochs: $(cat "$T/err")"
"$PT" -m "$T/base.npz" --out "$T/x.npz" --epochs 21 "$T/fifth" >/dev/null 2>"$T/err"
[ -s "$T/err" ] && fail "behavior_probs, 21 epochs: $(cat "$T/err")"
"$PT" -m "$T/base.npz" --out "$T/x.npz" --epochs 21 --behavior none "$T/fifth" >/dev/null 2>"$T/err"
expect_grep "on-policy (rho = 1, --behavior none).*diverges" "$T/err" "--behavior none warning"
"$PT" -m "$T/base.npz" --out "$T/x.npz" --epochs 20 "$T/plain" >/dev/null 2>"$T/err"
[ -s "$T/err" ] && fail "20 epochs warned: $(cat "$T/err")"

# A model the bot cannot load is made only with a warning saying what the bot does.
for shape in "--hidden 32:cannot load this model.*IndexError or is silently not loaded" \
    "--hidden 64,64,64:cannot load" "--actions 6:cannot load" \
    "--hidden 32,64:hot reload checks W1.shape == (15, 64)" "--hidden 64,32:" "--hidden 64,64:"; do
	opts=${shape%%:*} want=${shape#*:}
	rm -f "$T/shape.npz"
	# shellcheck disable=SC2086
	"$PT" -m "$T/shape.npz" --init $opts "$T/plain" >/dev/null 2>"$T/err" || fail "$opts: exit status $?"
	if [ -n "$want" ]; then
		expect_grep "warning: .*shape.npz: .*$want" "$T/err" "$opts"
	else
		[ -s "$T/err" ] && fail "$opts: a model the bot loads warned: $(cat "$T/err")"
	fi
done

# merge-results takes an off-policy candidate as any other.
cp "$T/base.npz" "$T/merged.npz"
"$MR" model -o "$T/merged.npz" "$T/uniform.npz" >/dev/null 2>"$T/err" || fail "merge: $(cat "$T/err")"
$PY - "$T/merged.npz" "$T/uniform.npz" <<'PY' || fail "merging an off-policy candidate"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert all(np.allclose(a[k], b[k], rtol=0, atol=1e-12) for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
assert a["episode_count"][0] == 2 + 6
PY
finish
