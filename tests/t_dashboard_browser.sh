# t_dashboard_browser - the dashboard in a real browser: headless Chromium,
# driven over the DevTools protocol (--remote-debugging-pipe), opens the
# page `bgtrain report` writes from a generated history; every chart must
# have its points drawn (the SVG's own count of polyline points), nothing
# may be requested but the page itself (every request the page makes is
# seen by the Network domain, and a proxy that leads nowhere stands behind
# any that would leave), and no console message or exception may be an
# error. A screenshot is kept in $BGTRAIN_SHOT (default build/dashboard.png)
# for people to look at. Runs once per `make check`, in the release pass;
# needs Debian's chromium: skipped without it, failed under CI=true.
. tests/lib.sh
if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
	echo "the browser test runs once, in the release pass"
	exit 77
fi
CHROME=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROME" ]; then
	echo "SKIP: no chromium (sh bin/install-deps)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
SHOT=${BGTRAIN_SHOT:-$PWD/build/dashboard.png}
mkdir -p "$(dirname "$SHOT")"

# A history with every chart's data: a month of training and analysis, two
# days of the machine with the gate shut now and then, a few errors.
S=$T/state
mkdir -p "$S"
$PY - "$S" <<'PY'
import json, math, random, sys, time
rng = random.Random(3)
now = time.time()
with open(sys.argv[1] + "/metrics.jsonl", "w") as f:
    ec = 0
    for j in range(400):
        t = now - 30 * 86400 + j * 6480
        ec += 10
        x = j / 400
        f.write(json.dumps({"kind": "train", "time": t, "job": j, "games": 10, "steps": 2000,
            "loss_before": -0.5 + .4 * x + rng.gauss(0, .05), "loss_after": -0.55 + .4 * x + rng.gauss(0, .05),
            "mean_return": -20 + 60 * x + rng.gauss(0, 8), "mean_length": 200,
            "win_rate": min(1, max(0, .2 + .6 * x + rng.gauss(0, .08))),
            "entropy": 1.6 - .8 * x + rng.gauss(0, .02), "grad_norm": 2, "approx_kl": abs(rng.gauss(.01, .004)),
            "ratio_mean": 1, "ratio_max": 5, "samples_per_s": 9e4 + rng.gauss(0, 4e3),
            "episode_count": ec}) + "\n")
        if j % 8 == 0:
            f.write(json.dumps({"kind": "analysis", "time": t, "job": 1000 + j, "replays": 100, "errors": 2,
                "replays_per_s": 40 + rng.gauss(0, 3), "builds": 50 * j, "spawning_pool_time": 75 - 5 * x + rng.gauss(0, 1),
                "extractor_time": 60 + rng.gauss(0, 1), "hatchery_time": 92 - 8 * x, "spawning_pool_supply": 17,
                "gas_supply": 18, "natural_expansion_supply": 16, "roach_warren_supply": 30 + 5 * x,
                "hydralisk_den_supply": 60, "lair_supply": 50, "hive_supply": 120}) + "\n")
    for k in range(5):
        f.write(json.dumps({"kind": "error", "time": now - 3600 * k, "job": 2000 + k,
            "file": "/home/bot/replays/broken <%d> & \"odd\".SC2Replay" % k,
            "error": "no replay.tracker.events (a replay from before 2.0.8, or a stripped one)"}) + "\n")
