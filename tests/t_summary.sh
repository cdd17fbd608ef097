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
# Race words in any case (the formulas capitalize them the same way).
check_filter --race TERRAN --min-seconds 300 --max-seconds 1200
check_filter --race Protoss --all-results
check_filter --race any --all-results --game-type any
check_filter --race ZERG --game-type 1v1-vs-AI,team,coop

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

# The bot's older reader, get_learned_parameter(): learned_parameters[name]
# if there, else data[name], else its default; and its tool that reads only
# data[name]. Where no build qualifies they get their defaults (a null
# would reach their arithmetic); on the shared replays, the same number
# from both places.
MR=$BIN/merge-results
"$RA" -s "$T/none.json" --min-seconds 100000 - <"$T/list" >/dev/null
expect_status 0 $? "--summary with no qualifying build"
"$RA" -s "$T/zerg.json" - <"$T/list" >/dev/null
cat >"$T/reader.py" <<'PY'
import json, sys
KEYS = ("spawning_pool_supply", "gas_supply", "natural_expansion_supply", "roach_warren_supply",
        "hydralisk_den_supply", "lair_supply", "hive_supply")
DEFAULTS = {k: 100 + i for i, k in enumerate(KEYS)}   # none of them a supply medians give

def get_learned_parameter(data, name, default):
    params = data.get("learned_parameters", {})
    if name in params:
        return params[name]
    if name in data:
        return data[name]
    return default

def read(path):
    """The values both readers get, checked as the bot uses them (supply >= value)."""
    data = json.load(open(path))
    got = {}
    for k in KEYS:
        a = get_learned_parameter(data, k, DEFAULTS[k])
        b = data.get(k, DEFAULTS[k])
        for v in (a, b):
            assert 14 >= v or 14 < v, (path, k, v)   # a TypeError for None
        assert a == b, (path, k, a, b)
        got[k] = a
        for sec in ("vs_terran", "vs_protoss", "vs_zerg"):
            v = data[sec]["learned_parameters"].get(k, 0)
            assert isinstance(v, (int, float)), (path, sec, k, v)
    return got
PY
$PY - "$T/reader.py" "$T/none.json" "$T/zerg.json" <<'PY' || fail "the bot's readers on our summaries"
import json, sys
exec(open(sys.argv[1]).read())
none = read(sys.argv[2])
assert none == DEFAULTS, none
d = json.load(open(sys.argv[2]))
for sec in (d, d["vs_terran"], d["vs_protoss"], d["vs_zerg"]):
    assert sec["learned_parameters"] == {}, sec["learned_parameters"]
    assert not set(KEYS) & set(sec), set(KEYS) & set(sec)
zerg = read(sys.argv[3])
d = json.load(open(sys.argv[3]))
# Most keys qualify on the shared replays; those that do are medians, not defaults.
assert len(d["learned_parameters"]) >= 5, d["learned_parameters"]
for k in KEYS:
    assert zerg[k] == d["learned_parameters"].get(k, DEFAULTS[k]) == d.get(k, DEFAULTS[k])
PY

# Summaries written before keys were left out (nulls under
# learned_parameters, none at the top level) are read as before: an exact
# merge writes them again the new way, and --skip-known takes them.
$PY - "$T/reader.py" "$T/zerg.json" "$T/older.json" <<'PY'
import json, sys
exec(open(sys.argv[1]).read())
d = json.load(open(sys.argv[2]))
for sec in (d, d["vs_terran"], d["vs_protoss"], d["vs_zerg"]):
    sec["learned_parameters"] = {k: sec["learned_parameters"].get(k) for k in KEYS}
for k in KEYS:
    d.pop(k, None)
json.dump(d, open(sys.argv[3], "w"))
PY
rm -f "$T/again.json"
"$MR" learned -o "$T/again.json" "$T/older.json"; expect_status 0 $? "merging an older summary"
sed 's/"generated_at": "[^"]*"//' "$T/again.json" >"$T/a.cmp"
sed 's/"generated_at": "[^"]*"//' "$T/zerg.json" >"$T/b.cmp"
cmp -s "$T/a.cmp" "$T/b.cmp" || fail "an older summary merged is not the summary written today"
"$RA" --skip-known "$T/older.json" - <"$T/list" >"$T/out"
expect_status 0 $? "--skip-known with an older summary"
[ "$(grep -c '"skipped": "known"' "$T/out")" -eq "$(wc -l <"$T/list")" ] ||
	fail "--skip-known with an older summary: not every replay known"
# --alpha blends what the readers read: nulls go, and the top level
# carries the blended values.
# The target: an older summary without merge_state, where no build had a Hive.
$PY - "$T/older.json" "$T/oldtool.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("merge_state")
d["learned_parameters"]["hive_supply"] = None
json.dump(d, open(sys.argv[2], "w"))
PY
alpha_check() {	# alpha_check PART HIVE: blend PART in; hive_supply is then HIVE's
	"$MR" learned --alpha 0.5 -o "$T/oldtool.json" "$1"; expect_status 0 $? "--alpha $1"
	$PY - "$T/reader.py" "$T/oldtool.json" "$T/zerg.json" "$2" <<'PY' || fail "--alpha $1: the readers' values"
import json, sys
exec(open(sys.argv[1]).read())
got, zerg = read(sys.argv[2]), read(sys.argv[3])
d = json.load(open(sys.argv[2]))
for k in KEYS:
    # Blending a value with itself keeps it; the null is gone, never blended.
    want = DEFAULTS[k] if k == "hive_supply" and sys.argv[4] == "default" else zerg[k]
    assert got[k] == want, (k, got[k], want)
    assert (k in d) == (k in d["learned_parameters"]), k
for sec in ("vs_terran", "vs_protoss", "vs_zerg"):
    assert None not in d[sec]["learned_parameters"].values(), sec
PY
}
alpha_check "$T/none.json" default
alpha_check "$T/zerg.json" zerg
finish
