#!/usr/bin/python3
"""soak.py SECONDS ROOT - the driver left running through what months bring

A simulated bot writes a game every half second (a good game of ../shared
with one reward moved, so each is its own content, written to NAME.tmp.npz
and renamed, as the bot does), replays arrive in bursts into new folders,
a folder of replays is renamed and renamed back; meanwhile `bgtrain run`
is SIGKILLed at random moments and started again, and the tmpfs everything
lives on (when mounting one is allowed) fills up and is freed. For the
last part one driver runs untouched: its RSS and open descriptors are read
10 s after it starts and at the end. Then everything drains, and:

  - every game is in the model once: episode_count is the number of games
    and trained_md5 the set of their MD5s;
  - every replay is in the learned file once, and the learned file is
    what one replay-analyze --summary over the distinct replays gives;
  - no temporary file is left, no child process survives;
  - the untouched driver's RSS and descriptors grew by 10% at most.

Prints what it did; exits 1 with the checks that failed. Run by
tests/t_soak.sh (60 s, in make check's release pass) and make soak.
"""
import glob
import hashlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

import numpy as np

BIN = os.environ["BGTRAIN_BIN"]
SHARED = os.environ.get("BGTRAIN_SHARED", "../shared")
SECONDS = float(sys.argv[1])
ROOT = sys.argv[2]
rng = random.Random(int(os.environ.get("SOAK_SEED", "14")))
failures = []


def fail(what):
    print("FAIL: " + what, flush=True)
    failures.append(what)


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


# Everything on a small tmpfs, to fill it up now and then; else in ROOT.
FS = ROOT + "/fs"
os.makedirs(FS)
mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", FS],
                         stderr=subprocess.DEVNULL).returncode == 0
if not mounted:
    print("soak: cannot mount a tmpfs here (no permission): the full disk is left out",
          flush=True)
BOT, REPLAYS, STATE = FS + "/bot", FS + "/replays", FS + "/state"
for d in (BOT, REPLAYS):
    os.makedirs(d)
LOG = open(ROOT + "/driver.log", "ab")
DRIVER = [BIN + "/bgtrain", "run", "--replays", REPLAYS, "--experience", BOT, "--state", STATE,
          "--jobs", "2", "--settle", "1", "--cpu", "off", "--mem", "off", "--gpu-mem", "off",
          "--grace", "2", "--train-batch", "5", "--replay-batch", "8", "-q"]
stop = threading.Event()
full = threading.Event()
stats = {"games": 0, "bursts": 0, "renames": 0, "kills": 0, "starts": 0, "fills": 0,
         "write_failures": 0}


def bot():
    """A game every half second, each its own content; retried on a full disk."""
    good = []
    for f in sorted(glob.glob(SHARED + "/experience/good/*.npz")):
        d = np.load(f)
        good.append({k: d[k] for k in d.files})
    i = 0
    while not stop.is_set():
        g = good[i % len(good)]
        rewards = g["rewards"].copy()
        rewards[-1] += (i + 1) / 1024.0
        path = "%s/exp_soak%06d_ep0.npz" % (BOT, i)
        tmp = path + ".tmp.npz"
        data = io.BytesIO()
        np.savez(data, states=g["states"], actions=g["actions"], rewards=rewards)
        try:
            with open(tmp, "wb") as f:
                f.write(data.getvalue())
            os.rename(tmp, path)
            i += 1
            stats["games"] = i
        except OSError:
            stats["write_failures"] += 1
            try:
                os.unlink(tmp)
            except OSError:
                pass
        stop.wait(0.5)


def replay_list():
    lines = open(SHARED + "/replays/MANIFEST.tsv").read().splitlines()[1:]
    return [SHARED + "/replays/" + l.split("\t")[0] for l in lines if l.strip()]


def bursts():
    """A few replays at a time into a new folder; their copies later, by new names."""
    files = replay_list()
    at = k = 0
    while not stop.wait(rng.uniform(2, 5)):
        d = "%s/burst%03d" % (REPLAYS, k)
        n = rng.randint(4, 12)
        try:
            os.makedirs(d, exist_ok=True)
            for j in range(n):
                src = files[(at + j) % len(files)]
                shutil.copyfile(src, "%s/r%05d.SC2Replay" % (d, at + j))
            at += n
            k += 1
            stats["bursts"] = k
        except OSError:
            stats["write_failures"] += 1    # a full disk: this burst again, later


def renames():
    """A watched folder renamed away and back."""
    while not stop.wait(rng.uniform(4, 8)):
        dirs = sorted(glob.glob(REPLAYS + "/burst*"))
        if len(dirs) < 2:
            continue
        d = rng.choice(dirs[:-1])
        try:
            os.rename(d, d + ".away")
            time.sleep(rng.uniform(0.2, 1.5))
            os.rename(d + ".away", d)
            stats["renames"] += 1
        except OSError as e:
            fail("rename %s: %s" % (d, e))


def fill():
    """The disk full for a few seconds, then freed."""
    full.set()
    try:
        with open(FS + "/filler", "wb") as f:
            chunk = b"\0" * (1 << 20)
            while True:
                f.write(chunk)
                f.flush()
    except OSError:
        pass
    time.sleep(rng.uniform(1, 3))
    os.unlink(FS + "/filler")
    full.clear()
    stats["fills"] += 1


def start():
    stats["starts"] += 1
    return subprocess.Popen(DRIVER, stdin=subprocess.DEVNULL, stdout=LOG, stderr=LOG)


def status():
    try:
        return json.load(open(STATE + "/status.json"))
    except (OSError, ValueError):
        return None


