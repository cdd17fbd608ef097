# t_bgtrain_slurm - bgtrain --executor slurm on a real Slurm cluster, exactly once
#
# The test starts its own cluster as root (../shared/tools/slurm_up.sh:
# munged, slurmctld and three slurmd as nodes n1-n3, all under a temporary
# folder, on free ports) and stops it afterwards with nothing left running.
# Then: once over the shared replays and generated games gives the learned
# file of one replay-analyze --summary and episode_count equal to the
# games, with the local gate shut (it is not asked), on the cluster's nodes
# (Slurm's job records); SIGKILLed at random moments and restarted, the
# same, nothing counted twice and no input submitted twice while a job for
# it was alive; jobs lost while waiting run again; a job whose driver died
# before sbatch's answer was recorded is found by its name; --relearn beside
# a killed driver's analysis jobs waits for them and lands none; Ctrl+C cancels every job and leaves the queue empty; a job
# that fails on a node lands as a failure with its stderr; bad set-up
# stops at once with 69 (no sbatch, no controller, a state folder the nodes
# cannot write, found by the first job and said once). Without root it
# skips (CI runs as root). Runs once per `make check`, in the release pass:
# the cluster takes seconds to start, the driver's code is the same.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain

# The state folder's lock holds across machines: the driver refused beside
# another names its host and pid (any user, any pass).
mkdir -p "$T/lockr"
cp "$(reference_list | head -n 1)" "$T/lockr/a.SC2Replay"
"$BG" run --replays "$T/lockr" --state "$T/lock" --settle 0 -q >/dev/null 2>&1 &
lockpid=$!
for i in $(seq 1 50); do grep -q " " "$T/lock/driver.lock" 2>/dev/null && break; sleep 0.1; done
"$BG" once --replays "$T/lockr" --state "$T/lock" --settle 0 2>"$T/err" >/dev/null
expect_status 75 $? "a second driver on one state folder"
expect_grep "another bgtrain (pid $lockpid on $(hostname)) is working" "$T/err" \
	"the refusal names the holder's host and pid"
kill -TERM "$lockpid"; wait "$lockpid"

if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
	echo "the Slurm cluster is started once, in the release pass"
	exit 77
fi
if [ "$(id -u)" != 0 ]; then
	[ "$failures" -eq 0 ] || finish
	echo "SKIP: starting a Slurm cluster needs root (CI runs as root)"
	exit 77
fi
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }

# The cluster, stopped on the way out whatever happens.
. tests/slurm_cluster.sh
trap 'slurm_cluster_down; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
slurm_cluster_up "$SHARED" || { fail "no cluster"; finish; }
C=$SLURM_DIR

# Inputs: the 94 shared replays, 24 generated games.
mkdir -p "$T/replays" "$T/exp"
reference_list | while IFS= read -r p; do
	cp "$p" "$T/replays/$(printf %s "${p#$REPLAYS/}" | tr '/ ' '__')"
done
$PY "$SHARED/tools/make_experience.py" "$T/exp" 24 40 11 || fail "make_experience"
touch -d "@1600000000" "$T/replays/"* "$T/exp/"*
"$BIN/replay-analyze" --summary "$T/direct.json" "$T/replays" >/dev/null ||
	fail "replay-analyze --summary"
RUN="--executor slurm --replays $T/replays --experience $T/exp --jobs 3 --replay-batch 12 --train-batch 4 --settle 0 --grace 2"

# same_result STATE WHAT: the learned file of one summary, every game once.
same_result() {
	$PY - "$T/direct.json" "$1" <<'PY' || fail "$2: not the result of one summary and 24 games"
import json, sys, numpy as np
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2] + "/learned_build_orders.json"))
a.pop("generated_at"); b.pop("generated_at")
assert a == b, "learned files differ"
n = np.load(sys.argv[2] + "/rl_agent_model.npz")["episode_count"][0]
assert n == 24, "episode_count %d" % n
PY
}

