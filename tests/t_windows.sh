# t_windows - res-gate.exe and bgtrain.bat under Wine: the .exe built with
# mingw-w64 measures the machine Wine runs on (so it must agree with the
# Linux gate at the same moment, shut under busy loops), reads GPUs through
# a fake nvml.dll in its folder, streams for res-gate --host and bgtrain
# --host-probe; bgtrain.bat hands its arguments to a fake wsl.exe verbatim.
#
# Wine runs headless in a private prefix under $T, with its wineserver kept
# alive for the whole test (each wine call then takes a fraction of a
# second) and ended with it. Runs once per `make check`, in the release pass
# (the .exe is the same whatever the build). Needs mingw-w64 and Wine:
# skipped without them, failed under CI=true.
. tests/lib.sh
if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
	echo "the Wine tests run once, in the release pass"
	exit 77
fi
for c in x86_64-w64-mingw32-gcc wine wineserver; do
	command -v $c >/dev/null 2>&1 && continue
	echo "t_windows: no $c (sh bin/install-deps)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
done
need_shared
RG=$BIN/res-gate
BG=$BIN/bgtrain
MINGW="x86_64-w64-mingw32-gcc -std=gnu11 -Wall -Wextra -Werror -O2"
LOADS= BGPID=
export WINEPREFIX=$T/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
unset WAYLAND_DISPLAY
trap 'kill $LOADS $BGPID 2>/dev/null; wineserver -k 2>/dev/null; wineserver -w; rm -rf "$T"' EXIT
t0=$(now)
step() { echo "-- $* ($(since "$t0") s)"; }

# The .exe, a fake nvml.dll beside a copy of it, a fake wsl.exe.
step "build"
env -u MAKEFLAGS -u MFLAGS make -s windows >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "make windows failed"; finish; }
EXE=$(dirname "$BIN")/bin/res-gate.exe
[ -f "$EXE" ] || EXE=$PWD/bin/res-gate.exe
mkdir -p "$T/app" "$T/gpu" "$T/bat" "$T/rep"
cp "$EXE" "$T/app/res-gate.exe"
cp "$EXE" "$T/gpu/res-gate.exe"
$MINGW -shared tests/fake_nvml.c -o "$T/gpu/nvml.dll" || fail "cannot build the fake nvml.dll"
$MINGW tests/fake_wsl.c -o "$T/bat/wsl.exe" || fail "cannot build the fake wsl.exe"
# make install-windows: both into WINDIR/bgtrain (%LOCALAPPDATA%\bgtrain).
env -u MAKEFLAGS -u MFLAGS make -s install-windows WINDIR="$T/Local" >/dev/null 2>&1 ||
	fail "make install-windows failed"
cmp -s "$EXE" "$T/Local/bgtrain/res-gate.exe" && cmp -s bin/bgtrain.bat "$T/Local/bgtrain/bgtrain.bat" ||
	fail "make install-windows: res-gate.exe and bgtrain.bat are not in WINDIR/bgtrain"
env -u MAKEFLAGS -u MFLAGS make -s install-windows >/dev/null 2>&1 &&
	fail "make install-windows without WINDIR did not fail"
x86_64-w64-mingw32-objdump -p "$EXE" | sed -n 's/.*DLL Name: //p' | tr 'A-Z' 'a-z' >"$T/dlls"
echo "res-gate.exe needs: $(tr '\n' ' ' <"$T/dlls")"
grep -vx 'kernel32.dll\|msvcrt.dll\|advapi32.dll\|user32.dll\|ntdll.dll' "$T/dlls" >"$T/other" &&
	fail "res-gate.exe needs DLLs that are not Windows' own: $(cat "$T/other")"

step "the Wine prefix"
mkdir -p "$WINEPREFIX"
wineserver -p
wine cmd /c exit 0 >/dev/null 2>&1
W="wine $T/app/res-gate.exe"
$W --version >"$T/out" 2>&1
expect_grep "^res-gate [0-9]" "$T/out" "res-gate.exe --version"
$W --help >"$T/out" 2>&1
expect_grep "^      --stream MS" "$T/out" "res-gate.exe --help lists --stream"
grep -q -- "^      --host \|--sysfs-root" "$T/out" && fail "res-gate.exe --help lists Linux's options"
$W --cpu 101 >/dev/null 2>&1; expect_status 64 $? "res-gate.exe --cpu 101"
$W --interval 10 >/dev/null 2>&1; expect_status 64 $? "res-gate.exe --interval 10"

