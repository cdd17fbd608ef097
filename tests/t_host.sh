# t_host - the host probe on Linux: res-gate --stream's lines, res-gate --host
# and bgtrain --host-probe judging the worse of theirs and a probe's, every
# way a probe fails shutting the gate (never opening it), restarts, WSL's
# probe found by itself. The probes here are the Linux res-gate and shell
# stand-ins; t_windows runs res-gate.exe under Wine. Our workers are left out
# of the host's figures end to end: a probe that sees the whole machine.
. tests/lib.sh
RG=$BIN/res-gate
BG=$BIN/bgtrain
PIDS=
trap 'kill $PIDS 2>/dev/null; rm -rf "$T"' EXIT


# A stand-in probe: prints LINE every 0.2 s until its input ends.
probe() {
	cat >"$T/$1" <<EOF2
#!/bin/sh
end=$T/$1.ended.\$\$
exec 3<&0
{ cat <&3 >/dev/null; : >"\$end"; } &
while [ ! -e "\$end" ] && printf '%s\n' "$2"; do sleep 0.2; done
EOF2
	chmod +x "$T/$1"
}
LOW="res-gate/1 span=0.2 cpus=4 cpu=0.1,0.8 mem=0,100 self=0.01"

# --stream: one line per interval until standard input ends, then exit 0.
start=$(now)
{ sleep 0.65; } | "$RG" --stream 100 >"$T/lines"; st=$?
expect_status 0 "$st" "--stream: exit when its input ends"
n=$(grep -c '^res-gate/1 span=0\.[0-9]* cpus=[0-9]* cpu=[0-9.]*,[0-9.]* mem=[0-9]*,[0-9]* self=[0-9.]*' "$T/lines")
echo "--stream 100 for 0.65 s: $n lines in $(since "$start") s"
[ "$n" -ge 4 ] && [ "$n" -le 7 ] || { fail "--stream 100 for 0.65 s: $n good lines"; cat "$T/lines"; }
start=$(now)
"$RG" --stream 1000 </dev/null >"$T/lines"; expect_status 0 $? "--stream, input already ended"
[ -s "$T/lines" ] && fail "--stream with /dev/null for input printed a line"
[ "$(since "$start" | cut -d. -f1)" -lt 1 ] || fail "--stream with an ended input took $(since "$start") s"
for bad in "--stream 10" "--stream 100 --wait=1" "--stream 100 --json" "--stream 100 --host true"; do
	"$RG" $bad </dev/null >/dev/null 2>"$T/err"; expect_status 64 $? "res-gate $bad"
	[ -s "$T/err" ] || fail "res-gate $bad: no message"
done

# The worse of ours and the host's: the host's memory, the host's GPU.
probe high-mem "res-gate/1 span=0.2 cpus=4 cpu=0.1,0.8 mem=95,100 self=0.01"
"$RG" --cpu off --json -v --host "$T/high-mem" >"$T/out" 2>"$T/err"; st=$?
expect_status 1 "$st" "host memory 95% against 85"
# The CPU is the worse of the two, ours or (on an idle machine) the host's.
expect_grep "over: \(host \)\{0,1\}cpu [0-9.]*%, host mem 95.0% (over 85)" "$T/err" "-v names the host's memory"
jcheck "$T/out" "j['mem'] == 95 and j['mem_from_host'] and j['host_mem'] == 95 and j['over'] == ['mem'] and j['host_error'] is None" "JSON: the host's memory"
probe gpu "res-gate/1 span=0.2 cpus=4 cpu=0.1,0.8 mem=10,100 gpu=nvidia,0,12,970,1000 gpu=nvidia,1,5,10,1000"
"$RG" --cpu off --mem 100 --json -v --host "$T/gpu" >"$T/out" 2>"$T/err"; st=$?
expect_status 1 "$st" "a host GPU's memory 97% against 90"
expect_grep "host nvidia0 util 12% mem 97.0% (over 90), host nvidia1 util 5% mem 1.0%$" "$T/err" "-v: each host GPU"
jcheck "$T/out" "[g['mem'] for g in j['gpus'] if g.get('host')] == [97, 1] and j['over'] == ['gpu_mem']" "JSON: the host's GPUs"
probe low "$LOW"
"$RG" --cpu off --mem 100 --json --host "$T/low" >"$T/out"; expect_status 0 $? "a host under every threshold"
jcheck "$T/out" "j['host_cpu'] == 12.5 and j['host_mem'] == 0 and not j['mem_from_host'] and j['unmeasured'] == []" "JSON: the host's own figures"
# The Linux res-gate as the probe: the same machine, seen twice.
"$RG" --cpu off --mem 100 --json --host "exec $RG --stream 100" >"$T/out"; expect_status 0 $? "res-gate --stream as the probe"
jcheck "$T/out" "j['host_cpu'] is not None and abs(j['host_mem'] - j['mem']) < 5" "res-gate --stream as the probe: its figures"

