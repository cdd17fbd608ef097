# t_outputs - every program's outputs: "-", devices, FIFOs, links, and never over an input
#
# Atomic replacement is right only for regular files: a device, a FIFO or
# "-" is written straight through, a link's target is replaced and the link
# kept, and an output that names an input (or another output) is refused
# with 64 before anything is written. Inputs are only regular files, and no
# read blocks.
. tests/lib.sh
need_shared
RA=$BIN/replay-analyze
MR=$BIN/merge-results
PT=$BIN/policy-train
EXP=$(realpath "$SHARED/experience/good")
reference_list | head -n 3 >"$T/list"
R1=$(realpath "$(sed -n 1p "$T/list")")
R2=$(realpath "$(sed -n 2p "$T/list")")
cp "$R1" "$T/y.SC2Replay"
"$RA" -q -s "$T/part.json" "$T/y.SC2Replay" >/dev/null

# A scratch character device (the null device's numbers), never /dev/null.
if [ "$(id -u)" = 0 ]; then
	mknod "$T/null" c 1 3
	"$RA" -q -o "$T/null" -s "$T/null" "$T/y.SC2Replay"; expect_status 0 $? "-o and -s a device"
	[ -c "$T/null" ] || fail "-o DEVICE replaced the device with a regular file"
	"$MR" learned -o "$T/null" "$T/part.json"; expect_status 0 $? "merge-results -o DEVICE"
	[ -c "$T/null" ] || fail "merge-results -o DEVICE replaced the device"
	[ -e "$T/null.lock" ] && fail "merge-results -o DEVICE made DEVICE.lock"
	"$PT" -q -m "$T/m.npz" --init --out "$T/null" "$EXP" >/dev/null; expect_status 0 $? "policy-train --out DEVICE"
	[ -c "$T/null" ] || fail "policy-train --out DEVICE replaced the device"
	"$PT" -q -m "$T/m.npz" --init --out "$T/cand.npz" "$EXP" >/dev/null
	"$MR" model -o "$T/null" "$T/cand.npz"; expect_status 0 $? "merge-results model -o DEVICE"
	[ -c "$T/null" ] || fail "merge-results model -o DEVICE replaced the device"
	ls "$T" | grep -q '^null\.tmp\.' && fail "a device left temporary files"
else
	echo "note: not root: the device case is skipped"
fi

# A FIFO: written straight through, to the reader at the other end.
mkfifo "$T/fifo"
timeout 20 cat "$T/fifo" >"$T/from-fifo" &
reader=$!
timeout 60 "$RA" -q -s "$T/fifo" "$T/y.SC2Replay" >/dev/null; expect_status 0 $? "-s FIFO"
wait "$reader"
[ -p "$T/fifo" ] || fail "-s FIFO replaced the FIFO"
$PY -c 'import json, sys; json.load(open(sys.argv[1]))["stats"]' "$T/from-fifo" ||
	fail "-s FIFO: the reader did not get the summary"

# "-" is standard output, not a file named "-".
(cd "$T" && "$RA" -q -o - "$T/y.SC2Replay" >"$T/stdout.jsonl"); expect_status 0 $? "-o -"
[ -e "$T/-" ] && fail "-o - made a file named -"
grep -q '"md5"' "$T/stdout.jsonl" || fail "-o -: no line on standard output"
rm -f "$T/-"

# A link: its target replaced, atomically; the link kept; one lock for both names.
echo '{}' >"$T/real.json"
ln -s real.json "$T/link.json"
"$RA" -q -s "$T/link.json" "$T/y.SC2Replay" >/dev/null; expect_status 0 $? "-s LINK"
[ -L "$T/link.json" ] || fail "-s LINK replaced the link"
grep -q '"stats"' "$T/real.json" || fail "-s LINK: the target was not written"
rm -f "$T/merged.json" "$T/merged.json.lock"
ln -s merged.json "$T/mlink.json"
"$MR" learned -o "$T/mlink.json" "$T/part.json"; expect_status 0 $? "merge-results -o LINK"
[ -L "$T/mlink.json" ] || fail "merge-results -o LINK replaced the link"
[ -f "$T/merged.json" ] || fail "merge-results -o LINK: the target was not written"
[ -e "$T/merged.json.lock" ] || fail "merge-results -o LINK: no lock beside the target"
[ -e "$T/mlink.json.lock" ] && fail "merge-results -o LINK: the lock is the link's, not the target's"
"$PT" -q -m "$T/base.npz" --init "$EXP" >/dev/null
ln -s cand.npz "$T/clink.npz"
"$PT" -q -m "$T/base.npz" --out "$T/clink.npz" "$EXP" >/dev/null; expect_status 0 $? "policy-train --out LINK"
[ -L "$T/clink.npz" ] && [ -f "$T/cand.npz" ] || fail "policy-train --out LINK: link or target lost"

