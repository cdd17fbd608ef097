# t_skip_known - replay-analyze --skip-known: a growing archive analysed again
# and merged, each replay counted once
. tests/lib.sh
need_shared
merge_setup		# $T/whole.json: the summary of every shared replay

# Part of the archive is learned; then the whole archive is analysed again
# with --skip-known. The new summary holds only the replays the learned file
# lacks, so it merges without the partial-overlap refusal, and the result is
# the summary of the whole archive: byte for byte, apart from generated_at.
without_time() {	# without_time FILE: its bytes, generated_at's value blanked
	sed 's/"generated_at": "[^"]*"/"generated_at": ""/' "$1"
}
same_bytes() {		# same_bytes A B WHAT
	without_time "$1" >"$T/a.cmp"; without_time "$2" >"$T/b.cmp"
	cmp -s "$T/a.cmp" "$T/b.cmp" || fail "$3: not byte-identical to the whole"
}
for seed in 21 22; do
	random_split "$T/list" "$T/split" "$seed" 2
	"$RA" -s "$T/learned.json" --race any - <"$T/split.0" >/dev/null
	cp "$T/learned.json" "$T/first.json"
	# Without --skip-known the whole archive overlaps the learned file in part.
	"$RA" -s "$T/again.json" --race any - <"$T/list" >/dev/null
	"$MR" learned -o "$T/learned.json" "$T/again.json" 2>"$T/err"
	expect_status 65 $? "seed $seed: merging the whole archive without --skip-known"
	"$RA" -s "$T/new.json" -o "$T/new.jsonl" --race any --skip-known "$T/learned.json" \
		- <"$T/list" 2>"$T/err"
	expect_status 0 $? "seed $seed: --skip-known"
	[ -s "$T/err" ] && fail "seed $seed: --skip-known said: $(cat "$T/err")"
	$PY - "$T/new.jsonl" "$T/list" "$T/split.0" "$T/learned.json" "$T/new.json" <<'PY' ||
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
paths = open(sys.argv[2]).read().splitlines()
known = set(open(sys.argv[3]).read().splitlines())
learned = json.load(open(sys.argv[4]))["merge_state"]["replays"]
new = json.load(open(sys.argv[5]))["merge_state"]
# Every replay still has its line, in input order.
assert [l["file"] for l in lines] == paths
for l in lines:
    if l["file"] in known:
        assert l == {"file": l["file"], "md5": l["md5"], "skipped": "known"}, l
        assert l["md5"] in learned
    else:
        assert "skipped" not in l and "players" in l, l["file"]
        assert l["md5"] not in learned
# The summary holds exactly the replays the learned file lacks.
assert sorted(new["replays"]) == sorted(l["md5"] for l in lines if "skipped" not in l)
# ...and counts those of the default kind of game (1v1).
assert new["total_replays"] == sum(1 for l in lines
    if "skipped" not in l and l.get("game_type") == "1v1")
PY
		fail "seed $seed: lines or summary of --skip-known"
	"$MR" learned -o "$T/learned.json" "$T/new.json"
	expect_status 0 $? "seed $seed: merging the --skip-known summary"
	same_bytes "$T/learned.json" "$T/whole.json" "seed $seed: learned + new"
	# The other order, and both at once into a new file, give the same.
	cp "$T/new.json" "$T/other.json"
	"$MR" learned -o "$T/other.json" "$T/first.json" || fail "seed $seed: new + learned"
	same_bytes "$T/other.json" "$T/whole.json" "seed $seed: new + learned"
	rm -f "$T/both.json"
	"$MR" learned -o "$T/both.json" "$T/new.json" "$T/first.json" || fail "seed $seed: both"
	same_bytes "$T/both.json" "$T/whole.json" "seed $seed: both at once"
done

# Everything known: every line says so, the summary counts nothing, and
# merging it changes nothing.
"$RA" -s "$T/none.json" -o "$T/none.jsonl" --race any --skip-known "$T/learned.json" - <"$T/list"
expect_status 0 $? "--skip-known with every replay known"
[ "$(grep -c '"skipped": "known"' "$T/none.jsonl")" -eq "$(wc -l <"$T/list")" ] ||
	fail "every replay known: not every line says skipped"
$PY -c 'import json, sys; s = json.load(open(sys.argv[1])); sys.exit(s["stats"]["total_replays"] != 0 or s["merge_state"]["replays"] != [])' \
	"$T/none.json" || fail "every replay known: the summary counts some"
cp "$T/learned.json" "$T/before.json"
"$MR" learned -o "$T/learned.json" "$T/none.json" 2>/dev/null; expect_status 0 $? "merging an empty summary"
cmp -s "$T/learned.json" "$T/before.json" || fail "merging an empty summary changed the file"

# A learned file that cannot be used stops the run before anything is
# written, with one line naming it.
one=$(head -n 1 "$T/list")
refused() {	# refused STATUS LEARNED WHAT PATTERN
	rm -f "$T/out.jsonl" "$T/s.json"
	"$RA" -o "$T/out.jsonl" -s "$T/s.json" --skip-known "$2" "$one" 2>"$T/err"
	expect_status "$1" $? "--skip-known $3"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "--skip-known $3: want one line, got: $(cat "$T/err")"
	expect_grep "^replay-analyze: $2: --skip-known: $4" "$T/err" "--skip-known $3: message"
	[ -e "$T/out.jsonl" ] || [ -e "$T/s.json" ] && fail "--skip-known $3: something was written"
}
refused 66 "$T/missing.json" "missing" "No such file"
mkdir "$T/folder.json"
refused 66 "$T/folder.json" "a folder" "is a folder"
echo '{"learned_parameters": ' >"$T/cut.json"
refused 65 "$T/cut.json" "not JSON" "not JSON"
$PY - "$T/whole.json" "$T/old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("merge_state")
json.dump(d, open(sys.argv[2], "w"))
PY
refused 65 "$T/old.json" "the old tool's file" "no merge_state"
# One its user cannot read (root reads anything: run as nobody).
if [ "$(id -u)" -ne 0 ]; then
	as_user() { "$@"; }
elif command -v setpriv >/dev/null; then
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	echo "note: no setpriv: the unreadable learned file is not tried"
fi
if command -v as_user >/dev/null; then
	chmod 755 "$T"; mkdir "$T/u"
	cp "$one" "$T/u/one.SC2Replay"; cp "$T/whole.json" "$T/u/locked.json"
	chmod 000 "$T/u/locked.json"
	[ "$(id -u)" -eq 0 ] && chown -R 65534 "$T/u"
	as_user "$RA" -s "$T/u/s.json" --skip-known "$T/u/locked.json" "$T/u/one.SC2Replay" \
		>"$T/u/out" 2>"$T/err"
	expect_status 66 $? "--skip-known unreadable"
	expect_grep "^replay-analyze: $T/u/locked.json: --skip-known: Permission denied" "$T/err" \
		"--skip-known unreadable: message"
	[ -s "$T/u/out" ] || [ -e "$T/u/s.json" ] && fail "--skip-known unreadable: something was written"
fi
# -s over the learned file would replace it with the new replays alone.
cp "$T/whole.json" "$T/same.json"
"$RA" -s "$T/same.json" --skip-known "$T/same.json" "$one" >/dev/null 2>"$T/err"
expect_status 64 $? "-s naming the --skip-known file"
cmp -s "$T/same.json" "$T/whole.json" || fail "-s over --skip-known's file changed it"
finish
