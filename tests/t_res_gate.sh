# t_res_gate - res-gate: thresholds, cgroup v2/v1 trees, AMD sysfs, a fake NVML, a real load
#
# The cgroup and GPU logic runs on fake trees (--sysfs-root) and a fake
# libnvidia-ml.so.1 built from tests/fake_nvml.c; the real gate is closed by
# busy loops on every core and must open again once they are killed.
. tests/lib.sh
RG=$BIN/res-gate
FAKE=${BGTRAIN_TESTS:?}/libnvidia-ml.so.1
HI="--cpu 100 --mem 100 --gpu-mem 100"
LOADS=
trap 'kill $LOADS 2>/dev/null; rm -rf "$T"' EXIT
[ -f "$FAKE" ] || { fail "$FAKE is missing (make tests-built builds it)"; finish; }


# gate WANT WHAT ARGS...: run res-gate --json and check its status, and that
# the JSON's verdict and exit agree with the status. With NV set, NVML is the
# fake in $NVDIR, showing the GPUs $NV and logging its calls to $NVLOG.
NV= NVDIR=$BGTRAIN_TESTS NVLOG=/dev/null
gate() {
	want=$1 what=$2
	shift 2
	if [ -n "$NV" ]; then
		LD_LIBRARY_PATH=$NVDIR FAKE_NVML=$NV FAKE_NVML_LOG=$NVLOG \
			"$RG" --json "$@" >"$T/out" 2>"$T/err"
	else
		"$RG" --json "$@" >"$T/out" 2>"$T/err"
	fi
	got=$?
	echo "res-gate $*: exit $got, want $want"
	expect_status "$want" "$got" "$what"
	[ "$got" -lt 64 ] || return 0
	jcheck "$T/out" "j['exit'] == $got and j['verdict'] == {0: 'open', 1: 'over', 2: 'far'}.get($got, j['verdict'])" \
		"$what: JSON verdict and exit disagree with status $got"
}


# Thresholds on the real machine.
gate 0 "all thresholds 100" $HI
gate 0 "all thresholds off" --cpu off --mem off --gpu-mem off
jcheck "$T/out" "j['thresholds']['cpu'] is None and j['thresholds']['gpu_mem'] is None" "off is null"
"$RG" $HI --mem 0; st=$?
echo "res-gate --mem 0: exit $st"
[ "$st" = 1 ] || [ "$st" = 2 ] || fail "--mem 0: exit $st, want 1 or 2 (memory use is never 0)"
"$RG" $HI --mem 0 >"$T/out" 2>&1
[ -s "$T/out" ] && fail "res-gate printed without -v or --json: $(cat "$T/out")"
"$RG" $HI -v >/dev/null 2>"$T/err"
expect_grep "^res-gate: open: cpu [0-9.]*%, mem [0-9.]*%, load" "$T/err" "-v line"
gate 0 "a measured sample" $HI --interval 300
jcheck "$T/out" "0 <= j['cpu'] <= 100 and 0 < j['mem'] < 100 and j['cpus'] >= 1 and 0.25 < j['seconds'] < 5" \
	"figures of a real sample"
jcheck "$T/out" "j['load'] is not None and abs(j['load_per_core'] - j['load'] / j['cpus']) < 1e-9" "load per core"
# A figure that is judged but not measured shuts the gate, never opens it.
gate 1 "interval 0: CPU judged but unmeasured shuts the gate" $HI --interval 0
jcheck "$T/out" "j['cpu'] is None and j['unmeasured'] == ['cpu'] and j['over'] == ['cpu']" \
	"--interval 0 measures no CPU and names it unmeasured"
