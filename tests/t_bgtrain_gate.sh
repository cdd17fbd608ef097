# t_bgtrain_gate - far over the gate, the driver stops its youngest job and runs it again later
#
# In the release pass only: a test of timing (the machine's own CPU load),
# whose code ASan sees in t_res_gate, t_host and every driver test.
. tests/lib.sh
if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
	echo "the gate's timing is tested once, in the release pass"
	exit 77
fi
need_shared
BG=$BIN/bgtrain
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
big_experience "$T/big"
# A wider model (the driver trains the model it finds) makes the job last
# seconds, long enough for the gate to catch it running.
mkdir -p "$T/s" "$T/seed"
$PY - "$T/seed" <<'PY'
import sys, numpy as np
np.savez(sys.argv[1] + "/exp_seed.npz", states=np.zeros((4, 15), np.float32),
         actions=np.zeros(4, np.int64), rewards=np.zeros(4, np.float32))
PY
"$BIN/policy-train" -m "$T/s/rl_agent_model.npz" --init --hidden 256,256 "$T/seed" >/dev/null ||
	fail "cannot make the wide model"
loads=
trap 'kill $loads 2>/dev/null; rm -rf "$T"' EXIT

# The driver's own worker does not count against the gate: alone, it runs on.
"$BG" run --experience "$T/big" --state "$T/s" --cpu 50 --far 10 --mem 100 --gpu-mem 100 \
	--settle 0 --grace 5 -q >"$T/out" 2>&1 &
pid=$!
wait_for_process "policy-train.*$T/big" || fail "the training job never started"
# Someone else's work fills every core: far over, the youngest job stops.
for i in $(seq 1 "$(nproc)"); do
	sh -c 'while :; do :; done' &
	loads="$loads $!"
done
for i in $(seq 1 100); do
	grep -q "	15	1	" "$T/s/joblog.tsv" 2>/dev/null && break
	sleep 0.1
done
grep -q "	15	1	" "$T/s/joblog.tsv" || fail "far over the gate, the job was not stopped (SIGTERM)"
sleep 2
pgrep -f "policy-train.*$T/big" >/dev/null && fail "a job started while the gate was closed"
kill $loads; loads=
# The gate opens again: the job runs again and lands, once.
for i in $(seq 1 600); do
	grep -q "^M	" "$T/s/ledger.tsv" 2>/dev/null && break
	sleep 0.1
done
kill -TERM "$pid"; wait "$pid"
$PY - "$T/s" <<'PY' || fail "the stopped job did not run again exactly once"
import sys, numpy as np
lines = [l.split("\t") for l in open(sys.argv[1] + "/ledger.tsv")]
assert sum(1 for l in lines if l[0] == "M") == 1, lines
assert np.load(sys.argv[1] + "/rl_agent_model.npz")["episode_count"][0] == 1 + 1
PY
finish
