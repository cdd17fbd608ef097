# t_full_disk - a disk that is full, for real (small tmpfs mounts, as root),
# while the programs write: every write is checked; a failed one is one line
# and exit 74, nothing is reported as done that is not, and nothing already
# recorded is lost. bgtrain: a job that cannot write its output, a merge that
# cannot land, a ledger or job log append that fails half-way (cut back
# whole), a quarantine move that cannot copy, a disk that fills mid-run.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"

if [ "$(id -u)" != 0 ] || ! mkdir -p "$T/probe" ||
    ! mount -t tmpfs -o size=1m tmpfs "$T/probe" 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: cannot mount a tmpfs (CI runs as root)"
		exit 1
	fi
	echo "SKIP: cannot mount a tmpfs (not root, or not permitted here)"
	exit 77
fi
umount "$T/probe"
mounts=
# The newest mount first: binds lie on top of the folders they are in.
trap 'for m in $mounts; do umount "$m" 2>/dev/null; done; rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM PIPE	# and the mounts go too

# tmpfs DIR SIZE: a small file system of our own at DIR.
tmpfs() {
	mkdir -p "$1" && mount -t tmpfs -o "size=$2" tmpfs "$1" && mounts="$1 $mounts"
}
# fill DIR: not one block left on DIR's file system.
fill() {
	head -c 1G /dev/zero >"$1/fill" 2>/dev/null
	[ "$(df --output=avail -B1 "$1" | tail -n 1)" -eq 0 ] || fail "fill $1: room is left"
}
# full_copy FILE DIR: FILE's bytes in a file on DIR, a 1 MB tmpfs then
# filled, bound over FILE (a bind mount, not a link: the driver's own files
# are never followed). FILE holds 4090 bytes, so the next append crosses
# into a page the file system does not have: it fails half-way.
full_copy() {
	tmpfs "$2" 1m && cp "$1" "$2/f" && fill "$2" &&
	mount --bind "$2/f" "$1" && mounts="$1 $mounts"
}
# one_line WHAT PATTERN: stderr ($T/err) is one line matching PATTERN, and
# the statistics ($T/out) claim no run without errors.
one_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] || { fail "$1: want one line on stderr, got:"; sed 's/^/    /' "$T/err"; }
	expect_grep "$2" "$T/err" "$1"
	grep -q "^Errors: 0$" "$T/out" && fail "$1: the statistics say no errors"
}