"$RG" $HI --interval 0 -v 2>"$T/err"
expect_grep "^res-gate: over: cpu unmeasured (shut), mem [0-9.]*%" "$T/err" "-v names the unmeasured figure"
gate 0 "interval 0 with --cpu off: an instant check" --cpu off --mem 100 --gpu-mem 100 --interval 0
jcheck "$T/out" "j['cpu'] is None and j['unmeasured'] == []" "--cpu off: unmeasured CPU is not judged"
# Spans the kernel's 10 ms ticks cannot resolve are refused while CPU is judged.
for ms in 1 5 10 20 49.9; do
	"$RG" --interval $ms 2>"$T/err"; expect_status 64 $? "--interval $ms"
	expect_grep "^res-gate: --interval: $ms ms is too short to measure CPU use" "$T/err" "--interval $ms message"
done
gate 0 "--interval 5 --cpu off" --cpu off --mem 100 --gpu-mem 100 --interval 5
gate 0 "--interval 50 measures" $HI --interval 50
jcheck "$T/out" "j['cpu'] is not None and j['unmeasured'] == []" "--interval 50 measures CPU"

# Usage errors: 64 and a message.
for bad in "--cpu 101" "--cpu abc" "--cpu -1" "--mem 100.5" "--load x" "--far -1" "--interval -5" \
    "--wait=soon" "--bogus" "--wait 5" "--gpu-util"; do
	"$RG" $bad >/dev/null 2>"$T/err"
	expect_status 64 $? "res-gate $bad"
	[ -s "$T/err" ] || fail "res-gate $bad: no message"
done
"$RG" --cpu 101 2>"$T/err"
expect_grep "^res-gate: --cpu: a number from 0 to 100 or off, not '101'$" "$T/err" "--cpu 101 message"
"$RG" --version >"$T/out"
expect_grep "^res-gate $(sed -n 's/.*BGTRAIN_VERSION "\(.*\)"/\1/p' lib/base/version.h)$" "$T/out" "--version"

# cgroup v2: the limit sits on the parent of our group, whose memory.max is "max".
V2=$T/v2
CG=$V2/sys/fs/cgroup/ctr
mkdir -p "$V2/proc/self" "$CG/app"
echo "0::/ctr/app" >"$V2/proc/self/cgroup"
echo 1000000000 >"$CG/memory.max"
echo max >"$CG/app/memory.max"
echo "50000 100000" >"$CG/cpu.max"
echo "max 100000" >"$CG/app/cpu.max"
printf 'usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\n' >"$CG/cpu.stat"
v2mem() { echo "$1" >"$CG/memory.current"; printf 'anon 1\ninactive_file %s\nactive_file 7\n' "$2" >"$CG/memory.stat"; }
v2mem 950000000 0
gate 1 "v2 memory 95% against 85 (10 over: not far)" --sysfs-root "$V2" --mem 85 --cpu 80 --gpu-mem 100
jcheck "$T/out" "j['mem'] == 95 and j['mem_used'] == 950000000 and j['mem_total'] == 1000000000" "v2 memory figures"
jcheck "$T/out" "j['cgroup'] == 2 and j['cpus'] == 0.5 and j['cpu'] == 0 and j['over'] == ['mem']" "v2 quota, static cpu.stat"
jcheck "$T/out" "abs(j['load_per_core'] - j['load'] / 0.5) < 1e-9" "v2 load per core of the quota"
v2mem 960000000 0
gate 2 "v2 memory 96% against 85" --sysfs-root "$V2" --mem 85 --gpu-mem 100
gate 1 "v2 memory 96% against 85, far 11" --sysfs-root "$V2" --mem 85 --far 11 --gpu-mem 100
v2mem 850000000 0
gate 0 "v2 memory 85% against 85 (not over)" --sysfs-root "$V2" --mem 85 --gpu-mem 100
v2mem 950000000 200000000
gate 0 "v2 inactive file pages do not count" --sysfs-root "$V2" --mem 85 --gpu-mem 100
jcheck "$T/out" "j['mem'] == 75" "v2 memory less inactive_file"
# CPU: 0.45 s of cgroup time in 1 s under a quota of 0.5 CPU is 90%.
(sleep 0.5; printf 'usage_usec 5450000\n' >"$CG/cpu.stat") &
gate 2 "v2 CPU 90% of the quota against 50" --sysfs-root "$V2" --cpu 50 --mem 100 --gpu-mem 100 --interval 1000
wait
jcheck "$T/out" "80 < j['cpu'] < 95 and j['over'] == ['cpu']" "v2 CPU use of the quota"
# Unlimited: the host's figures.
echo max >"$CG/memory.max"
echo "max 100000" >"$CG/cpu.max"
gate 0 "v2 without limits" --sysfs-root "$V2" $HI
host_total=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024 ))
jcheck "$T/out" "j['cgroup'] is None and j['mem_total'] == $host_total and j['cpus'] >= 1" "v2 without limits: host figures"
# A limit above the machine's memory never binds.
echo 1000000000000000 >"$CG/memory.max"
gate 0 "v2 limit above MemTotal" --sysfs-root "$V2" $HI
jcheck "$T/out" "j['mem_total'] == $host_total" "v2 limit above MemTotal: host figures"
# A binding limit whose usage cannot be read gives no figure, not the host's: shut.
echo 1000000000 >"$CG/memory.max"
echo "50000 100000" >"$CG/cpu.max"
mv "$CG/cpu.stat" "$CG/cpu.stat.gone"
gate 1 "v2 quota without cpu.stat" --sysfs-root "$V2" $HI
jcheck "$T/out" "j['cpu'] is None and j['unmeasured'] == ['cpu'] and j['cpus'] == 0.5" "v2 quota without cpu.stat: CPU unmeasured"
gate 0 "v2 quota without cpu.stat, --cpu off" --sysfs-root "$V2" $HI --cpu off
mv "$CG/cpu.stat.gone" "$CG/cpu.stat"
rm "$CG/memory.current"
gate 1 "v2 memory limit without memory.current" --sysfs-root "$V2" $HI
jcheck "$T/out" "j['mem'] is None and j['unmeasured'] == ['mem'] and j['cgroup'] == 2" "v2 limit without usage: memory unmeasured"
gate 0 "v2 memory limit without memory.current, --mem off" --sysfs-root "$V2" $HI --mem off
echo max >"$CG/memory.max"
echo "max 100000" >"$CG/cpu.max"

