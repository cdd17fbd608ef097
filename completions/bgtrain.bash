# bash completion for bgtrain
. "${BASH_SOURCE[0]%/*}/bgtrain-suite-common"
_bgtrain()
{
	local cur prev what
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	# The subcommand; the options named here take an argument.
	what=$(_bgtrain_suite_operand "-r --replays -e --experience --bot -s --state
		-j --jobs --learned --model --deploy --on-merge --adopt-stale-tmp
		--quarantine --done-dir --priority --nice --ionice --executor --sbatch-args --host-probe
		--config --cpu --mem --gpu-mem --gpu-util --load --far
		--stats-every --grace --job-timeout --settle --poll --replay-batch
		--train-batch --log-max --behavior --max-ratio --lr --gamma --entropy --clip
		--optimizer --epochs --batch-episodes --hidden --race --game-type
		--min-seconds --max-seconds --password-file --dashboard-every -o
		--output")
	case $prev in
	-r|--replays|-e|--experience|--bot|-s|--state|--quarantine|--done-dir)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return;;
	--learned)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.json' -- "$cur"; compgen -d -- "$cur")
		return;;
	--model|--deploy)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.npz' -- "$cur"; compgen -d -- "$cur")
		return;;
	--on-merge)
		mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return;;
	--host-probe)
		mapfile -t COMPREPLY < <(compgen -c -W none -- "$cur"); return;;
	--behavior)
		COMPREPLY=($(compgen -W "auto uniform none" -- "$cur")); return;;
	--optimizer)
		COMPREPLY=($(compgen -W "adam sgd" -- "$cur")); return;;
	--hidden)
		COMPREPLY=($(compgen -W "64,64" -- "$cur")); return;;
	--config|--password-file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return;;
	--race)
		COMPREPLY=($(compgen -W "zerg terran protoss any" -- "$cur")); return;;
	--game-type)
		# A comma-separated list: complete the word after the last comma.
		local before=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$before" -W "1v1 1v1-vs-AI team team-with-AI coop
			arcade any" -- "${cur##*,}"))
		compopt -o nospace 2>/dev/null
		return;;
	--priority)
		COMPREPLY=($(compgen -W "training analysis" -- "$cur")); return;;
	--ionice)
		COMPREPLY=($(compgen -W "idle best-effort none" -- "$cur")); return;;
	--nice)
		COMPREPLY=($(compgen -W "0 5 10 15 19" -- "$cur")); return;;
	--executor)
		COMPREPLY=($(compgen -W "local slurm" -- "$cur")); return;;
	--sbatch-args)
		COMPREPLY=($(compgen -W "--partition= --account= --time= --qos=" -- "$cur"))
		return;;
	-j|--jobs)
		# auto, or 1 up to the number of CPUs.
		COMPREPLY=($(compgen -W "auto $(seq 1 "$(nproc 2>/dev/null || echo 8)")" -- "$cur"))
		return;;
	--cpu|--mem|--gpu-mem|--gpu-util|--load)
		# The gate's thresholds, as res-gate's: a number, or off.
		COMPREPLY=($(compgen -W "off" -- "$cur")); return;;
	--far|--stats-every|--grace|--job-timeout|--settle|--poll|--replay-batch|--train-batch|\
	--log-max|--adopt-stale-tmp|--max-ratio|--lr|--gamma|--entropy|--clip|--epochs|\
	--batch-episodes|--min-seconds|--max-seconds|--dashboard-every)
		return;;
	-o|--output)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.html' -- "$cur"; compgen -d -- "$cur")
		return;;
	esac
	if [[ $cur == -* ]]; then
		case $what in
		status) COMPREPLY=($(compgen -W "--state --replays --experience --bot
			--adopt-stale-tmp --config --windows-paths --json --repair --help
			--version" -- "$cur"));;
		rotate) COMPREPLY=($(compgen -W "--log-max --config --help --version" -- "$cur"));;
		report) COMPREPLY=($(compgen -W "--state --output --config --windows-paths --help
			--version" -- "$cur"));;
		*) COMPREPLY=($(compgen -W "--replays --experience --bot --state --jobs
			--learned --model --deploy --on-merge --adopt-stale-tmp
			--quarantine --done-dir --priority --nice --ionice --idle
			--executor --sbatch-args --config
			--cpu --mem --gpu-mem --gpu-util --load --far --stats-every
			--grace --job-timeout --settle --poll --replay-batch --train-batch --log-max
			--behavior --max-ratio --lr --gamma --entropy --clip --optimizer
			--epochs --batch-episodes --hidden
			--race --all-results --game-type --min-seconds --max-seconds
			--password-file --relearn --dashboard-every --no-history
			--host-probe --windows-paths --json --quiet
			--help --version" -- "$cur"));;
		esac
		return
	fi
	if [[ -z $what ]]; then
		COMPREPLY=($(compgen -W "run once status report rotate" -- "$cur"))
	elif [[ $what == rotate ]]; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}
complete -o filenames -F _bgtrain bgtrain
