# t_bgtrain_ledger - every ledger record carries a checksum: a torn last record is dropped,
# damage anywhere else stops the driver (65, the line) until status --repair; a long
# ledger is folded into STATE/ledger.snap and read back as it was, and a damaged
# snapshot stops the driver too, until --repair sets it aside
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"
S=$T/s
L=$S/ledger.tsv
episodes() {
	$PY -c "import sys, numpy as np; print(int(np.load(sys.argv[1])['episode_count'][0]))" "$S/rl_agent_model.npz"
}
# new_game NAME SEED: one more generated game among the old ones.
new_game() {
	$PY "$SHARED/tools/make_experience.py" "$T/new-$1" 1 30 "$2"
	cp "$T/new-$1/"* "$T/exp/$1"
	touch -d "@1600000000" "$T/exp/$1"
}
# once_ok WHAT: a once run over the games that must succeed.
once_ok() {
	"$BG" once -e "$T/exp" --state "$S" --quarantine "$T/q" $GATE -q >"$T/out" 2>"$T/err"
	expect_status 0 $? "$1"
}
# once_damaged LINE WHAT: a once run that must stop at a damaged record.
once_damaged() {
	"$BG" once -e "$T/exp" --state "$S" --quarantine "$T/q" $GATE -q >"$T/out" 2>"$T/err"
	expect_status 65 $? "$2"
	expect_grep "^bgtrain: $L:$1: damaged record" "$T/err" "$2: the line"
	[ -s "$T/out" ] && fail "$2: a statistics block after a damaged ledger"
	[ "$(episodes)" = "$games" ] || fail "$2: episode_count $(episodes), want $games"
}

# Four games and one broken one (first, the oldest): B, then P and M.
$PY "$SHARED/tools/make_experience.py" "$T/exp" 4 30 4
cp "$SHARED/experience/corrupted/exp_20260125_154732_ep0.npz" "$T/exp/"
touch -d "@1600000000" "$T/exp/"*
games=4
"$BG" once -e "$T/exp" --state "$S" --quarantine "$T/q" $GATE -q >/dev/null 2>&1
[ "$(episodes)" = 4 ] || fail "the first run: episode_count $(episodes), want 4"
grep -qv '	#[0-9a-f]\{8\}$' "$L" && fail "a ledger record without its checksum"
[ "$(cut -c1 "$L" | tr -d '\n')" = BPM ] || fail "want B, P, M records, got: $(cut -c1 "$L" | tr -d '\n')"
cp "$L" "$T/good"

# A crash cut the last record short: dropped, as before.
printf 'P\t7\ttraining\t/x/cand' >>"$L"
once_ok "a torn last record"
cmp -s "$L" "$T/good" || fail "the torn last record was not cut off"

# A ledger full of garbage is not an empty one: nothing is trained again.
head -c 3000 /dev/urandom | base64 >"$L"
once_damaged 1 "a ledger full of garbage"
"$BG" status -e "$T/exp" --state "$S" >"$T/out" 2>"$T/err"
expect_status 65 $? "status on a ledger full of garbage"
expect_grep "$L:1: damaged record" "$T/err" "status names the damaged line"

# One byte changed in the first record; a record appended after the checksummed ones.
sed '1s/exp_/exq_/' "$T/good" >"$L"
once_damaged 1 "a changed record"
cp "$T/good" "$L"; printf 'B\tnot-a-hash\tx\ty\n' >>"$L"; cat "$T/good" >>"$L"
once_damaged 4 "a record without a checksum among checksummed ones"

# --repair keeps what holds, says how many, and keeps the old file.
sed '1s/exp_/exq_/' "$T/good" >"$L"
"$BG" status --repair -e "$T/exp" --state "$S" >"$T/out" 2>"$T/err"
expect_status 0 $? "status --repair"
expect_grep "2 records kept, 1 dropped" "$T/err" "status --repair says how many"
[ -f "$L.damaged" ] || fail "status --repair did not keep the damaged ledger"
expect_grep "^queued: *0 replays, 0 experience files" "$T/out" "status after --repair"
once_ok "once after --repair"
[ "$(episodes)" = 4 ] || fail "after --repair: episode_count $(episodes), want 4"
flock "$S/driver.lock" sleep 3 &
sleep 0.5
"$BG" status --repair --state "$S" >/dev/null 2>"$T/err"
expect_status 75 $? "status --repair beside a running driver"
wait

# A ledger written before checksums is read as it is; new records get them.
sed 's/	#[0-9a-f]\{8\}$//' "$T/good" >"$L"
new_game exp_new.npz 9
games=5
once_ok "a ledger without checksums"
[ "$(episodes)" = 5 ] || fail "an old ledger: episode_count $(episodes), want 5"
[ "$(grep -c '	#[0-9a-f]\{8\}$' "$L")" = 2 ] || fail "the new records lack checksums"
once_ok "a ledger with old records, then checksummed ones"
[ "$(episodes)" = 5 ] || fail "the end: episode_count $(episodes), want 5"

