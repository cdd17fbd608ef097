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
for opt in "--race elves" "--min-seconds soon" "--max-seconds -1" "--min-seconds 600 --max-seconds 300"; do
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
# A pack that is no zip, and a zip inside a zip (not read in place): each
# its line on stderr and its error line, the inner one named
# OUTER.zip/INNER.zip; the other replays are read; exit 65.
mkdir "$T/packs"
echo "not a zip" >"$T/packs/broken.zip"
$PY - "$T/packs/outer.zip" "$T/five" <<'PY'
import io, sys, zipfile
paths = [p for p in open(sys.argv[2]).read().split("\n") if p]
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.write(paths[0], "a.SC2Replay")
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("more/inner.zip", inner.getvalue())
    z.write(paths[1], "b.SC2Replay")
PY
"$RA" "$T/packs" >"$T/out" 2>"$T/err"; expect_status 65 $? "a broken pack and a nested one"
$PY - "$T/out" "$T/packs" <<'PY' || fail "a broken pack and a nested one: lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
d = sys.argv[2]
assert [l["file"] for l in lines] == [d + "/broken.zip", d + "/outer.zip/b.SC2Replay",
                                      d + "/outer.zip/more/inner.zip"], lines
assert lines[0] == {"file": d + "/broken.zip", "error": "cannot read zip archive: Not a zip archive"}
assert "players" in lines[1]
assert set(lines[2]) == {"file", "error"} and "zip inside a zip" in lines[2]["error"]
PY
[ "$(wc -l <"$T/err")" -eq 2 ] || fail "a broken pack and a nested one: want 2 lines on stderr"
expect_grep "^replay-analyze: $T/packs/broken.zip: cannot read zip archive" "$T/err" "broken pack message"
expect_grep "^replay-analyze: $T/packs/outer.zip/more/inner.zip: a zip inside a zip" "$T/err" \
	"nested pack message"

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
	# The password out of ps's sight: the first line of --password-file
	# (\n or \r\n ends it), or $REPLAY_ZIP_PASSWORD; the command line wins
	# over the file, the file over the environment.
	printf 'secret\nnot this\n' >"$T/pass"; printf 'secret\r\n' >"$T/pass.crlf"
	printf 'wrong\n' >"$T/pass.wrong"; printf 'secret' >"$T/pass.bare"
	opens() {	# opens yes|no WHAT [VAR=VALUE] ARGS...: the good entry opened?
		want=$1 what=$2; shift 2
		env "$@" "$T/locked.zip" >"$T/out" 2>"$T/err"
		expect_status 65 $? "$what (one entry truncated)"
		got=no; grep -q '"players"' "$T/out" && got=yes
		[ "$got" = "$want" ] || fail "$what: the good entry opened: $got, want $want"
	}
	opens yes "--password-file" "$RA" --password-file "$T/pass"
	opens yes "--password-file, CRLF" "$RA" --password-file "$T/pass.crlf"
	opens yes "--password-file, no newline" "$RA" --password-file "$T/pass.bare"
	opens yes "REPLAY_ZIP_PASSWORD" REPLAY_ZIP_PASSWORD=secret "$RA"
	opens no "REPLAY_ZIP_PASSWORD empty" REPLAY_ZIP_PASSWORD= "$RA"
	expect_grep "give --password" "$T/err" "an empty REPLAY_ZIP_PASSWORD is none"
	opens yes "--password over --password-file" "$RA" --password secret --password-file "$T/pass.wrong"
	opens no "--password over the environment" REPLAY_ZIP_PASSWORD=secret "$RA" --password wrong
	opens yes "--password-file over the environment" REPLAY_ZIP_PASSWORD=wrong "$RA" --password-file "$T/pass"
	opens no "--password-file over the environment (wrong)" REPLAY_ZIP_PASSWORD=secret "$RA" --password-file "$T/pass.wrong"
	# A password file that cannot give one: one line, nothing read.
	: >"$T/pass.empty"; printf '\nsecret\n' >"$T/pass.blank"
	head -c 5000 /dev/zero | tr '\0' x >"$T/pass.big"
	for bad in "66 $T/pass.none No such file" "65 $T/pass.empty the first line is empty" \
	    "65 $T/pass.blank the first line is empty" "65 $T/pass.big larger than 4 KiB" "66 $T Is a directory"; do
		set -- $bad; want=$1 file=$2; shift 2
		"$RA" --password-file "$file" "$T/locked.zip" >"$T/out" 2>"$T/err"
		expect_status "$want" $? "--password-file $file"
		[ -s "$T/out" ] && fail "--password-file $file: replays were read"
		expect_grep "^replay-analyze: $file: $*" "$T/err" "--password-file $file: message"
	done
	"$RA" -o "$T/pass" --password-file "$T/pass" "$T/locked.zip" 2>/dev/null
	expect_status 64 $? "-o naming the password file"
	grep -q '^secret$' "$T/pass" || fail "-o over the password file changed it"
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