# Idle: the .exe reads what Linux reads. The machine is shared, so "idle"
# is judged against the Linux gate's own reading over the same seconds: the
# two must agree, and the .exe's gate must open whenever Linux's reads low.
step "idle, against the Linux gate"
"$RG" --json --interval 2500 --cpu 95 --mem 100 --gpu-mem 100 >"$T/linux.json" &
lin=$!
$W --json --interval 1500 --cpu 95 --mem 100 --gpu-mem 100 >"$T/exe.json"; st=$?
wait $lin
echo "idle: res-gate.exe exit $st: $(cat "$T/exe.json")"
echo "      res-gate: $(cat "$T/linux.json")"
$PY - "$T/exe.json" "$T/linux.json" "$st" <<'PY' || fail "idle: res-gate.exe disagrees with res-gate"
import json, sys
exe, lin, st = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
ok = True
if abs(exe["cpu"] - lin["cpu"]) > 25 or abs(exe["mem"] - lin["mem"]) > 10:
    print("    figures apart: cpu %.1f/%.1f, mem %.1f/%.1f" % (exe["cpu"], lin["cpu"], exe["mem"], lin["mem"])); ok = False
if exe["cpus"] != lin["cpus"] or exe["load"] is not None:
    print("    cpus %s/%s, load %s (Windows has none)" % (exe["cpus"], lin["cpus"], exe["load"])); ok = False
if lin["cpu"] <= 70 and st != 0:
    print("    Linux read %.1f%%: idle enough, yet the .exe's gate shut" % lin["cpu"]); ok = False
if lin["cpu"] > 70:
    print("    the machine is busy (%.1f%%): 'opens when idle' not judged this time" % lin["cpu"])
sys.exit(0 if ok else 1)
PY

# GPUs: nvml.dll in the .exe's folder; its figures per GPU; none without it.
step "fake nvml.dll"
G="wine $T/gpu/res-gate.exe"
FAKE_NVML="10:950:1000,20:100:1000" $G --cpu off --mem off --json -v >"$T/out" 2>"$T/err"; st=$?
expect_status 1 "$st" "a GPU's memory at 95% against 90"
expect_grep "^res-gate: over: cpu [0-9.]*%, mem [0-9.]*%, load -, nvidia0 util 10% mem 95.0% (over 90), nvidia1 util 20% mem 10.0%" "$T/err" "-v: each GPU"
jcheck "$T/out" "[(g['vendor'], g['index'], g['util'], g['mem'], g['mem_total']) for g in j['gpus']] == [('nvidia', 0, 10, 95, 1000), ('nvidia', 1, 20, 10, 1000)] and j['over'] == ['gpu_mem']" "JSON: each GPU"
FAKE_NVML="10:900:1000" $G --cpu off --mem off >/dev/null 2>&1; expect_status 0 $? "a GPU at 90% against 90"
FAKE_NVML=fail $G --cpu off --mem off --json >"$T/out" 2>&1; expect_status 0 $? "nvmlInit failing: no GPUs"
jcheck "$T/out" "j['gpus'] == []" "nvmlInit failing: no GPUs listed"
FAKE_NVML="10:950:1000" $W --cpu off --mem off --json >"$T/out" 2>&1; expect_status 0 $? "no nvml.dll: no GPUs"
jcheck "$T/out" "j['gpus'] == []" "no nvml.dll: no GPUs listed"

# --stream: lines until standard input ends.
step "--stream"
start=$(now)
{ sleep 1.5; } | FAKE_NVML="10:950:1000" $G --stream 200 >"$T/lines"; st=$?
expect_status 0 "$st" "res-gate.exe --stream ends with its input"
n=$(grep -c '^res-gate/1 span=0\.[0-9]* cpus=[0-9]* cpu=[0-9.]*,[0-9.]* mem=[0-9]*,[0-9]* self=[0-9.]* gpu=nvidia,0,10,950,1000$' "$T/lines")
echo "--stream 200 for 1.5 s: $n lines, ended after $(since "$start") s"
[ "$n" -ge 3 ] || { fail "res-gate.exe --stream 200 for 1.5 s: $n good lines"; cat "$T/lines"; }
[ "$(since "$start" | cut -d. -f1)" -lt 3 ] || fail "res-gate.exe --stream outlived its input by $(since "$start") s"

# Two busy loops (one a CPU): near 100%, the gate shuts, on both sides of --host.
step "busy loops"
for i in $(seq "$(nproc)"); do
	sh -c 'while :; do :; done' &
	LOADS="$LOADS $!"
