# lib.sh - what the shell tests share; sourced, not run.
#
# Each test reads ../shared in place and writes only below a temporary
# folder outside the project, removed on exit.

SHARED=${BGTRAIN_SHARED:-../shared}
REPLAYS=$SHARED/replays
BIN=${BGTRAIN_BIN:?}
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/bgtrain-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
failures=0

# need_shared: skip (77) when ../shared is absent, fail under CI=true.
need_shared() {
	[ -d "$REPLAYS" ] && return 0
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $REPLAYS is missing (CI always has it)"
		exit 1
	fi
	echo "SKIP: $REPLAYS is missing"
	exit 77
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect_status WANT GOT WHAT
expect_status() {
	[ "$1" = "$2" ] || fail "$3: exit status $2, want $1"
}

# expect_grep PATTERN FILE WHAT
expect_grep() {
	grep -q -- "$1" "$2" || { fail "$3: no line matching '$1' in:"; sed 's/^/    /' "$2" | head -n 10; }
}

# The 94 reference replays, one path a line, in MANIFEST order.
reference_list() {
	tail -n +2 "$REPLAYS/MANIFEST.tsv" | cut -f1 | sed "s|^|$REPLAYS/|"
}

# big_experience DIR: one game of 1.5 million decisions, about two seconds of
# training: a job that is surely running when a test acts on it.
big_experience() {
	$PY - "$1" <<'PY'
import os, sys, numpy as np
os.makedirs(sys.argv[1])
rng = np.random.default_rng(1)
n = 1500000
np.savez(sys.argv[1] + "/exp_big.npz", states=rng.standard_normal((n, 15)).astype(np.float32),
         actions=rng.integers(0, 5, n), rewards=rng.standard_normal(n).astype(np.float32))
PY
	touch -d "@1600000000" "$1/exp_big.npz"
}

# wait_for_process PATTERN: up to 10 s for a process whose command line matches.
wait_for_process() {
	for i in $(seq 1 100); do
		pgrep -f "$1" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# merge_setup: the programs, the good experience files, numpy, and the
# summary of the whole reference set in $T/whole.json ($T/list its replays).
merge_setup() {
	RA=$BIN/replay-analyze
	MR=$BIN/merge-results
	PT=$BIN/policy-train
	EXP=$SHARED/experience/good
	$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
	reference_list >"$T/list"
	"$RA" -s "$T/whole.json" --race any - <"$T/list" >/dev/null
}

# random_split LIST PREFIX SEED PARTS: LIST's lines shuffled by SEED into
# PARTS disjoint, non-empty files PREFIX.0 .. PREFIX.(PARTS-1).
random_split() {
	$PY - "$@" <<'PY'
import random, sys
paths = open(sys.argv[1]).read().splitlines()
rng = random.Random(int(sys.argv[3]))
rng.shuffle(paths)
cuts = sorted(rng.sample(range(1, len(paths)), int(sys.argv[4]) - 1))
for i, (a, b) in enumerate(zip([0] + cuts, cuts + [len(paths)])):
    open("%s.%d" % (sys.argv[2], i), "w").write("\n".join(paths[a:b]) + "\n")
PY
}

finish() {
	[ "$failures" -eq 0 ] && echo "all checks passed" && exit 0
	echo "$failures checks failed"
	exit 1
}

# tb_decode OUT FILE...: TensorBoard event files decoded by an independent
# reader, one JSON line per event into OUT: protoc's Python code for the
# subset of TensorBoard's event.proto and summary.proto we write (the field
# numbers are TensorBoard's), and the TFRecord framing with both masked
# CRC-32Cs checked here, by a bitwise CRC of our own. Needs Debian's
# protobuf-compiler and python3-protobuf (bin/install-deps): skipped
# without them, failed under CI=true.
tb_decode() {
	if ! command -v protoc >/dev/null || ! $PY -c 'import google.protobuf' 2>/dev/null; then
		echo "SKIP: protoc or python3-protobuf is missing (sh bin/install-deps)"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	fi
	mkdir -p "$T/proto"
	cat >"$T/proto/summary.proto" <<'PROTO'
syntax = "proto3";
package tensorboard;
message Summary {
  message Value {
    string tag = 1;
    oneof value { float simple_value = 2; }
  }
  repeated Value value = 1;
}
PROTO
	cat >"$T/proto/event.proto" <<'PROTO'
syntax = "proto3";
package tensorboard;
import "summary.proto";
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
  }
}
PROTO
	(cd "$T/proto" && protoc --python_out=. event.proto summary.proto) ||
		{ fail "protoc failed"; return 1; }
	out=$1
	shift
	PYTHONPATH=$T/proto $PY - "$out" "$@" <<'PY'
import json, struct, sys
import event_pb2

def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF

def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283
with open(sys.argv[1], "w") as out:
    for path in sys.argv[2:]:
        data = open(path, "rb").read()
        at = 0
        while at < len(data):
            if len(data) - at < 12:
                sys.exit("%s: %d stray bytes at %d" % (path, len(data) - at, at))
            head = data[at:at + 8]
            (n,) = struct.unpack("<Q", head)
            (lc,) = struct.unpack("<I", data[at + 8:at + 12])
            if lc != masked(head):
                sys.exit("%s: bad length CRC at %d" % (path, at))
            payload = data[at + 12:at + 12 + n]
            (pc,) = struct.unpack("<I", data[at + 12 + n:at + 16 + n])
            if len(payload) != n or pc != masked(payload):
                sys.exit("%s: bad payload CRC at %d" % (path, at))
            at += 16 + n
            ev = event_pb2.Event()
            ev.ParseFromString(payload)
            rec = {"file": path, "wall_time": ev.wall_time, "step": ev.step}
            if ev.WhichOneof("what") == "file_version":
                rec["file_version"] = ev.file_version
            elif ev.WhichOneof("what") == "summary":
                rec["values"] = {v.tag: v.simple_value for v in ev.summary.value}
            out.write(json.dumps(rec) + "\n")
PY
}
