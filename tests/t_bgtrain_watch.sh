# t_bgtrain_watch - the driver watches its folders with inotify: an idle
# driver costs nothing, and what changes is seen (new folders at any depth,
# folders renamed, moved out and back, deleted, lost events); --poll walks
# instead; new inputs that arrive while it runs are analysed.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain

# The driver's CPU time so far, in clock ticks (/proc/PID/stat utime+stime).
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# wait_status KEY WANT: up to 20 s for status.json's KEY to be WANT.
wait_status() {
	for i in $(seq 1 200); do
		[ "$(status_key "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "status.json: $1 is $(status_key "$1"), want $2"
	return 1
}
status_key() {
	$PY -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$T/s/status.json" "$1" 2>/dev/null
}

# 20,000 files in 40 folders, none of them done, the gate shut: hashed once,
# then the driver sleeps until something changes.
$PY - "$T/r" <<'PY'
import os, sys
for d in range(40):
    p = "%s/d%02d/sub" % (sys.argv[1], d)
    os.makedirs(p)
    for i in range(500):
        open("%s/f%03d.SC2Replay" % (p, i), "w").write("%d %d" % (d, i))
PY
SHUT="--cpu 100 --mem 0 --gpu-mem 100 --settle 0 -q"
"$BG" run --replays "$T/r" --state "$T/s" $SHUT >"$T/out" 2>"$T/err" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$T"' EXIT
wait_status replays_ready 20000
sleep 1
a=$(cpu_ticks $pid)
# Meanwhile status.json: each write replaces it (a new inode), and with the
# gate's figures alone changing it is written at most every 10 s.
writes=0 last=$(stat -c %i "$T/s/status.json")
for i in $(seq 1 16); do
	sleep 0.5
	now=$(stat -c %i "$T/s/status.json")
	[ "$now" = "$last" ] || writes=$((writes + 1))
	last=$now
done
b=$(cpu_ticks $pid)
[ "$writes" -le 1 ] ||
	fail "idle with the gate shut: status.json written $writes times in 8 s (want at most once)"
hz=$(getconf CLK_TCK)
# 2% of a core over 8 s.
[ $((b - a)) -le $((hz * 8 * 2 / 100)) ] ||
	fail "idle over 20,000 watched files: $((b - a)) ticks of CPU in 8 s (want <= 2%)"
echo "idle over 20,000 files: $((b - a)) of $((hz * 8)) clock ticks"
grep -c "inotify" /proc/$pid/fdinfo/* 2>/dev/null | grep -q ':[1-9]' ||
	fail "the driver holds no inotify instance"

# New folders at any depth, made in a hurry: every file in them is seen.
mkdir -p "$T/r/new/a/b/c"
for i in 1 2 3 4 5; do echo "n$i" >"$T/r/new/a/b/c/n$i.SC2Replay"; done
wait_status replays_ready 20005
# A folder made elsewhere and moved in, then renamed, moved out, moved back.
mkdir -p "$T/outside/m/n"
for i in 1 2 3; do echo "m$i" >"$T/outside/m/n/m$i.SC2Replay"; done
mv "$T/outside/m" "$T/r/new/m"
wait_status replays_ready 20008
mv "$T/r/new/m" "$T/r/d00/renamed"
sleep 1
wait_status replays_ready 20008
echo later >"$T/r/d00/renamed/n/later.SC2Replay"
wait_status replays_ready 20009
mv "$T/r/d00/renamed" "$T/outside/gone"
wait_status replays_ready 20005
mv "$T/outside/gone" "$T/r/back"
wait_status replays_ready 20009
# Deleted: a file, then a folder with what is in it.
rm "$T/r/back/n/later.SC2Replay"
wait_status replays_ready 20008
rm -r "$T/r/new"
wait_status replays_ready 20003
# A file renamed to a name that is no replay, and back.
mv "$T/r/d01/sub/f000.SC2Replay" "$T/r/d01/sub/f000.txt"
wait_status replays_ready 20002
mv "$T/r/d01/sub/f000.txt" "$T/r/d01/sub/f000.SC2Replay"
wait_status replays_ready 20003

# Lost events: the driver stopped while 20,000 files come (more than
# fs.inotify.max_queued_events can hold): one walk of the tree finds them.
queued=$(cat /proc/sys/fs/inotify/max_queued_events 2>/dev/null || echo 16384)
kill -STOP $pid
$PY - "$T/r/burst" "$queued" <<'PY'
import os, sys
os.makedirs(sys.argv[1])
n = int(sys.argv[2]) + 1000
for i in range(n):
    open("%s/b%06d.SC2Replay" % (sys.argv[1], i), "w").write("b%d" % i)
print(n, file=open(sys.argv[1] + ".count", "w"))
PY
kill -CONT $pid
wait_status replays_ready $((20003 + $(cat "$T/r/burst.count")))
rm -r "$T/r/burst"
wait_status replays_ready 20003

# The input folder itself renamed away and back: said, then found again.
mv "$T/r" "$T/r.away"
sleep 2
mv "$T/r.away" "$T/r"
echo again >"$T/r/d02/again.SC2Replay"
wait_status replays_ready 20004
kill -TERM $pid
wait $pid
expect_grep "r: No such file or directory (an input folder)" "$T/err" "the missing folder said"

# --poll: no inotify; a change is seen at the next walk.
rm -rf "$T/s"
"$BG" run --replays "$T/r" --state "$T/s" --poll 1 $SHUT >"$T/out" 2>"$T/err" &
pid=$!
wait_status replays_ready 20004
grep -l "inotify" /proc/$pid/fdinfo/* >/dev/null 2>&1 &&
	fail "--poll: the driver holds an inotify instance"
echo polled >"$T/r/d03/polled.SC2Replay"
wait_status replays_ready 20005
kill -TERM $pid
wait $pid

# Replays that arrive while the driver runs, the gate open, in a new
# folder at depth: analysed, each once.
mkdir -p "$T/live"
"$BG" run --replays "$T/live" --state "$T/s2" --cpu 100 --mem 100 --gpu-mem 100 \
	--settle 0 --replay-batch 5 -q >"$T/out2" 2>"$T/err2" &
pid=$!
sleep 1
mkdir -p "$T/live/2026/05"
reference_list | head -n 12 | while IFS= read -r p; do
	cp "$p" "$T/live/2026/05/$(basename "$p" | tr ' ' '_')"
done
for i in $(seq 1 300); do
	n=$("$BG" status --state "$T/s2" --replays "$T/live" --json |
		$PY -c 'import json, sys; print(json.load(sys.stdin)["replays_done"])')
	[ "$n" = 12 ] && break
	sleep 0.2
done
[ "$n" = 12 ] || fail "replays that came while the driver ran: $n of 12 analysed"
kill -TERM $pid
wait $pid
$PY - "$T/s2/learned_build_orders.json" <<'PY' || fail "the learned file does not count each replay once"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["merge_state"]["replays"]) == 12, len(d["merge_state"]["replays"])
PY
finish