done
sleep 0.5
$W --json --interval 1000 --mem 100 --gpu-mem 100 >"$T/out" 2>&1; st=$?
echo "busy: res-gate.exe exit $st: $(cat "$T/out")"
[ "$st" = 1 ] || [ "$st" = 2 ] || fail "busy loops: res-gate.exe exit $st, want 1 or 2"
jcheck "$T/out" "j['cpu'] > 90 and 'cpu' in j['over']" "busy loops: res-gate.exe reads near 100%"
"$RG" --json -v --mem 100 --gpu-mem 100 --host "exec $W --stream 200" >"$T/out" 2>"$T/err"; st=$?
echo "busy: res-gate --host: exit $st: $(cat "$T/err")"
[ "$st" = 1 ] || [ "$st" = 2 ] || fail "busy loops: res-gate --host exit $st, want 1 or 2"
jcheck "$T/out" "j['host_cpu'] > 90 and j['host_error'] is None" "busy loops: the host probe reads near 100%"
FAKE_NVML="10:950:1000" "$RG" -v --cpu off --mem off --host "exec $G --stream 200" 2>"$T/err"; st=$?
expect_status 1 "$st" "res-gate --host: the host's GPU at 95%"
expect_grep "host nvidia0 util 10% mem 95.0% (over 90)$" "$T/err" "res-gate --host: the host's GPU named"
"$RG" -v --cpu off --mem off --interval 3000 --host "exec timeout 1.5 $W --stream 200" 2>"$T/err"; st=$?
echo "a probe killed: exit $st: $(cat "$T/err")"
expect_status 1 "$st" "res-gate --host: the probe killed"
expect_grep "host unmeasured (shut): the host probe: ended (exit 124)" "$T/err" "the killed probe named"
sleep 0.5
pgrep -f "$T/[ag][pp][pu]/res-gate.exe" >/dev/null && fail "a res-gate.exe outlived res-gate --host"

# bgtrain under the same load, the host's GPU full too: nothing starts, and it says why.
step "bgtrain --host-probe"
cp "$(reference_list | head -n 1)" "$T/rep/"
FAKE_NVML="10:950:1000" "$BG" run --replays "$T/rep" --state "$T/s" --settle 0 \
	--host-probe "exec $G --stream 200" >/dev/null 2>"$T/bgerr" &
BGPID=$!
for i in $(seq 1 100); do
	grep -q "host nvidia0" "$T/bgerr" && break
	sleep 0.2
done
sleep 1
kill -INT $BGPID; wait $BGPID; BGPID=
cat "$T/bgerr"
expect_grep "^bgtrain: gate: this machine's figures and the host's, the worse of the two, from: exec $G --stream 200$" "$T/bgerr" "bgtrain: which gate"
expect_grep "^bgtrain: gate far: \(host \)\{0,1\}cpu 100.0% (far over 80), .*host nvidia0 util 10% mem 95.0% (over 90)$" "$T/bgerr" "bgtrain: why it starts nothing"
grep -q "	analysis	" "$T/s/joblog.tsv" && fail "bgtrain started a job under the load"
jcheck "$T/s/status.json" "j['host_probe']['streaming'] and j['gate'] == 2" "status.json: the probe streams, the gate far over"
kill $LOADS; LOADS=

# bgtrain.bat: every argument reaches wsl.exe as it was typed.
step "bgtrain.bat"
cp bin/bgtrain.bat "$T/bat/"
cp "$T/bat/wsl.exe" "$T/Local/bgtrain/"
set -- run -r 'D:\my replays' '--opt=x!y' '--state=C:\a b\st!' 'a=b' '!PATH!' "it's" \
	'back\\slash\' '-e' 'C:\bot\experience'
(cd "$T/bat" && FAKE_WSL_LOG=wsl.log FAKE_WSL_EXIT=65 wine cmd /c bgtrain.bat "$@" >/dev/null 2>&1)
expect_status 65 $? "bgtrain.bat: wsl.exe's exit status"
{ printf '%s\n' -e bgtrain --windows-paths "$@"; } >"$T/want"
head -n $(($# + 3)) "$T/bat/wsl.log" | tr -d '\r' >"$T/got"
diff "$T/want" "$T/got" >"$T/diff" || { fail "bgtrain.bat changed its arguments"; cat "$T/diff"; }
expect_grep '^WSLENV=.*:REPLAY_ARCHIVE_DIR/p:NUM_INSTANCES:BGTRAIN_WINDIR/p$' "$T/bat/wsl.log" "bgtrain.bat: WSLENV"
expect_grep '^BGTRAIN_WINDIR=.*\\AppData\\Local\\bgtrain$' "$T/bat/wsl.log" "bgtrain.bat alone: the probe in %LOCALAPPDATA%\\bgtrain"
(cd "$T/Local/bgtrain" && FAKE_WSL_LOG=wsl.log wine cmd /c bgtrain.bat status >/dev/null 2>&1)
expect_status 0 $? "bgtrain.bat status"
expect_grep '^BGTRAIN_WINDIR=Z:\\.*\\Local\\bgtrain$' "$T/Local/bgtrain/wsl.log" "bgtrain.bat beside res-gate.exe: its own folder"
step "done"
finish
