# t_edge - the awkward files of ../shared/replays/edge: results exactly, errors as errors
. tests/lib.sh
need_shared
E=$REPLAYS/edge

"$BIN/replay-analyze" --root "$E" "$E" >"$T/edge.jsonl" 2>"$T/err"
expect_status 65 $? "edge files (eight unusable)"
$PY "$SHARED/tools/compare_build_orders.py" "$E/expected.jsonl" "$T/edge.jsonl" ||
	fail "results differ from edge/expected.jsonl"
$PY - "$E/expected.jsonl" "$T/edge.jsonl" "$T/err" <<'PY' || fail "error lines do not match"
import json, sys
want = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    want[r["file"]] = "error" in r
got = {}
for line in open(sys.argv[2]):
    r = json.loads(line)      # every line is whole JSON: no partial lines
    got[r["file"]] = "error" in r
    if "error" in r:
        assert r["error"] and "\n" not in r["error"], r
assert want == got, (want, got)
err = open(sys.argv[3]).read().splitlines()
bad = [f for f, e in want.items() if e]
assert len(err) == len(bad), err
for f in bad:
    assert any(l.startswith("replay-analyze: " + f + ": ") for l in err), f
PY
finish
