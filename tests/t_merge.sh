# t_merge - merge-results: the merge laws on real data, no-ops, refusals, --alpha, --average
. tests/lib.sh
need_shared
merge_setup

same_summary() {	# same_summary A B: equal apart from generated_at
	$PY - "$1" "$2" <<'PY'
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("generated_at"); b.pop("generated_at")
sys.exit(0 if a == b else 1)
PY
}

# Random disjoint splits, merged one by one in a random order, or all at once.
for seed in 11 12 13; do
	random_split "$T/list" "$T/split" "$seed" 5
	for i in 0 1 2 3 4; do "$RA" -s "$T/p$i.json" --race any - <"$T/split.$i" >/dev/null; done
	rm -f "$T/one.json" "$T/all.json"
	for i in $($PY -c "import random, sys; l = list(range(5)); random.Random(int(sys.argv[1])).shuffle(l); print(*l)" "$seed"); do
		"$MR" learned -o "$T/one.json" "$T/p$i.json" || fail "seed $seed: merging p$i"
	done
	"$MR" learned -o "$T/all.json" "$T/p3.json" "$T/p1.json" "$T/p4.json" "$T/p0.json" "$T/p2.json" ||
		fail "seed $seed: merging all at once"
	same_summary "$T/whole.json" "$T/one.json" || fail "seed $seed: one by one differs from the whole"
	same_summary "$T/whole.json" "$T/all.json" || fail "seed $seed: all at once differs from the whole"
done
# Merging what is already there changes nothing, not even generated_at.
cp "$T/one.json" "$T/before.json"
"$MR" learned -o "$T/one.json" "$T/p2.json" 2>"$T/err"; expect_status 0 $? "re-merge"
expect_grep "already merged" "$T/err" "re-merge note"
cmp -s "$T/one.json" "$T/before.json" || fail "a re-merge changed the file"
# A partial overlap is refused and the target is left as it was.
"$MR" learned -o "$T/part.json" "$T/p0.json" >/dev/null
cp "$T/part.json" "$T/before.json"
"$MR" learned -o "$T/part.json" "$T/whole.json" 2>"$T/err"; expect_status 65 $? "partial overlap"
expect_grep "count them twice" "$T/err" "partial overlap message"
cmp -s "$T/part.json" "$T/before.json" || fail "a refused merge changed the file"
# Other filters do not merge.
"$RA" -s "$T/zerg.json" - <"$T/split.1" >/dev/null
"$MR" learned -o "$T/part.json" "$T/zerg.json" 2>"$T/err"; expect_status 65 $? "other filter"
expect_grep "different filters: --race zerg here, any in the target" "$T/err" "which filters differ"
cmp -s "$T/part.json" "$T/before.json" || fail "a refused merge changed the file"

# Render-parse-render is byte-identical: a summary of the shared replays
# (three filters) read back and written by merge-results is the same bytes
# but for generated_at, and so is that file read back and written again.
stamp() { sed 's/"generated_at": "[^"]*"/"generated_at": ""/' "$1"; }
"$RA" -s "$T/rt1.json" - <"$T/list" >/dev/null
"$RA" -s "$T/rt2.json" --race any --all-results - <"$T/list" >/dev/null
"$RA" -s "$T/rt3.json" --race protoss --min-seconds 300 --max-seconds 1200.5 - <"$T/list" >/dev/null
for f in rt1 rt2 rt3; do
	grep -q '"names": {"' "$T/$f.json" || fail "$f: a summary without names proves nothing"
	"$MR" learned -o "$T/$f.again.json" "$T/$f.json" &&
	"$MR" learned -o "$T/$f.third.json" "$T/$f.again.json" ||
		fail "$f: merge-results cannot read back what it wrote"
	stamp "$T/$f.json" >"$T/a"; stamp "$T/$f.again.json" >"$T/b"; stamp "$T/$f.third.json" >"$T/c"
	cmp -s "$T/a" "$T/b" || fail "$f: read back and written, the summary is other bytes"
	cmp -s "$T/b" "$T/c" || fail "$f: written a second time, the summary is other bytes"