with open(sys.argv[1] + "/system.jsonl", "w") as f:
    for i in range(2 * 8640):
        t = now - 2 * 86400 + 10 * i
        shut = (i // 700) % 5 == 0
        f.write(json.dumps({"kind": "system", "time": t, "cpu": 88 if shut else 45 + 15 * math.sin(i / 300),
            "mem": 55 + 5 * math.sin(i / 900), "load": .7, "gpu0_util": 35, "gpu0_mem": 40, "cpu_max": 80,
            "mem_max": 85, "gpu_mem_max": 90, "verdict": 1 if shut else 0, "gate": "over" if shut else "open",
            "active": 0 if shut else 2, "allowed": 2, "queued": (i % 900) // 3, "done": i // 4, "failed": i // 2000}) + "\n")
PY
"$BIN/bgtrain" report -s "$S" -o "$T/page.html" >/dev/null || fail "bgtrain report"

$PY - "$CHROME" "$T/page.html" "$T/profile" "$SHOT" <<'PY' || fail "the page in Chromium"
import base64, json, os, subprocess, sys, time
chrome, page, profile, shot = sys.argv[1:5]
url = "file://" + page
# Chromium reads commands from fd 3 and answers on fd 4, NUL-terminated
# (dup2 in the child; close_fds would close them again after it).
cmd_r, cmd_w = os.pipe()
out_r, out_w = os.pipe()
def fds():
    # Through high numbers first: a pipe may already sit on 3 or 4, and
    # os.pipe()'s descriptors are close-on-exec until dup2 makes new ones.
    os.dup2(cmd_r, 100)
    os.dup2(out_w, 101)
    os.dup2(100, 3)
    os.dup2(101, 4)
args = [chrome, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
        "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--metrics-recording-only",
        # Anything that would leave the machine goes to a proxy that is not there.
        "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
        "--window-size=1400,1000", "about:blank"]
p = subprocess.Popen(args, close_fds=False, preexec_fn=fds,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(cmd_r); os.close(out_w)
reader = os.fdopen(out_r, "rb")
writer = os.fdopen(cmd_w, "wb")
buf = b""
events = []
next_id = [0]
def send(method, params=None, session=None):
    next_id[0] += 1
    msg = {"id": next_id[0], "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    writer.write(json.dumps(msg).encode() + b"\0")
    writer.flush()
    return wait(lambda m: m.get("id") == next_id[0])
def wait(pred, timeout=60):
    global buf
    deadline = time.time() + timeout
    while time.time() < deadline:
        while b"\0" in buf:
            raw, buf = buf.split(b"\0", 1)
            m = json.loads(raw)
            if "method" in m:
                events.append(m)
            if pred(m):
                if "error" in m:
                    sys.exit("CDP error: %s" % m["error"])
                return m
        chunk = os.read(reader.fileno(), 1 << 20)
        if not chunk:
            sys.exit("chromium closed the pipe")
        buf += chunk
    sys.exit("timed out waiting for chromium")
try:
    targets = send("Target.getTargets")["result"]["targetInfos"]
    tid = [t for t in targets if t["type"] == "page"][0]["targetId"]
    sid = send("Target.attachToTarget", {"targetId": tid, "flatten": True})["result"]["sessionId"]
    for d in ("Network", "Runtime", "Log", "Page"):
        send(d + ".enable", session=sid)
    send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": 1000,
         "deviceScaleFactor": 1, "mobile": False}, session=sid)
    send("Page.navigate", {"url": url}, session=sid)
    wait(lambda m: m.get("method") == "Page.loadEventFired")
    time.sleep(0.5)
    check = """JSON.stringify({
      charts: [...document.querySelectorAll('svg.chart')].map(s => ({
        id: s.id, said: +s.dataset.points,
        drawn: [...s.querySelectorAll('polyline')].reduce((a, p) => a + p.points.numberOfItems, 0),
        width: s.getBoundingClientRect().width})),
      height: document.documentElement.scrollHeight,
      errors: document.querySelectorAll('#errors tr').length})"""
    r = send("Runtime.evaluate", {"expression": check, "returnByValue": True}, session=sid)
    got = json.loads(r["result"]["result"]["value"])
    height = got["height"]
    send("Emulation.setDeviceMetricsOverride", {"width": 1400, "height": height,
         "deviceScaleFactor": 1, "mobile": False}, session=sid)
    time.sleep(0.3)
    png = send("Page.captureScreenshot", {"format": "png"}, session=sid)["result"]["data"]
    open(shot, "wb").write(base64.b64decode(png))
finally:
    p.kill()
    p.wait()
bad = []
if len(got["charts"]) != 12:
    bad.append("%d charts, want 12" % len(got["charts"]))
for c in got["charts"]:
    if not (c["said"] > 0 and c["drawn"] == c["said"] and c["width"] > 100):
        bad.append("chart %s: %s" % (c["id"], c))
if got["errors"] != 6:
    bad.append("the errors table has %d rows, want 6" % got["errors"])
for e in events:
    m, prm = e["method"], e.get("params", {})
    if m == "Network.requestWillBeSent" and prm["request"]["url"] != url:
        bad.append("requested " + prm["request"]["url"])
    if m == "Runtime.exceptionThrown":
        bad.append("exception: %s" % prm["exceptionDetails"].get("text"))
    if m == "Runtime.consoleAPICalled" and prm.get("type") in ("error", "assert", "warning"):
        bad.append("console %s: %s" % (prm["type"], prm.get("args")))
    if m == "Log.entryAdded" and prm["entry"]["level"] in ("error", "warning"):
        bad.append("log: %s %s" % (prm["entry"].get("url", ""), prm["entry"]["text"]))
print("charts:", " ".join("%s=%d" % (c["id"], c["drawn"]) for c in got["charts"]))
print("requests:", [e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"])
if bad:
    sys.exit("\n".join(bad))
PY
[ -s "$SHOT" ] || fail "no screenshot"
echo "screenshot: $SHOT"
finish
