# t_summary - learned_build_orders.json: the spec's formulas, and exact merges
. tests/lib.sh
need_shared
RA=$BIN/replay-analyze
reference_list >"$T/list"

# An independent reading of specs/files.md, computed from reference.jsonl
# and the manifest's kinds of game, against replay-analyze --summary, for
# several filters.
check_filter() {
	"$RA" -s "$T/summary.json" "$@" - <"$T/list" >/dev/null
	expect_status 0 $? "--summary $*"
	$PY - "$REPLAYS/reference.jsonl" "$T/summary.json" "$REPLAYS/MANIFEST.tsv" "$@" <<'PY' || fail "summary $* differs from the spec's formulas"
import csv, json, statistics, sys
ref = [json.loads(l) for l in open(sys.argv[1])]
ours = json.load(open(sys.argv[2]))
kind = {r["path"]: r["category"] for r in csv.DictReader(open(sys.argv[3], newline=""), delimiter="\t")}
args = sys.argv[4:]
race = "Zerg"; winners = True; lo = 0.0; hi = float("inf"); kinds = {"1v1"}
i = 0
while i < len(args):
    a = args[i]
    if a == "--race": race = args[i + 1].capitalize(); i += 1
    elif a == "--all-results": winners = False
    elif a == "--min-seconds": lo = float(args[i + 1]); i += 1
    elif a == "--max-seconds": hi = float(args[i + 1]); i += 1
    elif a == "--game-type": kinds = set(args[i + 1].split(",")); i += 1
    i += 1
HALLS = ("Hatchery", "Nexus", "CommandCenter")
SUPPLY = [("spawning_pool_supply", "SpawningPool", "init"), ("gas_supply", "Extractor", "init"),
          ("natural_expansion_supply", "Hatchery", "init"), ("roach_warren_supply", "RoachWarren", "init"),
          ("hydralisk_den_supply", "HydraliskDen", "init"), ("lair_supply", "Lair", "morph"),
          ("hive_supply", "Hive", "morph")]
sections = {k: {"builds": [], "replays": []} for k in ("all", "vs_terran", "vs_protoss", "vs_zerg")}
total = 0
for r in ref:
    secs = r["loops"] / 22.4
    if secs < lo or secs > hi or ("any" not in kinds and kind[r["file"]] not in kinds):
        continue
    total += 1
    ps = r["players"]
    touched = set()
    for p in ps:
        if race != "Any" and p["race"] != race: continue
        if winners and p["result"] != "Win": continue
        keys = ["all"]
        if len(ps) == 2 and ps[0]["team"] != ps[1]["team"]:
            opp = ps[1] if p is ps[0] else ps[0]
            if opp["race"] in ("Terran", "Protoss", "Zerg"):
                keys.append("vs_" + opp["race"].lower())
        for k in keys:
            sections[k]["builds"].append(p["build_order"])
            touched.add(k)
    for k in touched:
        sections[k]["replays"].append(r["loops"])

def close(a, b, tol):
    return abs(a - b) <= tol + 1e-9

def check(name, got, builds, replays, total_replays):
    first = {}
    count = {}
    n_items = 0
    exp = [[], [], []]
    sup = {k: [] for k, _, _ in SUPPLY}
    for b in builds:
        seen = set(); halls = 0; done = set()
        for it in b:
            if it["name"] not in seen:
                seen.add(it["name"]); first.setdefault(it["name"], []).append(it["loop"] / 22.4)
            if it["kind"] != "upgrade":
                count[it["name"]] = count.get(it["name"], 0) + 1; n_items += 1
            if it["event"] == "init" and it["name"] in HALLS and halls < 3:
                exp[halls].append(it["loop"] / 22.4); halls += 1
            for key, nm, ev in SUPPLY:
                if key not in done and it["name"] == nm and it["event"] == ev:
                    done.add(key)
                    if "supply" in it: sup[key].append(it["supply"])
    t = got["build_order_timings"]
    assert set(t) == set(first), (name, set(t) ^ set(first))
    for k, v in first.items():
        assert close(t[k], sum(v) / len(v), 0.01), (name, k, t[k], sum(v) / len(v))
    u = got["unit_priorities"]
    assert set(u) == set(count), (name, set(u) ^ set(count))
    for k, c in count.items():
        assert close(u[k], c / n_items, 0.0001), (name, k)
    for i, key in enumerate(("second_base", "third_base", "fourth_base")):
        want = sum(exp[i]) / len(exp[i]) if exp[i] else 0.0
        assert close(got["expansion_timings"][key], want, 0.01), (name, key)
    s = got["stats"]
    assert s["total_replays"] == total_replays, (name, s)
    assert s["zerg_wins"] == len(builds), (name, s)
    want = sum(replays) / len(replays) / 22.4 if replays else 0.0
    assert close(s["avg_game_length"], want, 0.01), (name, s)
    assert s["common_openers"] == {}
    for key, _, _ in SUPPLY:
        lp = got["learned_parameters"]
        if not sup[key]:
            # No build qualifies: left out (a null broke the older reader).
            assert key not in lp, (name, key, lp)
            assert name != "top" or key not in got, (name, key)
            continue
        want = statistics.median(sup[key])
        assert lp[key] == want, (name, key, lp[key], want)
        # The same seven keys at the top level of the file, for the bot's tool.
        assert name != "top" or got[key] == want, (name, key, got.get(key), want)

check("top", ours, sections["all"]["builds"], sections["all"]["replays"], total)
for k in ("vs_terran", "vs_protoss", "vs_zerg"):
    check(k, ours[k], sections[k]["builds"], sections[k]["replays"], len(sections[k]["replays"]))
assert ours["time_unit"] == "real_seconds"
assert len(ours["merge_state"]["replays"]) == len(ref)
assert len(sections["all"]["builds"]) > 0
PY
}
check_filter
check_filter --race any --all-results
check_filter --race terran --min-seconds 300 --max-seconds 1200
check_filter --race protoss --all-results
check_filter --race any --all-results --game-type any
check_filter --race zerg --game-type 1v1-vs-AI,team,coop

