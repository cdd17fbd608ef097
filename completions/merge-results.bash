# bash completion for merge-results
. "${BASH_SOURCE[0]%/*}/bgtrain-suite-common"
_merge_results()
{
	local cur prev what
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	# The subcommand; the options named here take an argument.
	what=$(_bgtrain_suite_operand "-o --output --alpha")
	case $prev in
	-o|--output)
		case $what in
		learned) mapfile -t COMPREPLY < <(compgen -f -X '!*.json' -- "$cur"; compgen -d -- "$cur");;
		model) mapfile -t COMPREPLY < <(compgen -f -X '!*.npz' -- "$cur"; compgen -d -- "$cur");;
		*) mapfile -t COMPREPLY < <(compgen -f -- "$cur");;
		esac
		return;;
	--alpha)
		return;;
	esac
	if [[ $cur == -* ]]; then
		case $what in
		learned) COMPREPLY=($(compgen -W "--output --alpha --quiet --json
			--help --version" -- "$cur"));;
		model) COMPREPLY=($(compgen -W "--output --average --quiet --json
			--help --version" -- "$cur"));;
		*) COMPREPLY=($(compgen -W "--output --alpha --average --quiet
			--json --help --version" -- "$cur"));;
		esac
		return
	fi
	case $what in
	learned)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.json' -- "$cur"; compgen -d -- "$cur");;
	model)
		mapfile -t COMPREPLY < <(compgen -f -X '!*.npz' -- "$cur"; compgen -d -- "$cur");;
	*)
		COMPREPLY=($(compgen -W "learned model" -- "$cur"));;
	esac
}
complete -o filenames -F _merge_results merge-results
