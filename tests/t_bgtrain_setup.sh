# t_bgtrain_setup - bad set-up is found at start-up, with one line and the right exit status
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
GATE="--cpu 100 --mem 100 --gpu-mem 100 --settle 0"
mkdir -p "$T/replays" "$T/exp" "$T/home"
cp "$(reference_list | head -n 1)" "$T/replays/a.SC2Replay"
touch -d "@1600000000" "$T/replays/a.SC2Replay"
: >"$T/file"

# expect_setup WANT WHAT PATTERN -- COMMAND...: the exit status, one message
# naming the problem, and never a statistics block saying all went well.
expect_setup() {
	want=$1 what=$2 pattern=$3
	shift 4
	timeout 30 "$@" >"$T/out" 2>"$T/err"
	expect_status "$want" $? "$what"
	expect_grep "$pattern" "$T/err" "$what: the message"
	[ "$(wc -l <"$T/err")" -eq 1 ] || { fail "$what: want one line on stderr, got:"; sed 's/^/    /' "$T/err"; }
	grep -q "Errors: 0" "$T/out" && fail "$what: reported success"
}

# A missing input folder: 66, for once, run and status, and through the cron wrapper.
for cmd in once run status; do
	expect_setup 66 "$cmd --replays /nonexistent" "^bgtrain: /nonexistent: No such file or directory" -- \
		"$BG" $cmd --replays /nonexistent --state "$T/s1" $GATE
done
expect_setup 66 "once --experience missing" "$T/nope: No such file" -- \
	"$BG" once --experience "$T/nope" --state "$T/s1" $GATE
expect_setup 66 "once --replays FILE" "$T/file: not a folder" -- \
	"$BG" once --replays "$T/file" --state "$T/s1" $GATE
BGTRAIN="$BG" bin/bgtrain-cron --replays /nonexistent --state "$T/scron" $GATE >"$T/out" 2>&1
expect_status 66 $? "bgtrain-cron --replays /nonexistent"
expect_grep "/nonexistent: No such file" "$T/scron/cron.log" "bgtrain-cron: the message, in its log"
expect_grep "^== exit 66$" "$T/scron/cron.log" "bgtrain-cron: the exit, in its log"

# A file given as the state folder says so (not "another bgtrain", 75).
expect_setup 73 "once --state FILE" "$T/file: not a folder" -- \
	"$BG" once --replays "$T/replays" --state "$T/file" $GATE
expect_setup 66 "status --state FILE" "$T/file: not a folder" -- \
	"$BG" status --state "$T/file"
expect_setup 73 "once --state in a missing folder" "cannot create the state folder" -- \
	"$BG" once --replays "$T/replays" --state "$T/no/such/state" $GATE

# First run as a fresh user: the default state folder is made, mode 0700.
HOME="$T/home" XDG_STATE_HOME= "$BG" once --replays "$T/replays" $GATE -q >"$T/out" 2>&1
expect_status 0 $? "first run with the default state folder"
[ "$(stat -c %a "$T/home/.local/state/bgtrain" 2>/dev/null)" = 700 ] ||
	fail "the default state folder is not made mode 0700"
grep -q "^Replays Analyzed: 1$" "$T/out" || fail "first run: the replay was not analysed"
XDG_STATE_HOME="$T/xdg" "$BG" once --replays "$T/replays" $GATE -q >/dev/null 2>&1
expect_status 0 $? "first run with XDG_STATE_HOME"
[ -f "$T/xdg/bgtrain/ledger.tsv" ] || fail "the state folder under XDG_STATE_HOME is not made"
: >"$T/home2"
expect_setup 73 "default state folder that cannot be made" "home2" -- \
	env HOME="$T/home2" XDG_STATE_HOME= "$BG" once --replays "$T/replays" $GATE

# ~ in a config file is the home folder.
printf 'replays = ~/r\nstate = ~/st\nmodel = ~/m.npz\n' >"$T/tilde.conf"
mkdir -p "$T/home/r"
cp "$T/replays/a.SC2Replay" "$T/home/r/"
HOME="$T/home" "$BG" once --config "$T/tilde.conf" $GATE -q >"$T/out" 2>&1
expect_status 0 $? "~ in a config file"
[ -f "$T/home/st/learned_build_orders.json" ] || fail "~ in a config file was not expanded"
[ -e "$PWD/~" ] && { fail "a folder named ~ was made"; rm -rf "$PWD/~"; }
HOME="$T/home" "$BG" status --config "$T/tilde.conf" --json >"$T/out" 2>&1
expect_status 0 $? "status with ~ in a config file"
expect_grep '"replays_done": 1' "$T/out" "status with ~ in a config file"

