#!/bin/sh
# demo.sh - make demo: the main job on a generated default.
#
# Writes 200 realistic 1v1 replays with the test replay writer into
# demo/replays, analyses them into demo/build_orders.jsonl and the bot's
# demo/learned_build_orders.json, and shows what was learned.
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
DEMO=${BGTRAIN_DEMO_DIR:-demo}
mkdir -p "$DEMO/replays"
if [ ! -f "$DEMO/replays/gen_000199.SC2Replay" ]; then
	echo "demo: writing 200 generated replays into $DEMO/replays"
	"$BGTRAIN_TESTS/mkreplay" --seed 2026 --count 200 "$DEMO/replays"
fi
"$BGTRAIN_BIN/replay-analyze" --root "$DEMO" -o "$DEMO/build_orders.jsonl" \
	--summary "$DEMO/learned_build_orders.json" "$DEMO/replays"
echo "demo: $(wc -l <"$DEMO/build_orders.jsonl") build orders in $DEMO/build_orders.jsonl"
echo "demo: learned parameters in $DEMO/learned_build_orders.json:"
/usr/bin/python3 - "$DEMO/learned_build_orders.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("  replays %d, winning zerg builds %d, mean length %.0f s" % (
    d["stats"]["total_replays"], d["stats"]["zerg_wins"], d["stats"]["avg_game_length"]))
print("  supply: " + ", ".join("%s %s" % (k.replace("_supply", ""), v)
                               for k, v in d["learned_parameters"].items()))
print("  expansions (s): " + ", ".join("%s %.1f" % kv for kv in d["expansion_timings"].items()))
first = sorted(d["build_order_timings"].items(), key=lambda kv: kv[1])[:8]
print("  first timings (s): " + ", ".join("%s %.1f" % kv for kv in first))
PY