# cgroup v1: cpu,cpuacct mounted together; our memory path is not in the
# tree (no cgroup namespace), so the top of the memory mount is our group.
V1=$T/v1
M=$V1/sys/fs/cgroup/memory
C=$V1/sys/fs/cgroup/cpu,cpuacct
mkdir -p "$V1/proc/self" "$M" "$C/docker/x"
printf '12:pids:/docker/abc\n4:memory:/docker/abc\n3:cpu,cpuacct:/docker/x\n0::/\n' >"$V1/proc/self/cgroup"
echo 1000000000 >"$M/memory.limit_in_bytes"
v1mem() { echo "$1" >"$M/memory.usage_in_bytes"; printf 'cache 5\ninactive_file 999\ntotal_inactive_file %s\n' "$2" >"$M/memory.stat"; }
echo -1 >"$C/cpu.cfs_quota_us"
echo 50000 >"$C/docker/x/cpu.cfs_quota_us"
echo 100000 >"$C/docker/x/cpu.cfs_period_us"
echo 7000000000 >"$C/docker/x/cpuacct.usage"
v1mem 1050000000 100000000
gate 1 "v1 memory 95% against 85" --sysfs-root "$V1" --mem 85 --gpu-mem 100
jcheck "$T/out" "j['mem'] == 95 and j['cgroup'] == 1 and j['cpus'] == 0.5 and j['cpu'] == 0" "v1 figures"
v1mem 1060000000 100000000
gate 2 "v1 memory 96% against 85" --sysfs-root "$V1" --mem 85 --gpu-mem 100
(sleep 0.5; echo 7450000000 >"$C/docker/x/cpuacct.usage") &
gate 2 "v1 CPU 90% of the quota against 50" --sysfs-root "$V1" --cpu 50 --mem 100 --gpu-mem 100 --interval 1000
wait
jcheck "$T/out" "80 < j['cpu'] < 95" "v1 CPU use of the quota"
# v1 with cpu and cpuacct mounted apart, the quota on the parent of our group.
S=$T/v1s/sys/fs/cgroup
mkdir -p "$T/v1s/proc/self" "$S/cpu/a/b" "$S/cpuacct/a/b"
printf '2:cpuacct:/a/b\n1:cpu:/a/b\n' >"$T/v1s/proc/self/cgroup"
echo 50000 >"$S/cpu/a/cpu.cfs_quota_us"
echo 100000 >"$S/cpu/a/cpu.cfs_period_us"
echo -1 >"$S/cpu/a/b/cpu.cfs_quota_us"
echo 100 >"$S/cpuacct/a/cpuacct.usage"
echo 5 >"$S/cpuacct/a/b/cpuacct.usage"
(sleep 0.5; echo 450000100 >"$S/cpuacct/a/cpuacct.usage") &
gate 2 "v1 CPU of the parent's quota, counted by cpuacct apart" --sysfs-root "$T/v1s" --cpu 50 --mem 100 --gpu-mem 100 --interval 1000
wait
jcheck "$T/out" "80 < j['cpu'] < 95 and j['cpus'] == 0.5 and j['cgroup'] == 1" "v1 CPU counted by cpuacct apart"
echo 9223372036854771712 >"$M/memory.limit_in_bytes"
echo -1 >"$C/docker/x/cpu.cfs_quota_us"
gate 0 "v1 unlimited" --sysfs-root "$V1" $HI
jcheck "$T/out" "j['cgroup'] is None and j['mem_total'] == $host_total" "v1 unlimited: host figures"

