# t_soak - a minute of what months bring (tests/soak.py): a game every half
# second and bursts of replays while the driver is SIGKILLed and started
# again, the disk fills up and is freed, a watched folder is renamed and
# back; then every game once in the model, every replay once in the learned
# file, no temporary file, no surviving worker, no growth of the driver's
# RSS or descriptors. In make check's release pass only (ASan's quarantine
# grows by design); `make soak` runs it for minutes (SOAK_SECONDS).
. tests/lib.sh
if [ "${BGTRAIN_BUILD:-release}" = asan ]; then
	echo "the soak runs once, in the release pass"
	exit 77
fi
need_shared
$PY -c "import numpy" 2>/dev/null || { fail "python3-numpy is missing"; finish; }
trap 'umount -l "$T/fs" 2>/dev/null; rm -rf "$T"' EXIT
BGTRAIN_SHARED=$SHARED $PY tests/soak.py "${SOAK_SECONDS:-60}" "$T" ||
	{ fail "the soak (see above)"; tail -n 20 "$T/driver.log"; }
finish
