# bash completion for merge-results
_merge_results()
{
	local cur prev what= i w
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	# The first word that is neither an option nor an option's argument.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-o|--output|--alpha)
			((i++)); continue;;
		-*)
			continue;;
		esac
		what=$w
		break
	done
	case $prev in
	-o|--output)
		case $what in
		learned) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"));;
		model) COMPREPLY=($(compgen -f -X '!*.npz' -- "$cur") $(compgen -d -- "$cur"));;
		*) COMPREPLY=($(compgen -f -- "$cur"));;
		esac
		return;;
	--alpha)
		return;;
	esac
	if [[ $cur == -* ]]; then
		case $what in
		learned) COMPREPLY=($(compgen -W "--output --alpha --quiet --help
			--version" -- "$cur"));;
		model) COMPREPLY=($(compgen -W "--output --average --quiet --help
			--version" -- "$cur"));;
		*) COMPREPLY=($(compgen -W "--output --alpha --average --quiet
			--help --version" -- "$cur"));;
		esac
		return
	fi
	case $what in
	learned)
		COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"));;
	model)
		COMPREPLY=($(compgen -f -X '!*.npz' -- "$cur") $(compgen -d -- "$cur"));;
	*)
		COMPREPLY=($(compgen -W "learned model" -- "$cur"));;
	esac
}
complete -o filenames -F _merge_results merge-results
