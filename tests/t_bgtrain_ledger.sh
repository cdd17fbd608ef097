# t_bgtrain_ledger - every ledger record carries a checksum: a torn last record is dropped,
# damage anywhere else stops the driver (65, the line) until status --repair
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
$PY "$SHARED/tools/make_experience.py" "$T/more" 1 30 9
cp "$T/more/"* "$T/exp/exp_new.npz"
touch -d "@1600000000" "$T/exp/exp_new.npz"
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
finish