def sample(pid):
    rss = int([l for l in open("/proc/%d/status" % pid) if l.startswith("VmRSS:")][0].split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


threads = [threading.Thread(target=f, daemon=True) for f in (bot, bursts, renames)]
for t in threads:
    t.start()
begin = time.monotonic()
phase1 = SECONDS * 0.5

# Phase 1: killed at random moments, started again; the disk fills now and then.
driver = None
next_fill = begin + rng.uniform(5, 10)
while time.monotonic() - begin < phase1:
    if driver is None or driver.poll() is not None:
        driver = start()
    time.sleep(rng.uniform(0.5, 4))
    if mounted and time.monotonic() > next_fill:
        fill()
        next_fill = time.monotonic() + rng.uniform(8, 15)
    if rng.random() < 0.7 and driver.poll() is None:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
        stats["kills"] += 1
if driver.poll() is None:
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    stats["kills"] += 1

# Phase 2: one driver left alone; the producers go on, then stop; it drains.
driver = start()
t0 = time.monotonic()
time.sleep(10)
if driver.poll() is not None:
    fail("the untouched driver exited with %d" % driver.returncode)
early = sample(driver.pid)
while time.monotonic() - begin < SECONDS and driver.poll() is None:
    time.sleep(0.5)
stop.set()
for t in threads:
    t.join()
deadline = time.monotonic() + 300
quiet = 0
while time.monotonic() < deadline and driver.poll() is None:
    s = status()
    busy = s is None or s["running"] or s["replays_ready"] or s["experience_ready"] or \
        s["settling"]
    quiet = 0 if busy else quiet + 1
    if quiet >= 6:
        break
    time.sleep(0.5)
if quiet < 6:
    fail("the untouched driver did not drain in 300 s")
late = sample(driver.pid) if driver.poll() is None else early
driver.send_signal(signal.SIGTERM)
rc = driver.wait()
if rc not in (0, 65, 143):
    fail("the untouched driver exited with %d" % rc)
print("soak: %.0f s, %d games, %d bursts, %d renames, %d kills, %d starts, %d fills, "
      "%d writes refused by the full disk" % (time.monotonic() - begin, stats["games"],
      stats["bursts"], stats["renames"], stats["kills"], stats["starts"], stats["fills"],
      stats["write_failures"]), flush=True)
print("soak: the untouched driver: RSS %d -> %d KiB, %d -> %d descriptors (%.0f s apart)" %
      (early[0], late[0], early[1], late[1], time.monotonic() - t0 - 10), flush=True)
if late[0] > early[0] * 1.10:
    fail("the driver's RSS grew by more than 10%%: %d -> %d KiB" % (early[0], late[0]))
if late[1] > early[1] * 1.10:
    fail("the driver's descriptors grew by more than 10%%: %d -> %d" % (early[1], late[1]))

# What is left after everything, once more: nothing to do.
once = subprocess.run(DRIVER[:1] + ["once"] + DRIVER[2:], stdin=subprocess.DEVNULL,
                      stdout=LOG, stderr=LOG)
if once.returncode not in (0, 65):
    fail("the last once exited with %d" % once.returncode)

# Every game once in the model.
games = sorted(p for p in glob.glob(BOT + "/*.npz") if not p.endswith(".tmp.npz"))
want = sorted(md5(p) for p in games)
m = np.load(STATE + "/rl_agent_model.npz")
got = sorted(bytes(r).hex() for r in m["trained_md5"])
if int(m["episode_count"][0]) != len(games):
    fail("episode_count %d, %d games" % (int(m["episode_count"][0]), len(games)))
if got != want:
    fail("trained_md5 is not the games: %d recorded, %d games, %d missing, %d extra" %
         (len(got), len(want), len(set(want) - set(got)), len(set(got) - set(want))))
if len(set(got)) != len(got):
    fail("a game twice in trained_md5")

# Every replay once in the learned file: one summary over the distinct replays.
distinct = {}
for p in sorted(glob.glob(REPLAYS + "/**/*.SC2Replay", recursive=True)):
    distinct.setdefault(md5(p), p)
direct = ROOT + "/direct.json"
subprocess.run([BIN + "/replay-analyze", "-q", "--summary", direct, "-o", os.devnull] +
               list(distinct.values()), stdout=subprocess.DEVNULL)
learned = json.load(open(STATE + "/learned_build_orders.json"))
whole = json.load(open(direct))
mine = learned["merge_state"]["replays"]
if len(set(mine)) != len(mine):
    fail("a replay twice in the learned file")
if sorted(mine) != sorted(whole["merge_state"]["replays"]):
    fail("the learned file's replays are not the archive's: %d, want %d" %
         (len(mine), len(whole["merge_state"]["replays"])))
learned.pop("generated_at", None)
whole.pop("generated_at", None)
if learned != whole:
    fail("the learned file differs from one summary of the distinct replays")

# Nothing left half-written; no worker survives.
left = [os.path.join(d, f) for d, _, fs in os.walk(FS) for f in fs if ".tmp." in f]
if left:
    fail("temporary files left: %s" % ", ".join(left[:5]))
alive = subprocess.run(["pgrep", "-f", STATE], stdout=subprocess.PIPE, text=True).stdout.split()
if alive:
    fail("processes survive: %s" % " ".join(alive))
print("soak: %d games in the model, %d distinct replays in the learned file" %
      (len(games), len(mine)), flush=True)
LOG.close()
if mounted:
    subprocess.run(["umount", "-l", FS])
sys.exit(1 if failures else 0)
