# slurm_cluster.sh - a throw-away Slurm cluster for the Slurm test and bench;
# sourced, not run.
#
# slurm_cluster_up SHARED: as root, start munged, slurmctld and three slurmd
# (nodes n1-n3) with ../shared/tools/slurm_up.sh under a new folder of /tmp
# (unix socket paths must stay short), on ports no other cluster uses, and
# export SLURM_CONF; $SLURM_DIR is the folder. 0, or 1 after saying why.
# slurm_cluster_down: stop it (slurm_down.sh: every job cancelled, every
# daemon stopped, nothing left running) and remove its folder.
slurm_cluster_up() {
	_shared=$1
	SLURM_DIR=$(mktemp -d /tmp/bgslurm.XXXXXX) || return 1
	for _try in $(seq 1 20); do
		_base=$((20000 + ($$ * 7 + _try * 101) % 20000))
		_slurm_port_free $_base && _slurm_port_free $((_base + 10)) &&
			_slurm_port_free $((_base + 11)) && _slurm_port_free $((_base + 12)) && break
	done
	if ! SLURM_UP_CTLD_PORT=$_base SLURM_UP_NODE_PORT=$((_base + 10)) \
	    "$_shared/tools/slurm_up.sh" "$SLURM_DIR" >/dev/null 2>"$SLURM_DIR.err"; then
		tail -n 20 "$SLURM_DIR.err"
		echo "the Slurm cluster did not start"
		return 1
	fi
	rm -f "$SLURM_DIR.err"
	SLURM_SHARED=$_shared
	export SLURM_CONF="$SLURM_DIR/slurm.conf" PATH="$PATH:/usr/sbin:/sbin"
}

_slurm_port_free() {
	! (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null
}

slurm_cluster_down() {
	[ -n "${SLURM_DIR:-}" ] || return 0
	"$SLURM_SHARED/tools/slurm_down.sh" "$SLURM_DIR" >/dev/null 2>&1
	rm -rf "$SLURM_DIR" "$SLURM_DIR.err"
	SLURM_DIR=
}