# exactly_once STATE WHAT [INPUTS]: no input merged twice; no input submitted
# while a job for it was still open (S ... P or E in the ledger's order); INPUTS
# (default 94 + 24) merged in all.
exactly_once() {
	$PY - "$1/ledger.tsv" "${3:-118}" <<'PY' || fail "$2: the ledger shows an input counted or submitted twice"
import sys
jobs, merged, held, done = {}, set(), {}, {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")[:-1]       # the checksum left off
    if f[0] == "S":
        hashes = f[3].split(",")
        for h in hashes:
            assert h not in held, "input %s submitted by job %s while job %s held it" % (h, f[1], held[h])
            held[h] = f[1]
        jobs[f[1]] = hashes
    elif f[0] in "EP":                             # ended, or landed
        for h in jobs.get(f[1], []):
            if held.get(h) == f[1]:
                del held[h]
        if f[0] == "P":
            jobs["P" + f[1]] = f[5].split(",")
    elif f[0] == "M":
        for h in jobs["P" + f[1]]:
            assert h not in done, "input %s merged twice" % h
            done[h] = f[1]
    elif f[0] == "R":                               # --relearn: a new learned file
        done = {}
assert not held, "inputs still held at the end: %d" % len(held)
assert len(done) == int(sys.argv[2]), len(done)
PY
}

# ours STATE: squeue lines (all states) of the jobs whose name is the state folder's.
ours() {
	squeue -h -t all -o '%A|%T|%j|%N' | grep "|bgtrain\.$(basename "$1")\." || true
}

# 1. once, with the local gate shut: the cluster runs every job.
"$BG" once $RUN --state "$T/s1" --cpu 0 --mem 0 >"$T/out1" 2>"$T/err1"
expect_status 0 $? "once --executor slurm"
expect_grep "^Replays Analyzed: 94$" "$T/out1" "once --executor slurm: replays"
same_result "$T/s1" "once --executor slurm"
exactly_once "$T/s1" "once --executor slurm"
# Slurm's records: one finished job for each submission, on the nodes.
ids=$(awk -F'\t' '$1 == "X" {print $3}' "$T/s1/ledger.tsv" | sort -n)
[ -n "$ids" ] || fail "the ledger records no Slurm job id"
for id in $ids; do
	grep -q "^JobId=$id .*JobState=COMPLETED .*NodeList=n[1-3] " "$C/jobcomp.txt" ||
		fail "Slurm has no completed job $id on a node"
done
nodes=$(grep -o "NodeList=n[1-3]" "$C/jobcomp.txt" | sort -u | wc -l)
[ "$nodes" -ge 2 ] || fail "the jobs ran on $nodes node(s) of 3"
[ "$(grep -c . "$T/s1/joblog.tsv")" -eq $(($(echo "$ids" | wc -l) + 1)) ] ||
	fail "the job log and Slurm disagree on how many jobs ran"

# 2. SIGKILLed at random moments, then finished: the same, exactly once.
for i in $(seq 1 8); do
	"$BG" once $RUN --state "$T/s2" >/dev/null 2>>"$T/kills" &
	pid=$!
	sleep "$($PY -c "import random; print(random.uniform(0.2, 2.5))")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
"$BG" once $RUN --state "$T/s2" >"$T/out2" 2>"$T/err2"
expect_status 0 $? "the run after the kills"
grep -q "looking for them in the cluster" "$T/kills" "$T/err2" ||
	fail "no restart found jobs of a killed driver (the test did not test it)"
same_result "$T/s2" "killed and restarted"
exactly_once "$T/s2" "killed and restarted"
[ -z "$(ours "$T/s2" | grep -v -e COMPLETED -e CANCELLED -e FAILED)" ] ||
	fail "jobs of the killed drivers are still in the queue"

# 2b. Killed with jobs running and jobs waiting for a node; the waiting ones
# then cancelled (lost: they never ran). The next driver waits for the
# running ones and lands them, and runs the lost ones' inputs again.
mkdir -p "$T/slow4" "$T/r8"
cp "$BG" "$BIN/merge-results" "$T/slow4/"
printf '#!/bin/sh\n[ -z "$SLURMD_NODENAME" ] || sleep 4\nexec %s "$@"\n' "$BIN/replay-analyze" \
	>"$T/slow4/replay-analyze"
chmod +x "$T/slow4/replay-analyze"
cp "$T/replays/"* "$T/r8/"
"$T/slow4/bgtrain" once --executor slurm --replays "$T/r8" --state "$T/s8" --jobs 5 \
	--replay-batch 10 --settle 0 -q >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do
	[ "$(ours "$T/s8" | grep -c RUNNING)" = 3 ] && [ "$(ours "$T/s8" | grep -c PENDING)" = 2 ] && break
	sleep 0.1
done
kill -9 "$pid"; wait "$pid" 2>/dev/null
waiting=$(ours "$T/s8" | awk -F'|' '$2 == "PENDING" {print $1}')
[ "$(echo $waiting | wc -w)" = 2 ] || fail "lost jobs: not three running and two waiting: $(ours "$T/s8" | tr '\n' ' ')"
scancel $waiting
"$BG" once --executor slurm --replays "$T/r8" --state "$T/s8" --jobs 3 --replay-batch 10 \
	--settle 0 >/dev/null 2>"$T/err8"
expect_status 0 $? "the run after jobs were lost"
expect_grep "5 jobs an earlier run submitted have not been seen to end" "$T/err8" \
	"the next driver looks for the jobs of the killed one"
[ "$(grep -c "never ran to the end (CANCELLED): its inputs run again" "$T/err8")" = 2 ] ||
	fail "the two lost jobs were not run again: $(cat "$T/err8")"
$PY - "$T/direct.json" "$T/s8/learned_build_orders.json" <<'PY' || fail "lost jobs: not the learned file of one summary"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("generated_at"); b.pop("generated_at")
assert a == b
PY
exactly_once "$T/s8" "lost jobs" 94

# 2c. Killed after sbatch took the job and before its id was recorded: the
# next driver finds the job by its name, records its id and lands it; the
# inputs are not submitted again.
mkdir -p "$T/killer" "$T/r9"
printf '#!/bin/sh\n%s "$@"\nkill -9 $PPID\n' "$(command -v sbatch)" >"$T/killer/sbatch"
chmod +x "$T/killer/sbatch"
ls "$T/replays/"* | head -n 3 | while IFS= read -r p; do cp "$p" "$T/r9/"; done
PATH="$T/killer:$PATH" "$BG" once --executor slurm --replays "$T/r9" --state "$T/s9" \
	--settle 0 -q >/dev/null 2>&1
[ "$(cut -c1 "$T/s9/ledger.tsv" | tr -d '\n')" = S ] ||
	fail "killed right after sbatch: want only an S record, got $(cut -c1 "$T/s9/ledger.tsv" | tr -d '\n')"
"$BG" once --executor slurm --replays "$T/r9" --state "$T/s9" --settle 0 -q >/dev/null 2>&1
expect_status 0 $? "the run after a kill right after sbatch"
[ "$(grep -c "^JobId=.* Name=bgtrain\.s9\." "$C/jobcomp.txt")" = 1 ] ||
	fail "killed right after sbatch: not exactly one job ran: $(grep "Name=bgtrain\.s9\." "$C/jobcomp.txt")"
id=$(grep "^JobId=.* Name=bgtrain\.s9\." "$C/jobcomp.txt" | sed 's/^JobId=\([0-9]*\) .*/\1/')
[ "$(cut -c1 "$T/s9/ledger.tsv" | tr -d '\n')" = SXPM ] &&
	grep -q "^X	0	$id	" "$T/s9/ledger.tsv" ||
	fail "killed right after sbatch: the job was not found by name: $(cut -c1-40 "$T/s9/ledger.tsv")"
"$BIN/replay-analyze" --summary "$T/direct9.json" "$T/r9" >/dev/null
$PY - "$T/direct9.json" "$T/s9/learned_build_orders.json" <<'PY' || fail "killed right after sbatch: not the learned file of one summary"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("generated_at"); b.pop("generated_at")
assert a == b
PY

# 2d. --relearn while analysis jobs of a killed driver still run: they are
# waited for (their inputs stay held) but never landed, and every replay is
# analysed again with the new settings.
"$T/slow4/bgtrain" once --executor slurm --replays "$T/r8" --state "$T/s11" --jobs 3 \
	--replay-batch 10 --settle 0 -q >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 100); do
	[ "$(ours "$T/s11" | grep -c RUNNING)" = 3 ] && break
	sleep 0.1
