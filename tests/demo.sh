#!/bin/sh
# demo.sh - make demo: the whole background pipeline on a generated default.
#
# Writes 200 realistic 1v1 replays (tests/replay_writer, StormLib) and 60
# games of experience shaped like the bot's into demo/, then runs
# `bgtrain once` over them: replay analysis and policy training in parallel
# behind the resource gate, merged into demo/state/learned_build_orders.json
# and demo/state/rl_agent_model.npz, and shows what was learned.
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
DEMO=${BGTRAIN_DEMO_DIR:-demo}
mkdir -p "$DEMO"
if [ ! -f "$DEMO/replays/gen_000199.SC2Replay" ]; then
	echo "demo: writing 200 generated replays into $DEMO/replays"
	"$BGTRAIN_TESTS/mkreplay" --seed 2026 --count 200 "$DEMO/replays"
fi
if [ ! -f "$DEMO/experience/exp_20261124_000059.npz" ]; then
	echo "demo: writing 60 generated games of experience into $DEMO/experience"
	"$BGTRAIN_TESTS/mkexperience" --seed 2026 --count 60 --steps 200 "$DEMO/experience"
fi
# A gate that a busy build machine still passes, so the demo never waits.
echo "demo: bgtrain once (gate: CPU 95%, memory 95%)"
"$BGTRAIN_BIN/bgtrain" once --replays "$DEMO/replays" --experience "$DEMO/experience" \
	--state "$DEMO/state" --settle 0 --replay-batch 25 --cpu 95 --mem 95
"$BGTRAIN_BIN/bgtrain" status --replays "$DEMO/replays" --experience "$DEMO/experience" \
	--state "$DEMO/state"
if command -v /usr/bin/python3 >/dev/null && [ -f "$DEMO/state/learned_build_orders.json" ]; then
	/usr/bin/python3 - "$DEMO/state/learned_build_orders.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("learned: replays %d, winning zerg builds %d, mean length %.0f s" % (
    d["stats"]["total_replays"], d["stats"]["zerg_wins"], d["stats"]["avg_game_length"]))
print("  supply: " + ", ".join("%s %s" % (k.replace("_supply", ""), v)
                               for k, v in d["learned_parameters"].items()))
print("  expansions (s): " + ", ".join("%s %.1f" % kv for kv in d["expansion_timings"].items()))
first = sorted(d["build_order_timings"].items(), key=lambda kv: kv[1])[:8]
print("  first timings (s): " + ", ".join("%s %.1f" % kv for kv in first))
PY
fi
echo "demo: the bot's files are $DEMO/state/learned_build_orders.json and $DEMO/state/rl_agent_model.npz"
