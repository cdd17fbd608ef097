# t_cli - replay-analyze's interface: inputs, zips, exit codes, output, progress;
# and the options bgtrain and res-gate share: config files, the gate's table
. tests/lib.sh
BG=$BIN/bgtrain

# bgtrain's --config is parsed by getopt like any option, so its
# abbreviations are read too, and the command line overrides the file
# whatever their order. status on a missing state folder names the folder
# it was given (66), which shows where the setting came from.
printf 'state = %s\n' "$T/from-conf" >"$T/bg.conf"
"$BG" status --conf "$T/bg.conf" 2>"$T/err"; expect_status 66 $? "bgtrain status --conf FILE"
expect_grep "$T/from-conf/ledger.tsv" "$T/err" "--conf FILE is read"
"$BG" status --conf="$T/bg.conf" 2>"$T/err"; expect_status 66 $? "bgtrain status --conf=FILE"
expect_grep "$T/from-conf/ledger.tsv" "$T/err" "--conf=FILE is read"
"$BG" --state "$T/from-cli" status --conf "$T/bg.conf" 2>"$T/err"
expect_status 66 $? "--state before --conf"
expect_grep "$T/from-cli/ledger.tsv" "$T/err" "the command line overrides the file before it"
"$BG" status --config "$T/bg.conf" -s "$T/from-cli" 2>"$T/err"
expect_grep "$T/from-cli/ledger.tsv" "$T/err" "the command line overrides the file after it"
for bad in 'no-such-key = 1' 'config = /dev/null' 'help = 1' 'jobs = many' 'priority = soon'; do
	printf '%s\n' "$bad" >"$T/bad.conf"
	"$BG" status --conf "$T/bad.conf" --state "$T/from-cli" 2>"$T/err"
	expect_status 64 $? "bgtrain --conf with '$bad'"
	expect_grep "bad.conf:1" "$T/err" "'$bad': the message names the line"
done

# The gate's thresholds are one table: res-gate, bgtrain's command line and
# its config file take the same values and refuse the same, in the same words.
for bad in "load 101" "cpu 101" "mem -1" "far off" "gpu-util x" "gpu-mem 100.5"; do
	"$BIN/res-gate" --$bad 2>"$T/err.rg"; expect_status 64 $? "res-gate --$bad"
	"$BG" status --state "$T/none" --$bad 2>"$T/err.bg"; expect_status 64 $? "bgtrain --$bad"
	sed 's/^res-gate: //' "$T/err.rg" >"$T/msg.rg"
	sed 's/^bgtrain: //' "$T/err.bg" >"$T/msg.bg"
	cmp -s "$T/msg.rg" "$T/msg.bg" || fail "--$bad: res-gate and bgtrain say different things"
	echo "$bad" | sed 's/ / = /' >"$T/gate.conf"
	"$BG" status --state "$T/none" --config "$T/gate.conf" 2>/dev/null
	expect_status 64 $? "bgtrain config '$bad'"
done
for good in "load 100" "cpu off" "far 0" "gpu-util 0" "load off"; do
	"$BIN/res-gate" --interval 0 --$good >/dev/null 2>&1
	[ $? -le 2 ] || fail "res-gate --$good was refused"
	"$BG" status --state "$T/none" --$good 2>/dev/null; expect_status 66 $? "bgtrain --$good"
	echo "$good" | sed 's/ / = /' >"$T/gate.conf"
	"$BG" status --state "$T/none" --config "$T/gate.conf" 2>/dev/null
	expect_status 66 $? "bgtrain config '$good'"
done

# Every program's options are one table: a bad value is a usage error
# (64) that names its option, said before any file is looked at.
# bad_value PROGRAM ARGS...: $opt is the option and its bad value.
bad_value() {
	prog=$1; shift
	"$BIN/$prog" "$@" 2>"$T/err" >/dev/null; expect_status 64 $? "$prog $*"
	expect_grep "^$prog: ${opt%% *}: " "$T/err" "$prog $*: the message names ${opt%% *}"
}
for opt in "--gamma 1.5" "--hidden 64,0" "--hidden 1,2,3,4,5,6,7,8" "--seed -1" \
    "--optimizer rmsprop" "--epochs 0" "--batch-episodes 1.5"; do
	bad_value policy-train -m "$T/none.npz" $opt "$T/none"
