#!/bin/sh
# bench_merge.sh - merge-results: 1,000 summaries into one learned file.
#
# Target: under 1 s for the whole merge (one call, 1,000 summaries of one
# generated replay each). Baseline in the same run: reading the same files
# (cat), so the ratio says what the merge costs over touching its input.
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
WORK=${BGTRAIN_BENCH_DIR:-${TMPDIR:-/tmp}/bgtrain-bench-corpus}
PARTS=$WORK/summaries-1000
if [ ! -f "$PARTS/s0999.json" ]; then
	rm -rf "$PARTS" && mkdir -p "$PARTS" "$WORK/gen-1000"
	[ -f "$WORK/gen-1000/gen_000999.SC2Replay" ] ||
		"$BGTRAIN_TESTS/mkreplay" --seed 77 --count 1000 "$WORK/gen-1000"
	i=0
	for r in "$WORK"/gen-1000/*.SC2Replay; do
		"$BGTRAIN_BIN/replay-analyze" -s "$PARTS/s$(printf %04d $i).json" "$r" >/dev/null
		i=$((i + 1))
	done
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$BGTRAIN_BIN/merge-results" "$PARTS" "$TMP" <<'PY'
import glob, json, os, subprocess, sys, time
mr, parts, tmp = sys.argv[1:4]
files = sorted(glob.glob(parts + "/*.json"))
def timed(cmd):
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0
best_cat = min(timed(["cat"] + files) for _ in range(3))
runs = []
for k in range(3):
    target = "%s/learned%d.json" % (tmp, k)
    runs.append(timed([mr, "learned", "-o", target] + files))
merged = json.load(open(target))
assert len(merged["merge_state"]["replays"]) == len(files)
t = min(runs)
print("merge 1,000 summaries   %.3f s (target < 1 s)  %s" % (t, "ok" if t < 1 else "MISSED"))
print("baseline (cat them)     %.3f s   ratio %.1fx" % (best_cat, t / best_cat))
PY