# The output paths: --model naming a folder, a missing folder for --learned.
expect_setup 64 "--model naming a folder" "$T/exp: a folder, not a file (--model)" -- \
	"$BG" once --experience "$T/exp" --model "$T/exp" --state "$T/s2" $GATE
expect_setup 73 "--learned in a missing folder" "$T/gone: No such file or directory (the folder of --learned)" -- \
	"$BG" once --replays "$T/replays" --learned "$T/gone/l.json" --state "$T/s2" $GATE
expect_setup 64 "--quarantine naming a file" "$T/file: not a folder (--quarantine)" -- \
	"$BG" once --replays "$T/replays" --quarantine "$T/file" --state "$T/s2" $GATE

# The programs: bgtrain alone, with none of the others beside it or on PATH.
mkdir -p "$T/alone"
cp "$BG" "$T/alone/"
expect_setup 69 "bgtrain without its programs" "replay-analyze: not found beside bgtrain" -- \
	env PATH=/usr/bin:/bin "$T/alone/bgtrain" once --replays "$T/replays" --state "$T/s3" $GATE
# ...but found on PATH.
PATH="$BIN:$PATH" "$T/alone/bgtrain" once --replays "$T/replays" --state "$T/s3" $GATE -q >"$T/out" 2>&1
expect_status 0 $? "bgtrain alone, the programs on PATH"
grep -q "^Replays Analyzed: 1$" "$T/out" || fail "bgtrain alone, the programs on PATH: nothing analysed"

# A full disk is found at start-up, not in empty stderr files (root: a tmpfs).
if [ "$(id -u)" = 0 ] && mkdir -p "$T/full" && mount -t tmpfs -o size=4m tmpfs "$T/full" 2>/dev/null; then
	trap 'umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT
	head -c 3900k /dev/zero >"$T/full/fill" 2>/dev/null
	expect_setup 74 "a full disk" "$T/full/s: no space left on the device" -- \
		"$BG" once --replays "$T/replays" --state "$T/full/s" $GATE
	umount "$T/full"
else
	echo "note: not root or no tmpfs mount: the full-disk case is not tested"
fi

# A job's stderr says what failed, with strerror: a program that goes away
# (policy-train: replay-analyze runs once at start-up, see below).
mkdir -p "$T/vanish"
cp "$BG" "$BIN/merge-results" "$BIN/replay-analyze" "$T/vanish/"
printf '#!%s/no-such-interpreter\n' "$T" >"$T/vanish/policy-train"
chmod +x "$T/vanish/policy-train"
cp "$SHARED/experience/good/"*.npz "$T/exp/"
"$T/vanish/bgtrain" once --experience "$T/exp" --state "$T/s4" $GATE -q >"$T/out" 2>&1
expect_status 65 $? "a job whose program cannot run"
expect_grep "see .*stderr" "$T/out" "the failed job points at its stderr"
cat "$T/s4"/work/job-*/stderr >"$T/jobs-err" 2>/dev/null
expect_grep "exec failed: No such file or directory" "$T/jobs-err" "the failed job's stderr says why"
rm -f "$T/exp/"*
# A replay-analyze that cannot run is found at start-up, where it judges the
# analysis settings on no replays (69), with its own words: not in every job.
rm -f "$T/vanish/policy-train"
mv "$T/vanish/replay-analyze" "$T/vanish/real-analyze"
printf '#!%s/no-such-interpreter\n' "$T" >"$T/vanish/replay-analyze"
chmod +x "$T/vanish/replay-analyze"
"$T/vanish/bgtrain" once --replays "$T/replays" --state "$T/s4b" $GATE -q >"$T/out" 2>"$T/err"
expect_status 69 $? "a replay-analyze that cannot run"
expect_grep "replay-analyze: cannot run: exec failed: No such file or directory" "$T/err" \
	"a replay-analyze that cannot run: its message"
expect_grep "replay-analyze did not run on no replays (status 127)" "$T/err" \
	"a replay-analyze that cannot run: the driver's line"