done
for opt in "--alpha 2" "--alpha x"; do
	bad_value merge-results learned -o "$T/none.json" $opt "$T/none"
done
for opt in "--race elves" "--min-seconds soon" "--max-seconds -1"; do
	bad_value replay-analyze $opt "$T/none"
done
"$BIN/policy-train" -m "$T/none.npz" --seed 9223372036854775807 "$T/none" 2>/dev/null
expect_status 66 $? "policy-train --seed INT64_MAX is taken"
# Whole numbers are read exactly, never through a double (which holds 2^63-1
# as 2^63): one past the limit, the doubles that round to it, 2^64 and more,
# and what strtoull alone would take (a sign, spaces, hex) are each one line, 64.
for s in 9223372036854775808 9223372036854776831 9223372036854776832 \
    18446744073709551615 18446744073709551616 99999999999999999999999 \
    -1 +1 " 1" 0x10 1e3 ""; do
	"$BIN/policy-train" -m "$T/none.npz" --seed "$s" "$T/none" 2>"$T/err" >/dev/null
	expect_status 64 $? "policy-train --seed '$s'"
	[ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^policy-train: --seed: .* not '$s'\$" "$T/err" ||
		fail "policy-train --seed '$s': one line naming the value, not: $(cat "$T/err")"
done
"$BIN/policy-train" -m "$T/none.npz" --seed 9223372036854775806 "$T/none" 2>/dev/null
expect_status 66 $? "policy-train --seed INT64_MAX-1 is taken"
"$BIN/policy-train" -m "$T/none.npz" --hidden 1048577 "$T/none" 2>/dev/null >&2
expect_status 64 $? "policy-train --hidden one past its limit"

need_shared
RA=$BIN/replay-analyze
reference_list | head -n 5 >"$T/five"

# Usage errors are 64; --help and --version are 0 and say what they are.
"$RA" >/dev/null 2>&1; expect_status 64 $? "no arguments"
"$RA" --no-such-option x >/dev/null 2>&1; expect_status 64 $? "unknown option"
"$RA" --race elves x >/dev/null 2>&1; expect_status 64 $? "bad --race"
"$RA" --min-seconds soon x >/dev/null 2>&1; expect_status 64 $? "bad --min-seconds"
# A missing input is 66, named on stderr, and the others are still read.
"$RA" "$T/nope.SC2Replay" $(head -n 1 "$T/five") >"$T/out" 2>"$T/err"
expect_status 66 $? "missing input"
expect_grep "^replay-analyze: $T/nope.SC2Replay: No such file" "$T/err" "missing input message"
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "missing input: the other replay was not read"

# Output that cannot be written is 74, and nothing is left behind.
"$RA" -o "$T/no/such/dir/out.jsonl" - <"$T/five" 2>"$T/err"
expect_status 74 $? "unwritable -o"
expect_grep "^replay-analyze: $T/no/such/dir/out.jsonl: " "$T/err" "unwritable -o message"
if [ -w /dev/full ]; then
	"$RA" - <"$T/five" >/dev/full 2>"$T/err"
	expect_status 74 $? "stdout on a full disk"
fi

# -o replaces the file atomically with what stdout would have shown.
"$RA" - <"$T/five" >"$T/stdout.jsonl"
echo old >"$T/out.jsonl"
"$RA" -o "$T/out.jsonl" - <"$T/five"; expect_status 0 $? "-o"
cmp -s "$T/stdout.jsonl" "$T/out.jsonl" || fail "-o differs from stdout"
ls "$T" | grep -q '\.tmp\.' && fail "-o left a temporary file"

# A bad file among good ones: its own error line, the rest go on, exit 65.
head -c 3000 "$(head -n 1 "$T/five")" >"$T/cut.SC2Replay"
"$RA" "$T/cut.SC2Replay" - <"$T/five" >"$T/out" 2>"$T/err"
expect_status 65 $? "truncated replay"
[ "$(wc -l <"$T/out")" -eq 6 ] || fail "truncated replay: want 6 lines"
expect_grep "\"error\"" "$T/out" "error line"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "truncated replay: want one stderr line"
expect_grep "^replay-analyze: $T/cut.SC2Replay: " "$T/err" "truncated replay message"

# Zip packs are read in place; their lines equal the loose files' lines.
mkdir "$T/pack"
$PY - "$T/pack/pack.zip" "$T/five" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i, p in enumerate(open(sys.argv[2]).read().split("\n")):
        if p:
            z.write(p, "games/%d.SC2Replay" % i)
    z.writestr("readme.txt", "not a replay")
PY
"$RA" "$T/pack" >"$T/zip.jsonl"; expect_status 0 $? "zip in a folder"
$PY - "$T/zip.jsonl" "$T/stdout.jsonl" "$T/pack/pack.zip" <<'PY' || fail "zip lines differ from loose files"
import json, sys
z = [json.loads(l) for l in open(sys.argv[1])]
f = [json.loads(l) for l in open(sys.argv[2])]
assert [r["file"] for r in z] == ["%s/games/%d.SC2Replay" % (sys.argv[3], i) for i in range(5)]
for a, b in zip(z, f):
    a.pop("file"); b.pop("file")
    assert a == b
PY
if command -v zip >/dev/null; then
	(cd "$T" && zip -q -P secret locked.zip cut.SC2Replay)
	cp "$(head -n 1 "$T/five")" "$T/one.SC2Replay"
	(cd "$T" && zip -q -P secret locked.zip one.SC2Replay)
	"$RA" "$T/locked.zip" >"$T/out" 2>"$T/err"
	expect_status 65 $? "encrypted zip without password"
	expect_grep "encrypted zip entry: give --password" "$T/err" "encrypted zip message"
	"$RA" --password secret "$T/locked.zip" >"$T/out" 2>"$T/err"
	expect_status 65 $? "encrypted zip with password (one entry truncated)"
	[ "$(grep -c '"players"' "$T/out")" -eq 1 ] || fail "password did not open the good entry"
	"$RA" --password wrong "$T/locked.zip" >"$T/out" 2>"$T/err"
	expect_grep "wrong password" "$T/err" "wrong password message"
else
	fail "zip(1) is missing: make deps installs it"
fi

# --root makes file fields relative; paths outside it stay as given.
"$RA" --root "$REPLAYS/" "$(head -n 1 "$T/five")" "$T/one.SC2Replay" >"$T/out"
expect_grep "\"file\": \"$(head -n 1 "$T/five" | sed "s|^$REPLAYS/||")\"" "$T/out" "--root"
expect_grep "\"file\": \"$T/one.SC2Replay\"" "$T/out" "--root outside"

# Progress: on a terminal it is drawn on stderr, in a pipe it is not.
if command -v script >/dev/null; then
	script -qec "$RA - <$T/five >/dev/null" /dev/null </dev/null >"$T/tty" 2>&1
	expect_grep "5/5 replays" "$T/tty" "progress on a terminal"
	script -qec "$RA --quiet - <$T/five >/dev/null" /dev/null </dev/null >"$T/tty" 2>&1
	grep -q "replays" "$T/tty" && fail "--quiet still draws progress"
fi
"$RA" - <"$T/five" 2>"$T/err" >/dev/null
[ -s "$T/err" ] && fail "progress drawn into a pipe"

# An unknown option, or one without its argument: getopt's line, then one
# line pointing at --help (not the whole help, which buries the first), 64.
# --help still prints the whole help, on stdout.
for pa in "replay-analyze -o" "policy-train -m" "merge-results -o" "res-gate --cpu" "bgtrain --state"; do
	prog=${pa%% *} opt=${pa#* }
	for bad in --bogus "$opt"; do
		"$BIN/$prog" $bad >"$T/out" 2>"$T/err"; expect_status 64 $? "$prog $bad"
		[ -s "$T/out" ] && fail "$prog $bad: wrote to stdout"
		[ "$(wc -l <"$T/err")" -eq 2 ] || fail "$prog $bad: want 2 lines on stderr, got: $(cat "$T/err")"
		[ "$(sed -n 2p "$T/err")" = "Try '$prog --help' for more information." ] ||
			fail "$prog $bad: no 'Try' line: $(cat "$T/err")"
	done
	"$BIN/$prog" --bogus 2>"$T/err" >/dev/null
	expect_grep "unrecognized option '--bogus'" "$T/err" "$prog --bogus: getopt names the option"
	"$BIN/$prog" --help >"$T/out" 2>"$T/err"; expect_status 0 $? "$prog --help"
	[ "$(wc -l <"$T/out")" -gt 5 ] && grep -q "^usage: $prog" "$T/out" ||
		fail "$prog --help: the whole help on stdout"
done
finish