done
kill -9 "$pid"; wait "$pid" 2>/dev/null
"$BG" once --executor slurm --replays "$T/r8" --state "$T/s11" --jobs 3 --replay-batch 10 \
	--race any --relearn --settle 0 -q >/dev/null 2>"$T/err11"
expect_status 0 $? "--relearn beside jobs of a killed driver"
"$BIN/replay-analyze" --race any --summary "$T/direct_any.json" "$T/r8" >/dev/null
$PY - "$T/direct_any.json" "$T/s11/learned_build_orders.json" "$T/s11/ledger.tsv" <<'PY' ||
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a.pop("generated_at"); b.pop("generated_at")
assert a == b, "learned files differ"
before, produced, relearned = set(), set(), False
for line in open(sys.argv[3]):
    f = line.split("\t")
    if f[0] == "R":
        relearned = True
    elif f[0] == "S" and not relearned:
        before.add(f[1])
    elif f[0] == "P":
        produced.add(f[1])
assert relearned and before, (relearned, before)
assert not before & produced, "jobs from before --relearn landed: %s" % (before & produced)
PY
	fail "--relearn beside jobs of a killed driver: their old summaries landed, or not the new file"
exactly_once "$T/s11" "--relearn beside jobs of a killed driver" 94

# 3. Ctrl+C: every job of ours cancelled, the queue left empty, no process left.
mkdir -p "$T/slow"
cp "$BG" "$BIN/merge-results" "$T/slow/"
printf '#!/bin/sh\n[ -z "$SLURMD_NODENAME" ] || sleep 60\nexec %s "$@"\n' "$BIN/replay-analyze" \
	>"$T/slow/replay-analyze"
