#!/bin/sh
# bench_slurm.sh - bgtrain --executor slurm beside the local executor: what
# the driver costs per job, and the time from a job's submission to its
# landed (merged) result.
#
# 40 one-replay jobs, one at a time (--jobs 1 --replay-batch 1), through
# each executor: the wall time per job is then the time from one job's
# start to its merged result. Through Slurm the jobs run on a throw-away
# cluster of three nodes on this machine (tests/slurm_cluster.sh: root
# only; skipped with a message otherwise). The driver's own CPU time per
# job is its overhead (status.json); through Slurm the sbatch, squeue and
# scancel it runs (with merge-results, its other children) are counted
# beside it, since they are the price of the cluster. Slurm's own time
# from sbatch to a finished empty job is measured beside them: the test
# cluster schedules every 2 s (slurm_up.sh), which is most of the wait.
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
SHARED=${BGTRAIN_SHARED:-../shared}
if [ "$(id -u)" != 0 ]; then
	echo "skipped: the Slurm bench starts a cluster, which needs root"
	exit 0
fi
if [ ! -x "$SHARED/tools/slurm_up.sh" ]; then
	echo "skipped: no $SHARED/tools/slurm_up.sh"
	exit 0
fi
TMP=$(mktemp -d)
. tests/slurm_cluster.sh
trap 'slurm_cluster_down; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
"$BGTRAIN_TESTS/mkreplay" --seed 79 --count 40 "$TMP/replays" >/dev/null
t0=$(date +%s.%N)
slurm_cluster_up "$SHARED"
t1=$(date +%s.%N)
/usr/bin/python3 - "$BGTRAIN_BIN" "$TMP" "$t0" "$t1" <<'PY'
import json, os, resource, subprocess, sys, time
bin, tmp, t0, t1 = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
n = len(os.listdir(tmp + "/replays"))
def driver(executor):
    state = "%s/state-%s" % (tmp, executor)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([bin + "/bgtrain", "once", "--executor", executor, "--replays", tmp + "/replays",
                    "--state", state, "--jobs", "1", "--replay-batch", "1", "--settle", "0", "-q",
                    "--cpu", "100", "--mem", "100", "--gpu-mem", "100"],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    status = json.load(open(state + "/status.json"))
    jobs = status["jobs_finished"]
    assert jobs == n, (executor, jobs)
    own = status["driver_cpu_seconds"]
    # The driver's children: merge-results, and its jobs (local) or Slurm's commands.
    children = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) - own
    return wall / jobs, own / jobs, children / jobs
# Slurm alone: an empty job, from sbatch to COMPLETED in squeue (polled every 20 ms).
def bare():
    start = time.monotonic()
    job = subprocess.run(["sbatch", "--parsable", "--output=/dev/null", "--wrap", "true"],
                         check=True, capture_output=True, text=True).stdout.strip()
    while subprocess.run(["squeue", "-h", "-t", "all", "-j", job, "-o", "%T"],
                         capture_output=True, text=True).stdout.strip() != "COMPLETED":
        time.sleep(0.02)
    return time.monotonic() - start
print("a cluster of 3 nodes on this machine, up in %.1f s" % (t1 - t0))
floor = sum(bare() for _ in range(10)) / 10
local = driver("local")
slurm = driver("slurm")
print("%d one-replay jobs, one at a time:     local      slurm" % n)
print("    submission to landed result    %6.0f ms  %6.0f ms  (%.1fx; Slurm alone runs an empty job in %.0f ms)"
      % (local[0] * 1000, slurm[0] * 1000, slurm[0] / local[0], floor * 1000))
print("    driver's own CPU per job       %6.2f ms  %6.2f ms" % (local[1] * 1000, slurm[1] * 1000))
# A job through Slurm waits seconds, and the driver's once-a-second tick
# (the folders' scan, status.json) is paid for every second of it.
print("    ... per second of wall time    %6.1f ms  %6.1f ms  (%.1f%% and %.1f%% of a core)"
      % (local[1] / local[0] * 1000, slurm[1] / slurm[0] * 1000, local[1] / local[0] * 100,
         slurm[1] / slurm[0] * 100))
print("    its children's CPU per job     %6.1f ms  %6.1f ms  (local: the job itself and the merge;"
      % (local[2] * 1000, slurm[2] * 1000))
print("                                                       slurm: sbatch, squeue, scancel and the merge)")
PY
