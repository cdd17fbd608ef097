#!/bin/sh
# bench_replay.sh - replay-analyze against its floor, in one run.
#
# 1. Replays per second on one core over ../shared/replays, repeated until at
#    least 5 s have passed, for replay-analyze and for a floor program that
#    only opens each archive and reads the same four members with StormLib;
#    and their ratio (target: at most 1.5x the floor's time, issue 12).
# 2. Peak memory (max RSS) of replay-analyze --summary over 10 and over
#    10,000 generated replays of real size (target: under 32 MB both).
#
# Timing is the wall clock of whole processes pinned to one core; the
# generated corpus is kept in $BGTRAIN_BENCH_DIR (default under /tmp) and
# reused by later runs.
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
SHARED=${BGTRAIN_SHARED:-../shared}
REPLAYS=$SHARED/replays
[ -d "$REPLAYS" ] || { echo "bench: $REPLAYS is missing" >&2; exit 1; }
CORPUS=${BGTRAIN_BENCH_DIR:-${TMPDIR:-/tmp}/bgtrain-bench-corpus}
PIN=
command -v taskset >/dev/null && PIN="taskset -c 0"

LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT
tail -n +2 "$REPLAYS/MANIFEST.tsv" | cut -f1 | sed "s|^|$REPLAYS/|" >"$LIST"

/usr/bin/python3 - "$LIST" "$BGTRAIN_BIN/replay-analyze" "$BGTRAIN_TESTS/floor_stormlib" "$PIN" <<'PY'
import subprocess, sys, time
lst, ours, floor, pin = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split()
n = sum(1 for _ in open(lst))
def rate(cmd):
    done, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < 5.0:
        with open(lst) as f:
            subprocess.run(pin + cmd, stdin=f, stdout=subprocess.DEVNULL, check=True)
        done += n
    return done / (time.monotonic() - t0)
# Alternate so that neither gets a warmer machine.
a1 = rate([ours, "-"]); f1 = rate([floor]); a2 = rate([ours, "-"]); f2 = rate([floor])
a, f = (a1 + a2) / 2, (f1 + f2) / 2
print("replay-analyze     %8.1f replays/s (one core, %d shared replays, >= 5 s)" % (a, n))
print("floor (StormLib)   %8.1f replays/s (open + read the same 4 members)" % f)
print("time ratio         %8.2fx the floor (target <= 1.50x)  %s" % (f / a, "ok" if f / a <= 1.5 else "MISSED"))
PY

# Generated corpora of real size: 10 and 10,000 replays.
if [ ! -f "$CORPUS/.complete" ]; then
	echo "bench: generating 10,000 replays into $CORPUS (once)..." >&2
	rm -rf "$CORPUS"
	mkdir -p "$CORPUS/ten" "$CORPUS/all"
	"$BGTRAIN_TESTS/mkreplay" --seed 1 --count 10000 "$CORPUS/all"
	for f in $(ls "$CORPUS/all" | head -n 10); do ln "$CORPUS/all/$f" "$CORPUS/ten/$f"; done
	touch "$CORPUS/.complete"
fi
/usr/bin/python3 - "$BGTRAIN_BIN/replay-analyze" "$CORPUS" <<'PY'
import os, resource, subprocess, sys, time
ra, corpus = sys.argv[1], sys.argv[2]
def peak(folder):
    # Each measurement in its own child so ru_maxrss is that run's alone.
    code = ("import resource,subprocess,sys;"
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    t0 = time.monotonic()
    # Every kind of game: a corpus generated before replays had a lobby counts too.
    out = subprocess.run([sys.executable, "-c", code, ra, "--race", "any", "--game-type", "any",
                          "--summary", os.devnull, folder], capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024, time.monotonic() - t0
files = os.listdir(os.path.join(corpus, "all"))
size = sum(os.path.getsize(os.path.join(corpus, "all", f)) for f in files[:50]) / 50
p10, t10 = peak(os.path.join(corpus, "ten"))
pall, tall = peak(os.path.join(corpus, "all"))
print("generated replays  %8.0f bytes each on average" % size)
print("peak memory        %8.1f MB over 10 replays      (target < 32 MB)  %s" % (p10, "ok" if p10 < 32 else "MISSED"))
print("peak memory        %8.1f MB over %d replays  (target < 32 MB)  %s  (%.1f replays/s)" % (pall, len(files), "ok" if pall < 32 else "MISSED", len(files) / tall))
print("memory ratio       %8.2fx (10,000 vs 10 replays)" % (pall / p10))
PY