# A merge that failed after its job's P: the next start merges it and moves
# every one of its replays into --done-dir (each path of the P record read
# back, not only the first).
mkdir -p "$T/r2" "$T/nomerge"
reference_list | head -n 2 | while IFS= read -r p; do cp "$p" "$T/r2/"; done
cp "$BG" "$BIN/replay-analyze" "$T/nomerge/"
printf '#!/bin/sh\nexit 1\n' >"$T/nomerge/merge-results"
chmod +x "$T/nomerge/merge-results"
"$T/nomerge/bgtrain" once -r "$T/r2" --state "$T/sd" --replay-batch 2 $GATE -q >/dev/null 2>&1
[ "$(cut -c1 "$T/sd/ledger.tsv" | tr -d '\n')" = P ] || fail "a failed merge: want only a P record"
"$BG" once -r "$T/r2" --state "$T/sd" --done-dir "$T/done" $GATE -q >/dev/null 2>"$T/err"
expect_status 0 $? "a P without its M, merged at the start"
[ "$(ls "$T/done" 2>/dev/null | wc -l)" = 2 ] ||
	fail "a P without its M: not both replays moved into --done-dir: $(cat "$T/err")"

# A long ledger (200,000 records before this driver's, some 20 MB) is folded
# into the snapshot at the next start: the tail is cut to its generation,
# and the counts and states read back as they were.
$PY - "$L" <<'PY'
import hashlib, sys
ledger = sys.argv[1]
old = open(ledger).read()
def rec(r):
    return r + "\t#" + hashlib.md5(r.encode()).hexdigest()[:8] + "\n"
lines = []
for j in range(1000000, 1000000 + 66667):
    h = hashlib.md5(b"old%d" % j).hexdigest()
    lines.append(rec("P\t%d\tanalysis\t/old/out%d\t%s\t%s\t/old/replay%08d.SC2Replay" % (j, j, h, h, j)))
    lines.append(rec("M\t%d" % j))
    lines.append(rec("B\t%s\t/old/bad%d.SC2Replay\tbad data" % (hashlib.md5(b"bad%d" % j).hexdigest(), j)))
open(ledger, "w").write(old + "".join(lines))
PY
"$BG" status -e "$T/exp" --state "$S" --json >"$T/before" 2>"$T/err"
expect_status 0 $? "status on a long ledger"
once_ok "once on a long ledger"
[ -s "$S/ledger.snap" ] || fail "a long ledger was not folded into ledger.snap"
[ "$(wc -l <"$L")" -le 2 ] || fail "the tail was not cut: $(wc -l <"$L") lines"
head -n 1 "$L" | grep -q '^G	1	#[0-9a-f]\{8\}$' || fail "the tail does not start with its generation: $(head -n 1 "$L")"
"$BG" status -e "$T/exp" --state "$S" --json >"$T/after" 2>"$T/err"
cmp -s "$T/before" "$T/after" || { fail "status differs after the compaction"; cat "$T/before" "$T/after"; }
[ "$(episodes)" = 5 ] || fail "after the compaction: episode_count $(episodes), want 5"
$PY -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["replays_done"] == 66667 and d["failed"] == 66667 + 1, d' \
	"$T/after" || fail "the long ledger's counts"

# A new game after the compaction lands in the tail; the start after reads both.
new_game exp_newer.npz 11
games=6
once_ok "once after the compaction"
[ "$(episodes)" = 6 ] || fail "a game after the compaction: episode_count $(episodes), want 6"
once_ok "once again"
[ "$(episodes)" = 6 ] || fail "trained twice after the compaction: episode_count $(episodes)"
cp "$S/ledger.snap" "$T/good.snap"; cp "$L" "$T/good.tail"

# A changed byte in the snapshot: the driver stops (65) and says so; status too.
$PY - "$S/ledger.snap" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 3] ^= 1
open(sys.argv[1], "wb").write(b)
PY
"$BG" once -e "$T/exp" --state "$S" $GATE -q >"$T/out" 2>"$T/err"
expect_status 65 $? "once with a damaged snapshot"
expect_grep "ledger.snap: damaged" "$T/err" "the damaged snapshot said"
[ "$(episodes)" = 6 ] || fail "a damaged snapshot trained games"
"$BG" status --repair --state "$S" >"$T/out" 2>"$T/err"
expect_status 0 $? "status --repair with a damaged snapshot"
expect_grep "ledger.snap.damaged" "$T/err" "--repair says where the snapshot went"
[ -f "$S/ledger.snap.damaged" ] || fail "--repair did not keep the damaged snapshot"
once_ok "once after the snapshot was set aside"
[ "$(episodes)" = 6 ] || fail "games trained twice after a lost snapshot: episode_count $(episodes)"

# The snapshot gone while the tail names it: stops at the tail's first line.
cp "$T/good.snap" "$S/ledger.snap"; cp "$T/good.tail" "$L"
once_ok "the snapshot put back"
rm "$S/ledger.snap"
once_damaged 1 "a tail whose snapshot is gone"
finish