ls "$T/s4b/work" | grep -q job- && fail "a replay-analyze that cannot run: a job was started"

# bgtrain-cron: --help on standard output, not into a log; the lock and the
# log are the state folder's, so that two bots' cron lines never block each other.
XDG_STATE_HOME="$T/xdgc" BGTRAIN="$BG" bin/bgtrain-cron --help >"$T/out" 2>/dev/null
expect_status 0 $? "bgtrain-cron --help"
expect_grep "usage: bgtrain" "$T/out" "bgtrain-cron --help on standard output"
[ -e "$T/xdgc/bgtrain/cron.log" ] && fail "bgtrain-cron --help went into the log"
mkdir -p "$T/botA"
flock "$T/botA/cron.lock" sleep 4 &
holder=$!
sleep 0.5
BGTRAIN="$BG" XDG_STATE_HOME="$T/xdgc" bin/bgtrain-cron --replays "$T/replays" --state "$T/botB" $GATE -q
expect_status 0 $? "bgtrain-cron for a second bot"
expect_grep "^== exit 0$" "$T/botB/cron.log" "the second bot's run, in its own log"
BGTRAIN="$BG" XDG_STATE_HOME="$T/xdgc" bin/bgtrain-cron --replays "$T/replays" -s"$T/botA" $GATE -q
expect_status 0 $? "bgtrain-cron while the same bot's run goes on"
expect_grep "previous run is still going" "$T/botA/cron.log" "the same bot's lock"
printf 'state = %s\n' "$T/botC" >"$T/cron.conf"
BGTRAIN="$BG" XDG_STATE_HOME="$T/xdgc" bin/bgtrain-cron --config "$T/cron.conf" --replays "$T/replays" $GATE -q
expect_status 0 $? "bgtrain-cron with the state folder in a config file"
expect_grep "^== exit 0$" "$T/botC/cron.log" "the config file's state folder holds the log"
[ -e "$T/xdgc/bgtrain/cron.lock" ] && fail "bgtrain-cron locked the default state folder"
wait "$holder"
BGTRAIN="$BG" bin/bgtrain-cron --replays "$T/replays" --state "$T/file" $GATE -q 2>"$T/err"
expect_status 73 $? "bgtrain-cron with a file as the state folder"
expect_grep "$T/file: cannot create the state folder" "$T/err" "bgtrain-cron: the state folder named"
# A job that fails without a word: the driver says its stderr is empty; an
# I/O error (74: a full disk leaves it no room to say so) also stops the run
# with 74, saying how much room the state folder has. mute STATUS: such a
# replay-analyze; the start-up run on no replays ("-" last) is the real one.
mkdir -p "$T/mute"
cp "$BG" "$BIN/merge-results" "$T/mute/"
mute() {
	printf '#!/bin/sh\nfor a; do last=$a; done\n[ "$last" = - ] && exec "%s" "$@"\nexit %s\n' \
		"$BIN/replay-analyze" "$1" >"$T/mute/replay-analyze"
}
mute 70
chmod +x "$T/mute/replay-analyze"
"$T/mute/bgtrain" once --replays "$T/replays" --state "$T/s6" $GATE -q >"$T/out" 2>&1
expect_status 65 $? "a job that fails without a word"
expect_grep "failed with status 70; see .*stderr (empty" "$T/out" "a failed job's empty stderr is said"
mute 74
"$T/mute/bgtrain" once --replays "$T/replays" --state "$T/s7" $GATE -q >"$T/out" 2>"$T/err"
expect_status 74 $? "a job that cannot write, without a word"
[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "could not write (exit 74): .*stderr said nothing; .*s7 has [0-9]* KiB free" "$T/err" ||
	{ fail "a job that cannot write, without a word: want one line saying the room left:"; sed 's/^/    /' "$T/err"; }

# A folder that vanishes while run runs is said once a minute, not every second.
mkdir -p "$T/brief"
"$BG" run --replays "$T/brief" --state "$T/s5" $GATE -q >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
rmdir "$T/brief"
sleep 4
kill -TERM "$pid"; wait "$pid"
expect_status 143 $? "run after its folder vanished"
[ "$(grep -c "brief: No such file or directory" "$T/err")" -eq 1 ] ||
	{ fail "a vanished folder: want one message in 4 seconds, got:"; sed 's/^/    /' "$T/err"; }
finish
