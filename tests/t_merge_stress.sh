# t_merge_stress - merge-results under fire: 8 mergers at once, 200 merges killed with SIGKILL
. tests/lib.sh
need_shared
merge_setup

# Eight disjoint summaries and eight candidates from one base, merged at once.
split -n l/8 -d "$T/list" "$T/part."
for i in 0 1 2 3 4 5 6 7; do
	"$RA" -s "$T/s$i.json" --race any - <"$T/part.0$i" >/dev/null
done
"$PT" -m "$T/base.npz" --init --seed 9 "$EXP" >/dev/null
i=0
for f in $(ls "$EXP" | head -n 24); do
	mkdir -p "$T/e$((i % 8))"; cp "$EXP/$f" "$T/e$((i % 8))/"; i=$((i + 1))
done
for i in 0 1 2 3 4 5 6 7; do "$PT" -m "$T/base.npz" --again --out "$T/c$i.npz" "$T/e$i" >/dev/null 2>&1; done
cp "$T/base.npz" "$T/model.npz"
for i in 0 1 2 3 4 5 6 7; do
	"$MR" learned -o "$T/learned.json" "$T/s$i.json" &
	"$MR" model -o "$T/model.npz" "$T/c$i.npz" &
done
wait
$PY - "$T" <<'PY' || fail "8 concurrent mergers lost a contribution"
import json, sys, numpy as np
d = sys.argv[1]
a, b = json.load(open(d + "/whole.json")), json.load(open(d + "/learned.json"))
a.pop("generated_at"); b.pop("generated_at")
assert a == b, "learned file differs from the summary of the union"
base, m = np.load(d + "/base.npz"), np.load(d + "/model.npz")
c = [np.load("%s/c%d.npz" % (d, i)) for i in range(8)]
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):
    want = base[k] + sum(x["delta_" + k] for x in c)
    assert np.abs(m[k] - want).max() <= 1e-9, k
assert m["episode_count"][0] == base["episode_count"][0] + 24
assert m["optim_step"][0] == base["optim_step"][0] + 8
assert len(bytes(m["merged_candidates"])) == 8 * 32
PY

# 200 merges (94 learned, 106 model) killed at random moments: the target always parses and equals
# the state before or after one merge; the next merger finishes the job.
i=0
while IFS= read -r p; do
	"$RA" -s "$T/one$i.json" --race any "$p" >/dev/null; i=$((i + 1))
	[ $i -eq 100 ] && break
done <"$T/list"
mkdir "$T/cands"
for i in $(seq 0 105); do
	f=$(ls "$EXP" | sed -n "$((i % 27 + 1))p")
	"$PT" -m "$T/base.npz" --again --out "$T/cands/c$i.npz" --batch-episodes 1 --seed "$i" "$EXP/$f" >/dev/null 2>&1
done
cp "$T/base.npz" "$T/kmodel.npz"
$PY - "$MR" "$T" <<'PY' || fail "a killed merge left a target that is neither before nor after"
import json, os, random, signal, subprocess, sys, time
import numpy as np
mr, d = sys.argv[1], sys.argv[2]
rng = random.Random(2026)
learned, model = d + "/klearned.json", d + "/kmodel.npz"
names = ("W1", "b1", "W2", "b2", "W3", "b3")
def kill_at_random(args, budget):
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, budget))
    p.send_signal(signal.SIGKILL)
    p.wait()
def replays():
    if not os.path.exists(learned):
        return set()
    return set(json.load(open(learned))["merge_state"]["replays"])
killed = 0
n_learned = len([f for f in os.listdir(d) if f.startswith("one")])    # 94 replays
for i in range(n_learned):
    part = "%s/one%d.json" % (d, i)
    before = replays()
    t0 = time.monotonic(); kill_at_random([mr, "learned", "-q", "-o", learned, part], 0.01)
    after = replays()
    mine = set(json.load(open(part))["merge_state"]["replays"])
    assert after in (before, before | mine), i
    killed += after == before
    subprocess.run([mr, "learned", "-q", "-o", learned, part], check=True)
    assert replays() == before | mine
for i in range(200 - n_learned):
    cand = "%s/cands/c%d.npz" % (d, i)
    b = np.load(model); before = {k: b[k] for k in names}; steps = b["optim_step"][0]
    delta = np.load(cand)
    kill_at_random([mr, "model", "-q", "-o", model, cand], 0.02)
    m = np.load(model)
    done = m["optim_step"][0] != steps
    for k in names:
        want = before[k] + delta["delta_" + k] if done else before[k]
        assert np.abs(m[k] - want).max() <= 1e-12, (i, k)
    killed += not done
    subprocess.run([mr, "model", "-q", "-o", model, cand], check=True)
print("%d of 200 merges were killed before they landed" % killed)
assert killed > 0
leftover = [f for f in os.listdir(d) if ".tmp." in f]
assert not leftover, leftover
PY
finish
