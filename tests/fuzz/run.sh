#!/bin/sh
# run.sh - seed and run the libFuzzer harnesses of tests/fuzz (after
# `make fuzz-build`, which `make fuzz` and tests/t_fuzz.sh call).
#
#   sh tests/fuzz/run.sh fuzz SECONDS [NAME...]   fuzz each for SECONDS,
#       growing build/fuzz/corpus/NAME; crashes are kept, the run goes on
#       (build/fuzz/crashes/NAME/)
#   sh tests/fuzz/run.sh check [NAME...]   each over its seeds and
#       tests/fuzz/regressions/NAME, then FUZZ_RUNS (default 2000) new
#       inputs from -seed=1: deterministic; exit 1 on any crash, leak,
#       UBSan report, timeout or memory blow-up
#
# Seeds are read in place from ../shared (BGTRAIN_SHARED); what has to be
# made from them (replay members, .npy members, summaries, models, ledgers)
# is made under build/fuzz/seeds, never in the tree. Harnesses listed in
# tests/fuzz/corpus-only run in check over their corpus only, no new inputs
# (a crash found there is in code being fixed elsewhere).
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
B=$root/build/fuzz
shared=${BGTRAIN_SHARED:-$root/../shared}
bin=${BGTRAIN_BIN:-$root/bin}
mode=${1:?usage: run.sh fuzz SECONDS | check}
shift
secs=60
if [ "$mode" = fuzz ]; then
	secs=${1:?usage: run.sh fuzz SECONDS}
	shift
fi
runs=${FUZZ_RUNS:-2000}
all="replay versioned attributes npy npz experience model learned ledger config hostline hashcache"
names=${*:-$all}

[ -d "$shared/replays" ] || { echo "run.sh: no $shared/replays" >&2; exit 77; }
for n in $names; do
	[ -x "$B/bin/fuzz_$n" ] || { echo "run.sh: no $B/bin/fuzz_$n: make fuzz-build" >&2; exit 1; }
done

# ---- seeds: made once (remove build/fuzz/seeds to make them again) ----

links() {	# links DIR FILE...: symbolic links to files read in place
	mkdir -p "$1"
	d=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] && ln -sf "$f" "$d/$(printf %s "$f" | md5sum | cut -c1-12).$(basename "$f" | tr -c 'A-Za-z0-9._\n' _)"
	done
}