# AMD: two cards; a connector, an Intel card and a render node are not GPUs here.
A=$T/amd
D=$A/sys/class/drm
mkdir -p "$D/card0/device" "$D/card1/device" "$D/card0-DP-1" "$D/card2/device" "$D/renderD128/device"
amd() { echo "$2" >"$D/card$1/device/gpu_busy_percent"; echo "$3" >"$D/card$1/device/mem_info_vram_used"; echo "$4" >"$D/card$1/device/mem_info_vram_total"; }
amd 0 50 2147483648 8589934592
amd 1 97 8053063680 8589934592
echo 0x8086 >"$D/card2/device/vendor"
echo 99 >"$D/renderD128/device/gpu_busy_percent"
gate 1 "AMD busy 97% against 90" --sysfs-root "$A" --gpu-util 90 --cpu 100 --mem 100 --gpu-mem 100
jcheck "$T/out" "[g for g in j['gpus'] if g['vendor'] == 'amd'] == [
    {'vendor': 'amd', 'index': 0, 'util': 50, 'mem': 25, 'mem_used': 2147483648, 'mem_total': 8589934592},
    {'vendor': 'amd', 'index': 1, 'util': 97, 'mem': 93.75, 'mem_used': 8053063680, 'mem_total': 8589934592}]" \
	"AMD GPUs in the JSON"
jcheck "$T/out" "j['over'] == ['gpu_util'] and j['thresholds']['gpu_util'] == 90" "AMD over on gpu_util"
gate 2 "AMD busy 97% against 85" --sysfs-root "$A" --gpu-util 85 $HI
gate 0 "AMD busy 97% against 97" --sysfs-root "$A" --gpu-util 97 $HI
gate 1 "AMD memory 93.75% against 90" --sysfs-root "$A" --cpu 100 --mem 100 --gpu-mem 90
gate 2 "AMD memory 93.75% against 80" --sysfs-root "$A" --cpu 100 --mem 100 --gpu-mem 80

# NVIDIA through the fake NVML.
NV="30:950:1000,10:100:1000" NVLOG=$T/nvml.log
gate 1 "NVIDIA memory 95% against 90" --cpu 100 --mem 100 --gpu-mem 90
jcheck "$T/out" "j['gpus'] == [
    {'vendor': 'nvidia', 'index': 0, 'util': 30, 'mem': 95, 'mem_used': 950, 'mem_total': 1000},
    {'vendor': 'nvidia', 'index': 1, 'util': 10, 'mem': 10, 'mem_used': 100, 'mem_total': 1000}]" "NVIDIA GPUs in the JSON"
