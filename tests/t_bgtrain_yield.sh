# t_bgtrain_yield - the workers yield to the game: nice 10 and the idle I/O
# class by default, --nice, --ionice and --idle (SCHED_IDLE) as asked, read
# from a running worker's /proc/PID/stat and ionice -p; the driver itself
# keeps its own priority.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
command -v ionice >/dev/null || { fail "no ionice (util-linux: sh bin/install-deps)"; finish; }
big_experience "$T/big"
pid=
trap 'kill $pid 2>/dev/null; rm -rf "$T"' EXIT

# stat_field PID N: field N of /proc/PID/stat (the name in parentheses skipped).
stat_field() {
	sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f$(($2 - 2))
}

# yields NAME WANT_NICE WANT_IONICE WANT_POLICY [OPTIONS]: a run whose
# training job must yield so.
yields() {
	what=$1 nice=$2 io=$3 policy=$4
	shift 4
	rm -rf "$T/s"
	"$BG" run --experience "$T/big" --state "$T/s" --cpu 100 --mem 100 --gpu-mem 100 \
		--settle 0 --grace 1 -q "$@" >"$T/out" 2>&1 &
	pid=$!
	wait_for_process "policy-train.*$T/big" || { fail "$what: the job never started"; kill $pid; wait $pid; return; }
	w=$(pgrep -f "policy-train.*$T/big" | head -n 1)
	got_nice=$(stat_field "$w" 19)
	got_policy=$(stat_field "$w" 41)
	got_io=$(ionice -p "$w")
	[ "$got_nice" = "$nice" ] || fail "$what: the worker's nice is $got_nice, want $nice"
	[ "$got_policy" = "$policy" ] || fail "$what: the worker's policy is $got_policy, want $policy"
	case $got_io in
	$io) ;;
	*) fail "$what: the worker's I/O class is '$got_io', want '$io'";;
	esac
	[ "$(stat_field $pid 19)" = 0 ] || fail "$what: the driver itself runs at nice $(stat_field $pid 19)"
	[ "$(stat_field $pid 41)" = 0 ] || fail "$what: the driver itself runs at policy $(stat_field $pid 41)"
	kill -TERM $pid
	wait $pid
	pid=
}

# SCHED_OTHER is policy 0, SCHED_IDLE 5 (sched(7)).
yields "by default" 10 idle 0
yields "--nice 15 --ionice best-effort" 15 "best-effort: prio 7" 0 --nice 15 --ionice best-effort
yields "--idle" 10 idle 5 --idle
# As bgtrain runs: the driver's own nice and I/O class.
yields "--nice 0 --ionice none" 0 "$(ionice -p $$)" 0 --nice 0 --ionice none
# A config file says the same.
printf 'nice = 7\nionice = Best-Effort\nidle = 1\n' >"$T/conf"
yields "a config file" 7 "best-effort: prio 7" 5 --config "$T/conf"
"$BG" run --experience "$T/big" --state "$T/s" --nice 20 >"$T/out" 2>&1
expect_status 64 $? "--nice 20"
"$BG" run --experience "$T/big" --state "$T/s" --ionice realtime >"$T/out" 2>&1
expect_status 64 $? "--ionice realtime"
finish