chmod +x "$T/slow/replay-analyze"
"$T/slow/bgtrain" run --executor slurm --replays "$T/replays" --state "$T/s3" --jobs 3 --replay-batch 10 \
	--settle 0 --grace 2 -q >/dev/null 2>"$T/err3" &
pid=$!
for i in $(seq 1 100); do
	[ "$(ours "$T/s3" | grep -c RUNNING)" = 3 ] && break
	sleep 0.1
done
[ "$(ours "$T/s3" | grep -c RUNNING)" = 3 ] || fail "Ctrl+C: three jobs did not start"
kill -INT "$pid"
for i in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { fail "Ctrl+C: the driver did not stop in 60 s"; kill -9 "$pid"; }
wait "$pid"
expect_status 130 $? "Ctrl+C"
[ -z "$(squeue -h -o %A)" ] || fail "Ctrl+C left jobs in the queue: $(squeue -h | tr '\n' ';')"
[ "$(ours "$T/s3" | grep -c CANCELLED)" = 3 ] || fail "Ctrl+C: the jobs were not cancelled"
pgrep -f "$T/slow/replay-analyze" >/dev/null && fail "Ctrl+C left a job's process running"
[ "$(grep -c '^S	' "$T/s3/ledger.tsv")" = "$(grep -c '^E	' "$T/s3/ledger.tsv")" ] ||
	fail "Ctrl+C: a submitted job was not recorded ended"

# 4. A job that fails on a node lands as a failure, with its stderr. (The
# stand-ins are slow or fail only on a node: the driver runs replay-analyze
# itself at start-up, to check the learned file's settings.)
mkdir -p "$T/fails" "$T/r4"
cp "$BG" "$BIN/merge-results" "$T/fails/"
printf '#!/bin/sh\n[ -n "$SLURMD_NODENAME" ] || exec %s "$@"\necho "no luck on $SLURMD_NODENAME" >&2\nexit 70\n' \
	"$BIN/replay-analyze" >"$T/fails/replay-analyze"
chmod +x "$T/fails/replay-analyze"
cp "$(reference_list | head -n 1)" "$T/r4/a.SC2Replay"
"$T/fails/bgtrain" once --executor slurm --replays "$T/r4" --state "$T/s4" --settle 0 \
	>"$T/out4" 2>"$T/err4"
expect_status 65 $? "a job that fails on a node"
expect_grep "job 0 (replay-analyze, cluster job [0-9]* on n[1-3]) failed with status 70; see $T/s4/work/job-000000/stderr" \
	"$T/err4" "the failure names the job, the node and its stderr"
expect_grep "^no luck on n[1-3]$" "$T/s4/work/job-000000/stderr" "the job's stderr is kept"
awk -F'\t' 'NR > 1 && $5 != 70 { bad = 1 } END { exit bad }' "$T/s4/joblog.tsv" ||
	fail "the job log lacks the exit status 70"

# 5. Bad set-up: one line, 69, at once.
PATH=/nonexistent "$BG" once $RUN --state "$T/s5" 2>"$T/err5" >/dev/null
expect_status 69 $? "no sbatch"
expect_grep "sbatch: not found on PATH" "$T/err5" "no sbatch: said"
# The first sbatch refused (a partition that does not exist): Slurm's words, 69.
"$BG" once $RUN --state "$T/s10" --sbatch-args "--partition=nosuch" >/dev/null 2>"$T/err10"
expect_status 69 $? "a partition that does not exist"
expect_grep "^bgtrain: sbatch: error: invalid partition specified: nosuch$" "$T/err10" \
	"a partition that does not exist: sbatch's own words, once"
[ "$(grep -c . "$T/err10")" = 1 ] || fail "a partition that does not exist: said more than once"
# The nodes run the jobs as a user who cannot write the state folder:
# found by the first job, said once, and the driver stops.
"$BG" once $RUN --state "$T/s6" --sbatch-args "--uid=65534 --comment='cannot see it'" \
	>/dev/null 2>"$T/err6"
expect_status 69 $? "a state folder the nodes cannot write"
[ "$(grep -c "must be on a file system the nodes share" "$T/err6")" = 1 ] ||
	{ fail "a state folder the nodes cannot see: not said exactly once"; cat "$T/err6"; }
[ -z "$(ours "$T/s6" | grep -v -e COMPLETED -e CANCELLED -e FAILED)" ] ||
	fail "jobs left in the queue after a state folder the nodes cannot see"
sed 's/^SlurmctldPort=.*/SlurmctldPort=9/' "$C/slurm.conf" >"$T/dead.conf"
SLURM_CONF=$T/dead.conf "$BG" once $RUN --state "$T/s7" 2>"$T/err7" >/dev/null
expect_status 69 $? "a controller that does not answer"
expect_grep "squeue: .*Unable to contact slurm controller" "$T/err7" \
	"a controller that does not answer: Slurm's own words"
finish
