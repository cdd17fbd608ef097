# t_reference - every build order of the 94 shared replays, exactly as the reference
. tests/lib.sh
need_shared

reference_list >"$T/list"
"$BIN/replay-analyze" --root "$REPLAYS" - <"$T/list" >"$T/ours.jsonl" 2>"$T/err"
expect_status 0 $? "94 good replays"
[ -s "$T/err" ] && fail "stderr not empty for good replays (and not a terminal)"
[ "$(wc -l <"$T/ours.jsonl")" -eq 94 ] || fail "want 94 lines, got $(wc -l <"$T/ours.jsonl")"
$PY "$SHARED/tools/compare_build_orders.py" "$REPLAYS/reference.jsonl" "$T/ours.jsonl" ||
	fail "output differs from reference.jsonl"

# A folder is searched recursively, in sorted order; its edge files make it 65.
"$BIN/replay-analyze" --root "$REPLAYS" "$REPLAYS" >"$T/dir.jsonl" 2>/dev/null
expect_status 65 $? "the whole replays folder (edge files included)"
[ "$(wc -l <"$T/dir.jsonl")" -eq 104 ] || fail "folder: want 104 lines"
$PY "$SHARED/tools/compare_build_orders.py" --quiet "$REPLAYS/reference.jsonl" "$T/dir.jsonl" >/dev/null ||
	fail "folder output differs from reference.jsonl"
$PY - "$T/dir.jsonl" <<'PY' || fail "folder order is not sorted"
import json, sys
files = [json.loads(l)["file"] for l in open(sys.argv[1])]
sys.exit(0 if files == sorted(files) else 1)
PY
finish
