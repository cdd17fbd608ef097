#!/bin/sh
# bench_policy.sh - policy-train against PyTorch, in one run.
#
# The same data (../shared/tools/make_experience.py: 1,000 games of 200
# decisions) and the same update: ../shared/tools/torch_reinforce.py
# (float32, one thread, its training loop alone) against policy-train as a
# whole process (loading and writing included), for 15-64-64-5 over 30
# epochs and 15-512-512-5 over 3. Targets: >= 2x PyTorch on the default
# network, >= 1x on the wide one, and the wide run's GFLOP/s >= 50% of
# OpenBLAS sgemm on 2048x2048 matrices measured here. Then the off-policy
# update against the on-policy one on the same data and network (15-64-64-5
# x 30 epochs, --behavior uniform against --behavior none, where the loss
# is the largest share of the work): target <= 1.10x, in CPU time (the
# machine is shared, and CPU time does not count the waits), the best of
# three runs each, taken in turn.
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
SHARED=${BGTRAIN_SHARED:-../shared}
DATA=${BGTRAIN_BENCH_DIR:-${TMPDIR:-/tmp}/bgtrain-bench-corpus}/experience-1000x200
PY=/usr/bin/python3

if ! $PY -c "import torch" 2>/dev/null; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "bench: installing python3-torch (Debian) for the peer..." >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
	else
		echo "bench: python3-torch is missing; as root: apt-get install -y python3-torch" >&2
		exit 1
	fi
fi
if [ ! -f "$DATA/exp_20261124_00999.npz" ]; then
	rm -rf "$DATA"
	$PY "$SHARED/tools/make_experience.py" "$DATA" 1000 200 1
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

$PY - "$BGTRAIN_BIN/policy-train" "$SHARED/tools/torch_reinforce.py" "$DATA" \
    "$BGTRAIN_TESTS/sgemm_peak" "$TMP" <<'PY'
import glob, os, resource, subprocess, sys, time
pt, torch_script, data, peak_tool, tmp = sys.argv[1:6]
files = sorted(glob.glob(os.path.join(data, "*.npz")))
samples = 1000 * 200

def torch_rate(hidden, epochs):
    out = subprocess.run([sys.executable, torch_script, hidden, str(epochs)] + files,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.split()[0])

def ours(hidden, epochs):
    model = os.path.join(tmp, "model.npz")
    if os.path.exists(model):
        os.remove(model)
    t0 = time.monotonic()
    subprocess.run([pt, "-m", model, "--init", "--hidden", hidden, "--epochs", str(epochs),
                    "--quiet", data], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0

def cpu(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

def ours_cpu(behavior):
    model = os.path.join(tmp, "model.npz")
    if os.path.exists(model):
        os.remove(model)
    return cpu([pt, "-m", model, "--init", "--hidden", "64,64", "--epochs", "30", "--quiet",
                "--behavior", behavior, data])

def gemm_flops(widths):
    # Per sample: forward x@W for every layer, dW for every layer, dX for all but the first.
    fwd = sum(2 * a * b for a, b in zip(widths, widths[1:]))
    dx = sum(2 * a * b for a, b in list(zip(widths, widths[1:]))[1:])
    return fwd, 2 * fwd + dx

peak = float(subprocess.run([peak_tool], capture_output=True, text=True, check=True).stdout.split()[0])
for hidden, epochs, target in (("64,64", 30, 2.0), ("512,512", 3, 1.0)):
    t = torch_rate(hidden, epochs)
    secs = min(ours(hidden, epochs), ours(hidden, epochs))
    rate = samples * epochs / secs
    print("15-%s-5 x %2d epochs: policy-train %9.0f samples/s (whole process, %.2f s), "
          "PyTorch %9.0f samples/s (training loop)" % (hidden.replace(",", "-"), epochs, rate, secs, t))
    print("    ratio %.2fx (target >= %.1fx)  %s" % (rate / t, target, "ok" if rate / t >= target else "MISSED"))
    if hidden == "512,512":
        fwd, step = gemm_flops([15, 512, 512, 5])
        # Training steps plus the forward pass that measures the loss after them.
        gflops = (samples * epochs * step + samples * fwd) / secs / 1e9
        print("    %.1f GFLOP/s = %.0f%% of sgemm 2048x2048 (%.1f GFLOP/s, one thread; target >= 50%%)  %s"
              % (gflops, 100 * gflops / peak, peak, "ok" if gflops >= 0.5 * peak else "MISSED"))
on, off = [], []
for _ in range(3):
    on.append(ours_cpu("none"))
    off.append(ours_cpu("uniform"))
print("15-64-64-5 x 30 epochs: off-policy (--behavior uniform) %.2f s CPU, on-policy (--behavior none) %.2f s CPU"
      % (min(off), min(on)))
print("    off/on %.3fx (target <= 1.10x)  %s" % (min(off) / min(on), "ok" if min(off) <= 1.10 * min(on) else "MISSED"))
PY
