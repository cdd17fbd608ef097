# t_policy_learns - it learns, from the games the bot plays (specs/reinforce.md)
#
# On-policy, the spec's recipe: round 0 is random play; policy-train --init
# trains one epoch on it. Then 60 rounds: 20 games of 50 decisions sampled
# from the current model, one epoch on them. Greedy accuracy must rise from
# chance (0.20) to at least 0.85 for each of three seeds (PyTorch with the
# same recipe reaches 0.92).
#
# Off-policy, as the bot really plays (uniformly at random, epsilon 1.0,
# no behavior_probs): 60 rounds of 20 random games in a fresh folder, one
# --behavior uniform epoch each, must reach 0.90 for three seeds (the
# on-policy update ends at 0.5-0.6 there; PyTorch with the off-policy update
# 0.93-0.94). And one fixed batch of 200 random games, 60 epochs: 0.90 with
# the loss bounded (above -1), where the on-policy update runs off to about
# -250 and warns. About 30 s, most of it Python playing the on-policy
# rounds (one process a round). In the release pass only: a statistical
# test, whose code ASan sees in t_policy, t_policy_offpolicy and
# test_reinforce (keeping make check under 20 minutes).
. tests/lib.sh
if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
	echo "the learning test runs once, in the release pass"
	exit 77
fi
need_shared
PT=$BIN/policy-train
ROUND=$SHARED/tools/bandit_round.py
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

# at_least ACCURACY MIN WHAT
at_least() {
	$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)" "$1" "$2" ||
		fail "$3: accuracy $1 < $2"
}

# One fixed batch of random play, many epochs: off-policy it learns and stays bounded.
$PY "$ROUND" - "$T/batch" 200 50 42
"$PT" -m "$T/fixed.npz" --init --hidden 64,64 --lr 0.01 --gamma 0 --behavior uniform \
	--epochs 60 --json "$T/batch" >"$T/out" 2>"$T/err" || fail "fixed batch: exit status $?"
[ -s "$T/err" ] && fail "fixed batch, off-policy: a warning: $(cat "$T/err")"
acc=$($PY "$ROUND" "$T/fixed.npz" --eval 4242)
loss=$($PY -c "import json, sys; print(json.load(open(sys.argv[1]))['loss_after'])" "$T/out")
echo "fixed batch, off-policy: greedy accuracy $acc, final loss $loss"
at_least "$acc" 0.90 "fixed batch, off-policy"
$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) > -1 else 1)" "$loss" ||
	fail "fixed batch, off-policy: final loss $loss <= -1"
# The same batch on-policy runs away, and says it will.
"$PT" -m "$T/fixed-on.npz" --init --hidden 64,64 --lr 0.01 --gamma 0 --epochs 60 --json \
	"$T/batch" >"$T/out" 2>"$T/err" || fail "fixed batch, on-policy: exit status $?"
expect_grep "on-policy.*diverges" "$T/err" "fixed batch, on-policy: the warning"
loss=$($PY -c "import json, sys; print(json.load(open(sys.argv[1]))['loss_after'])" "$T/out")
echo "fixed batch, on-policy: final loss $loss"
$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) < -10 else 1)" "$loss" ||
	fail "fixed batch, on-policy: final loss $loss did not run away"

# Random play, round after round: 60 rounds of one --behavior uniform epoch.
# Random play does not depend on the model, so every round's games
# (`bandit_round.py - DIR 20 50 SEED+k`, the tool itself) are played first,
# in one Python that imports numpy once.
$PY - "$ROUND" "$T/random" <<'PY'
import runpy, sys
tool, out = sys.argv[1], sys.argv[2]
for base in (100, 200, 300):
    for k in range(60):
        sys.argv = [tool, "-", "%s/%d-%d" % (out, base, k), "20", "50", str(base + k)]
        runpy.run_path(tool, run_name="__main__")
PY
for base in 100 200 300; do
	M=$T/random-$base.npz
	for k in $(seq 0 59); do
		if [ "$k" -eq 0 ]; then
			set -- --init --hidden 64,64 --seed "$base"
		else
			set --
		fi
		"$PT" -m "$M" "$@" --epochs 1 --lr 0.01 --gamma 0 --behavior uniform \
			"$T/random/$base-$k" >/dev/null || { fail "random play, seed $base: round $k"; break; }
		rm -rf "$T/random/$base-$k"
	done
	acc=$($PY "$ROUND" "$M" --eval $((base + 999)))
	echo "random play, seed $base: greedy accuracy $acc"
	at_least "$acc" 0.90 "random play, seed $base"
done

# On-policy, the spec's recipe, as before.
for base in 100 200 300; do
	M=$T/model-$base.npz
	$PY "$ROUND" - "$T/r$base-0" 20 50 "$base"
	"$PT" -m "$M" --init --hidden 64,64 --epochs 1 --lr 0.01 --gamma 0 --seed "$base" \
		"$T/r$base-0" >/dev/null || fail "seed $base: first round"
	start=$($PY "$ROUND" "$M" --eval "$base")
	for k in $(seq 1 60); do
		$PY "$ROUND" "$M" "$T/r$base-$k" 20 50 $((base + k))
		"$PT" -m "$M" --epochs 1 --lr 0.01 --gamma 0 "$T/r$base-$k" >/dev/null ||
			{ fail "seed $base: round $k"; break; }
		rm -rf "$T/r$base-$k"
	done
	acc=$($PY "$ROUND" "$M" --eval $((base + 999)))
	echo "seed $base: greedy accuracy $start -> $acc"
	$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 0.85 else 1)" "$acc" ||
		fail "seed $base: accuracy $acc < 0.85"
done
finish
