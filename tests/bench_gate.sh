#!/bin/sh
# bench_gate.sh - res-gate: the CPU one check costs, besides its interval.
#
# Target: under 5 ms of CPU time (user + system, of the whole process:
# exec, dynamic linking, libproc2, NVML's dlopen, cgroup and sysfs files)
# per check. Measured with getrusage(RUSAGE_CHILDREN) over many runs; the
# baselines, measured in the same run, are /bin/true, a process that does
# nothing, and /bin/sleep 0.05, one that sleeps as long as the 50 ms check
# (waking from a sleep costs some CPU of its own).
set -eu
: "${BGTRAIN_BIN:?}" "${BGTRAIN_TESTS:?}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A container and four GPUs: a cgroup v2 tree, two AMD cards, two fake NVIDIA ones.
mkdir -p "$TMP/root/proc/self" "$TMP/root/sys/fs/cgroup/ctr"
echo "0::/ctr" >"$TMP/root/proc/self/cgroup"
echo 1000000000 >"$TMP/root/sys/fs/cgroup/ctr/memory.max"
echo 500000000 >"$TMP/root/sys/fs/cgroup/ctr/memory.current"
printf 'anon 1\ninactive_file 100\n' >"$TMP/root/sys/fs/cgroup/ctr/memory.stat"
echo "100000 100000" >"$TMP/root/sys/fs/cgroup/ctr/cpu.max"
echo "usage_usec 1000" >"$TMP/root/sys/fs/cgroup/ctr/cpu.stat"
for c in 0 1; do
	d=$TMP/root/sys/class/drm/card$c/device
	mkdir -p "$d"
	echo 40 >"$d/gpu_busy_percent"
	echo 1000 >"$d/mem_info_vram_used"
	echo 8000 >"$d/mem_info_vram_total"
done

/usr/bin/python3 - "$BGTRAIN_BIN/res-gate" "$BGTRAIN_TESTS" "$TMP/root" <<'PY'
import os, resource, subprocess, sys
rg, tests, root = sys.argv[1:4]

def cpu_ms(cmd, runs, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
        assert r.returncode in (0, 1, 2), (cmd, r.returncode)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used / runs * 1000

gpus = dict(os.environ, LD_LIBRARY_PATH=tests, FAKE_NVML="30:950:1000,10:100:1000")
true = min(cpu_ms(["/bin/true"], 300) for _ in range(3))
sleep = min(cpu_ms(["/bin/sleep", "0.05"], 100) for _ in range(3))
cases = [
    ("--interval 0 (host, no GPU)", [rg, "--interval", "0"], 300, None, true, "true"),
    ("--interval 50 (CPU measured)", [rg, "--interval", "50"], 100, None, sleep, "sleep"),
    ("container + 4 GPUs, --json", [rg, "--interval", "0", "--json", "--sysfs-root", root],
     300, gpus, true, "true"),
]
print("baseline /bin/true                     %6.3f ms CPU per run" % true)
print("baseline /bin/sleep 0.05               %6.3f ms CPU per run" % sleep)
for name, cmd, runs, env, base, bname in cases:
    ms = min(cpu_ms(cmd, runs, env) for _ in range(3))
    print("res-gate %-29s %6.3f ms CPU per check  %4.1fx %-5s  (target < 5 ms)  %s"
          % (name, ms, ms / base, bname, "ok" if ms < 5 else "MISSED"))
PY

# A host-probe sample (bgtrain --host-probe, res-gate --host): the driver's
# CPU per sample once the probe streams, target under 1 ms, beside the
# probe's own CPU per line; the Linux res-gate as the probe, and
# res-gate.exe under Wine when mingw-w64 and Wine are here (make windows).
HS=$BGTRAIN_TESTS/host_sample
bench_host() {	# bench_host NAME CMD
	line=$("$HS" "$2" 200 50) || { echo "host sample, $1: failed"; return; }
	ms=$(echo "$line" | sed 's/ ms CPU per sample.*//')
	echo "host sample, $1: $line  (target < 1 ms)  $(awk "BEGIN { print ($ms < 1) ? \"ok\" : \"MISSED\" }")"
}
bench_host "res-gate --stream 50" "exec $BGTRAIN_BIN/res-gate --stream 50"
if command -v wine >/dev/null 2>&1 && command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 &&
    env -u MAKEFLAGS -u MFLAGS make -s -C "$(dirname "$0")/.." windows >/dev/null 2>&1; then
	export WINEPREFIX=$TMP/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
	mkdir -p "$WINEPREFIX"
	wineserver -p
	wine cmd /c exit 0 >/dev/null 2>&1
	bench_host "res-gate.exe --stream 50, Wine" \
		"exec wine $(cd "$(dirname "$0")/.." && pwd)/bin/res-gate.exe --stream 50"
	wineserver -k
	wineserver -w
fi
