#!/bin/sh
# bench_unattended.sh - bgtrain left alone on a large archive for months.
#
# 1. Idle CPU: `bgtrain run` watching 20,000 and 100,000 files (100 folders)
#    with the gate shut, once it has hashed them: its CPU time over 20 s,
#    from /proc/PID/schedstat (nanoseconds), as a share of one core
#    (target <= 0.1% at 100,000).
# 2. `bgtrain once` over 100,000 files the ledger counts done, the second
#    time (the first reads and hashes them all): its wall time (target < 1 s).
# 3. A ledger of a million records: the first start, which folds them into
#    STATE/ledger.snap, and a start after that: wall time and peak memory
#    (target: the restart under 1 s and 64 MB).
set -eu
: "${BGTRAIN_BIN:?}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$BGTRAIN_BIN" "$TMP" <<'PY'
import hashlib, json, os, resource, subprocess, sys, time
bin, tmp = sys.argv[1:3]
shut = ["--cpu", "100", "--mem", "0", "--gpu-mem", "100", "--settle", "0", "-q"]
open_gate = ["--cpu", "off", "--mem", "off", "--gpu-mem", "off", "--settle", "0", "-q"]

def files(root, n, per=1000):
    paths = []
    for i in range(n):
        d = "%s/d%03d" % (root, i // per)
        if i % per == 0:
            os.makedirs(d)
        p = "%s/f%06d.SC2Replay" % (d, i)
        with open(p, "w") as f:
            f.write("replay %d" % i)
        paths.append(p)
    return paths

def status(state):
    try:
        return json.load(open(state + "/status.json"))
    except (OSError, ValueError):
        return {}

def cpu_ns(pid):
    return int(open("/proc/%d/schedstat" % pid).read().split()[0])

def run(argv):
    """Wall seconds and peak RSS (KiB) of one child."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, st, ru = os.wait4(p.pid, 0)
    return time.monotonic() - t0, ru.ru_maxrss, os.waitstatus_to_exitcode(st)

# 1. Idle CPU.
for n in (20000, 100000):
    root, state = "%s/idle%d" % (tmp, n), "%s/idle%d.state" % (tmp, n)
    files(root, n)
    p = subprocess.Popen([bin + "/bgtrain", "run", "--replays", root, "--state", state] + shut,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.monotonic()
    while status(state).get("replays_ready") != n and time.monotonic() - t0 < 600:
        time.sleep(0.5)
    time.sleep(2)
    a, t1 = cpu_ns(p.pid), time.monotonic()
    time.sleep(20)
    b, t2 = cpu_ns(p.pid), time.monotonic()
    p.terminate()
    p.wait()
    share = (b - a) / 1e9 / (t2 - t1) * 100
    print("idle over %d watched files: %.4f%% of a core (%.1f ms in %.0f s; hashed in %.1f s)%s" %
          (n, share, (b - a) / 1e6, t2 - t1, t1 - 2 - t0,
           "  target <= 0.1%%  %s" % ("ok" if share <= 0.1 else "MISSED") if n == 100000 else ""))

# 2. once over 100,000 done files: the ledger says so; the first once hashes them.
root, state = tmp + "/idle100000", tmp + "/done.state"
os.makedirs(state)
with open(state + "/ledger.tsv", "w") as f:
    paths = sorted(os.path.join(d, x) for d, _, fs in os.walk(root) for x in fs)
    for j in range(0, len(paths), 100):
        batch = paths[j:j + 100]
        hs = [hashlib.md5(open(p, "rb").read()).hexdigest() for p in batch]
        for r in ("P\t%d\tanalysis\t/old/out\t%s\t%s\t%s" % (j + 1, hs[0], ",".join(hs), "\t".join(batch)),
                  "M\t%d" % (j + 1)):
            f.write(r + "\t#" + hashlib.md5(r.encode()).hexdigest()[:8] + "\n")
once = [bin + "/bgtrain", "once", "--replays", root, "--state", state] + open_gate
first, _, _ = run(once)
second, rss, rc = run(once)
print("once over %d done files: %.2f s the first time (each file read), %.3f s after, %d MB"
      "  target < 1 s  %s" % (len(paths), first, second, rss // 1024,
                             "ok" if second < 1 and rc == 0 else "MISSED (exit %d)" % rc))

# 3. A million ledger records: folded at the first start, then a restart.
state = tmp + "/million"
os.makedirs(state)
os.makedirs(tmp + "/empty")
n = 0
with open(state + "/ledger.tsv", "w") as f:
    def rec(r):
        f.write(r + "\t#" + hashlib.md5(r.encode()).hexdigest()[:8] + "\n")
    job = 1
    while n < 1000000:
        hs = [hashlib.md5(b"in%d.%d" % (job, k)).hexdigest() for k in range(2)]
        rec("P\t%d\t%s\t/old/job%d\t%s\t%s\t/in/a%d.npz\t/in/b%d.npz" %
            (job, "training" if job % 2 else "analysis", job, hs[0], ",".join(hs), job, job))
        rec("M\t%d" % job)
        n += 2
        if job % 10 == 0:
            rec("B\t%s\t/in/bad%d.npz\tbad data" % (hashlib.md5(b"bad%d" % job).hexdigest(), job))
            n += 1
        job += 1
size = os.path.getsize(state + "/ledger.tsv")
once = [bin + "/bgtrain", "once", "--experience", tmp + "/empty", "--state", state] + open_gate
first, first_rss, _ = run(once)
again, rss, rc = run(once)
print("%d ledger records (%d MB): the first start %.2f s, %d MB (folded into %d MB); a restart "
      "%.3f s, %d MB  target < 1 s, < 64 MB  %s" %
      (n, size >> 20, first, first_rss // 1024, os.path.getsize(state + "/ledger.snap") >> 20,
       again, rss // 1024, "ok" if again < 1 and rss < 64 * 1024 and rc == 0 else "MISSED"))
PY