reference_list | head -n 3 >"$T/three"
EXP=$SHARED/experience/good
one_game=$(ls "$EXP"/*.npz | head -n 1)

# ---- the programs: a full file system, and /dev/full ----
tmpfs "$T/f" 1m
"$BIN/policy-train" -q -m "$T/f/m.npz" --init --hidden 4 "$one_game" >/dev/null
"$BIN/policy-train" -q -m "$T/m.npz" --init --hidden 4 "$one_game" >/dev/null
"$BIN/policy-train" -q -m "$T/m.npz" --again --out "$T/c.npz" "$EXP" >/dev/null
tail -n 2 "$T/three" | "$BIN/replay-analyze" -q -s "$T/part.json" - >/dev/null
head -n 1 "$T/three" | "$BIN/replay-analyze" -q -s "$T/f/l.json" - >/dev/null
cp "$T/f/m.npz" "$T/m.before"; cp "$T/f/l.json" "$T/l.before"
fill "$T/f"
# checked WHAT COMMAND...: 74, one line saying so, no temporary file left.
checked() {
	what=$1
	shift
	"$@" >/dev/null 2>"$T/err"
	expect_status 74 $? "$what"
	[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "No space left on device" "$T/err" ||
		{ fail "$what: want one line saying so:"; sed 's/^/    /' "$T/err"; }
	ls -a "$T/f" | grep -q '\.tmp\.' && fail "$what: a temporary file was left: $(ls -a "$T/f")"
}
checked "replay-analyze -s FULL" "$BIN/replay-analyze" -q -s "$T/f/s.json" -o /dev/null - <"$T/three"
checked "replay-analyze -o FULL" "$BIN/replay-analyze" -q -o "$T/f/o.jsonl" - <"$T/three"
checked "policy-train --init FULL" "$BIN/policy-train" -q -m "$T/f/new.npz" --init "$EXP"
checked "policy-train -m FULL" "$BIN/policy-train" -q -m "$T/f/m.npz" --again "$EXP"
checked "policy-train --out FULL" "$BIN/policy-train" -q -m "$T/m.npz" --again --out "$T/f/c.npz" "$EXP"
checked "merge-results learned -o FULL" "$BIN/merge-results" learned -q -o "$T/f/l.json" "$T/part.json"
checked "merge-results model -o FULL" "$BIN/merge-results" model -q -o "$T/f/m.npz" "$T/c.npz"
for f in s.json o.jsonl new.npz c.npz; do [ -e "$T/f/$f" ] && fail "$f was written on a full disk"; done
cmp -s "$T/f/m.npz" "$T/m.before" || fail "a model on a full disk changed"
cmp -s "$T/f/l.json" "$T/l.before" || fail "a learned file on a full disk changed"
if [ -c /dev/full ] && [ -w /dev/full ]; then	# written to, never replaced
	checked "replay-analyze -s /dev/full" "$BIN/replay-analyze" -q -s /dev/full -o /dev/null - <"$T/three"
	checked "policy-train --out /dev/full" "$BIN/policy-train" -q -m "$T/m.npz" --again --out /dev/full "$EXP"
	checked "merge-results learned -o /dev/full" "$BIN/merge-results" learned -q -o /dev/full "$T/part.json"
fi

# ---- bgtrain ----
mkdir -p "$T/exp" "$T/replays"
cp "$EXP"/*.npz "$T/exp/"
touch -d "@1600000000" "$T/exp"/*.npz
head -n 1 "$T/three" | while read -r f; do cp "$f" "$T/replays/a.SC2Replay"; done
touch -d "@1600000000" "$T/replays/a.SC2Replay"
games=$(ls "$T/exp" | wc -l)
# A model whose candidates (some 34 MB) do not fit where a state folder has 9 MB.
"$BIN/policy-train" -q -m "$T/big.npz" --init --hidden 1024,1024 "$one_game" >/dev/null

# 1. A job cannot write its output (the state folder's disk is full): 74, the
# child's own line said, nothing trained, nothing recorded.
tmpfs "$T/s1" 9m
cp "$T/big.npz" "$T/big1.npz"
"$BG" once --experience "$T/exp" --model "$T/big1.npz" --state "$T/s1/s" $GATE -q >"$T/out" 2>"$T/err"
expect_status 74 $? "bgtrain: a job that cannot write its output"
one_line "a job that cannot write its output" "job [0-9]* (policy-train) could not write (exit 74): policy-train: .*candidate.npz: cannot write: No space left on device"
# What the job left, should the line above not be its own (seen once under load).
grep -q "said nothing" "$T/err" && for f in "$T/s1/s/work"/job-*/*; do
	echo "    $f: $(stat -c %s "$f") bytes"; head -c 300 "$f" | sed 's/^/        /'
done
expect_grep "^Models Trained: 0$" "$T/out" "a job that cannot write its output: trained"
cmp -s "$T/big1.npz" "$T/big.npz" || fail "a job that cannot write its output: the model changed"
grep -q . "$T/s1/s/ledger.tsv" && fail "a job that cannot write its output: recorded"

# 2. The merge cannot land (the model's disk has 12 MB, a model is 26 MB):
# 74; the candidates stay recorded, and once there is room the next run
# merges them: every game once.
tmpfs "$T/m2" 36m
cp "$T/big.npz" "$T/m2/model.npz"
"$BG" once --experience "$T/exp" --model "$T/m2/model.npz" --state "$T/s2" $GATE -q >"$T/out" 2>"$T/err"
expect_status 74 $? "bgtrain: a merge that cannot land"
one_line "a merge that cannot land" "merge-results could not write .*m2/model.npz (exit 74): merge-results: .*m2/model.npz: cannot write: No space left on device"
expect_grep "^Models Trained: 0$" "$T/out" "a merge that cannot land: trained"
grep -q "^M" "$T/s2/ledger.tsv" && fail "a merge that cannot land: recorded as merged"
grep -q "^P" "$T/s2/ledger.tsv" || fail "a merge that cannot land: its candidate is not recorded"
mount -o remount,size=80m "$T/m2"
"$BG" once --experience "$T/exp" --model "$T/m2/model.npz" --state "$T/s2" $GATE -q >"$T/out" 2>"$T/err"
expect_status 0 $? "bgtrain: the run after a merge that could not land"
$PY - "$T/m2/model.npz" "$games" <<'PY' || fail "after a merge that could not land: not every game once"
import sys, numpy as np
z = np.load(sys.argv[1])
n = int(sys.argv[2])
assert z["trained_md5"].shape[0] == n and len({bytes(r) for r in z["trained_md5"]}) == n
PY

# append_fails STATE NAME WHAT: STATE/NAME (4090 bytes) on a full disk; a
# run that lands a replay's job appends to it: 74, and NAME the same bytes.
append_fails() {
	cp "$T/$1/$2" "$T/$2.before"
	full_copy "$T/$1/$2" "$T/$1.fs"
	"$BG" once --replays "$T/replays" --learned "$T/$1.json" --state "$T/$1" $GATE -q \
		>"$T/out" 2>"$T/err"
	expect_status 74 $? "bgtrain: $3"
	one_line "$3" "$1/$2: No space left on device"
	cmp -s "$T/$1/$2" "$T/$2.before" || fail "$3: a torn record was left"
}

# 3. The ledger's append fails half-way (its file system is full and the
# record crosses into a new page): cut back whole, 74, the ledger the same bytes.
mkdir -p "$T/s3"
$PY - "$T/s3/ledger.tsv" <<'PY'
import hashlib, sys
def record(tag, n, width):
    line = "%s\t%032x\t/gone/%d\t%s" % (tag, n, n, "x" * width)
    return line + "\t#" + hashlib.md5(line.encode()).hexdigest()[:8] + "\n"
out, n = "", 1
while len(out) + len(record("B", n, 1)) <= 4090 - 200:
    out += record("B", n, 100); n += 1
out += record("B", n, 4090 - len(out) - len(record("B", n, 0)))
assert len(out) == 4090
open(sys.argv[1], "w").write(out)
PY
append_fails s3 ledger.tsv "a ledger append on a full disk"
"$BG" status --replays "$T/replays" --learned "$T/s3.json" --state "$T/s3" >/dev/null 2>&1
expect_status 0 $? "bgtrain status after a failed ledger append"

# 4. The same for the job log: cut back whole, 74.
mkdir -p "$T/s4"
{ printf 'Seq\tKind\tStarttime\tJobRuntime\tExitval\tSignal\tInputs\tCommand\n'
  head -c 4090 /dev/zero | tr '\0' x | fold -w 80; } | head -c 4089 >"$T/s4/joblog.tsv"
echo >>"$T/s4/joblog.tsv"
append_fails s4 joblog.tsv "a job log append on a full disk"

# 5. A quarantine on a full disk: the bad input is recorded, then cannot be
# copied there (another file system): 74, and it stays where it was.
tmpfs "$T/q5" 1m
fill "$T/q5"
mkdir -p "$T/bad"
head -c 5000 /dev/urandom >"$T/bad/junk.SC2Replay"
touch -d "@1600000000" "$T/bad/junk.SC2Replay"
"$BG" once --replays "$T/bad" --learned "$T/l5.json" --quarantine "$T/q5/q" --state "$T/s5" $GATE -q \
	>"$T/out" 2>"$T/err"
expect_status 74 $? "bgtrain: a quarantine on a full disk"
one_line "a quarantine on a full disk" "junk.SC2Replay: cannot move into .*q5/q: No space left on device"
[ -f "$T/bad/junk.SC2Replay" ] || fail "a quarantine on a full disk: the input is gone"
grep -q "^B" "$T/s5/ledger.tsv" || fail "a quarantine on a full disk: the bad input is not recorded"

# 6. The disk fills while a job runs (its work folder is elsewhere): 74, the
# run stops; the game trained by an earlier run stays recorded, the job log
# keeps its lines, and with room again the next run trains the new game only.
tmpfs "$T/s6" 16m
mkdir -p "$T/s6/s" "$T/work6" "$T/exp6"
ln -s "$T/work6" "$T/s6/s/work"
cp "$one_game" "$T/exp6/"
touch -d "@1600000000" "$T/exp6"/*.npz
"$BG" once --experience "$T/exp6" --model "$T/m6.npz" --state "$T/s6/s" $GATE -q >"$T/out" 2>&1
expect_status 0 $? "bgtrain: the run before the disk fills"
cp "$T/s6/s/joblog.tsv" "$T/joblog6"
big_experience "$T/big6"
mv "$T/big6/exp_big.npz" "$T/exp6/"
"$BG" once --experience "$T/exp6" --model "$T/m6.npz" --state "$T/s6/s" $GATE -q >"$T/out" 2>"$T/err" &
bg=$!
wait_for_process "policy-train.*$T/s6/s" || fail "the job of a disk that fills mid-run did not start"
fill "$T/s6"
running=$(pgrep -f "policy-train.*$T/s6/s")
wait $bg
rc=$?
if [ -n "$running" ]; then
	expect_status 74 $rc "bgtrain: a disk that fills mid-run"
	one_line "a disk that fills mid-run" "s6/s/[a-z.]*: No space left on device"
	expect_grep "^Models Trained: 0$" "$T/out" "a disk that fills mid-run: trained"
else
	echo "note: the job ended before the disk was full: the mid-run case proves nothing this time"
fi
head -c "$(wc -c <"$T/joblog6")" "$T/s6/s/joblog.tsv" | cmp -s - "$T/joblog6" ||
	fail "a disk that fills mid-run: the job log lost lines"
rm "$T/s6/fill"
"$BG" once --experience "$T/exp6" --model "$T/m6.npz" --state "$T/s6/s" $GATE -q >"$T/out" 2>"$T/err"
expect_status 0 $? "bgtrain: the run after the disk had room again"
$PY -c "import sys, numpy as np; sys.exit(0 if np.load(sys.argv[1])['trained_md5'].shape[0] == 2 else 1)" \
	"$T/m6.npz" || fail "after a disk that filled mid-run: want both games once"
finish
