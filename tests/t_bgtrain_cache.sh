# t_bgtrain_cache - a file is read once in its life: STATE/hashes.cache
# knows the content hash of every file by its device, inode, size and times,
# so a second `once` over done replays and games opens none of them
# (strace); a file that changes is read again; a damaged cache is not
# trusted (said, every file hashed again, nothing done twice) and replaced.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
command -v strace >/dev/null || { fail "no strace (sh bin/install-deps)"; finish; }
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

mkdir -p "$T/r" "$T/e"
reference_list | while IFS= read -r p; do
	cp "$p" "$T/r/$(printf %s "${p#$REPLAYS/}" | tr '/ ' '__')"
done
cp "$SHARED"/experience/good/*.npz "$T/e/"
nr=$(ls "$T/r" | wc -l)
ne=$(ls "$T/e" | wc -l)
GATE="--cpu 100 --mem 100 --gpu-mem 100 -q"
run_once() {
	"$BG" once --replays "$T/r" --experience "$T/e" --state "$T/s" $GATE >"$T/out" 2>"$T/err"
}
# opened_inputs: how many of the inputs the last traced run opened.
# (LeakSanitizer cannot run under ptrace: the ASan pass checks leaks elsewhere.)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
traced_once() {
	strace -f -qq -e trace=open,openat -o "$T/trace" \
		"$BG" once --replays "$T/r" --experience "$T/e" --state "$T/s" $GATE \
		>"$T/out" 2>"$T/err"
}
opened_inputs() {
	grep -v ENOENT "$T/trace" | grep -E -c "\"$T/(r|e)/[^\"]+\.(SC2Replay|npz)\""
}
episodes() {
	$PY -c 'import numpy, sys; print(int(numpy.load(sys.argv[1])["episode_count"][0]))' \
		"$T/s/rl_agent_model.npz"
}

run_once
expect_status 0 $? "the first once"
[ -f "$T/s/hashes.cache" ] || fail "no STATE/hashes.cache after a run"
ls "$T/s" | grep -q '\.tmp\.' && fail "temporary files left in the state folder"
ep=$(episodes)

# Everything done: the second run opens no input at all.
traced_once
expect_status 0 $? "the second once"
[ "$(opened_inputs)" = 0 ] ||
	{ fail "the second once opened $(opened_inputs) done inputs"; grep -E "/(r|e)/" "$T/trace" | head -n 5; }
expect_grep "Models Trained: 0" "$T/out" "nothing trained again"

# One replay rewritten with other bytes, one game touched (same bytes, new
# time): those two are read again, and only they; the game is known by
# content and trains nothing.
first=$(ls "$T/r" | head -n 1)
second=$(ls "$T/r" | sed -n 2p)
cp "$T/r/$second" "$T/r/$first"
touch "$T/e/$(ls "$T/e" | head -n 1)"
sleep 1
traced_once
[ "$(opened_inputs)" = 2 ] ||
	{ fail "after two changes, $(opened_inputs) inputs were read (want 2)"; grep -E "/(r|e)/" "$T/trace" | head; }
[ "$(episodes)" = "$ep" ] || fail "a touched game was trained again: episodes $(episodes), was $ep"

# A damaged cache is not trusted: said once, every input hashed again (read),
# nothing done twice, and a good cache written in its place.
$PY - "$T/s/hashes.cache" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)
PY
traced_once
expect_status 0 $? "once with a damaged cache"
expect_grep "hashes.cache: damaged, not used" "$T/err" "the damaged cache said"
[ "$(opened_inputs)" = $((nr + ne)) ] ||
	fail "with a damaged cache, $(opened_inputs) of $((nr + ne)) inputs were hashed again"
[ "$(episodes)" = "$ep" ] || fail "a damaged cache trained games again"
traced_once
[ "$(opened_inputs)" = 0 ] || fail "the rebuilt cache is not used: $(opened_inputs) inputs opened"
[ -s "$T/err" ] && { fail "the rebuilt cache: stderr not empty"; cat "$T/err"; }

# Cut short, or not ours at all: the same.
head -c 100 "$T/s/hashes.cache" >"$T/cut" && mv "$T/cut" "$T/s/hashes.cache"
run_once
expect_grep "damaged, not used" "$T/err" "a cut cache said"
printf 'BGTHASH\001not ours' >"$T/s/hashes.cache"
run_once
expect_grep "damaged, not used" "$T/err" "a foreign cache said"
traced_once
[ "$(opened_inputs)" = 0 ] || fail "after a foreign cache, the new one is not used"

# A rename moves the change time (ext4 and most do), a copy is a new inode:
# both are read again, and found done by their content.
mv "$T/r/$second" "$T/r/renamed.SC2Replay"
cp "$T/r/renamed.SC2Replay" "$T/r/copy.SC2Replay"
sleep 1
traced_once
[ "$(opened_inputs)" = 2 ] ||
	{ fail "a rename and a copy: $(opened_inputs) read (want 2)"; grep -E "/(r|e)/" "$T/trace"; }
expect_grep "Replays Analyzed: 0" "$T/out" "a renamed replay and its copy analysed again"

# status uses the cache and never writes it.
before=$(md5sum <"$T/s/hashes.cache")
strace -f -qq -e trace=open,openat -o "$T/trace" \
	"$BG" status --replays "$T/r" --experience "$T/e" --state "$T/s" >/dev/null
[ "$(opened_inputs)" = 0 ] || fail "status opened $(opened_inputs) inputs"
[ "$(md5sum <"$T/s/hashes.cache")" = "$before" ] || fail "status changed the cache"
finish