[ "$(tr '\n' ' ' <"$T/nvml.log")" = "init shutdown " ] ||
	fail "NVML was not initialised and shut down once: $(cat "$T/nvml.log")"
NV="99:990:1000" NVLOG=/dev/null
gate 1 "NVIDIA memory 99% against 90 (9 over)" --cpu 100 --mem 100 --gpu-mem 90
gate 2 "NVIDIA memory 99% against 85" --cpu 100 --mem 100 --gpu-mem 85
gate 2 "NVIDIA memory 99% against 90, far 5" --cpu 100 --mem 100 --gpu-mem 90 --far 5
gate 2 "NVIDIA busy 99% against 80" $HI --gpu-util 80
NV="-:995:1000,7:-:-"
gate 2 "NVIDIA values it cannot give, and those it can" --cpu 100 --mem 100 --gpu-util 1 --far 5
jcheck "$T/out" "[(g['util'], g['mem']) for g in j['gpus']] == [(None, 99.5), (7, None)] and j['over'] == ['gpu_util', 'gpu_mem']" \
	"unsupported NVML values are null"
NV="-:-:-"
gate 1 "NVIDIA values it cannot give shut the gate when judged" --cpu 100 --mem 100 --gpu-util 0 --gpu-mem 0
jcheck "$T/out" "j['gpus'] == [{'vendor': 'nvidia', 'index': 0, 'util': None, 'mem': None}]" "a GPU that cannot report"
jcheck "$T/out" "j['unmeasured'] == ['gpu_util', 'gpu_mem']" "a GPU that cannot report: unmeasured"
gate 1 "an NVIDIA memory figure it cannot give, default --gpu-mem" --cpu 100 --mem 100
gate 0 "NVIDIA values it cannot give, not judged" --cpu 100 --mem 100 --gpu-util off --gpu-mem off
NV=fail NVLOG=$T/fail.log
gate 0 "nvmlInit fails" $HI --gpu-util 0
jcheck "$T/out" "j['gpus'] == []" "nvmlInit fails: no GPUs"
[ "$(cat "$T/fail.log")" = init ] || fail "nvmlShutdown after a failed nvmlInit"
NVLOG=/dev/null
if ! /sbin/ldconfig -p 2>/dev/null | grep -q libnvidia-ml.so.1; then
	mkdir "$T/empty"
	NV="50:999:1000" NVDIR=$T/empty
	gate 0 "no NVML library" $HI --gpu-util 0
	jcheck "$T/out" "j['gpus'] == []" "no NVML library: no GPUs"
	NVDIR=$BGTRAIN_TESTS
fi
# NVIDIA first, then AMD; and never more than 64 GPUs.
NV="1:1:10"
gate 0 "NVIDIA and AMD" --sysfs-root "$A" $HI
jcheck "$T/out" "[(g['vendor'], g['index']) for g in j['gpus']] == [('nvidia', 0), ('amd', 0), ('amd', 1)]" "GPU order"
NV=$(seq 1 100 | sed 's/.*/5:1:10/' | paste -sd, -)
gate 0 "100 GPUs" $HI
jcheck "$T/out" "len(j['gpus']) == 64" "GPUs capped at 64"
expect_grep "^res-gate: 100 GPUs; only 64 are measured$" "$T/err" "warning about GPUs left out"
NV=

