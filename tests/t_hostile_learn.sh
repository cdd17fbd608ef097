# t_hostile_learn - policy-train and merge-results on hostile .npz files (issue 10):
# bounded memory, refused with one line and 65, no undefined behaviour.
. tests/lib.sh
need_shared
PT=$BIN/policy-train
MR=$BIN/merge-results
H=$SHARED/hostile
EXP=$SHARED/experience
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

# peak_kb FILE: the maximum resident size /usr/bin/time wrote, in KB.
peak_kb() { tail -n 1 "$1"; }

# 24 entries sharing one deflated member: refused before inflating, small memory.
cp "$EXP/legacy_model.npz" "$T/model.npz"
/usr/bin/time -o "$T/mem" -f %M "$PT" -m "$T/model.npz" "$H/oom_npz_overlapping_members.npz" \
    >"$T/out" 2>"$T/err"
expect_status 65 $? "overlapping members"
expect_grep "oom_npz_overlapping_members.npz: zip entries overlap" "$T/err" "overlap named"
[ "$(peak_kb "$T/mem")" -lt 100000 ] || fail "overlapping members: $(peak_kb "$T/mem") KB"
cmp -s "$T/model.npz" "$EXP/legacy_model.npz" || fail "model changed by a refused file"

# A model whose weights are uint8, 3 x 64 MiB deflated to a few KB: refused by
# their headers, before their data is allocated.
$PY - "$T/u8.npz" "$T/claim.npz" <<'PY'
import sys, zipfile, numpy as np, io
def header(descr, shape):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    h += " " * (63 - (10 + len(h)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h.encode()
n = 8192
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for l in (1, 2, 3):
        with z.open("W%d.npy" % l, "w", force_zip64=True) as f:
            f.write(header("|u1", (n, n)))
            zero = bytes(1 << 20)
            for _ in range(n * n >> 20):
                f.write(zero)
# A member that claims 200 MiB: its npy header says (4,), 32 bytes.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("states.npy", header("<f8", "(4,)") + bytes(32))
b = bytearray(buf.getvalue())
cd = b.rfind(b"PK\x01\x02")
b[cd + 24:cd + 28] = (200 << 20).to_bytes(4, "little")
lo = 0
b[lo + 22:lo + 26] = (200 << 20).to_bytes(4, "little")
open(sys.argv[2], "wb").write(b)
PY
/usr/bin/time -o "$T/mem" -f %M "$PT" -m "$T/u8.npz" "$EXP/good" >"$T/out" 2>"$T/err"
expect_status 65 $? "uint8 weights"
expect_grep "u8.npz: W1.npy: weights must be a float64 or float32" "$T/err" "uint8 weights named"
[ "$(peak_kb "$T/mem")" -lt 60000 ] || fail "uint8 weights: $(peak_kb "$T/mem") KB"
/usr/bin/time -o "$T/mem" -f %M "$PT" -m "$T/model.npz" "$T/claim.npz" >"$T/out" 2>"$T/err"
expect_status 65 $? "a member claiming 200 MiB"
expect_grep "claim.npz: states.npy: claims 209715200 bytes from" "$T/err" "claimed size refused"
[ "$(peak_kb "$T/mem")" -lt 60000 ] || fail "a member claiming 200 MiB: $(peak_kb "$T/mem") KB"

# episode_count near INT64_MAX (or INT64_MIN) in a model or a candidate: refused
# with 65 (not saturated), nothing written, no signed overflow under UBSan.
cp "$H/ubsan_policy_train_episode_count_overflow.npz" "$T/big.npz"
"$PT" -m "$T/big.npz" "$EXP/good" >"$T/out" 2>"$T/err"
expect_status 65 $? "episode_count overflow in policy-train"
expect_grep "big.npz: episode_count would pass 9223372036854775807" "$T/err" "policy-train overflow named"
cmp -s "$T/big.npz" "$H/ubsan_policy_train_episode_count_overflow.npz" || fail "overflowing model rewritten"
"$MR" model -o "$T/target.npz" "$H/ubsan_merge_episode_count_overflow.npz" >"$T/out" 2>"$T/err"
expect_status 65 $? "episode_count overflow in merge-results"
expect_grep "ubsan_merge_episode_count_overflow.npz: episode_count is negative" "$T/err" "merge overflow named"
[ -e "$T/target.npz" ] && fail "a refused merge wrote the model"

finish
