# t_policy_kill - policy-train killed with SIGKILL at random moments: the model always loads, old or new
. tests/lib.sh
need_shared
PT=$BIN/policy-train
EXP=$SHARED/experience
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

# A wide model makes the write (6.5 MB with the optimiser state) a real target.
"$PT" -m "$T/model.npz" --init --hidden 512,512 "$EXP/good" >/dev/null ||
	fail "cannot make the model"
kills=0
for i in $(seq 1 30); do
	"$PT" -m "$T/model.npz" --again "$EXP/good" >/dev/null 2>&1 &
	pid=$!
	# Anywhere in the run: reading, training, writing, renaming.
	sleep "$($PY -c "import random; print(random.uniform(0, 0.25))")"
	kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	$PY - "$T/model.npz" <<'PY' || { fail "after kill $i the model does not load"; break; }
import sys, numpy as np
m = np.load(sys.argv[1])
for k in ("W1", "b1", "W2", "b2", "W3", "b3", "adam_m_W1", "adam_v_b3"):
    assert np.isfinite(m[k]).all(), k
assert m["W1"].shape == (15, 512)
# Old or new: the optimiser steps and episodes moved together or not at all.
assert m["episode_count"][0] == 27 * m["optim_step"][0], (m["episode_count"], m["optim_step"])
PY
done
[ "$kills" -gt 0 ] || fail "no run was killed mid-way"
echo "$kills of 30 runs killed mid-way"
# The next run clears what killed writers left and trains on.
"$PT" -m "$T/model.npz" --again "$EXP/good" >/dev/null; expect_status 0 $? "a run after the kills"
ls "$T" | grep -q 'model.npz.tmp.' && fail "temporary files left after a clean run"
finish
