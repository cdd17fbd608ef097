# t_gametype - each shared replay's game_type against its manifest, and the summary's game filter
. tests/lib.sh
need_shared
RA=$BIN/replay-analyze
MR=$BIN/merge-results
reference_list >"$T/list"

# Every line's kind is the manifest's category, read now (no list kept here).
"$RA" --root "$REPLAYS" - <"$T/list" >"$T/lines.jsonl"
expect_status 0 $? "the shared replays"
$PY - "$REPLAYS/MANIFEST.tsv" "$T/lines.jsonl" <<'PY' || fail "game_type differs from MANIFEST.tsv's category"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline=""), delimiter="\t"))
want = {r["path"]: r["category"] for r in rows}
got = {}
for line in open(sys.argv[2]):
    d = json.loads(line)
    got[d["file"]] = d.get("game_type", "(none)")
bad = [(p, c, got.get(p, "(no line)")) for p, c in want.items() if got.get(p) != c]
for b in bad:
    print("  %s: manifest %s, ours %s" % b)
kinds = set(want.values())
assert len(want) >= 90 and len(kinds) >= 6, (len(want), kinds)
sys.exit(1 if bad else 0)
PY

# The edge files that give results give a kind or null, never nothing.
"$RA" --root "$REPLAYS" "$REPLAYS/edge" >"$T/edge.jsonl" 2>/dev/null
$PY - "$T/edge.jsonl" <<'PY' || fail "an edge file's line has no game_type"
import json, sys
kinds = {None, "1v1", "1v1-vs-AI", "team", "team-with-AI", "coop", "arcade"}
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "error" in d:
        continue
    n += 1
    assert "game_type" in d and d["game_type"] in kinds, d.get("game_type", "(none)")
assert n >= 2, n
PY

# The default summary counts 1v1 games: none of co-op's or arcade's names.
"$RA" -s "$T/default.json" --race any --all-results - <"$T/list" >/dev/null
expect_status 0 $? "default summary"
"$RA" -s "$T/any.json" --race any --all-results --game-type any - <"$T/list" >/dev/null
expect_status 0 $? "--game-type any"
$PY - "$T/default.json" "$T/any.json" "$REPLAYS/MANIFEST.tsv" <<'PY' || fail "the default summary holds other games' names, or any is no different"
import csv, json, sys
d, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rows = list(csv.DictReader(open(sys.argv[3], newline=""), delimiter="\t"))
foreign = ("HotS", "Mastery", "Kerrigan", "VanadiumPlating", "Coop", "AFKTimer")
for s in (d, d["vs_terran"], d["vs_protoss"], d["vs_zerg"]):
    for key in ("build_order_timings", "unit_priorities"):
        bad = [n for n in s[key] if any(f in n for f in foreign)]
        assert not bad, (key, bad[:5])
# The same names do reach a summary of every kind of game: the test can fail.
assert any("HotSRaptor" == n for n in a["unit_priorities"]), "no HotSRaptor under any"
assert any(n.startswith("Mastery") for n in a["build_order_timings"])
assert d["filter"]["game_type"] == "1v1" and a["filter"]["game_type"] == "any"
assert d["stats"]["total_replays"] == sum(r["category"] == "1v1" for r in rows)
assert a["stats"]["total_replays"] == len(rows)
assert d["unit_priorities"] != a["unit_priorities"]
PY

# A list: its replays are the manifest's of those kinds, whatever the order and case.
"$RA" -s "$T/two.json" --race any --all-results --game-type '1V1-vs-ai,1v1' - <"$T/list" >/dev/null
expect_status 0 $? "--game-type 1V1-vs-ai,1v1"
$PY - "$T/two.json" "$REPLAYS/MANIFEST.tsv" <<'PY' || fail "--game-type 1v1,1v1-vs-AI"
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], newline=""), delimiter="\t"))
assert d["filter"]["game_type"] == "1v1,1v1-vs-AI", d["filter"]
assert d["stats"]["total_replays"] == sum(r["category"] in ("1v1", "1v1-vs-AI") for r in rows)
PY

# Unknown kinds are refused before anything is read or written.
for bad in 2v2 "1v1,,coop" "" "1v1,ladder"; do
	"$RA" -s "$T/bad.json" --game-type "$bad" - <"$T/list" >"$T/out" 2>"$T/err"
	expect_status 64 $? "--game-type '$bad'"
	expect_grep "game-type" "$T/err" "--game-type '$bad' message"
	[ -e "$T/bad.json" ] && fail "--game-type '$bad' wrote a summary"
	[ -s "$T/out" ] && fail "--game-type '$bad' wrote lines"
done

# The filter survives a merge; another filter is refused with what differs.
head -n 40 "$T/list" >"$T/first"
tail -n +41 "$T/list" >"$T/rest"
"$RA" -s "$T/p1.json" --game-type 1v1,coop - <"$T/first" >/dev/null
"$RA" -s "$T/p2.json" --game-type coop,1v1 - <"$T/rest" >/dev/null
"$RA" -s "$T/both.json" --game-type 1v1,coop - <"$T/list" >/dev/null
"$MR" learned -o "$T/merged.json" "$T/p1.json" "$T/p2.json"
expect_status 0 $? "merging two summaries of one game filter"
$PY - "$T/merged.json" "$T/both.json" <<'PY' || fail "merged summary differs from the whole, or lost its game filter"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["filter"]["game_type"] == "1v1,coop", a["filter"]
a.pop("generated_at"); b.pop("generated_at")
assert a == b
PY
"$RA" -s "$T/p3.json" --game-type any - <"$T/rest" >/dev/null
cp "$T/p1.json" "$T/before.json"
"$MR" learned -o "$T/p1.json" "$T/p3.json" 2>"$T/err"
expect_status 65 $? "merging another game filter"
expect_grep "different filters: --game-type any here, 1v1,coop in the target" "$T/err" "which game filter differs"
cmp -s "$T/p1.json" "$T/before.json" || fail "a refused merge changed the file"

# A learned file from before the filter existed counted every game: any.
"$RA" -s "$T/old.json" --game-type any - <"$T/first" >/dev/null
$PY - "$T/old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["filter"]["game_type"]
json.dump(d, open(sys.argv[1], "w"))
PY
"$RA" -s "$T/new_any.json" --game-type any - <"$T/rest" >/dev/null
"$MR" learned -o "$T/old.json" "$T/new_any.json"
expect_status 0 $? "an old learned file merges with --game-type any"
$PY -c "import json, sys; sys.exit(json.load(open(sys.argv[1]))['filter']['game_type'] != 'any')" "$T/old.json" ||
	fail "an old learned file's filter did not read as any"
"$RA" -s "$T/old2.json" --game-type any - <"$T/first" >/dev/null
$PY - "$T/old2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["filter"]["game_type"]
json.dump(d, open(sys.argv[1], "w"))
PY
"$RA" -s "$T/new_1v1.json" - <"$T/rest" >/dev/null
"$MR" learned -o "$T/old2.json" "$T/new_1v1.json" 2>"$T/err"
expect_status 65 $? "an old learned file and a 1v1 summary"
expect_grep "game-type 1v1 here, any in the target" "$T/err" "old file's filter named as any"
# A game filter that names no kind is a damaged file.
$PY - "$T/new_1v1.json" "$T/damaged.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["filter"]["game_type"] = "ladder"
json.dump(d, open(sys.argv[2], "w"))
PY
"$MR" learned -o "$T/target.json" "$T/damaged.json" 2>"$T/err"
expect_status 65 $? "a learned file whose game filter names no kind"
expect_grep "damaged filter" "$T/err" "damaged game filter message"
finish