# An output that names an input, or another output: 64, nothing written.
cp "$T/y.SC2Replay" "$T/y.copy"
"$RA" -q -o "$T/y.SC2Replay" "$T/y.SC2Replay" 2>"$T/err"; expect_status 64 $? "-o INPUT"
cmp -s "$T/y.SC2Replay" "$T/y.copy" || fail "-o INPUT overwrote the replay"
expect_grep "replay-analyze: .*y.SC2Replay: -o names an input" "$T/err" "-o INPUT message"
ln -s y.SC2Replay "$T/ylink"
"$RA" -q -s "$T/ylink" "$T/y.SC2Replay" 2>/dev/null; expect_status 64 $? "-s LINK-TO-INPUT"
cmp -s "$T/y.SC2Replay" "$T/y.copy" || fail "-s LINK-TO-INPUT overwrote the replay"
mkdir "$T/d"
cp "$R1" "$R2" "$T/d"
name=$(ls "$T/d" | head -n 1)
cp "$T/d/$name" "$T/d.copy"
"$RA" -q -o "$T/d/$name" "$T/d" 2>"$T/err"; expect_status 64 $? "-o a replay inside the input folder"
cmp -s "$T/d/$name" "$T/d.copy" || fail "-o a replay in the input folder overwrote it"
$PY -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").write(sys.argv[2], "r.SC2Replay")' "$T/pack.zip" "$R1"
cp "$T/pack.zip" "$T/pack.copy"
"$RA" -q -s "$T/pack.zip" "$T/pack.zip" 2>/dev/null; expect_status 64 $? "-s a zip pack being read"
cmp -s "$T/pack.zip" "$T/pack.copy" || fail "-s PACK overwrote the pack"
echo "$T/y.SC2Replay" | "$RA" -q -o "$T/y.SC2Replay" - 2>/dev/null; expect_status 64 $? "-o an input from the list on -"
rm -f "$T/same.json"
"$RA" -q -o "$T/same.json" -s "$T/same.json" "$T/y.SC2Replay" 2>"$T/err"; expect_status 64 $? "-o and -s one file"
expect_grep "-o and -s name one file" "$T/err" "-o and -s message"
[ -e "$T/same.json" ] && fail "-o and -s one file: something was written"
"$RA" -q -o "$T/same.json" -s "$T/d/../same.json" "$T/y.SC2Replay" 2>/dev/null; expect_status 64 $? "-o F -s D/../F"
"$MR" learned -o "$T/part.json" "$T/part.json" 2>"$T/err"; expect_status 64 $? "merge-results -o PART PART"
expect_grep "-o names an input" "$T/err" "merge-results -o PART message"
mkdir "$T/e"
cp "$EXP"/*.npz "$T/e"
exp1=$(ls "$T/e" | head -n 1)
cp "$T/e/$exp1" "$T/e.copy"
"$PT" -q -m "$T/base.npz" --out "$T/e/$exp1" "$T/e" 2>"$T/err"; expect_status 64 $? "policy-train --out an experience file"
cmp -s "$T/e/$exp1" "$T/e.copy" || fail "policy-train --out overwrote an experience file"
cp "$T/base.npz" "$T/base.copy"
"$PT" -q -m "$T/base.npz" --out "$T/c2.npz" --report "$T/base.npz" "$T/e" 2>/dev/null
expect_status 64 $? "policy-train --report MODEL"
cmp -s "$T/base.npz" "$T/base.copy" || fail "policy-train --report MODEL overwrote the model"
"$PT" -q -m "$T/base.npz" --out "$T/c3.npz" --report "$T/c3.npz" "$T/e" 2>/dev/null
expect_status 64 $? "policy-train --out and --report one file"
[ -e "$T/c3.npz" ] && fail "policy-train --out = --report: something was written"

# Inputs: only regular files, and no read blocks.
mkfifo "$T/d/b.SC2Replay"
timeout 60 "$RA" -q "$T/d" >"$T/d.jsonl" 2>"$T/err"; rc=$?
[ "$rc" = 124 ] && fail "a FIFO in the replay folder hung replay-analyze"
expect_status 65 $rc "a FIFO in the replay folder is named, not read"
expect_grep "b.SC2Replay: not a regular file (a FIFO)" "$T/err" "a FIFO in the folder is named"
$PY -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/d.jsonl" ||
	fail "a FIFO in the replay folder: a line is not whole JSON"
timeout 60 "$RA" -q "$T/d/b.SC2Replay" >/dev/null 2>"$T/err"; rc=$?
[ "$rc" = 124 ] && fail "a FIFO named on the command line hung replay-analyze"
expect_status 65 $rc "a FIFO named on the command line"
expect_grep "b.SC2Replay: not a regular file (a FIFO)" "$T/err" "FIFO message"

# -0: the list on - NUL-separated, names with newlines in them too.
nl="$T/new
line.SC2Replay"
cp "$R2" "$nl"
printf '%s\0' "$T/y.SC2Replay" "$nl" | "$RA" -q -0 - >"$T/null.jsonl"; expect_status 0 $? "-0 -"
[ "$(wc -l <"$T/null.jsonl")" = 2 ] || fail "-0 -: not one line per name"
printf '%s\0' "$T/y.SC2Replay" "$nl" | "$RA" -q --null - >/dev/null; expect_status 0 $? "--null -"

# merge-results: a folder as a part is said as such (66), not "Input/output error".
"$MR" learned -o "$T/m.json" "$T/d" 2>"$T/err"; expect_status 66 $? "merge-results learned FOLDER"
expect_grep "is a folder" "$T/err" "merge-results FOLDER message"
"$MR" model -o "$T/base.npz" "$T/e" 2>"$T/err"; expect_status 66 $? "merge-results model FOLDER"
expect_grep "is a folder" "$T/err" "merge-results model FOLDER message"
finish