# No figures shut the gate, whatever is judged; -v and --json say why.
noprobe() {	# noprobe WHAT PATTERN ARGS...
	what=$1 pattern=$2
	shift 2
	start=$(now)
	"$RG" --cpu off --mem off --gpu-mem off -v --json "$@" >"$T/out" 2>"$T/err"; st=$?
	echo "$what: exit $st in $(since "$start") s: $(cat "$T/err")"
	expect_status 1 "$st" "$what: the gate shuts"
	expect_grep "host unmeasured (shut): the host probe: $pattern" "$T/err" "$what: -v says why"
	jcheck "$T/out" "j['unmeasured'] == ['host'] and j['over'] == ['host'] and j['host_cpu'] is None" "$what: JSON"
}
noprobe "a probe that exits 1 (interop's failed launch)" "ended before its first line (exit 1)" --host "exit 1"
noprobe "no such command" "ended before its first line (exit 127)" --host "$T/no-such-probe"
noprobe "a silent probe" "no line in 0.[5-9] s after its start" --host "sleep 5" --host-wait 0.5
[ "$(since "$start" | cut -d. -f1)" -lt 3 ] || fail "a silent probe held res-gate $(since "$start") s"
noprobe "a line of garbage" "a bad line (not a res-gate --stream line)" --host "echo hello; sleep 5"
noprobe "a newer format" "a bad line (a line of format res-gate/2; this reads res-gate/1)" \
	--host "echo 'res-gate/2 span=1'; sleep 5"
noprobe "a line too long" "a line over 8192 bytes" --host "head -c 9000 /dev/zero | tr '\\\\0' x; echo; sleep 5"
# A probe that floods its pipe never keeps the reader from returning.
timeout 20 "$RG" --cpu off --mem off --host "yes '$LOW'" 2>/dev/null
[ $? = 124 ] && fail "a probe flooding its pipe held res-gate"
noprobe "a probe killed after its first lines" "ended (exit 124)" --interval 1500 --cpu 100 \
	--host "exec timeout 0.5 $RG --stream 100"

# A probe that fails is started again, after a pause; the first that streams opens the gate.
cat >"$T/flaky" <<EOF2
#!/bin/sh
n=\$(cat "$T/starts" 2>/dev/null || echo 0)
echo \$((n + 1)) >"$T/starts"
[ "\$n" -ge 1 ] || exit 1
exec "$T/low"
EOF2
chmod +x "$T/flaky"
start=$(now)
"$RG" --cpu off --mem 100 -v --wait=20 --interval 100 --host "$T/flaky" 2>"$T/err"; st=$?
echo "a probe that fails once, --wait: exit $st in $(since "$start") s, started $(cat "$T/starts") times"
expect_status 0 "$st" "a probe restarted after it failed"
expect_grep "host unmeasured (shut): the host probe: ended before its first line (exit 1)" "$T/err" "the failure said"
[ "$(cat "$T/starts")" = 2 ] || fail "the probe was started $(cat "$T/starts") times, want 2"
# The probe ends with res-gate: its input closes.
printf '#!/bin/sh\necho $$ >"%s/probe.pid"\nexec "%s" --stream 100\n' "$T" "$RG" >"$T/pidprobe"
chmod +x "$T/pidprobe"
"$RG" --cpu off --mem 100 --host "$T/pidprobe"; expect_status 0 $? "a probe that streams"
sleep 0.2
kill -0 "$(cat "$T/probe.pid")" 2>/dev/null && fail "the probe outlived res-gate"

