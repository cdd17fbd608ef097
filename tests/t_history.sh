# t_history - what bgtrain keeps to show learning: metrics.jsonl (one flat
# record per merged job, fields taken by name from policy-train --json and
# merge-results --json, appended, never replaced), system.jsonl (rotated,
# read across rotations), TensorBoard events decoded independently, the
# dashboard and `bgtrain report` (self-contained; 100,000 training records
# in under 1 s and 2 MB), status's additions, the status line only on a
# terminal, and --no-history.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
EXP=$SHARED/experience/good
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0 -q"

mkdir -p "$T/exp" "$T/rep"
ls "$EXP"/*.npz | head -n 12 | xargs -I{} cp {} "$T/exp/"
reference_list | head -n 12 | xargs -I{} cp {} "$T/rep/"
printf 'not a replay' >"$T/rep/zz_bad.SC2Replay"
S=$T/state
"$BG" once --replays "$T/rep" --experience "$T/exp" --state "$S" $GATE \
	--replay-batch 5 --train-batch 3 >"$T/out" 2>&1
expect_status 65 $? "once with a bad replay"

# The fields policy-train --json reports today, by name: each must be in every
# train record, and one it does not report must be absent (never 0).
"$BIN/policy-train" --init -m "$T/probe.npz" --json "$T/exp" >"$T/probe.json" 2>/dev/null ||
	fail "policy-train --json"
$PY - "$S" "$T/probe.json" <<'PY' || fail "metrics.jsonl is not what the jobs reported"
import json, sys
state, probe = sys.argv[1:3]
reported = json.load(open(probe))
recs = [json.loads(l) for l in open(state + "/metrics.jsonl")]
for r in recs:
    assert all(not isinstance(v, (dict, list)) for v in r.values()), ("not flat", r)
    assert r["kind"] in ("train", "analysis", "error") and isinstance(r["time"], float), r
train = [r for r in recs if r["kind"] == "train"]
analysis = [r for r in recs if r["kind"] == "analysis"]
errors = [r for r in recs if r["kind"] == "error"]
assert len(train) == 4, len(train)
fields = ["steps", "loss_before", "loss_after", "mean_return", "mean_length", "win_rate",
          "entropy", "grad_norm", "approx_kl", "ratio_mean", "ratio_max", "samples_per_s"]
for r in train:
    assert "job" in r and r["games"] == 3, r
    for f in fields:
        if reported.get(f) is not None:	# null: not measured (on-policy ratios)
            assert f in r, (f, r)
        elif f != "samples_per_s":
            assert f not in r, ("%s is not reported by policy-train, yet it is in" % f, r)
    assert r["samples_per_s"] > 0, r
# episode_count after each merge: the games merged so far.
counts = sorted(r["episode_count"] for r in train)
assert counts == [3, 6, 9, 12], counts
learned = json.load(open(state + "/learned_build_orders.json"))
assert analysis and all(r["replays"] >= 1 and "replays_per_s" in r for r in analysis), analysis
assert max(r["builds"] for r in analysis) == learned["stats"]["total_replays"], analysis
last = max(analysis, key=lambda r: r["builds"])
assert last["spawning_pool_supply"] == learned["learned_parameters"]["spawning_pool_supply"], last
assert sum(r["errors"] for r in analysis) >= 1, analysis
assert any(e["file"].endswith("zz_bad.SC2Replay") and e["error"] for e in errors), errors
PY

# merge-results --json: what the target holds, also when nothing was merged.
MR=$BIN/merge-results
"$BIN/policy-train" -q --init -m "$T/m.npz" "$T/exp" >/dev/null 2>&1
ls "$EXP"/*.npz | sed -n '20,22p' | xargs -I{} cp {} "$T/"
"$BIN/policy-train" -q -m "$T/m.npz" --out "$T/cand.npz" "$T"/exp_*.npz >/dev/null 2>&1 || fail "a candidate"
"$MR" model --json -q -o "$T/m.npz" "$T/cand.npz" >"$T/mj1" || fail "merge-results model --json"
"$MR" model --json -q -o "$T/m.npz" "$T/cand.npz" >"$T/mj2" || fail "merge-results model --json again"
$PY - "$T/mj1" "$T/mj2" <<'PY' || fail "merge-results --json: $(cat "$T/mj1" "$T/mj2")"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["episode_count"] == 12 + 3 and a["merged"] == 1, a
assert b["episode_count"] == a["episode_count"] and b["merged"] == 0, b
PY
"$MR" learned --json -q -o "$T/l2.json" "$S/learned_build_orders.json" >"$T/lj" || fail "merge-results learned --json"
$PY - "$T/lj" "$S/learned_build_orders.json" <<'PY' || fail "merge-results learned --json: $(cat "$T/lj")"
import json, sys
h, l = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert h["builds"] == l["stats"]["total_replays"], h
assert h.get("spawning_pool_time") == l["build_order_timings"].get("SpawningPool"), h
assert all(h[k] == v for k, v in l["learned_parameters"].items()), h
PY

# The machine's figures.
$PY - "$S/system.jsonl" <<'PY' || fail "system.jsonl"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs, "no system record"
for r in recs:
    assert r["kind"] == "system" and r["cpu_max"] == 100 and r["gate"] in ("open", "over", "far"), r
    for k in ("verdict", "active", "allowed", "queued", "done", "failed", "mem"):
        assert k in r, (k, r)
PY

# TensorBoard: the same scalars, decoded independently; the step of training
# scalars is the model's episode_count.
tb_decode "$T/ev.jsonl" "$S"/tensorboard/events.out.tfevents.* || fail "tensorboard events"
$PY - "$T/ev.jsonl" "$S/metrics.jsonl" <<'PY' || fail "TensorBoard events do not match the history"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
recs = [json.loads(l) for l in open(sys.argv[2])]
assert ev[0]["file_version"] == "brain.Event:2", ev[0]
train = [e for e in ev if "train/mean_return" in e.get("values", {})]
want = sorted((r["episode_count"], r["mean_return"]) for r in recs if r["kind"] == "train")
got = sorted((e["step"], e["values"]["train/mean_return"]) for e in train)
assert [s for s, _ in got] == [s for s, _ in want], (got, want)
assert all(abs(a[1] - b[1]) <= 1e-6 * max(1, abs(b[1])) for a, b in zip(got, want)), (got, want)
assert all("train/loss" in e["values"] for e in train), train
assert any("analysis/replays_per_s" in e.get("values", {}) for e in ev)
assert any("system/mem" in e.get("values", {}) for e in ev)
PY

# The dashboard: self-contained, reloading itself.
[ -f "$S/dashboard.html" ] || fail "no dashboard.html"
grep -q 'http-equiv="refresh" content="30"' "$S/dashboard.html" || fail "dashboard.html does not reload itself"
grep -Eiq 'src=|href=|url\([^#]|@import|<script|https?:' "$S/dashboard.html" &&
	fail "dashboard.html refers to something outside itself"

# The driver draws from its copy in memory; report reads the files: the same page.
"$BG" report -s "$S" -o "$T/fresh.html" >/dev/null || fail "report"
for f in "$S/dashboard.html" "$T/fresh.html"; do
	sed 's/<meta http-equiv="refresh"[^>]*>//; s/ &middot; generated [^<]*//' "$f" >"$f.cmp"