# The merge law: summaries of random disjoint splits, merged in any order and
# grouping, equal the summary of the whole set (apart from generated_at).
"$RA" -s "$T/whole.json" --race any - <"$T/list" >/dev/null
for seed in 1 2 3; do
	$PY - "$T/list" "$T/split" "$seed" <<'PY'
import random, sys
paths = open(sys.argv[1]).read().splitlines()
rng = random.Random(int(sys.argv[3]))
rng.shuffle(paths)
cuts = sorted(rng.sample(range(1, len(paths)), 3))
for i, (a, b) in enumerate(zip([0] + cuts, cuts + [len(paths)])):
    open("%s.%d" % (sys.argv[2], i), "w").write("\n".join(paths[a:b]) + "\n")
PY
	for i in 0 1 2 3; do
		"$RA" -s "$T/part$i.json" --race any - <"$T/split.$i" >/dev/null
	done
	"$BGTRAIN_TESTS/merge_summaries" "$T/part2.json" "$T/part0.json" "$T/part3.json" "$T/part1.json" >"$T/m1.json"
	"$BGTRAIN_TESTS/merge_summaries" "$T/part1.json" "$T/part3.json" >"$T/m13.json"
	"$BGTRAIN_TESTS/merge_summaries" "$T/part0.json" "$T/part2.json" >"$T/m02.json"
	"$BGTRAIN_TESTS/merge_summaries" "$T/m13.json" "$T/m02.json" >"$T/m2.json"
	for m in m1 m2; do
		$PY - "$T/whole.json" "$T/$m.json" <<'PY' || fail "seed $seed: merged summary $m differs from the whole"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("generated_at"); b.pop("generated_at")
sys.exit(0 if a == b else 1)
PY
	done
done
# Different filters never merge.
"$RA" -s "$T/zerg.json" - <"$T/split.0" >/dev/null
"$BGTRAIN_TESTS/merge_summaries" "$T/zerg.json" "$T/part1.json" >/dev/null 2>"$T/err"
expect_status 65 $? "merging summaries of different filters"
expect_grep "different filters" "$T/err" "filter mismatch message"
finish