# bgtrain --host-probe: said at start-up, in status.json and the log; the
# host's figures shut the gate and start nothing.
mkdir -p "$T/rep" "$T/r2"
need_shared
cp "$(reference_list | head -n 1)" "$T/rep/"
run_bg() {	# run_bg SECONDS ARGS...: bgtrain run for SECONDS, then SIGINT
	secs=$1
	shift
	"$BG" run --replays "$T/rep" --settle 0 --cpu off "$@" >"$T/bgout" 2>"$T/bgerr" &
	bg=$!
	PIDS="$PIDS $bg"
	sleep "$secs"
	kill -INT $bg
	wait $bg
}
run_bg 3 --state "$T/s1" --host-probe "$T/high-mem"
cat "$T/bgerr"
expect_grep "^bgtrain: gate: this machine's figures and the host's, the worse of the two, from: $T/high-mem$" "$T/bgerr" "bgtrain says which gate"
expect_grep "^bgtrain: gate over: .*host mem 95.0% (over 85)" "$T/bgerr" "bgtrain says why it starts nothing"
grep -q "	analysis	" "$T/s1/joblog.tsv" && fail "a job started while the host was over"
jcheck "$T/s1/status.json" "j['host_probe']['streaming'] and j['host_probe']['command'] == '$T/high-mem' and j['gate'] == 1" "status.json: the probe streams"
"$BG" status --state "$T/s1" --replays "$T/rep" >"$T/status"
cat "$T/status"
run_bg 3 --state "$T/s2" --host-probe "exit 1"
expect_grep "^bgtrain: the host probe ended before its first line (exit 1): the gate is shut; starting it again in [12] s" "$T/bgerr" "bgtrain logs a failing probe"
jcheck "$T/s2/status.json" "not j['host_probe']['streaming'] and 'exit 1' in j['host_probe']['state'] and j['host_probe']['starts'] >= 2 and j['gate'] == 1" "status.json: a failing probe, restarted"
grep -q "	analysis	" "$T/s2/joblog.tsv" && fail "a job started while the probe failed"
# A host with room: the job runs.
run_bg 4 --state "$T/s3" --host-probe "$T/low"
grep -q "	analysis	.*	0	0	" "$T/s3/joblog.tsv" || { fail "the host had room, yet no job ran"; cat "$T/bgerr"; }
expect_grep "^bgtrain: gate open: " "$T/bgerr" "bgtrain says the gate opened"

# In WSL: the installed res-gate.exe, found by itself, run in its own folder.
mkdir -p "$T/win"
printf '#!/bin/sh\npwd >"%s/probe.cwd"\necho "$*" >"%s/probe.args"\nexec "%s"\n' "$T" "$T" "$T/low" >"$T/win/res-gate.exe"
chmod +x "$T/win/res-gate.exe"
WSL_INTEROP=/run/WSL/1_interop BGTRAIN_WINDIR=$T/win run_bg 3 --state "$T/s4"
expect_grep "^bgtrain: gate: this machine's figures and the host's, the worse of the two, from: exec '$T/win/res-gate.exe' --stream 1000$" "$T/bgerr" "in WSL, the installed probe"
[ "$(cat "$T/probe.cwd" 2>/dev/null)" = "$T/win" ] || fail "the probe ran in $(cat "$T/probe.cwd" 2>/dev/null), not its own folder"
WSL_INTEROP=/run/WSL/1_interop BGTRAIN_WINDIR=$T/nowin run_bg 1 --state "$T/s5"
expect_grep "^bgtrain: gate: WSL's own figures only, a virtual machine's: no $T/nowin/res-gate.exe (\$BGTRAIN_WINDIR)" "$T/bgerr" "in WSL without the probe"
WSL_INTEROP=/run/WSL/1_interop BGTRAIN_WINDIR=$T/win run_bg 1 --state "$T/s6" --host-probe none
expect_grep "^bgtrain: gate: WSL's own figures only (--host-probe none)" "$T/bgerr" "--host-probe none in WSL"
if [ ! -e /proc/sys/fs/binfmt_misc/WSLInterop ]; then
	run_bg 1 --state "$T/s7"
	grep -q "gate" "$T/bgerr" && fail "outside WSL without --host-probe, bgtrain spoke of its gate: $(cat "$T/bgerr")"
fi

# Our workers are left out of the host's figures, in the host's units. The
# probe here sees the whole machine, as res-gate.exe sees the Windows host
# of WSL: a host of 2 CPUs and 1 GiB where someone else keeps 1 CPU and
# 512 MiB busy, plus what the processes whose command line holds MARKER
# really use (from /proc), our worker among them. The worker, a stand-in
# for replay-analyze, holds 400 MiB and burns a CPU for 5 s, then runs the
# real one: counted, the host would be at up to 100% CPU and 90% memory,
# far over --mem 75 (its job stopped); left out, both stay near 50%.
cat >"$T/wholeprobe" <<'PY'
import os, select, sys
marker, log = sys.argv[1].encode(), open(sys.argv[2], "a")
hz, page, span = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE"), 0.25
seen = {}
while True:
    r, _, _ = select.select([0], [], [], span)
    if r and not os.read(0, 4096):
        break
    ticks, rss, now = 0, 0, {}
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker not in open("/proc/%s/cmdline" % p, "rb").read():
                continue
            f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        now[p] = int(f[11]) + int(f[12])	# utime, stime
        ticks += now[p] - seen.get(p, 0)
        rss += int(f[21]) * page
    seen, b = now, max(ticks, 0) / hz / span
    busy = min(1.0 + b, 2.0) * span
    print("res-gate/1 span=%.3f cpus=2 cpu=%.3f,%.3f mem=%d,%d self=0.01" %
          (span, busy, 2 * span, (512 << 20) + rss, 1 << 30), flush=True)
    log.write("%.3f %d\n" % (b, rss))
    log.flush()
