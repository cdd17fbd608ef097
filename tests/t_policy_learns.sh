# t_policy_learns - it learns, played the way the bot plays (specs/reinforce.md's recipe)
#
# Round 0 is random play; policy-train --init trains one epoch on it. Then 60
# rounds: 20 games of 50 decisions sampled from the current model, one epoch
# on them. Greedy accuracy must rise from chance (0.20) to at least 0.85 for
# each of three seeds (PyTorch with the same recipe reaches 0.92).
. tests/lib.sh
need_shared
PT=$BIN/policy-train
ROUND=$SHARED/tools/bandit_round.py
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

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