# --wait gives up with 75 after about its time; with --interval 0 it polls every 200 ms.
t0=$(now)
"$RG" --wait=1 --mem 0 --interval 200 -v 2>"$T/err"; st=$?
secs=$(since "$t0")
echo "res-gate --wait=1 --mem 0: exit $st after ${secs}s, $(wc -l <"$T/err") checks"
expect_status 75 "$st" "--wait=1 --mem 0"
awk "BEGIN { exit !($secs >= 0.9 && $secs < 4) }" || fail "--wait=1 took ${secs}s"
[ "$(grep -c '^res-gate: \(over\|far\): ' "$T/err")" -ge 3 ] || fail "--wait=1 -v: want one line per check"
"$RG" --wait=0.5 --interval 0 --mem 0 -v --json >"$T/out" 2>"$T/err"; st=$?
expect_status 75 "$st" "--wait=0.5 --interval 0"
jcheck "$T/out" "j['exit'] == 75 and j['verdict'] in ('over', 'far') and 'mem' in j['over']" "--wait JSON when it gives up"
n=$(wc -l <"$T/err")
[ "$n" -ge 2 ] && [ "$n" -le 5 ] || fail "--wait=0.5 --interval 0: $n checks, want about 3"
gate 0 "--wait on an open gate" $HI --wait=5
"$RG" --sysfs-root "$T/no-such-tree" 2>"$T/err"
expect_status 66 $? "--sysfs-root that does not exist"

# A real CPU load closes the real gate, and it opens again when the load ends.
cpus=$(nproc)
for i in $(seq "$cpus"); do
	sh -c 'while :; do :; done' &
	LOADS="$LOADS $!"
done
sleep 0.5
gate_closed() {
	"$RG" --cpu 50 --mem 100 --gpu-mem 100 --interval 500 --json >"$T/out" 2>&1
}
gate_closed; st=$?
echo "with $cpus busy loops: exit $st, $(cat "$T/out")"
[ "$st" = 1 ] || [ "$st" = 2 ] || fail "busy loops on $cpus CPUs: exit $st, want 1 or 2"
jcheck "$T/out" "j['cpu'] > 50 and 'cpu' in j['over']" "busy loops: CPU over 50%"
# Under full load, no interval too short to measure lets the gate open.
for ms in 0 1 5 10 20; do
	"$RG" --cpu 50 --mem 100 --gpu-mem 100 --interval $ms --json -v >"$T/out" 2>"$T/err"; st=$?
	echo "busy loops, --interval $ms: exit $st, $(cat "$T/err")"
	[ "$st" != 0 ] || fail "busy loops, --interval $ms: the gate opened ($(cat "$T/out"))"
	[ "$st" -lt 64 ] || continue
	jcheck "$T/out" "j['cpu'] is not None or j['unmeasured'] == ['cpu']" \
		"busy loops, --interval $ms: an unmeasured CPU figure not named"
done
"$RG" --cpu 50 --mem 100 --gpu-mem 100 --interval 0 --wait=1 >/dev/null 2>&1
expect_status 75 $? "busy loops, --interval 0 --wait=1: the gate stays shut"
if [ "$cpus" -ge 2 ] && command -v taskset >/dev/null; then
	# Only CPU 0 busy: the whole machine is half idle, but a process kept on CPU 0 has no room.
	kill $LOADS 2>/dev/null
	wait 2>/dev/null
	taskset -c 0 sh -c 'while :; do :; done' &
	LOADS=$!
	sleep 0.3
	taskset -c 0 "$RG" --cpu 70 --mem 100 --gpu-mem 100 --interval 500 --json >"$T/out" 2>&1; st=$?
	echo "one busy loop on CPU 0, res-gate on CPU 0: exit $st"
	[ "$st" = 1 ] || [ "$st" = 2 ] || fail "affinity: exit $st, want 1 or 2"
	jcheck "$T/out" "j['cpus'] == 1 and j['cpu'] > 70" "affinity: the CPU figure of CPU 0 alone"
fi
kill $LOADS 2>/dev/null
wait 2>/dev/null
LOADS=
t0=$(now)
"$RG" --cpu 50 --mem 100 --gpu-mem 100 --interval 500 --wait=20 --json >"$T/out" 2>&1; st=$?
echo "loops killed: exit $st after $(since "$t0")s, $(cat "$T/out")"
expect_status 0 "$st" "the gate opens again when the load ends"
finish
