#!/bin/sh
# bench_driver.sh - bgtrain: what the driver costs per job, and how it scales.
#
# 1. 1,000 trivial jobs (one generated replay each, gate open, one worker):
#    the driver's wall time against the same replay-analyze and merge-results
#    runs made back to back by a shell loop in the same run; the difference
#    per job is the driver's overhead (target < 5 ms).
# 2. Replay throughput over 2,000 generated replays of real size with 2
#    workers against 1 (target >= 1.8x on 2 cores).
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
WORK=${BGTRAIN_BENCH_DIR:-${TMPDIR:-/tmp}/bgtrain-bench-corpus}
mkdir -p "$WORK"
[ -f "$WORK/gen-1000/gen_000999.SC2Replay" ] ||
	"$BGTRAIN_TESTS/mkreplay" --seed 77 --count 1000 "$WORK/gen-1000"
if [ ! -f "$WORK/gen-2000/gen_001999.SC2Replay" ]; then
	mkdir -p "$WORK/gen-2000"
	"$BGTRAIN_TESTS/mkreplay" --seed 78 --count 2000 "$WORK/gen-2000"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$BGTRAIN_BIN" "$WORK" "$TMP" <<'PY'
import glob, os, subprocess, sys, time
bin, work, tmp = sys.argv[1:4]
gate = ["--cpu", "100", "--mem", "100", "--gpu-mem", "100", "--settle", "0", "-q"]
def driver(replays, state, jobs, batch):
    t0 = time.monotonic()
    subprocess.run([bin + "/bgtrain", "once", "--replays", replays, "--state", state,
                    "--jobs", str(jobs), "--replay-batch", str(batch)] + gate,
                   check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0
replays = sorted(glob.glob(work + "/gen-1000/*.SC2Replay"))
# The same work without the driver: analyse one replay, merge its summary.
t0 = time.monotonic()
for i, r in enumerate(replays):
    s = "%s/s%d.json" % (tmp, i)
    subprocess.run([bin + "/replay-analyze", "--quiet", "--summary", s, "-o", os.devnull, r], check=True)
    subprocess.run([bin + "/merge-results", "learned", "-q", "-o", tmp + "/loop.json", s], check=True)
loop = time.monotonic() - t0
drv = driver(work + "/gen-1000", tmp + "/state1", 1, 1)
per_job = (drv - loop) / len(replays) * 1000
print("1,000 one-replay jobs: driver %.2f s, the same runs in a shell loop %.2f s" % (drv, loop))
print("    driver overhead %.2f ms per job (target < 5 ms)  %s" % (per_job, "ok" if per_job < 5 else "MISSED"))
one = driver(work + "/gen-2000", tmp + "/state2", 1, 100)
two = driver(work + "/gen-2000", tmp + "/state3", 2, 100)
n = len(glob.glob(work + "/gen-2000/*.SC2Replay"))
print("%d replays: 1 worker %.1f replays/s, 2 workers %.1f replays/s" % (n, n / one, n / two))
print("    speed-up %.2fx (target >= 1.8x on %d cores)  %s" % (one / two, os.cpu_count(), "ok" if one / two >= 1.8 else "MISSED"))
PY