done
cmp -s "$S/dashboard.html.cmp" "$T/fresh.html.cmp" ||
	fail "the driver's dashboard differs from a fresh report: $(diff "$S/dashboard.html.cmp" "$T/fresh.html.cmp" | head -c 300)"
rm -f "$S/dashboard.html.cmp"

# Appended, never replaced: a second run adds lines after the first's.
cp "$S/metrics.jsonl" "$T/metrics.before"
ls "$EXP"/*.npz | sed -n '13,15p' | xargs -I{} cp {} "$T/exp/"
"$BG" once --experience "$T/exp" --state "$S" $GATE --train-batch 3 >/dev/null 2>&1
expect_status 0 $? "the second run"
n=$(wc -c <"$T/metrics.before")
head -c "$n" "$S/metrics.jsonl" | cmp -s - "$T/metrics.before" || fail "metrics.jsonl was rewritten"
[ "$(grep -c '"kind": "train"' "$S/metrics.jsonl")" = 5 ] || fail "the second run's train record is missing"
[ "$(ls "$S/tensorboard" | wc -l)" = 1 ] || fail "a second run started a second events file"

# status: the last training, episode_count, the trend, the gate.
"$BG" status -s "$S" >"$T/status" 2>&1 || fail "status"
expect_grep "^training:   last .*episode_count 15$" "$T/status" "status: training"
expect_grep "^trend:      mean return .* over the last 5 jobs (\(rising\|falling\|flat\))" "$T/status" "status: trend"
expect_grep "^gate:       unknown (no driver running)" "$T/status" "status: gate"
"$BG" status -s "$S" --json >"$T/status.json" || fail "status --json"
$PY - "$T/status.json" "$S/metrics.jsonl" <<'PY' || fail "status --json"
import json, sys
st = json.load(open(sys.argv[1]))
train = [json.loads(l) for l in open(sys.argv[2]) if '"train"' in l]
assert st["episode_count"] == 15 and st["gate_state"] is None, st
assert st["mean_returns"] == [r["mean_return"] for r in train][-10:], st
assert abs(st["last_training"] - train[-1]["time"]) < 1e-3, st
assert st["trend"] in ("rising", "falling", "flat"), st
PY

# report: a file, the default path, standard output; a missing state folder.
"$BG" report -s "$S" -o "$T/page.html" >"$T/out" 2>&1 || fail "report -o"
grep -q 'http-equiv="refresh"' "$T/page.html" && fail "report's page reloads itself"
"$BG" report -s "$S" >"$T/out" 2>&1 || fail "report"
[ "$(cat "$T/out")" = "$S/report.html" ] && [ -s "$S/report.html" ] || fail "report does not say where it wrote"
"$BG" report -s "$S" -o - | grep -q '<svg class="chart" id="mean_return" data-points="[1-9]' ||
	fail "report -o - gives no mean return chart"
"$BG" report -s "$T/nowhere" -o "$T/x.html" 2>/dev/null
expect_status 66 $? "report of a missing state folder"

# --no-history: nothing of it.
"$BG" once --experience "$T/exp" --state "$T/quiet" $GATE --no-history >/dev/null 2>&1
for f in metrics.jsonl system.jsonl tensorboard dashboard.html; do
	[ -e "$T/quiet/$f" ] && fail "--no-history wrote $f"
done

# Rotation: a system.jsonl at --log-max moves to .1, and report reads both.
R=$T/rot
mkdir -p "$R"
$PY - "$R/system.jsonl" <<'PY'
import json, sys, time
with open(sys.argv[1], "w") as f:
    t = time.time() - 10 * 50000
    while f.tell() < 4 * 1024 * 1024:
        t += 10
        f.write(json.dumps({"kind": "system", "time": t, "cpu": 50, "mem": 40, "verdict": 0,
                            "gate": "open", "queued": 7}) + "\n")
PY
old=$(wc -l <"$R/system.jsonl")
"$BG" once --experience "$T/exp" --state "$R" --log-max 4M $GATE >/dev/null 2>&1
[ "$(wc -l <"$R/system.jsonl.1" 2>/dev/null)" = "$old" ] || fail "system.jsonl was not rotated whole"
[ -s "$R/system.jsonl" ] || fail "no system.jsonl after the rotation"
"$BG" report -s "$R" -o - | grep -o 'id="queue" data-points="[0-9]*"' >"$T/q"
[ "$(sed 's/.*="//; s/"//' "$T/q")" -gt 100 ] || fail "report did not read the rotated file: $(cat "$T/q")"

# A year of history: 100,000 training records, a week of the machine, some
# damage; under 1 s (release build) and 2 MB, every chart drawn.
Y=$T/year
mkdir -p "$Y"
$PY - "$Y" <<'PY'
import json, math, random, sys
rng = random.Random(7)
with open(sys.argv[1] + "/metrics.jsonl", "w") as f:
    t, ec = 1.7e9, 0
    for j in range(100000):
        t += 300; ec += 10
        x = j / 100000
        f.write(json.dumps({"kind": "train", "time": t, "job": j, "games": 10, "steps": 2000,
            "loss_before": -1 + x + rng.gauss(0, .1), "loss_after": -1.1 + x + rng.gauss(0, .1),
            "mean_return": 100 * x + rng.gauss(0, 20), "mean_length": 200, "win_rate": min(1, max(0, x + rng.gauss(0, .1))),
            "entropy": 1.6 - x, "grad_norm": 2 + rng.random(), "approx_kl": abs(rng.gauss(0, .01)),
            "ratio_mean": 1, "ratio_max": 5, "samples_per_s": 1e5 + rng.gauss(0, 5e3),
            "episode_count": ec}) + "\n")
        if j % 50 == 0:
            f.write(json.dumps({"kind": "analysis", "time": t, "job": j, "replays": 100, "errors": 1,
                "replays_per_s": 40 + rng.random(), "builds": j, "spawning_pool_time": 70 + rng.random(),
                "extractor_time": 60, "hatchery_time": 90, "spawning_pool_supply": 17,
                "gas_supply": 18, "natural_expansion_supply": 16, "roach_warren_supply": 30,
                "hydralisk_den_supply": 60, "lair_supply": 50, "hive_supply": 120}) + "\n")
        if j % 1000 == 0:
            f.write(json.dumps({"kind": "error", "time": t, "job": j, "file": "/r/<bad>&%d.SC2Replay" % j,
                "error": "no replay.tracker.events"}) + "\n")
    f.write("this line is damage\n" + "x" * 100000 + "\n")
with open(sys.argv[1] + "/system.jsonl", "w") as f:
    t = 1.7e9 + 300 * 100000 - 7 * 86400
    for i in range(7 * 8640):
        t += 10
        shut = (i // 500) % 7 == 0
        f.write(json.dumps({"kind": "system", "time": t, "cpu": 90 if shut else 40 + 10 * math.sin(i / 50),
            "mem": 50, "load": .5, "gpu0_util": 30, "gpu0_mem": 20, "cpu_max": 80, "mem_max": 85,
            "gpu_mem_max": 90, "verdict": 1 if shut else 0, "gate": "over" if shut else "open",
            "active": 2, "allowed": 2, "queued": i % 300, "done": i, "failed": i // 1000}) + "\n")
PY
# The CPU time it takes (user + system), not the wall time: the machine is
# shared, and a busy neighbour is no slowness of ours.
set -- $($PY - "$BG" "$Y" <<'PY'
import resource, subprocess, sys, time
t0 = time.monotonic()
rc = subprocess.run([sys.argv[1], "report", "-s", sys.argv[2], "-o", sys.argv[2] + "/page.html"],
                    stdout=subprocess.DEVNULL).returncode
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, "%.3f" % (ru.ru_utime + ru.ru_stime), "%.3f" % (time.monotonic() - t0))
PY
)
[ "$1" = 0 ] || fail "report of a year: exit $1"
secs=$2
size=$(wc -c <"$Y/page.html")
echo "a year of history (100,000 training records): ${secs} s of CPU (${3} s wall), $size bytes"
[ "$size" -lt 2000000 ] || fail "the page of a year is $size bytes (want < 2 MB)"
if [ "${BGTRAIN_BUILD:-release}" = release ]; then
	$PY -c "import sys; sys.exit(0 if $secs < 1 else 1)" || fail "a year renders in $secs s of CPU (want < 1 s)"
fi
$PY - "$Y/page.html" <<'PY' || fail "the page of a year"
import re, sys
page = open(sys.argv[1]).read()
charts = re.findall(r'<svg class="chart" id="([a-z_]+)" data-points="(\d+)"', page)
ids = {c for c, _ in charts}
want = {"mean_return", "win_rate", "loss", "entropy", "kl", "train_speed", "analysis_speed",
        "resources", "queue", "workers", "timings", "supply"}
assert ids == want, ids
for c, n in charts:
    # Reduced: at most 4 points per pixel column (568) and series.
    assert 0 < int(n) <= 10 * 4 * 569, (c, n)
assert 'class="shut"' in page, "no shaded gate"
assert "2 damaged lines skipped" in page, "damage not counted"
assert "&lt;bad&gt;&amp;99000" in page, "the last error is missing or not escaped"
assert not re.search(r'src=|href=|url\([^#]|@import|<script|https?:', page, re.I)
PY

# The status line: on a terminal only.
if command -v script >/dev/null; then
	script -qec "$BG once --experience $T/exp --state $T/tty-state --cpu 100 --mem 100 --gpu-mem 100 --settle 0" \
		/dev/null </dev/null >"$T/tty" 2>&1
	grep -q 'bgtrain: [0-9]* running, [0-9]* done, [0-9]* queued; gate \(open\|shut\)' "$T/tty" ||
		fail "no status line on a terminal: $(tr '\r' '\n' <"$T/tty" | head -n 3)"
fi
"$BG" once --experience "$T/exp" --state "$T/pipe-state" --cpu 100 --mem 100 --gpu-mem 100 \
	--settle 0 >"$T/pipe" 2>&1
grep -q "$(printf '\r')" "$T/pipe" && fail "a status line in a pipe"
finish