done
# What would not render as it reads (tests/fuzz/regressions/learned: a name
# not UTF-8, with \u0000, twice in a section; min_seconds 1e400, which reads
# as infinity and renders as null) is damage: 65, nothing written.
for f in tests/fuzz/regressions/learned/*.json; do
	rm -f "$T/fromhostile.json"
	"$MR" learned -o "$T/fromhostile.json" "$f" 2>"$T/err"
	expect_status 65 $? "$(basename "$f")"
	[ -e "$T/fromhostile.json" ] && fail "$(basename "$f"): a target was written"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$(basename "$f"): not one line: $(cat "$T/err")"
done

# The old tool's file: only with --alpha, number by number.
$PY - "$T/whole.json" "$T/old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("merge_state", "filter", "time_unit", "vs_terran", "vs_protoss", "vs_zerg"):
    d.pop(k)
json.dump(d, open(sys.argv[2], "w"))
PY
cp "$T/old.json" "$T/oldcopy.json"
"$MR" learned -o "$T/old.json" "$T/p0.json" 2>"$T/err"; expect_status 65 $? "old file without --alpha"
expect_grep "only with --alpha" "$T/err" "old file message"
"$MR" learned --alpha 0.3 -o "$T/old.json" "$T/p0.json"; expect_status 0 $? "--alpha 0.3"
# The old file's times are game seconds (/1.4 first); counts add; only
# times, shares and supply values blend.
$PY - "$T/oldcopy.json" "$T/p0.json" "$T/old.json" <<'PY' || fail "--alpha 0.3 is not (1-a) old/1.4 + a new, counts added"
import json, sys
old, new, got = (json.load(open(p)) for p in sys.argv[1:4])
def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)
def check(o, n, g, path, scale):
    ks = set(o) | set(n)
    for k in ks:
        ov, nv = o.get(k), n.get(k)
        want = nv if not num(ov) else ov / scale if not num(nv) else 0.7 * ov / scale + 0.3 * nv
        if want is None:
            continue
        assert abs(g[k] - want) < 1e-9, (path + k, g[k], ov, nv)
for k in ("build_order_timings", "expansion_timings"):
    check(old[k], new[k], got[k], k + ".", 1.4)
for k in ("unit_priorities", "learned_parameters"):
    check(old[k], new[k], got[k], k + ".", 1.0)
for k in ("total_replays", "zerg_wins"):
    assert got["stats"][k] == old["stats"][k] + new["stats"][k], k
want = 0.7 * old["stats"]["avg_game_length"] / 1.4 + 0.3 * new["stats"]["avg_game_length"]
assert abs(got["stats"]["avg_game_length"] - want) < 1e-9
for k, v in new["learned_parameters"].items():
    if num(v) and num(old.get(k)):
        assert abs(got[k] - (0.7 * old[k] + 0.3 * v)) < 1e-9, k
assert got["time_unit"] == "real_seconds"
for k in ("vs_terran", "vs_protoss", "vs_zerg"):
    assert got[k] == new[k], k
assert "merge_state" not in got
PY

# Models: each candidate's change once, any order or all at once.
"$PT" -m "$T/base.npz" --init --seed 5 "$EXP" >/dev/null
i=0
for f in $(ls "$EXP" | head -n 12); do
	i=$((i + 1)); mkdir -p "$T/b$((i % 3))"; cp "$EXP/$f" "$T/b$((i % 3))/"
done
# --again: base has these games; the candidates then add none to its record.
for k in 0 1 2; do "$PT" -m "$T/base.npz" --again --out "$T/c$k.npz" "$T/b$k" >/dev/null 2>&1; done
cp "$T/base.npz" "$T/m1.npz"; cp "$T/base.npz" "$T/m2.npz"; cp "$T/base.npz" "$T/m3.npz"; cp "$T/base.npz" "$T/avg.npz"
"$MR" model -o "$T/m1.npz" "$T/c0.npz" "$T/c1.npz" "$T/c2.npz"; expect_status 0 $? "all at once"
for k in 2 0 1; do "$MR" model -o "$T/m2.npz" "$T/c$k.npz"; done
"$MR" model -o "$T/m3.npz" "$T/c1.npz"
"$MR" model --average -o "$T/avg.npz" "$T/c0.npz" "$T/c1.npz" "$T/c2.npz"
$PY - "$T" <<'PY' || fail "model merge laws"
import sys, numpy as np
d = sys.argv[1]
L = lambda n: np.load("%s/%s.npz" % (d, n))
b, c, m1, m2, m3, avg = L("base"), [L("c0"), L("c1"), L("c2")], L("m1"), L("m2"), L("m3"), L("avg")
g = [x["candidate_games"][0] for x in c]
for k in ("W1", "b1", "W2", "b2", "W3", "b3"):
    want = b[k] + sum(x[k] - b[k] for x in c)
    assert np.abs(m1[k] - want).max() <= 1e-12 * max(1, np.abs(want).max()), k
    assert np.abs(m2[k] - want).max() <= 1e-12 * max(1, np.abs(want).max()), k
    assert np.abs(m3[k] - c[1][k]).max() <= 1e-12, k          # one candidate onto its own base
    mean = b[k] + sum(gi * (x[k] - b[k]) for gi, x in zip(g, c)) / sum(g)
    assert np.abs(avg[k] - mean).max() <= 1e-12, k
for name in ("episode_count", "optim_step"):
    assert m3[name][0] == c[1][name][0], name
assert m1["episode_count"][0] == b["episode_count"][0] + sum(g)
assert m1["optim_step"][0] == b["optim_step"][0] + 3
assert np.abs(m3["adam_v_W1"] - c[1]["adam_v_W1"]).max() == 0
PY
cp "$T/m1.npz" "$T/before.npz"
"$MR" model -o "$T/m1.npz" "$T/c0.npz" 2>"$T/err"; expect_status 0 $? "candidate merged twice"
expect_grep "already merged" "$T/err" "merged-twice note"
cmp -s "$T/m1.npz" "$T/before.npz" || fail "a merged-twice candidate changed the model"
# A candidate is known by what it changes, not by its bytes: written again
# it is the same bytes (zips carry no clock), and its arrays zipped again by
# numpy (deflated, in another order) are other bytes and the same candidate.
cp "$T/c0.npz" "$T/c0-first.npz"
"$PT" -m "$T/base.npz" --again --out "$T/c0-written.npz" "$T/b0" >/dev/null 2>&1
cmp -s "$T/c0-written.npz" "$T/c0-first.npz" || fail "the candidate written again is other bytes"
$PY - "$T/c0-written.npz" "$T/c0-again.npz" <<'PY'
import sys, numpy as np
with np.load(sys.argv[1]) as z:
    np.savez_compressed(sys.argv[2], **{k: z[k] for k in reversed(z.files)})
PY
cmp -s "$T/c0-again.npz" "$T/c0-first.npz" &&
	fail "the candidate zipped again is byte-identical: this check proves nothing"
"$MR" model -o "$T/m1.npz" "$T/c0-again.npz" 2>"$T/err"
expect_status 0 $? "the same candidate written again"
expect_grep "already merged" "$T/err" "the same candidate written again is known"
cmp -s "$T/m1.npz" "$T/before.npz" || fail "the same candidate written again changed the model"
"$PT" -m "$T/wide.npz" --init --hidden 32 "$EXP" >/dev/null
"$PT" -m "$T/wide.npz" --again --out "$T/cw.npz" "$EXP" >/dev/null 2>&1
"$MR" model -o "$T/m1.npz" "$T/cw.npz" 2>"$T/err"; expect_status 65 $? "other layer shapes"
"$MR" model -o "$T/m1.npz" "$T/base.npz" 2>"$T/err"; expect_status 65 $? "not a candidate"
cmp -s "$T/m1.npz" "$T/before.npz" || fail "a refused merge changed the model"
"$MR" model -o "$T/none.npz" "$T/c0.npz" 2>/dev/null; expect_status 66 $? "missing model"
# A --init candidate starts a missing model: the same model policy-train --init makes.
"$PT" -m "$T/fresh.npz" --init --seed 4 --out "$T/ic.npz" "$T/b0" >/dev/null
"$MR" model -o "$T/fresh.npz" "$T/ic.npz"; expect_status 0 $? "--init candidate into a missing model"
"$PT" -m "$T/direct.npz" --init --seed 4 "$T/b0" >/dev/null
$PY - "$T/fresh.npz" "$T/direct.npz" <<'PY' || fail "a merged --init candidate differs from policy-train --init"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
for k in ("W1", "b1", "W2", "b2", "W3", "b3", "adam_m_W2", "adam_v_b3"):
    assert np.abs(a[k] - b[k]).max() <= 1e-12, k
for k in ("episode_count", "optim_step"):
    assert a[k][0] == b[k][0], k
PY
"$MR" learned "$T/p0.json" 2>/dev/null; expect_status 64 $? "no -o"
"$MR" soup -o "$T/x" "$T/p0.json" 2>/dev/null; expect_status 64 $? "unknown kind"
# A summary whose replay hashes are not hashes (a quote in one) is damaged:
# refused, and nothing invalid is ever written.
"$MR" learned -o "$T/esc.json" "$SHARED/hostile/logic_summary_hash_not_escaped.json" 2>"$T/err"
expect_status 65 $? "a summary with a crafted replay hash"
expect_grep "damaged merge_state" "$T/err" "a crafted replay hash"
[ -e "$T/esc.json" ] && fail "a crafted replay hash: something was written"
finish
