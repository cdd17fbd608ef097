# bash completion for replay-analyze
_replay_analyze()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-o|--output|-s|--summary|--skip-known|--password-file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return;;
	-r|--root)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return;;
	--race)
		COMPREPLY=($(compgen -W "zerg terran protoss any" -- "$cur")); return;;
	--game-type)	# a comma-separated list: complete its last word
		local listed=${cur%"${cur##*,}"}
		COMPREPLY=($(compgen -P "$listed" -W "1v1 1v1-vs-AI team team-with-AI coop
			arcade any" -- "${cur##*,}")); compopt -o nospace 2>/dev/null; return;;
	-p|--password|--min-seconds|--max-seconds)
		return;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--output --summary --skip-known --root --password
			--password-file --race --all-results --min-seconds --max-seconds
			--game-type --null --quiet --help --version" -- "$cur"))
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -X '!*.@(SC2Replay|zip)' -- "$cur"; compgen -d -- "$cur")
}
complete -o filenames -F _replay_analyze replay-analyze
