# t_tfevents - TensorBoard event files as TensorBoard reads them: the CRC-32C
# against its published check value, and files written by lib/history
# decoded by an independent reader (tb_decode: protoc over TensorBoard's own
# field numbers, both CRCs checked); a torn last record is cut off and the
# file appended to, never given a second header.
. tests/lib.sh
MK=$BGTRAIN_TESTS/mktfevents

# crc32c("123456789") = 0xE3069283 (RFC 3720 B.4); the masked value by Python.
set -- $("$MK" --crc 123456789)
[ "$1" = e3069283 ] || fail "crc32c(123456789) = $1, want e3069283"
want=$($PY -c 'c=0xE3069283; print("%08x" % ((((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF))')
[ "$2" = "$want" ] || fail "masked crc32c = $2, want $want"
set -- $("$MK" --crc "")
[ "$1" = 00000000 ] || fail "crc32c of nothing = $1, want 00000000"

D=$T/tb
f=$("$MK" "$D" 1700000000.25 7 train/mean_return=0.5 train/loss=-1.25) || fail "mktfevents"
"$MK" "$D" 1700000001.5 9 system/cpu=42.5 >/dev/null || fail "mktfevents again"
case $(basename "$f") in events.out.tfevents.*) ;; *) fail "$f: not an events.out.tfevents.* name";; esac
[ "$(ls "$D" | wc -l)" = 1 ] || fail "a second run started a second file: $(ls "$D")"
tb_decode "$T/ev.jsonl" "$D"/* || fail "the events do not decode"
$PY - "$T/ev.jsonl" <<'PY' || fail "decoded events are wrong"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert len(ev) == 3, ev
assert ev[0]["file_version"] == "brain.Event:2" and ev[0]["wall_time"] == 1700000000.25, ev[0]
assert ev[1]["step"] == 7 and ev[1]["wall_time"] == 1700000000.25, ev[1]
assert ev[1]["values"] == {"train/mean_return": 0.5, "train/loss": -1.25}, ev[1]
assert ev[2]["step"] == 9 and ev[2]["values"] == {"system/cpu": 42.5}, ev[2]
PY

# A torn last record (a full disk, a crash) is cut off before the next append.
printf '\001\002\003' >>"$f"
"$MK" "$D" 1700000002 10 train/win_rate=0.25 >/dev/null || fail "append after a torn record"
tb_decode "$T/ev2.jsonl" "$D"/* || fail "the events after a torn record do not decode"
n=$(wc -l <"$T/ev2.jsonl")
[ "$n" = 4 ] || fail "after a torn record: $n events, want 4"
tail -n 1 "$T/ev2.jsonl" | grep -q '"train/win_rate": 0.25' || fail "the appended event is missing"

# A file damaged in the middle is left alone: the next run starts a new one.
$PY -c "import sys; p=sys.argv[1]; d=bytearray(open(p,'rb').read()); d[20]^=0xff; open(p,'wb').write(d)" "$f"
sleep 1
"$MK" "$D" 1700000003 11 train/loss=1 >/dev/null || fail "mktfevents after damage"
[ "$(ls "$D" | wc -l)" = 2 ] || fail "a damaged file was appended to: $(ls "$D")"
finish