make_seeds() {
	S=$B/seeds
	rm -rf "$S.new"
	mkdir -p "$S.new"
	find "$shared/replays" -name '*.SC2Replay' >"$S.new/replays.list"
	links "$S.new/hostile" "$shared"/hostile/*
	# (the off-policy reference's games carry behavior_probs)
	links "$S.new/experience" "$shared"/experience/*.npz "$shared"/experience/*/*.npz \
		"$shared"/hostile/*.npz "$shared"/reference/offpolicy/ep_*.npz
	# versioned: each replay's header and versioned members
	mkdir -p "$S.new/versioned"
	tr '\n' '\0' <"$S.new/replays.list" | xargs -0 "$B/release/mkseeds" members \
		"$S.new/versioned" "$shared"/hostile/*.SC2Replay || return 1
	# attributes: each replay's fixed-layout lobby member
	mkdir -p "$S.new/attributes"
	tr '\n' '\0' <"$S.new/replays.list" | xargs -0 "$B/release/mkseeds" attributes \
		"$S.new/attributes" "$shared"/hostile/*.SC2Replay || return 1
	# ledger: written by the ledger's writers
	mkdir -p "$S.new/ledger.dir" "$S.new/ledger"
	"$B/release/mkseeds" ledger "$S.new/ledger.dir" || return 1
	cp "$S.new/ledger.dir/full.tsv" "$S.new/ledger/written.tsv"
	head -c 300 "$S.new/ledger/written.tsv" >"$S.new/ledger/torn.tsv"
	cp "$S.new/ledger.dir/ledger.tsv" "$S.new/ledger/tail.tsv"
	cp "$S.new/ledger.dir/ledger.snap" "$S.new/ledger/written.snap"
	head -c 300 "$S.new/ledger.dir/ledger.snap" >"$S.new/ledger/cut.snap"
	links "$S.new/ledger" "$shared"/hostile/*.tsv
	# hashcache: written by the cache's writer, and cut short
	mkdir -p "$S.new/hashcache.dir" "$S.new/hashcache"
	"$B/release/mkseeds" hashcache "$S.new/hashcache.dir" || return 1
	cp "$S.new/hashcache.dir/hashes.cache" "$S.new/hashcache/written.cache"
	head -c 100 "$S.new/hashcache/written.cache" >"$S.new/hashcache/cut.cache"
	links "$S.new/learned" "$shared"/hostile/*.json
	# model: a model and a candidate policy-train makes, and the bot's
	mkdir -p "$S.new/model"
	good=$(ls "$shared"/experience/good/*.npz | head -n 4)
	# shellcheck disable=SC2086
	"$bin/policy-train" -q -m "$S.new/model/model.npz" --init --hidden 4,3 \
		--actions 5 $good >/dev/null 2>&1 &&
	"$bin/policy-train" -q -m "$S.new/model/model.npz" -o "$S.new/model/candidate.npz" \
		$(ls "$shared"/experience/good/*.npz | sed -n 5,8p) >/dev/null 2>&1 ||
		echo "run.sh: policy-train made no model seeds" >&2
	rm -f "$S.new/model"/*.lock
	links "$S.new/model" "$shared"/experience/legacy_model.npz "$shared"/hostile/*.npz
	# npy: every member of those .npz files
	python3 - "$S.new/npy" "$S.new/experience"/* "$S.new/model"/*.npz <<'PY' || return 1
import os, sys, zipfile
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for i, path in enumerate(sys.argv[2:]):
    try:
        z = zipfile.ZipFile(path)
        for j, info in enumerate(z.infolist()[:16]):
            if info.file_size <= 1 << 20:
                with open(os.path.join(out, "%d.%d.npy" % (i, j)), "wb") as f:
                    f.write(z.read(info))
    except Exception:
        pass
PY
	# learned: summaries of two disjoint sets of replays, alone and as a pair
	mkdir -p "$S.new/learned"
	edge=$(grep /edge/ "$S.new/replays.list" | head -n 12)
	other=$(grep -v /edge/ "$S.new/replays.list" | head -n 6)
	(IFS='
'
	"$bin/replay-analyze" -q --race any --all-results -s "$S.new/learned/a.json" \
		-o /dev/null $edge >/dev/null 2>&1
	"$bin/replay-analyze" -q -s "$S.new/learned/b.json" -o /dev/null $other \
		>/dev/null 2>&1
	"$bin/replay-analyze" -q -s "$S.new/learned/c.json" -o /dev/null $edge \
		>/dev/null 2>&1)
	[ -s "$S.new/learned/a.json" ] && [ -s "$S.new/learned/b.json" ] ||
		echo "run.sh: replay-analyze made no summaries" >&2
	for p in "a c" "b c" "c b"; do
		set -- $p
		{ cat "$S.new/learned/$1.json"; printf '\0'; cat "$S.new/learned/$2.json"; } \
			>"$S.new/learned/$1$2.pair"
	done
	rm -rf "$S"
	mv "$S.new" "$S"
}

# Seeds made before a harness existed are made again.
{ [ -f "$B/seeds/replays.list" ] && [ -d "$B/seeds/attributes" ] &&
	[ -d "$B/seeds/hashcache" ] && [ -f "$B/seeds/ledger/written.snap" ]; } || make_seeds ||
	{ echo "run.sh: cannot make seeds" >&2; exit 1; }

# The seed folders of harness $1, read-only.
seeds_of() {
	S=$B/seeds
	case $1 in
	replay) echo "$S/replays $S/hostile";;
	versioned) echo "$S/versioned";;
	attributes) echo "$S/attributes";;
	npy) echo "$S/npy";;
	npz|experience) echo "$S/experience";;
	model) echo "$S/model";;
	learned) echo "$S/learned";;
	ledger) echo "$S/ledger $root/tests/fuzz/seeds/ledger";;
	config) echo "$root/tests/fuzz/seeds/config";;
	hostline) echo "$root/tests/fuzz/seeds/hostline";;
	hashcache) echo "$S/hashcache";;
	history) echo "$root/tests/fuzz/seeds/history";;
	esac
	[ -d "$root/tests/fuzz/regressions/$1" ] && echo "$root/tests/fuzz/regressions/$1"
}

# Options of harness $1: whole replays (libFuzzer cuts seeds at -max_len).
opts_of() {
	case $1 in
	replay) echo "-max_len=2097152";;
	esac
}

# The replays, linked in one folder (libFuzzer reads a folder's files).
if [ ! -d "$B/seeds/replays" ]; then
	mkdir -p "$B/seeds/replays"
	while IFS= read -r f; do
		links "$B/seeds/replays" "$f"
	done <"$B/seeds/replays.list"
fi

opts="-rss_limit_mb=512 -malloc_limit_mb=512 -timeout=30 -report_slow_units=1000 -close_fd_mask=3"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=
for n in $names; do
	# shellcheck disable=SC2046
	set -- $(seeds_of "$n")
	# shellcheck disable=SC2086
	set -- $(opts_of "$n") "$@"
	start=$(date +%s)
	if [ "$mode" = fuzz ]; then
		mkdir -p "$B/corpus/$n" "$B/crashes/$n"
		"$B/bin/fuzz_$n" $opts -max_total_time="$secs" -fork=1 \
			-ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
			-artifact_prefix="$B/crashes/$n/" "$B/corpus/$n" "$@" \
			>"$B/fuzz_$n.log" 2>&1
		echo "fuzz_$n: $(($(date +%s) - start))s, corpus $(ls "$B/corpus/$n" | wc -l)," \
			"crashes $(ls "$B/crashes/$n" | wc -l) (build/fuzz/crashes/$n, log build/fuzz/fuzz_$n.log)"
	else
		work=$B/check/$n
		rm -rf "$work" "$B/check-crashes/$n"
		mkdir -p "$work" "$B/check-crashes/$n"
		count=$(find -L $(seeds_of "$n") -type f | wc -l)
		more=$runs
		grep -qx "$n" "$root/tests/fuzz/corpus-only" 2>/dev/null && more=0
		[ "$more" -eq 0 ] && count=$((count + 1))	# at least one run: none is "forever"
		"$B/bin/fuzz_$n" $opts -seed=1 -runs=$((count + more)) \
			-artifact_prefix="$B/check-crashes/$n/" "$work" "$@" \
			>"$B/check_$n.log" 2>&1
		rc=$?
		t=$(($(date +%s) - start))
		if [ $rc -ne 0 ]; then
			failed="$failed $n"
			echo "FAIL fuzz_$n (exit $rc, ${t}s): $(ls "$B/check-crashes/$n")"
			grep -A30 'ERROR\|runtime error' "$B/check_$n.log" | head -n 40
		else
			echo "ok   fuzz_$n: $count seeds + $more runs, ${t}s"
		fi
	fi
done
[ -z "$failed" ] || { echo "failed:$failed"; exit 1; }