PY
mkdir -p "$T/wbin" "$T/none"
cp "$BG" "$BIN/merge-results" "$T/wbin/"
cat >"$T/wbin/replay-analyze" <<EOF2
#!$PY
import os, sys, time
if sys.argv[-1] != "-":	# the start-up run (no replays) is the real one at once
    hold = b"\1" * (400 << 20)
    end = time.time() + 5
    while time.time() < end:
        pass
    del hold
if sys.argv[1:] == ["--burn"]:
    sys.exit(0)
os.execv("$BIN/replay-analyze", ["$BIN/replay-analyze"] + sys.argv[1:])
EOF2
chmod +x "$T/wbin/replay-analyze"
WHOLE="$PY $T/wholeprobe wbin/replay-analyze $T/whole.log"
: >"$T/whole.log"
"$T/wbin/bgtrain" run --replays "$T/rep" --state "$T/s8" --settle 0 --cpu off --mem 75 \
	--far 10 --host-probe "$WHOLE" >"$T/bgout" 2>"$T/bgerr" &
bg=$!
PIDS="$PIDS $bg"
# While the job runs: status.json each 0.3 s, and the probe's own readings.
: >"$T/statuses"
for i in $(seq 1 60); do
	grep -q "	analysis	" "$T/s8/joblog.tsv" 2>/dev/null && break
	grep -s '"kind": "analysis"' "$T/s8/status.json" >>"$T/statuses"
	sleep 0.3
done
kill -INT $bg; wait $bg
cat "$T/bgerr"
grep -q "	analysis	.*	0	0	" "$T/s8/joblog.tsv" ||
	{ fail "our worker's own use stopped its job, or it never ran:"; cat "$T/s8/joblog.tsv"; }
grep "^bgtrain: gate \(over\|far\):.*host mem" "$T/bgerr" &&
	fail "the host's memory was over with our worker's bytes left out"
$PY - "$T/statuses" "$T/whole.log" <<'PY' || fail "our worker was not left out of the host's figures"
import json, statistics, sys
probe = [tuple(map(float, l.split())) for l in open(sys.argv[2])]
busy = [b for b, rss in probe if rss > 300 << 20]	# the probe saw the worker
runs = [j["host_probe"] for j in map(json.loads, open(sys.argv[1]))]
runs = [h for h in runs if "cpu" in h and h["workers_bytes"] > 300 << 20]
assert busy and runs, "no reading with the worker holding its memory"
b, cpu = statistics.median(busy), statistics.median(h["cpu"] for h in runs)
ours = statistics.median(h["workers_cpus"] for h in runs)
mem = max(h["mem"] for h in runs)
print("the worker: %.2f CPUs by the probe, %.2f by the driver; the host as judged: "
      "cpu %.1f%% (%.1f%% counting the worker), mem up to %.1f%% (%d readings)" %
      (b, ours, cpu, 50 + 50 * b, mem, len(runs)))
assert b >= 0.2, "the worker hardly ran (%.2f CPUs): too loaded a machine to tell" % b
assert ours >= 0.2, "the driver measured %.2f CPUs of its worker" % ours
assert cpu < 50 + 25 * b, "host cpu %.1f%%: the worker's %.2f CPUs not left out" % (cpu, b)
assert mem < 65, "host mem %.1f%%: the worker's 400 MiB not left out" % mem
PY
# The same figures with the same process not ours: the host is far over.
"$T/wbin/replay-analyze" --burn &
burn=$!
PIDS="$PIDS $burn"
"$T/wbin/bgtrain" run --replays "$T/none" --state "$T/s9" --settle 0 --cpu off --mem 75 \
	--far 10 --host-probe "$WHOLE" >"$T/bgout" 2>"$T/bgerr" &
bg=$!
PIDS="$PIDS $bg"
sleep 3
"$T/wbin/bgtrain" status --state "$T/s9" --replays "$T/none" >"$T/status"
kill -INT $bg; wait $bg
wait $burn
expect_grep "^bgtrain: gate far: .*host mem 9[0-9]\.[0-9]%" "$T/bgerr" "someone else's 400 MiB counts"
expect_grep "^gate: *far over (host mem 9[0-9.]*% over 75" "$T/status" "status names the host's memory"
# A broken probe, in status while the driver runs.
"$BG" run --replays "$T/none" --state "$T/s10" --settle 0 --cpu off --host-probe "exit 1" \
	>"$T/bgout" 2>"$T/bgerr" &
bg=$!
PIDS="$PIDS $bg"
sleep 2
"$BG" status --state "$T/s10" --replays "$T/none" >"$T/status"
kill -INT $bg; wait $bg
expect_grep "^gate: *shut (the host probe: .*ended before its first line (exit 1)" "$T/status" "status says the probe is broken"
finish
